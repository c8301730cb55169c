// The local WCS-compatible gateway: one HTTP server carrying the websdk's WebSocket
// protocol and a small REST API, with a werift media endpoint per call leg.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { isIP, type AddressInfo } from 'node:net';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { createReadStream, statSync } from 'node:fs';
import { WebSocketServer } from 'ws';
import { Accounts, DEFAULT_ACCOUNTS_FILE, loadAccountsFile, validateAccounts } from './accounts.js';
import { loadAppsFile, validateApps, type App } from './apps.js';
import { Switchboard } from './call.js';
import { MediaRegistry, type Impairment } from './media.js';
import { REST_PREFIX, handleRest } from './rest.js';
import { Session, TokenStore, type CallHandler, type RefuseMode } from './session.js';
import { SipSwitchboard, type SipMediaMode } from './sip/sip-switchboard.js';
import { RtpengineClient, parseNgAddress } from './sip/rtpengine.js';
import { Timers, consoleLogger, errorMessage, isLogLevel, type LogLevel, type Logger } from './util.js';
import { LoginThrottle, OriginPolicy, guardLogger, safe, type ThrottleOptions } from './security.js';

export type { Logger, LogLevel } from './util.js';

export interface GatewayOptions {
  /** Address to listen on (HTTP, WebSocket and media). Default 127.0.0.1. */
  host?: string;
  /** Port for HTTP + WebSocket; 0 picks a free port. Default 8080. */
  port?: number;
  /** Accounts `{login: password}`; takes precedence over `accountsFile`. */
  accounts?: Record<string, string>;
  /** Accounts JSON file. Default: server/accounts.json (10005-10008). */
  accountsFile?: string;
  /** Ringing time before the call fails with "Request Timeout". Default 60000. */
  noAnswerTimeoutMs?: number;
  /** A logger object, or a level for the console logger. Default 'warn'. */
  logger?: Logger | LogLevel;
  /** Server `ping` frame interval; 0 disables. Default 5000. */
  pingIntervalMs?: number;
  /** Close a session that sent nothing for this long; 0 disables. Default 3 x pingIntervalMs. */
  keepaliveTimeoutMs?: number;
  /** Largest accepted WebSocket frame in bytes (larger: closed with 1009). Default 256 KiB. */
  maxPayload?: number;
  /** How long an authToken of a closed keepAlive session stays usable. Default 60000. */
  tokenTtlMs?: number;
  /**
   * The only local address used for media (ICE). Default: `host` when it is an IP address
   * (127.0.0.1 by default, so media never leaves loopback), none when listening on all
   * interfaces.
   */
  mediaAddress?: string;
  /**
   * How a refused `connection` (wrong password, unknown login, unknown authToken) ends
   * the socket after its `fail` frame: 'fail' (default) makes the browser's WebSocket fail
   * with a protocol error, so the websdk fires session FAILED; 'close' closes cleanly with
   * code 4403, so the websdk fires DISCONNECTED.
   */
  refuseMode?: RefuseMode;
  /** Serve the websdk package (and its Phone example) under /websdk/. Default true. */
  serveWebsdk?: boolean;
  /**
   * A SIP server's WebSocket URL (`ws://127.0.0.1:8080`): sessions register their accounts
   * there (digest auth) and calls become SIP dialogs, instead of the local accounts.
   */
  sipServer?: string;
  /** SIP domain for sessions whose `connection` names none. Default: the SIP server's host. */
  sipDomain?: string;
  /**
   * Where media goes with a SIP server: 'relay' (default) passes the browser's SDP through
   * and the SIP server relays media (e.g. Kamailio + rtpengine); 'gateway' ends WebRTC in the
   * gateway and reaches plain-RTP phones through rtpengine, driven over `rtpengine`.
   */
  sipMedia?: SipMediaMode;
  /** rtpengine's ng control address `host:port`: needed by sipMedia 'gateway' and by RFC 2833 DTMF. */
  rtpengine?: string;
  /** REGISTER expiry in seconds. Default 300. */
  sipRegisterExpires?: number;
  /**
   * Test hook: lets `impair()` drop and delay a call leg's media datagrams (loss, jitter), so
   * tests can cause media failures and poor quality for real. Off by default.
   */
  allowImpairment?: boolean;
  /**
   * The bearer token the REST API requires (`Authorization: Bearer TOKEN`). Without one the
   * REST API is off (404).
   */
  restToken?: string;
  /**
   * Origins whose pages may use the gateway besides loopback ones: they may open WebSockets,
   * and only they get CORS answers from REST. `scheme://host:*` allows any port.
   */
  allowOrigins?: string[];
  /**
   * A connection that sends nothing, or a WebSocket that sends no `connection` frame, is
   * closed after this long. Default 15000.
   */
  idleTimeoutMs?: number;
  /** Most concurrent sessions (more are refused with 503). Default 1000. */
  maxSessions?: number;
  /** Most concurrent sessions from one address. Default 200. */
  maxSessionsPerAddress?: number;
  /** Login throttling (failed sign-ins per login and per address). Defaults: 10 a minute, then 30 s. */
  throttle?: ThrottleOptions;
  /**
   * App keys for "Call us" buttons, `{"KEY": {"account", "callees", "password"?}}` (see
   * server/apps.ts); `appsFile` reads them from a JSON file. Default: none.
   */
  apps?: Record<string, unknown>;
  appsFile?: string;
}

