// One websdk session: a WebSocket, its `connection` (login, registration), keepalive, and
// the dispatch of its frames to the switchboard.
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import type { WebSocket, RawData } from 'ws';
import type { Accounts } from './accounts.js';
import type { CallSession } from './call-signalling.js';
import { parseClientFrame, serverFrame, str, type ClientFrame } from './protocol.js';
import { errorMessage, type Logger, type Timers } from './util.js';
import { safe, type LoginThrottle } from './security.js';
import { DEFAULT_APP_KEY, mayCallTo, type App } from './apps.js';

/**
 * How a refused `connection` ends the socket after its `fail` frame: 'fail' makes the
 * browser's WebSocket fail (the websdk fires session FAILED); 'close' closes cleanly with
 * code 4403 (the websdk fires DISCONNECTED).
 */
export type RefuseMode = 'fail' | 'close';

/** An unfragmented frame with reserved opcode 0x3 and no payload: a protocol error. */
const RESERVED_OPCODE_FRAME = Buffer.from([0x83, 0x00]);

/** What handles a session's calls: the local switchboard, or the SIP side (server/sip/). */
export interface CallHandler {
  onCall(session: CallSession, p: Record<string, unknown>): Promise<void>;
  onAnswer(session: CallSession, p: Record<string, unknown>): Promise<void>;
  onHangup(session: CallSession, p: Record<string, unknown>): void;
  onHold(session: CallSession, p: Record<string, unknown>, hold: boolean): void | Promise<void>;
  onDtmf(session: CallSession, p: Record<string, unknown>): void | Promise<void>;
  onTransfer(session: CallSession, p: Record<string, unknown>): Promise<void>;
  register(login: string, session: CallSession): void;
  /**
   * A session closed. `parkToken`: its connection was lost and its keepAlive token may be
   * resumed; a handler may keep what the session had (a SIP registration) until `resume` or
   * `tokenExpired`.
   */
  sessionClosed(session: CallSession, parkToken?: string): void;
  /** A session resumes a parked token: true when the handler took back what it kept. */
  resume?(session: CallSession, token: string): boolean;
  /** A parked token expired: release what was kept for it. */
  tokenExpired?(token: string): void;
  /**
   * When present, `connection` signs in here instead of checking the local accounts (a
   * SIP server checks the credentials when the account registers).
   */
  signIn?(session: CallSession, p: Record<string, unknown>): Promise<{ ok: true } | { ok: false; info: string }>;
}

export interface SessionContext {
  readonly accounts: Accounts;
  readonly switchboard: CallHandler;
  readonly logger: Logger;
  readonly timers: Timers;
  readonly tokens: TokenStore;
  readonly pingIntervalMs: number;
  readonly keepaliveTimeoutMs: number;
  readonly refuseMode: RefuseMode;
  readonly sessions: Set<Session>;
  readonly throttle: LoginThrottle;
  /** A session that sends no `connection` frame within this long is closed. */
  readonly loginTimeoutMs: number;
  /** App keys (`--apps`): sessions that name one call from its account, to its callees only. */
  readonly apps: ReadonlyMap<string, App>;
}

/** Bad frames a session may send before it has signed in; one more closes it. */
const MAX_BAD_FRAMES_BEFORE_LOGIN = 20;

/** The reason a throttled sign-in is refused with. */
export const TOO_MANY_REQUESTS = 'Too Many Requests';

interface SavedToken {
  login: string | undefined;
  /** The app key the session signed in with, if any. */
  appKey?: string;
  mayCall: boolean;
  registered: boolean;
  echo: Record<string, unknown>;
  live: Set<Session>;
  keepAlive: boolean;
  /**
   * SIP mode: the `connection` fields the SIP server's sign-in needs (password included),
   * so that a session reconnecting with this token gets a user agent again. Kept in memory
   * only, for as long as the token lives; never logged or sent to a client.
   */
  sip?: Readonly<Record<string, unknown>>;
  /** When the token stops working after its last session closed (ms since epoch). */
  expiresAt: number;
}

