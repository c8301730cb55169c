// Test runner plugin: lets browser tests start, inspect and stop local gateways through
// `executeServerCommand` (see test/helpers/gateway.ts). Each test file that needs a
// gateway starts its own, so tests never share accounts or calls.
//
// For fault tests it also runs gateways as processes of their own (which a test can kill
// with SIGKILL and start again on the same port), TCP proxies (test/tcp-proxy.ts) that cut,
// refuse or blackhole a phone's path, and the gateway's media impairment hook.
//
// It also serves the websdk package untouched under /__websdk__/ (Flashphoner's Phone
// example loads the prebuilt bundles as classic <script>s; the commonjs plugin would turn
// them into ES modules under their /node_modules/ path).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize, sep } from 'node:path';
import type { TestRunnerPlugin } from '@web/test-runner';
import { startGateway, type Gateway, type GatewayOptions } from '../server/gateway.js';
import type { Impairment } from '../server/media.js';
import { TcpProxy } from './tcp-proxy.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Starts `server/cli.ts` as a process of its own; resolves once it listens. */
async function spawnGateway(port: number, args: string[]): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli.ts', '--port', String(port), '--log-level', 'warn', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const listening = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the gateway process did not start: ${out}`)), 20_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the gateway process exited (${code}): ${out}`));
    });
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /Gateway listening on ws:\/\/[^:]+:(\d+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
  });
  child.removeAllListeners('exit');
  return { child, port: listening };
}

export const WEBSDK_PREFIX = '/__websdk__/';
/** `/__page__?csp=...&head=...&body=...`: an HTML page made of those parts (test/dist-bundle.test.ts). */
export const PAGE_PATH = '/__page__';

const escapeAttr = (text: string) => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

const TEXT_TYPES: Record<string, string> = { '.html': 'html', '.js': 'js', '.css': 'css', '.json': 'json' };

export function gatewayPlugin(): TestRunnerPlugin {
  const gateways = new Map<string, Gateway>();
  const processes = new Map<string, { child: ChildProcess; port: number }>();
  const proxies = new Map<string, TcpProxy>();
  const websdkRoot = dirname(createRequire(import.meta.url).resolve('@flashphoner/websdk/package.json'));
  let next = 0;
  return {
    name: 'sip-gateway',
    async serve(context) {
      if (context.path === PAGE_PATH) {
        // A page of the test's own making, at a real URL of the test's origin (a srcdoc
        // iframe would do, but Firefox does not count its inherited origin as CSP 'self').
        const q = context.query as Record<string, string | undefined>;
        const csp = q['csp'] ? `<meta http-equiv="Content-Security-Policy" content="${escapeAttr(q['csp'])}">` : '';
        return {
          body: `<!doctype html>\n<html lang="en"><head><meta charset="utf-8">${csp}${q['head'] ?? ''}<title>test page</title></head><body>${q['body'] ?? ''}</body></html>`,
          type: 'html',
        };
      }
      if (!context.path.startsWith(WEBSDK_PREFIX)) return undefined;
      const file = normalize(join(websdkRoot, decodeURIComponent(context.path.slice(WEBSDK_PREFIX.length))));
      const type = TEXT_TYPES[extname(file)];
      if (!file.startsWith(websdkRoot + sep) || !type) return undefined;
      try {
        return { body: await readFile(file, 'utf8'), type };
      } catch {
        return undefined;
      }
    },
    async executeCommand({ command, payload, session }) {
      const args = (payload ?? {}) as { id?: string } & GatewayOptions;
      switch (command) {
        case 'emulate-forced-colors': {
          // Chromium only (its launcher hands out the puppeteer page): the test runner's own
          // emulateMedia has no forced-colors.
          // Puppeteer's emulateMediaFeatures does not know forced-colors; the protocol does.
          type Cdp = { send(method: string, params: object): Promise<unknown>; detach(): Promise<void> };
          type Page = { createCDPSession(): Promise<Cdp> };
          const page = (session.browser as { getPage?: (id: string) => Page }).getPage?.(session.id);
          if (!page || session.browser.name !== 'Chrome') return false;
          const cdp = await page.createCDPSession();
          const value = (payload as { active: boolean }).active ? 'active' : 'none';
          await cdp.send('Emulation.setEmulatedMedia', { features: [{ name: 'forced-colors', value }] });
          return true;
        }
        case 'gateway-start': {
          // A REST token of its own for each gateway; the page's origin is passed in allowOrigins.
          const restToken = randomUUID();
          const gateway = await startGateway({ host: '127.0.0.1', port: 0, restToken, ...args });
          const id = `gw${++next}`;
          gateways.set(id, gateway);
          return { id, url: gateway.url, restUrl: gateway.restUrl, restToken };
        }
        case 'gateway-stats':
          return gateways.get(String(args.id))?.stats() ?? null;
        case 'gateway-stop': {
          const gateway = gateways.get(String(args.id));
          gateways.delete(String(args.id));
          await gateway?.close();
          return true;
        }
        case 'gateway-impair': {
          const { id, callId, impairment } = payload as { id: string; callId: string; impairment: Impairment | null };
          return gateways.get(id)?.impair(callId, impairment) ?? false;
        }
        case 'gateway-spawn': {
          // A gateway process; `port` 0 picks one, a port given starts it there (again).
          const { port = 0, args: extra = [] } = payload as { port?: number; args?: string[] };
          const started = await spawnGateway(port, extra);
          const id = `proc${++next}`;
          processes.set(id, started);
          return { id, url: `ws://127.0.0.1:${started.port}`, port: started.port };
        }
        case 'gateway-kill': {
          const proc = processes.get(String(args.id));
          processes.delete(String(args.id));
          if (!proc || proc.child.exitCode !== null) return false;
          const exited = new Promise((resolve) => proc.child.once('exit', resolve));
          proc.child.kill('SIGKILL');
          await exited;
          return true;
        }
        case 'proxy-start': {
          const { port } = payload as { port: number };
          const proxy = await TcpProxy.start(port);
          const id = `proxy${++next}`;
          proxies.set(id, proxy);
          return { id, port: proxy.port, url: `ws://127.0.0.1:${proxy.port}` };
        }
        case 'proxy-cut':
        case 'proxy-refuse':
        case 'proxy-blackhole':
        case 'proxy-restore':
        case 'proxy-stop': {
          const proxy = proxies.get(String(args.id));
          if (!proxy) return false;
          if (command === 'proxy-cut') proxy.cut();
          else if (command === 'proxy-refuse') await proxy.refuse();
          else if (command === 'proxy-blackhole') proxy.blackhole();
          else if (command === 'proxy-restore') await proxy.restore();
          else {
            proxies.delete(String(args.id));
            await proxy.close();
          }
          return true;
        }
        default:
          return undefined;
      }
    },
    async serverStop() {
      await Promise.all([...gateways.values()].map((g) => g.close()));
      gateways.clear();
      for (const { child } of processes.values()) child.kill('SIGKILL');
      processes.clear();
      await Promise.all([...proxies.values()].map((p) => p.close()));
      proxies.clear();
    },
  };
}
