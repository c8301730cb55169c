// Test runner plugin: lets browser tests start, inspect and stop local gateways through
// `executeServerCommand` (see test/helpers/gateway.ts). Each test file that needs a
// gateway starts its own, so tests never share accounts or calls.
//
// It also serves the websdk package untouched under /__websdk__/ (Flashphoner's Phone
// example loads the prebuilt bundles as classic <script>s; the commonjs plugin would turn
// them into ES modules under their /node_modules/ path).
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize, sep } from 'node:path';
import type { TestRunnerPlugin } from '@web/test-runner';
import { startGateway, type Gateway, type GatewayOptions } from '../server/gateway.js';

export const WEBSDK_PREFIX = '/__websdk__/';

const TEXT_TYPES: Record<string, string> = { '.html': 'html', '.js': 'js', '.css': 'css', '.json': 'json' };

export function gatewayPlugin(): TestRunnerPlugin {
  const gateways = new Map<string, Gateway>();
  const websdkRoot = dirname(createRequire(import.meta.url).resolve('@flashphoner/websdk/package.json'));
  let next = 0;
  return {
    name: 'sip-gateway',
    async serve(context) {
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
    async executeCommand({ command, payload }) {
      const args = (payload ?? {}) as { id?: string } & GatewayOptions;
      switch (command) {
        case 'gateway-start': {
          const gateway = await startGateway({ host: '127.0.0.1', port: 0, ...args });
          const id = `gw${++next}`;
          gateways.set(id, gateway);
          return { id, url: gateway.url, restUrl: gateway.restUrl };
        }
        case 'gateway-stats':
          return gateways.get(String(args.id))?.stats() ?? null;
        case 'gateway-stop': {
          const gateway = gateways.get(String(args.id));
          gateways.delete(String(args.id));
          await gateway?.close();
          return true;
        }
        default:
          return undefined;
      }
    },
    async serverStop() {
      await Promise.all([...gateways.values()].map((g) => g.close()));
      gateways.clear();
    },
  };
}
