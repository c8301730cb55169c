// The gateway under test, as a child process (`node --import tsx server/cli.ts`, which
// calls startGateway from server/gateway.ts) on 127.0.0.1 and a free port, so its CPU and
// memory can be read from /proc without the bench's own work mixed in.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GatewayStats } from '../../server/gateway.js';
import { ROOT } from './paths.js';

export interface GatewayProcess {
  url: string;
  restUrl: string;
  pid: number;
  stats(): Promise<GatewayStats>;
  /** Audio RTP packets the gateway received from browsers and forwarded to the other leg, summed over live legs (REST find_all). */
  audioPackets(): Promise<{ received: number; forwarded: number }>;
  close(): Promise<void>;
}

/** Accounts `{login: password}`: the demo logins 10005-10008 and 40000-40099 for the capacity part. */
export function benchAccounts(): Record<string, string> {
  const accounts: Record<string, string> = {};
  for (const login of ['10005', '10006', '10007', '10008']) accounts[login] = `pass${login}`;
  for (let i = 0; i < 100; i++) accounts[String(40000 + i)] = `pass${40000 + i}`;
  return accounts;
}

export async function startGatewayProcess(accounts = benchAccounts()): Promise<GatewayProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'sip-bench-'));
  const accountsFile = join(dir, 'accounts.json');
  writeFileSync(accountsFile, JSON.stringify(accounts));
  // The REST API needs a token; the capacity part opens many sessions from one address.
  const token = randomUUID();
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'server/cli.ts',
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--accounts',
      accountsFile,
      '--log-level',
      'warn',
      '--max-sessions-per-address',
      '1000',
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SIP_GATEWAY_REST_TOKEN: token } },
  );
  const auth = { Authorization: `Bearer ${token}` };
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    if (stderr.length > 20_000) stderr = stderr.slice(-10_000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the gateway did not start in 20 s: ${stderr}`)), 20_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /Gateway listening on (ws:\/\/\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the gateway exited with ${code}: ${stderr}`));
    });
  });
  const restUrl = `${url.replace(/^ws:/, 'http:')}/rest-api`;
  return {
    url,
    restUrl,
    pid: child.pid!,
    async stats() {
      const res = await fetch(`${restUrl}/gateway/stats`, { headers: auth });
      if (!res.ok) throw new Error(`gateway stats: HTTP ${res.status}`);
      return (await res.json()) as GatewayStats;
    },
    async audioPackets() {
      const res = await fetch(`${restUrl}/call/find_all`, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, body: '{}' });
      if (!res.ok) throw new Error(`find_all: HTTP ${res.status}`);
      const legs = (await res.json()) as Array<{ callId: string; rtp: { received: { audio: number }; forwarded: { audio: number } } | null }>;
      return legs.reduce(
        (sum, leg) => ({ received: sum.received + (leg.rtp?.received.audio ?? 0), forwarded: sum.forwarded + (leg.rtp?.forwarded.audio ?? 0) }),
        { received: 0, forwarded: 0 },
      );
    },
    async close() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 6000).unref());
        if ((await Promise.race([exited, timeout])) === 'timeout') {
          child.kill('SIGKILL');
          await exited;
        }
      }
      rmSync(dir, { recursive: true, force: true });
      if (stderr.trim()) process.stderr.write(`gateway stderr (last lines):\n${stderr.trim().split('\n').slice(-10).join('\n')}\n`);
    },
  };
}