export interface GatewayStats {
  sessions: number;
  registrations: number;
  legs: number;
  calls: number;
  peerConnections: number;
  timers: number;
  tokens: number;
  totals: { sessions: number; calls: number; established: number; transfers: number };
}

export interface Gateway {
  /** `ws://host:port` for the websdk's `urlServer`. */
  readonly url: string;
  /** `http://host:port/rest-api`. */
  readonly restUrl: string;
  readonly host: string;
  readonly port: number;
  stats(): GatewayStats;
  /** Same as REST find_all. */
  findAll(): Record<string, unknown>[];
  /** Same as REST terminate; false when there is no such call. */
  terminate(callId: string): boolean;
  /**
   * Test hook, only with `allowImpairment`: drops a share (`loss`, 0-1) of a leg's media
   * datagrams both ways and delays the rest by up to `jitterMs`; null restores the path.
   * False when there is no such leg (or no media of its own here).
   */
  impair(callId: string, impairment: Impairment | null): boolean;
  close(): Promise<void>;
}

function resolveLogger(logger: GatewayOptions['logger']): Logger {
  if (logger && typeof logger === 'object') return guardLogger(logger);
  return guardLogger(consoleLogger(isLogLevel(logger) ? logger : 'warn'));
}

function displayHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return isIP(host) === 6 ? `[${host}]` : host;
}

function defaultMediaAddress(host: string): string | undefined {
  if (host === 'localhost') return '127.0.0.1';
  if (isIP(host) === 4 && host !== '0.0.0.0') return host;
  return undefined;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.gif': 'image/gif',
  '.svg': 'image/svg+xml',
  '.mp4': 'video/mp4',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
};

function websdkRoot(): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    return dirname(require.resolve('@flashphoner/websdk/package.json'));
  } catch {
    return undefined;
  }
}

/** Serves a file of the websdk package under /websdk/ (read-only, no directory listing). */
function serveStatic(root: string, urlPath: string, res: ServerResponse): void {
  let relative: string;
  try {
    relative = decodeURIComponent(urlPath.slice('/websdk/'.length));
  } catch {
    res.writeHead(400).end();
    return;
  }
  const file = normalize(join(root, relative));
  if (!file.startsWith(root + sep) || file.slice(root.length).split(sep).includes('node_modules')) {
    res.writeHead(404).end();
    return;
  }
  try {
    if (!statSync(file).isFile()) throw new Error('not a file');
  } catch {
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not Found');
    return;
  }
  res.writeHead(200, { 'Content-Type': MIME[extname(file)] ?? 'application/octet-stream' });
  createReadStream(file).pipe(res);
}

/** What stats(), REST find_all and terminate read from the call handler. */
interface SwitchboardView {
  readonly registrations: { readonly size: number };
  readonly legs: { readonly size: number };
  readonly calls: { readonly size: number };
  readonly totals: { calls: number; established: number; transfers: number };
  findAll(): Record<string, unknown>[];
  terminate(callId: string): boolean;
  impair(callId: string, impairment: Impairment | null): boolean;
}