/** How often expired tokens are dropped (their payloads, SIP credentials included, with them). */
const TOKEN_PURGE_MS = 5000;

/**
 * authTokens from `getUserData`, reusable by a reconnecting client (`authToken`). A token of
 * a keepAlive session whose connection was *lost* outlives it for `ttlMs`, so the client can
 * resume it; a token whose last session closed cleanly (the client disconnected) goes at once.
 * Expired tokens are purged on a timer (not counted in `stats().timers`: it runs for the
 * gateway's whole life), and `onExpired` hears of each one.
 */
export class TokenStore {
  private readonly tokens = new Map<string, SavedToken>();
  private readonly purger: NodeJS.Timeout;
  onExpired: ((token: string) => void) | undefined;

  constructor(
    private readonly ttlMs: number,
    purgeEveryMs = TOKEN_PURGE_MS,
  ) {
    this.purger = setInterval(() => this.purge(), purgeEveryMs);
    this.purger.unref();
  }

  issue(session: Session, saved: Omit<SavedToken, 'live' | 'expiresAt'>, token: string = randomUUID()): string {
    const existing = this.tokens.get(token);
    const entry: SavedToken = { ...saved, live: existing?.live ?? new Set(), expiresAt: Infinity };
    entry.live.add(session);
    this.tokens.set(token, entry);
    return token;
  }

  lookup(token: string): SavedToken | undefined {
    this.purge();
    return this.tokens.get(token);
  }

  /** `session` closed; `lost`: its connection dropped (no close frame, or it stopped answering pings). */
  released(session: Session, token: string, lost: boolean): void {
    const entry = this.tokens.get(token);
    if (!entry) return;
    entry.live.delete(session);
    if (entry.live.size > 0) return;
    if (entry.keepAlive && lost && this.ttlMs > 0) entry.expiresAt = Date.now() + this.ttlMs;
    else this.drop(token);
  }

  /** True when the token's sessions are gone but it may still be resumed. */
  parked(token: string): boolean {
    const entry = this.tokens.get(token);
    return !!entry && entry.live.size === 0 && entry.expiresAt > Date.now();
  }

  private purge(): void {
    const now = Date.now();
    for (const [token, entry] of this.tokens) {
      if (entry.live.size === 0 && entry.expiresAt <= now) this.drop(token);
    }
  }

  private drop(token: string): void {
    if (this.tokens.delete(token)) this.onExpired?.(token);
  }

  get size(): number {
    this.purge();
    return this.tokens.size;
  }

  /** Drops every token and stops the purge timer (gateway shutdown). */
  clear(): void {
    clearInterval(this.purger);
    for (const token of [...this.tokens.keys()]) this.drop(token);
  }
}

type CallRequest = (handler: CallHandler, session: CallSession, p: Record<string, unknown>) => void | Promise<void>;

/** The websdk's call requests, each handed to the call handler. */
const CALL_REQUESTS = new Map<string, CallRequest>([
  ['call', (h, s, p) => h.onCall(s, p)],
  ['answer', (h, s, p) => h.onAnswer(s, p)],
  ['hangup', (h, s, p) => h.onHangup(s, p)],
  ['hold', (h, s, p) => h.onHold(s, p, true)],
  ['unhold', (h, s, p) => h.onHold(s, p, false)],
  ['sendDtmf', (h, s, p) => h.onDtmf(s, p)],
  ['transfer', (h, s, p) => h.onTransfer(s, p)],
]);

/**
 * Requests that may wait on the far end (a re-INVITE for hold, an INFO per DTMF digit in SIP
 * mode) for as long as a SIP transaction lasts (32 s). They run in order among themselves but
 * outside the session's frame queue, so that a `hangup` or `call` never waits behind them.
 */
const FAR_END_REQUESTS = new Set(['hold', 'unhold', 'sendDtmf']);

