// `npm run gateway -- [--host H] [--port P] [--accounts FILE] [--no-answer-timeout MS]`
import { parseArgs } from 'node:util';
import { startGateway, type Gateway, type LogLevel } from './gateway.js';
import { DEFAULT_ACCOUNTS_FILE } from './accounts.js';
import { errorMessage, isLogLevel } from './util.js';

const USAGE = `Usage: npm run gateway -- [options]

Local WCS-compatible gateway for @flashphoner/websdk (WebSocket + REST + WebRTC media).

Options:
  --host HOST               address to listen on (default 127.0.0.1)
  --port PORT               HTTP/WebSocket port, 0 for any free port (default 8080)
  --accounts FILE           accounts JSON {"login": "password"} (default ${DEFAULT_ACCOUNTS_FILE})
  --no-answer-timeout MS    ringing time before "Request Timeout" (default 60000)
  --log-level LEVEL         debug | info | warn | error | silent (default info)
  -h, --help                show this help
`;

function fail(message: string): never {
  process.stderr.write(`gateway: ${message}\n\n${USAGE}`);
  process.exit(2);
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

  let gateway: Gateway;
  try {
    gateway = await startGateway({
      host: values.host ?? '127.0.0.1',
      port: integer('--port', values.port, 0, 65535) ?? 8080,
      accountsFile: values.accounts,
      noAnswerTimeoutMs: integer('--no-answer-timeout', values['no-answer-timeout'], 1, 24 * 3600 * 1000),
      logger: logLevel as LogLevel,
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
  process.stdout.write(`Gateway listening on ${gateway.url}\nREST API on ${gateway.restUrl}\n`);
}

void main();
