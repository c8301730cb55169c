#!/usr/bin/env node
// `npm run gateway -- [options]`, or `npx sip-phone-gateway [options]` once the gateway package
// is installed: [--host H] [--port P] [--accounts FILE] [--no-answer-timeout MS]
//   [--sip-server ws://HOST:PORT [--sip-domain D] [--sip-media relay|gateway] [--rtpengine HOST:PORT]]`
import { parseArgs } from 'node:util';
import { startGateway, type Gateway, type LogLevel } from './gateway.js';
import { DEFAULT_ACCOUNTS_FILE } from './accounts.js';
import { errorMessage, isLogLevel } from './util.js';
import { parseOrigins } from './security.js';

const USAGE = `Usage: sip-phone-gateway [options]   (in this repository: npm run gateway -- [options])

Local WCS-compatible gateway for @flashphoner/websdk (WebSocket + REST + WebRTC media).

Options:
  --host HOST               address to listen on (default 127.0.0.1)
  --port PORT               HTTP/WebSocket port, 0 for any free port (default 8080)
  --accounts FILE           accounts JSON {"login": "password"} (default ${DEFAULT_ACCOUNTS_FILE})
  --apps FILE               app keys for "Call us" buttons: {"KEY": {"account": "10099",
                            "callees": ["10006", "sales-*"]}}; a session naming KEY calls
                            from that account, only those callees, and is never called
  --no-answer-timeout MS    ringing time before "Request Timeout" (default 60000)
  --log-level LEVEL         debug | info | warn | error | silent (default info)

Security (see server/README.md, "Security"):
  --allow-origin ORIGIN     pages that may open sessions besides loopback ones (repeatable
                            or comma-separated; scheme://host:* allows any port); REST
                            answers CORS for these origins only
  --rest-token TOKEN        enables the REST API, which then requires "Authorization: Bearer
                            TOKEN" (or set SIP_GATEWAY_REST_TOKEN); without one REST is off
  --max-sessions N          concurrent sessions, more get 503 (default 1000)
  --max-sessions-per-address N   concurrent sessions from one address (default 200)
  --idle-timeout MS         a connection that sends nothing, or a session with no
                            connection frame, is closed after MS (default 15000)

In front of a real SIP server (instead of --accounts):
  --sip-server URL          the SIP server's WebSocket, e.g. ws://127.0.0.1:8080: sessions
                            register there (digest auth) and calls become SIP dialogs
  --sip-domain DOMAIN       SIP domain when the client names none (default: the server's host)
  --sip-media MODE          relay (default): the SIP server relays media (Kamailio+rtpengine),
                            the browser's SDP passes through; gateway: media ends here and
                            reaches plain-RTP phones through rtpengine (needs --rtpengine)
  --rtpengine HOST:PORT     rtpengine's ng control socket (UDP), for --sip-media gateway
  --sip-register-expires S  REGISTER expiry in seconds (default 300)
  -h, --help                show this help
`;

function fail(message: string): never {
  process.stderr.write(`gateway: ${message}\n\n${USAGE}`);
  process.exit(2);
}

/** A REST token long enough not to be guessed (or none: REST off). */
function restToken(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (value.length < 16) fail('--rest-token (or SIP_GATEWAY_REST_TOKEN) must be at least 16 characters');
  return value;
}

function integer(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) fail(`${name} must be an integer from ${min} to ${max}`);
  return n;
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        accounts: { type: 'string' },
        'no-answer-timeout': { type: 'string' },
        'log-level': { type: 'string' },
        'sip-server': { type: 'string' },
        'sip-domain': { type: 'string' },
        'sip-media': { type: 'string' },
        rtpengine: { type: 'string' },
        'sip-register-expires': { type: 'string' },
        'allow-origin': { type: 'string', multiple: true },
        'rest-token': { type: 'string' },
        'max-sessions': { type: 'string' },
        'max-sessions-per-address': { type: 'string' },
        'idle-timeout': { type: 'string' },
        apps: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    fail(errorMessage(error));
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const logLevel = values['log-level'] ?? 'info';
  if (!isLogLevel(logLevel)) fail(`unknown log level ${logLevel}`);

  const sipMedia = values['sip-media'];
  if (sipMedia !== undefined && sipMedia !== 'relay' && sipMedia !== 'gateway') fail('--sip-media must be relay or gateway');
  if (!values['sip-server'] && (values['sip-domain'] || sipMedia || values.rtpengine)) fail('--sip-domain, --sip-media and --rtpengine need --sip-server');

  let gateway: Gateway;
  try {
    gateway = await startGateway({
      host: values.host ?? '127.0.0.1',
      port: integer('--port', values.port, 0, 65535) ?? 8080,
      accountsFile: values.accounts,
      noAnswerTimeoutMs: integer('--no-answer-timeout', values['no-answer-timeout'], 1, 24 * 3600 * 1000),
      logger: logLevel as LogLevel,
      sipServer: values['sip-server'],
      sipDomain: values['sip-domain'],
      sipMedia,
      rtpengine: values.rtpengine,
      sipRegisterExpires: integer('--sip-register-expires', values['sip-register-expires'], 30, 24 * 3600),
      allowOrigins: parseOrigins(values['allow-origin'] ?? []),
      restToken: restToken(values['rest-token'] ?? process.env['SIP_GATEWAY_REST_TOKEN']),
      maxSessions: integer('--max-sessions', values['max-sessions'], 1, 1_000_000),
      maxSessionsPerAddress: integer('--max-sessions-per-address', values['max-sessions-per-address'], 1, 1_000_000),
      idleTimeoutMs: integer('--idle-timeout', values['idle-timeout'], 1000, 3_600_000),
      appsFile: values.apps,
    });
  } catch (error) {
    process.stderr.write(`gateway: ${errorMessage(error)}\n`);
    process.exit(1);
  }
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`Stopping (${signal})\n`);
    const force = setTimeout(() => process.exit(1), 5000);
    force.unref();
    gateway.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`gateway: ${errorMessage(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  // Only now say we are up: whoever waits for this line may signal us at once, and the
  // handlers above must already be in place (a signal in between killed the process in CI).
  const rest = values['rest-token'] ?? process.env['SIP_GATEWAY_REST_TOKEN'] ? `REST API on ${gateway.restUrl} (bearer token)` : 'REST API off (no --rest-token)';
  process.stdout.write(`Gateway listening on ${gateway.url}\n${rest}\n`);
}

void main();