/** Methods of the websdk this gateway does not implement (streams, data, bug reports). */
const UNSUPPORTED = new Set([
  'publishStream',
  'unPublishStream',
  'playStream',
  'stopStream',
  'availableStream',
  'snapshot',
  'sendStreamEvent',
  'sendData',
  'sessionDebug',
  'submitBugReport',
]);

export class Session implements CallSession {
  readonly id = randomUUID().slice(0, 8);
  state: 'new' | 'established' | 'closed' = 'new';
  login: string | undefined;
  mayCall = false;
  registered = false;
  authToken: string | undefined;
  /** The app key's entry, for a session that named one (a "Call us" button). */
  app: App | undefined;
  private lastHeard = Date.now();
  private pingTimer: NodeJS.Timeout | undefined;
  private loginTimer: NodeJS.Timeout | undefined;
  private badFrames = 0;
  private queue: Promise<void> = Promise.resolve();
  /** hold, unhold and sendDtmf, in order (FAR_END_REQUESTS). */
  private farEndQueue: Promise<void> = Promise.resolve();
  private refused = false;

  constructor(
    private readonly ws: WebSocket,
    private readonly ctx: SessionContext,
    readonly remote: string,
    /** The client's address, for per-address caps and throttling. */
    readonly address: string = remote,
  ) {
    ctx.sessions.add(this);
    if (ctx.loginTimeoutMs > 0) {
      this.loginTimer = ctx.timers.timeout(ctx.loginTimeoutMs, () => {
        this.loginTimer = undefined;
        if (this.state !== 'new') return;
        ctx.logger.info(`session ${this.id}: no connection frame within ${ctx.loginTimeoutMs} ms, closing`);
        this.ws.close(4408, 'No connection frame');
        this.onClosed(4408);
      });
    }
    ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    ws.on('close', (code) => this.onClosed(code));
    ws.on('error', (error) => {
      // ws reports oversized frames (1009) and protocol errors here, then closes.
      ctx.logger.warn(`session ${this.id}: socket error: ${safe(error.message)}`);
    });
    if (ctx.pingIntervalMs > 0) {
      this.pingTimer = ctx.timers.interval(ctx.pingIntervalMs, () => this.keepalive());
    }
    ctx.logger.debug(`session ${this.id}: connected from ${remote}`);
  }

  mayCallTo(callee: string): boolean {
    return !this.app || mayCallTo(this.app, callee);
  }

  get open(): boolean {
    return this.state !== 'closed' && this.ws.readyState === this.ws.OPEN;
  }

  send(message: string, ...data: unknown[]): void {
    if (!this.open) return;
    this.ws.send(serverFrame(message, ...data));
  }

  fail(payload: Record<string, unknown>): void {
    this.send('fail', payload);
  }

  /** A frame a session that has not signed in should not send: answered, and counted. */
  private badFrameBeforeLogin(): void {
    if (this.state !== 'new' || ++this.badFrames <= MAX_BAD_FRAMES_BEFORE_LOGIN) return;
    this.ctx.logger.warn(`session ${this.id}: too many bad frames before signing in, closing`);
    this.ws.close(1008, 'Too many bad frames');
    this.onClosed(1008);
  }

  private keepalive(): void {
    // Before sign-in the login timer decides (close code 4408); both fire at about 15 s by
    // default, and which one ran first used to depend on the machine's load.
    const loginPending = this.state === 'new' && this.loginTimer !== undefined;
    if (!loginPending && this.ctx.keepaliveTimeoutMs > 0 && Date.now() - this.lastHeard > this.ctx.keepaliveTimeoutMs) {
      this.ctx.logger.warn(`session ${this.id} (${safe(this.login ?? '-')}): no answer to pings, closing`);
      this.ws.terminate();
      this.onClosed(1006);
      return;
    }
    this.send('ping');
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    if (this.state === 'closed') return;
    this.lastHeard = Date.now();
    // One frame at a time per session, in order, even when handling one awaits media setup.
    this.queue = this.queue.then(() => this.handle(data, isBinary)).catch((error: unknown) => this.failed(error));
  }

