// Test runner plugin: lets browser tests start, inspect and stop local gateways through
// `executeServerCommand` (see test/helpers/gateway.ts). Each test file that needs a
// gateway starts its own, so tests never share accounts or calls.
import type { TestRunnerPlugin } from '@web/test-runner';
import { startGateway, type Gateway, type GatewayOptions } from '../server/gateway.js';

export function gatewayPlugin(): TestRunnerPlugin {
  const gateways = new Map<string, Gateway>();
  let next = 0;
  return {
    name: 'sip-gateway',
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
