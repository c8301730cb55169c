// The command line: `npm run gateway -- --port P --accounts F` (acceptance 6).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WsClient, freePort, payload, until } from './test-support.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function run(command: string, args: string[], env: Record<string, string> = {}): Running {
  // Its own process group, like a terminal job: a signal to the group reaches every process.
  const child = spawn(command, args, { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = once(child, 'exit').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }));
  return { child, output: () => output, exited };
}

/** Ends whatever is left of a run (the whole group), for cleanup after a failed assertion. */
function cleanup(r: Running): void {
  try {
    process.kill(-r.child.pid!, 'SIGKILL');
  } catch {
    // already gone
  }
}

async function portClosed(port: number): Promise<boolean> {
  try {
    await fetch(`http://127.0.0.1:${port}/`);
    return false;
  } catch {
    return true;
  }
}

describe('cli', () => {
  test('npm run gateway -- --port P --accounts F: prints the URL, serves, stops on SIGTERM', async (t) => {
    const port = await freePort();
    const token = 'a-rest-token-for-the-cli-test';
    const r = run('npm', ['run', '--silent', 'gateway', '--', '--port', String(port), '--accounts', 'test/fixtures/accounts.json'], {
      SIP_GATEWAY_REST_TOKEN: token,
    });
    t.after(() => cleanup(r));
    await until(() => r.output().includes('Gateway listening on'), 20_000, `startup output: ${r.output()}`);
    assert.match(r.output(), new RegExp(`Gateway listening on ws://127\\.0\\.0\\.1:${port}\\n`));
    assert.match(r.output(), new RegExp(`REST API on http://127\\.0\\.0\\.1:${port}/rest-api \\(bearer token\\)`));

    // An account that only the given file has registers.
    const client = await WsClient.open(`ws://127.0.0.1:${port}`);
    client.send('connection', { sipLogin: '3000', sipPassword: '1234' });
    assert.equal(payload(await client.next('getUserData'))['sipLogin'], '3000');
    await client.next('registered');
    const legs = await fetch(`http://127.0.0.1:${port}/rest-api/call/find_all`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
    assert.deepEqual(await legs.json(), []);
    assert.equal((await fetch(`http://127.0.0.1:${port}/rest-api/call/find_all`, { method: 'POST' })).status, 401);

    process.kill(-r.child.pid!, 'SIGTERM');
    await r.exited;
    await until(() => r.output().includes('stopped ws://'), 5000, `shutdown output: ${r.output()}`);
    assert.match(r.output(), /Stopping \(SIGTERM\)/);
    assert.equal(await client.closed, 1001);
    assert.equal(await portClosed(port), true);
  });

  test('SIGINT to the gateway process exits with code 0; options are validated', async (t) => {
    const port = await freePort();
    const r = run(process.execPath, [
      '--import',
      'tsx',
      'server/cli.ts',
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--no-answer-timeout',
      '1500',
      '--log-level',
      'warn',
    ]);
    t.after(() => cleanup(r));
    await until(() => r.output().includes('Gateway listening on'), 20_000, `startup output: ${r.output()}`);
    process.kill(r.child.pid!, 'SIGINT');
    assert.deepEqual(await r.exited, { code: 0, signal: null });
    assert.equal(await portClosed(port), true);

    const help = run(process.execPath, ['--import', 'tsx', 'server/cli.ts', '--help']);
    t.after(() => cleanup(help));
    assert.deepEqual(await help.exited, { code: 0, signal: null });
    assert.match(help.output(), /--accounts FILE/);

    const bad = run(process.execPath, ['--import', 'tsx', 'server/cli.ts', '--port', 'eighty']);
    t.after(() => cleanup(bad));
    assert.equal((await bad.exited).code, 2);
    assert.match(bad.output(), /--port must be an integer/);

    const missing = run(process.execPath, ['--import', 'tsx', 'server/cli.ts', '--port', '0', '--accounts', 'no/such.json']);
    t.after(() => cleanup(missing));
    assert.equal((await missing.exited).code, 1);
    assert.match(missing.output(), /cannot read accounts file/);
  });
});