  private failed(error: unknown): void {
    this.ctx.logger.error(`session ${this.id}: frame handling failed: ${safe(errorMessage(error))}`);
    this.fail({ apiMethod: 'unknown', status: 'FAILED', info: 'Internal Server Error' });
  }

  private async handle(data: RawData, isBinary: boolean): Promise<void> {
    if (isBinary) {
      this.ctx.logger.warn(`session ${this.id}: binary frame ignored`);
      this.fail({ apiMethod: 'binaryData', status: 'FAILED', info: 'Binary frames are not supported' });
      this.badFrameBeforeLogin();
      return;
    }
    const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
    const parsed = parseClientFrame(text);
    if (!parsed.ok) {
      // Never the frame's text: it may hold a password (a malformed `connection`).
      this.ctx.logger.warn(`session ${this.id}: ${parsed.error} (${text.length} characters)`);
      this.fail({ apiMethod: 'unknown', status: 'FAILED', info: parsed.error });
      this.badFrameBeforeLogin();
      return;
    }
    await this.dispatch(parsed.frame);
  }

  private async dispatch({ message, payload }: ClientFrame): Promise<void> {
    if (this.state === 'closed') return;
    if (message === 'ping') {
      this.send('pong');
      return;
    }
    if (message === 'pong' || message === 'pushLogs') return;
    if (message === 'connection') {
      if (this.state !== 'new') {
        this.ctx.logger.warn(`session ${this.id}: second connection frame ignored`);
        this.fail({ apiMethod: 'connection', status: 'FAILED', info: 'Already connected' });
        return;
      }
      await this.connect(payload);
      return;
    }
    if (this.state !== 'established') {
      this.ctx.logger.warn(`session ${this.id}: ${safe(message)} before connection`);
      this.fail({ apiMethod: message, status: 'FAILED', info: 'Not connected: send connection first' });
      this.badFrameBeforeLogin();
      return;
    }
    const request = CALL_REQUESTS.get(message);
    if (!request) {
      const info = UNSUPPORTED.has(message) ? 'Not supported by this gateway' : 'Unknown method';
      this.ctx.logger.warn(`session ${this.id}: ${safe(message)}: ${info}`);
      this.fail({ apiMethod: message, status: 'FAILED', info });
      return;
    }
    if (FAR_END_REQUESTS.has(message)) {
      this.farEndQueue = this.farEndQueue
        .then(() => request(this.ctx.switchboard, this, payload))
        .catch((error: unknown) => this.failed(error));
      return;
    }
    await request(this.ctx.switchboard, this, payload);
  }

