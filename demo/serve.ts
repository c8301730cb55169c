// `npm start [-- --port 8000 --gateway-port 8080 --host 127.0.0.1 --log-level warn]`
//
// Starts the local WCS-compatible gateway and a dev server for the demo page, which loads
// the widget's TypeScript source through the same esbuild (with tsconfig.json) and
// CommonJS plugins as the tests, then prints the URL to open. Ctrl+C stops both.
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { startDevServer } from '@web/dev-server';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { startGateway, type Gateway, type LogLevel } from '../server/gateway.js';
import { leanWebsdkServerPlugin } from '../scripts/websdk-lean.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DEFAULT_GATEWAY_PORT = 8080;
const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'];

const USAGE = `Usage: npm start -- [options]

Serves the two-phone demo (demo/index.html) against a local gateway.

Options:
  --host HOST           address for both servers (default 127.0.0.1)
  --port PORT           dev server port (default 8000)
  --gateway-port PORT   gateway HTTP/WebSocket port (default ${DEFAULT_GATEWAY_PORT})
  --log-level LEVEL     gateway log level: ${LOG_LEVELS.join(' | ')} (default warn)
  -h, --help            show this help
`;

function fail(message: string): never {
  process.stderr.write(`demo: ${message}\n\n${USAGE}`);
  process.exit(2);
}

function port(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) fail(`${name} must be an integer from 1 to 65535`);
  return n;
}

function options() {
  try {
    const { values } = parseArgs({
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        'gateway-port': { type: 'string' },
        'log-level': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    });
    if (values.help) {
      process.stdout.write(USAGE);
      process.exit(0);
    }
    const logLevel = values['log-level'] ?? 'warn';
    if (!LOG_LEVELS.includes(logLevel)) fail(`unknown log level ${logLevel}`);
    return {
      host: values.host ?? '127.0.0.1',
      port: port('--port', values.port, 8000),
      gatewayPort: port('--gateway-port', values['gateway-port'], DEFAULT_GATEWAY_PORT),
      logLevel: logLevel as LogLevel,
    };
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
}

async function main(): Promise<void> {
  const { host, port, gatewayPort, logLevel } = options();

  let gateway: Gateway;
  try {
    // demo/apps.json: the app key of the "Call us" page (demo/click-to-call.html).
    gateway = await startGateway({ host, port: gatewayPort, logger: logLevel, appsFile: fileURLToPath(new URL('./apps.json', import.meta.url)) });
  } catch (error) {
    process.stderr.write(`demo: the gateway could not start on ${host}:${gatewayPort}: ${String(error)}\n`);
    process.exit(1);
  }

  // Our own HTTP server, so the dev server listens on `host` only (given 127.0.0.1 or
  // localhost, @web/dev-server itself would listen on every interface).
  const http = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(port, host, resolve);
    });
  } catch (error) {
    await gateway.close();
    process.stderr.write(`demo: the dev server could not start on ${host}:${port}: ${String(error)}\n`);
    process.exit(1);
  }
  const server = await startDevServer({
    config: {
      rootDir: ROOT,
      hostname: host,
      port,
      middlewareMode: { server: http },
      nodeResolve: true,
      watch: false,
      plugins: [
        // As in web-test-runner.config.mjs: the websdk the widget ships (scripts/websdk-lean.mjs),
        // and esbuild must get tsconfig.json or Lit's decorators break.
        leanWebsdkServerPlugin(),
        esbuildPlugin({ ts: true, tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)), target: 'auto' }),
      ],
    },
    readCliArgs: false,
    readFileConfig: false,
    autoExitProcess: false,
    logStartMessage: false,
  });
  http.on('request', server.koaApp.callback());

  // The page connects to ws://127.0.0.1:8080 unless the query string names another gateway.
  let page = `http://${host.includes(':') ? `[${host}]` : host}:${port}/demo/`;
  if (gateway.url !== `ws://127.0.0.1:${DEFAULT_GATEWAY_PORT}`) page += `?wcs-url=${gateway.url}`;
  process.stdout.write(
    `Gateway: ${gateway.url} (accounts 10005-10008, passwords pass<login>)\n` +
      `Demo:    ${page}\n` +
      'Open the demo URL in a browser; press Ctrl+C to stop.\n',
  );

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\nStopping (${signal})\n`);
    const force = setTimeout(() => process.exit(1), 5000);
    force.unref();
    http.closeAllConnections();
    Promise.allSettled([
      server.stop(),
      new Promise((resolve) => http.close(resolve)),
      gateway.close(),
    ]).then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

await main();