function sipSide(
  options: GatewayOptions,
  parts: { logger: Logger; timers: Timers; media: MediaRegistry; noAnswerTimeoutMs: number },
): SipSwitchboard {
  const server = options.sipServer!;
  if (!/^wss?:\/\/[^/]+/.test(server)) throw new Error(`sipServer must be a ws:// or wss:// URL, not ${server}`);
  const mode = options.sipMedia ?? 'relay';
  if (mode !== 'relay' && mode !== 'gateway') throw new Error(`sipMedia must be 'relay' or 'gateway', not ${String(mode)}`);
  const ng = options.rtpengine ? parseNgAddress(options.rtpengine) : undefined;
  return new SipSwitchboard({
    server,
    domain: options.sipDomain,
    media: mode,
    rtpengine: ng ? new RtpengineClient(ng.host, ng.port) : undefined,
    registerExpires: options.sipRegisterExpires ?? 300,
    noAnswerTimeoutMs: parts.noAnswerTimeoutMs,
    logger: parts.logger,
    timers: parts.timers,
    mediaRegistry: parts.media,
    mediaAddress: options.mediaAddress ?? defaultMediaAddress(options.host ?? '127.0.0.1') ?? '127.0.0.1',
  });
}

export async function startGateway(options: GatewayOptions = {}): Promise<Gateway> {
  const host = options.host ?? '127.0.0.1';
  const logger = resolveLogger(options.logger);
  const accounts = new Accounts(
    options.accounts
      ? validateAccounts(options.accounts, 'options.accounts')
      : loadAccountsFile(options.accountsFile ?? DEFAULT_ACCOUNTS_FILE),
  );
  const pingIntervalMs = options.pingIntervalMs ?? 5000;
  const timers = new Timers();
  const media = new MediaRegistry({
    iceAddress: options.mediaAddress ?? defaultMediaAddress(host),
    gatherTimeoutMs: 3000,
    logger,
  });
  const noAnswerTimeoutMs = options.noAnswerTimeoutMs ?? 60_000;
  const sip = options.sipServer ? sipSide(options, { logger, timers, media, noAnswerTimeoutMs }) : undefined;
  const switchboard: CallHandler & SwitchboardView =
    sip ?? new Switchboard({ noAnswerTimeoutMs, logger, timers, media });
  const tokens = new TokenStore(options.tokenTtlMs ?? 60_000);
  const policy = new OriginPolicy(options.allowOrigins ?? [], host);
  const apps: Map<string, App> = options.apps
    ? validateApps(options.apps, 'options.apps')
    : options.appsFile
      ? loadAppsFile(options.appsFile)
      : new Map();
  const throttle = new LoginThrottle(options.throttle);
  const idleTimeoutMs = options.idleTimeoutMs ?? 15_000;
  const maxSessions = options.maxSessions ?? 1000;
  const maxSessionsPerAddress = options.maxSessionsPerAddress ?? 200;
  tokens.onExpired = (token) => switchboard.tokenExpired?.(token);
  const sessions = new Set<Session>();
  const totals = { sessions: 0 };
  const sessionContext = {
    accounts,
    switchboard,
    logger,
    timers,
    tokens,
    pingIntervalMs,
    keepaliveTimeoutMs: options.keepaliveTimeoutMs ?? pingIntervalMs * 3,
    refuseMode: options.refuseMode ?? 'fail',
    sessions,
    throttle,
    loginTimeoutMs: idleTimeoutMs,
    apps,
  };
  const staticRoot = options.serveWebsdk === false ? undefined : websdkRoot();

  const stats = (): GatewayStats => ({
    sessions: sessions.size,
    registrations: switchboard.registrations.size,
    legs: switchboard.legs.size,
    calls: switchboard.calls.size,
    peerConnections: media.size,
    timers: timers.size,
    tokens: tokens.size,
    totals: { sessions: totals.sessions, ...switchboard.totals },
  });

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (!policy.allowsHost(req.headers.host)) {
      // Bound to loopback: a request naming another host is a page that rebound its name here.
      res.writeHead(403, { 'Content-Type': 'text/plain', Connection: 'close' }).end('Forbidden host');
      return;
    }
    if (path === REST_PREFIX || path.startsWith(`${REST_PREFIX}/`)) {
      handleRest(req, res, { switchboard, stats, logger, token: options.restToken, policy }).catch((error: unknown) => {
        logger.error(`REST ${safe(path)}: ${safe(errorMessage(error))}`);
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
      return;
    }
    if (staticRoot && req.method === 'GET' && path.startsWith('/websdk/')) {
      serveStatic(staticRoot, path, res);
      return;
    }
    if (req.method === 'GET' && path === '/') {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(
        [
          'Local WCS-compatible gateway.',
          `WebSocket (websdk urlServer): ${gateway.url}`,
          `REST: POST ${gateway.restUrl}/call/find_all, POST ${gateway.restUrl}/call/terminate {"callId": ...}`,
          staticRoot ? `Flashphoner Phone example: /websdk/examples/demo/sip/phone/phone.html` : '',
          '',
        ].join('\n'),
      );
      return;
    }
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('Not Found');
  });

  // A connection that sends nothing is closed; a WebSocket's socket has no timeout (ws clears
  // it on upgrade), its session has the login timeout and pings instead.
  server.on('connection', (socket) => {
    socket.setTimeout(idleTimeoutMs, () => socket.destroy());
  });

  const sessionsFrom = (address: string): number => {
    let n = 0;
    for (const session of sessions) if (session.address === address) n++;
    return n;
  };
  const wss = new WebSocketServer({
    server,
    maxPayload: options.maxPayload ?? 256 * 1024,
    // Who may open a session: any path but REST's, a loopback Host when bound to loopback, an
    // allowed Origin (or none), and room under the caps.
    verifyClient: (info: { req: IncomingMessage; origin?: string }, done: (ok: boolean, code?: number, message?: string) => void) => {
      const req = info.req;
      const origin = req.headers.origin;
      const address = req.socket.remoteAddress ?? '?';
      if ((req.url ?? '').startsWith(REST_PREFIX)) return done(false, 400, 'Bad Request');
      if (!policy.allowsHost(req.headers.host)) return done(false, 403, 'Forbidden host');
      if (!policy.allowsSocket(origin)) {
        logger.warn(`WebSocket from origin "${safe(origin)}" refused (not in --allow-origin)`);
        return done(false, 403, 'Forbidden origin');
      }
      if (sessions.size >= maxSessions || sessionsFrom(address) >= maxSessionsPerAddress) {
        logger.warn(`WebSocket from ${safe(address)} refused: too many sessions`);
        return done(false, 503, 'Service Unavailable');
      }
      done(true);
    },
  });
  wss.on('connection', (ws, req) => {
    totals.sessions++;
    const address = req.socket.remoteAddress ?? '?';
    new Session(ws, sessionContext, `${address}:${req.socket.remotePort ?? '?'}`, address);
  });
  // ws re-emits the HTTP server's errors (a failed listen is reported by startGateway).
  wss.on('error', (error) => {
    if (server.listening) logger.error(`WebSocket server: ${error.message}`);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8080, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (error) => logger.error(`HTTP server: ${error.message}`));
  const port = (server.address() as AddressInfo).port;
  const base = `${displayHost(host)}:${port}`;

  let closing: Promise<void> | undefined;
  const gateway: Gateway = {
    url: `ws://${base}`,
    restUrl: `http://${base}${REST_PREFIX}`,
    host,
    port,
    stats,
    findAll: () => switchboard.findAll(),
    terminate: (callId: string) => switchboard.terminate(callId),
    impair(callId: string, impairment: Impairment | null) {
      if (!options.allowImpairment) throw new Error('impair() needs the gateway option allowImpairment');
      return switchboard.impair(callId, impairment);
    },
    close() {
      closing ??= (async () => {
        for (const session of [...sessions]) session.shutdown();
        await sip?.close();
        await media.closeAll();
        timers.clearAll();
        tokens.clear();
        throttle.stop();
        await new Promise<void>((resolve) => wss.close(() => resolve()));
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        logger.info(`stopped ${gateway.url}`);
      })();
      return closing;
    },
  };
  logger.info(
    `listening on ${gateway.url} (REST ${gateway.restUrl}, ` +
      (sip ? `SIP server ${options.sipServer}, media ${options.sipMedia ?? 'relay'})` : `${accounts.size} accounts)`),
  );
  return gateway;
}