  /** `connection`: authenticate, answer `getUserData`, then `registered` when asked to register. */
  private async connect(p: Record<string, unknown>): Promise<void> {
    const { accounts, tokens, logger, throttle } = this.ctx;
    const token = str(p, 'authToken');
    const sipLogin = str(p, 'sipLogin')?.trim() || undefined;
    this.ctx.timers.clear(this.loginTimer);
    this.loginTimer = undefined;
    if (throttle.blocked(sipLogin ?? (token ? tokens.lookup(token)?.login : undefined), this.address)) {
      // Too many failed sign-ins for this login or from this address: refused unchecked.
      logger.warn(`session ${this.id}: sign-in of ${safe(sipLogin ?? '(token)')} from ${safe(this.address)} refused: throttled`);
      this.refuse(TOO_MANY_REQUESTS);
      return;
    }
    /** Counts a refused sign-in toward throttling, then refuses it. */
    const refuseSignIn = (info: string, countedLogin: string | undefined): void => {
      throttle.failed(countedLogin, this.address);
      this.refuse(info);
    };
    const keepAlive = p['keepAlive'] === true;
    let login: string | undefined;
    let mayCall = false;
    let register = false;
    let echo: Record<string, unknown>;
    let reuseToken: string | undefined;
    let sip: Readonly<Record<string, unknown>> | undefined;
    const signIn = this.ctx.switchboard.signIn?.bind(this.ctx.switchboard);

    const appKey = str(p, 'appKey');
    let app: App | undefined;
    const saved = token ? tokens.lookup(token) : undefined;
    if (saved && !sipLogin) {
      // Reconnect with the token of a live or recently closed keepAlive session.
      app = saved.appKey ? this.ctx.apps.get(saved.appKey) : undefined;
      login = saved.login;
      mayCall = saved.mayCall;
      register = saved.registered;
      echo = { ...saved.echo, ...withoutSecrets(p), sipLogin: saved.echo['sipLogin'] };
      reuseToken = token;
      const resumed = !!token && !!this.ctx.switchboard.resume?.(this, token);
      if (saved.sip && signIn && !resumed) {
        // SIP mode: the token's credentials sign this session in again (REGISTER unless
        // the first session said sipRegisterRequired=false).
        sip = saved.sip;
        const result = await signIn(this, sip);
        if (this.state === 'closed') return;
        if (!result.ok) {
          logger.info(`session ${this.id}: sign-in of ${safe(login ?? '-')} with authToken refused by the SIP server (${safe(result.info)})`);
          if (isCredentialRefusal(result.info)) refuseSignIn(result.info, login);
          else this.refuse(result.info);
          return;
        }
      }
      if (resumed) sip = saved.sip;
      logger.info(`session ${this.id}: ${resumed ? 'resumed its parked session' : 'reconnected with authToken'} as ${safe(login ?? '(no login)')}`);
    } else if (token && !sipLogin) {
      logger.info(`session ${this.id}: unknown authToken refused`);
      // Guessing tokens counts like guessing passwords (for the address).
      refuseSignIn('Unauthorized: unknown or expired authToken', undefined);
      return;
    } else if (appKey && appKey !== DEFAULT_APP_KEY) {
      // A "Call us" button: the app key says who calls and whom; the page sends no credentials.
      app = this.ctx.apps.get(appKey);
      if (!app) {
        logger.info(`session ${this.id}: unknown app key "${safe(appKey)}" refused`);
        refuseSignIn('Unknown app key', undefined);
        return;
      }
      login = app.account;
      register = false;
      echo = { ...withoutSecrets(p), sipLogin: app.account, sipRegisterRequired: false };
      if (signIn) {
        // SIP mode: the app's account signs in to the SIP server (without registering).
        sip = sipFields({ sipLogin: app.account, sipPassword: app.password ?? '', sipRegisterRequired: false, sipDomain: p['sipDomain'] });
        const result = await signIn(this, sip);
        if (this.state === 'closed') return;
        if (!result.ok) {
          logger.warn(`session ${this.id}: app key "${safe(appKey)}": its account ${safe(app.account)} could not sign in (${safe(result.info)})`);
          this.refuse(result.info);
          return;
        }
      }
      mayCall = true;
    } else {
      echo = withoutSecrets(p);
      if (sipLogin && signIn) {
        // A SIP server checks the credentials (REGISTER with digest auth).
        login = sipLogin;
        register = p['sipRegisterRequired'] !== false;
        sip = sipFields({ ...p, sipLogin });
        const result = await signIn(this, sip);
        if (this.state === 'closed') return;
        if (!result.ok) {
          logger.info(`session ${this.id}: sign-in of ${safe(sipLogin)} at the SIP server refused (${safe(result.info)})`);
          if (isCredentialRefusal(result.info)) refuseSignIn(result.info, sipLogin);
          else this.refuse(result.info);
          return;
        }
        mayCall = true;
      } else if (sipLogin) {
        login = sipLogin;
        const password = str(p, 'sipPassword') ?? '';
        const authName = str(p, 'sipAuthenticationName')?.trim();
        const known = accounts.has(sipLogin);
        mayCall = known && accounts.check(sipLogin, password) && (!authName || authName === sipLogin);
        register = p['sipRegisterRequired'] !== false;
        if (register && !mayCall) {
          logger.info(
            `session ${this.id}: registration of ${safe(sipLogin)} refused (${known ? 'wrong password or auth name' : 'unknown login'})`,
          );
          refuseSignIn('Forbidden', sipLogin);
          return;
        }
        // Without registration a wrong password still gets a session (that cannot call): it counts too.
        if (!mayCall) throttle.failed(sipLogin, this.address);
      }
    }
    if (mayCall) throttle.succeeded(login);

    this.login = login;
    this.mayCall = mayCall;
    this.app = app;
    this.state = 'established';
    this.authToken = tokens.issue(
      this,
      { login, mayCall, registered: register, echo, keepAlive, ...(sip ? { sip } : {}), ...(app ? { appKey: app.key } : {}) },
      reuseToken,
    );
    this.send('getUserData', { ...echo, authToken: this.authToken });
    if (register && login) {
      this.ctx.switchboard.register(login, this);
      this.registered = true;
      this.send('registered', { sipLogin: login, status: 'REGISTERED' });
      logger.info(`session ${this.id}: ${safe(login)} registered`);
    } else {
      logger.info(`session ${this.id}: established as ${safe(login ?? '(no login)')}, not registered`);
    }
  }

