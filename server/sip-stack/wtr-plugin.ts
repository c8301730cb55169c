// Test runner plugin for the SIP suites (web-test-runner.sip.config.mjs): tells browser
// tests where the SIP stack is (SIP_STACK_INFO, set by run.ts) and drives the baresip
// phones over their control sockets.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestRunnerPlugin } from '@web/test-runner';
import { BaresipControl } from './baresip-control.js';
import type { StackInfo } from './stack.js';

export function sipStackPlugin(): TestRunnerPlugin {
  const raw = process.env['SIP_STACK_INFO'];
  const info = raw ? (JSON.parse(raw) as StackInfo) : undefined;
  const controls = new Map<string, BaresipControl>();

  async function control(login: string): Promise<BaresipControl> {
    const phone = info?.phones.find((p) => p.login === login);
    if (!phone) throw new Error(`no baresip phone ${login} in the SIP stack`);
    let c = controls.get(login);
    if (!c) {
      c = new BaresipControl('127.0.0.1', phone.ctrlPort);
      await c.connect();
      controls.set(login, c);
    }
    return c;
  }

  return {
    name: 'sip-stack',
    async executeCommand({ command, payload }) {
      const args = (payload ?? {}) as { login?: string; command?: string; params?: string; clear?: boolean };
      switch (command) {
        case 'sip-stack-info':
          return info ?? null;
        case 'baresip': {
          const c = await control(String(args.login));
          return c.command(String(args.command), args.params ?? '');
        }
        case 'baresip-rtp-stats': {
          // baresip prints each ended call's RTP counters (rtp_stats yes) in its log.
          if (!info) return null;
          const log = await readFile(join(info.logDir, `baresip-${String(args.login)}.log`), 'utf8');
          const calls = [...log.matchAll(/audio\s+Transmit:\s+Receive:\s*\npackets:\s+(\d+)\s+(\d+)/g)];
          const last = calls.at(-1);
          return { calls: calls.length, tx: last ? Number(last[1]) : 0, rx: last ? Number(last[2]) : 0 };
        }
        case 'baresip-events': {
          const c = await control(String(args.login));
          const events = [...c.events];
          if (args.clear) c.events.length = 0;
          return events;
        }
        default:
          return undefined;
      }
    },
    serverStop() {
      for (const c of controls.values()) c.close();
      controls.clear();
    },
  };
}