  /** Refuses a `connection`: a `fail` frame with the reason, then the socket ends. */
  private refuse(info: string): void {
    this.refused = true;
    this.fail({ apiMethod: 'connection', status: 'FAILED', info });
    const ws = this.ws;
    const socket = (ws as unknown as { _socket?: Socket })._socket;
    if (this.ctx.refuseMode === 'fail' && socket && !socket.destroyed) {
      // Browsers fire `error` on a WebSocket only when the connection *fails* (a protocol
      // error), never for a close frame or a TCP reset; the websdk maps `error` to FAILED.
      // A frame with the reserved opcode 0x3 is such a failure, after the `fail` frame.
      socket.write(RESERVED_OPCODE_FRAME, () => ws.terminate());
    } else {
      ws.close(4403, info.slice(0, 100));
    }
    this.onClosed(4403);
  }

  /** Ends the session from the server side (gateway shutdown). */
  shutdown(): void {
    if (this.state === 'closed') return;
    this.ws.close(1001, 'Gateway shutting down');
    this.onClosed(1001);
    this.ws.terminate();
  }

  private onClosed(code: number): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.ctx.timers.clear(this.pingTimer);
    this.ctx.timers.clear(this.loginTimer);
    this.pingTimer = undefined;
    this.loginTimer = undefined;
    // 1006: the connection dropped without a close frame (or stopped answering pings). A
    // keepAlive session lost that way may be resumed; one its client closed may not.
    const lost = code === 1006;
    const token = this.authToken;
    if (token) this.ctx.tokens.released(this, token, lost);
    this.ctx.switchboard.sessionClosed(this, token && this.ctx.tokens.parked(token) ? token : undefined);
    this.registered = false;
    this.ctx.sessions.delete(this);
    if (!this.refused) {
      this.ctx.logger.debug(`session ${this.id} (${safe(this.login ?? '-')}): closed (${code})`);
    }
  }
}

/** A SIP server's refusal that means wrong credentials (throttled), not an outage. */
function isCredentialRefusal(info: string): boolean {
  return /^(Unauthorized|Forbidden|Auth user mismatch)\b/i.test(info);
}

/** The `connection` fields a SIP sign-in uses (the SIP switchboard's signIn reads these). */
const SIP_FIELDS = [
  'sipLogin',
  'sipPassword',
  'sipAuthenticationName',
  'sipDomain',
  'sipOutboundProxy',
  'sipPort',
  'sipRegisterRequired',
] as const;

function sipFields(p: Record<string, unknown>): Readonly<Record<string, unknown>> {
  const fields: Record<string, unknown> = {};
  for (const name of SIP_FIELDS) if (name in p) fields[name] = p[name];
  return Object.freeze(fields);
}

function withoutSecrets(p: Record<string, unknown>): Record<string, unknown> {
  const { sipPassword: _password, ...rest } = p;
  return rest;
}
