// The gateway as a package of its own (`server/`, npm workspace `sip-phone-gateway`): packed
// the way it would be published, installed into an empty folder with production
// dependencies only, it starts from its `bin` (compiled JavaScript, no tsx) and registers a
// client. This is what someone gets who runs the gateway without this repository's dev tools.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function npm(args, cwd) {
  return execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 180_000 });
}

test('npm pack of the gateway, installed with --omit=dev, starts from its bin and registers a client', { timeout: 240_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sip-gateway-package-'));
  let child;
  try {
    npm(['pack', '--workspace', 'server', '--pack-destination', dir, '--silent'], ROOT);
    const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
    assert.ok(tarball, 'npm pack made a tarball');
    const app = join(dir, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true }));
    npm(['install', '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline', join(dir, tarball)], app);
    const installed = join(app, 'node_modules');
    assert.ok(existsSync(join(installed, 'sip-phone-gateway', 'dist', 'cli.js')), 'compiled JavaScript is in the package');
    assert.ok(!existsSync(join(installed, 'sip-phone-gateway', 'cli.ts')), 'no TypeScript sources');
    for (const runtime of ['ws', 'werift', 'sip.js']) assert.ok(existsSync(join(installed, runtime)), `${runtime} installed as a dependency`);
    for (const dev of ['tsx', 'typescript', 'lit']) assert.ok(!existsSync(join(installed, dev)), `${dev} not installed`);

    child = spawn(join(installed, '.bin', 'sip-phone-gateway'), ['--port', '0', '--log-level', 'warn'], { cwd: app, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const url = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no start in 20 s: ${out}`)), 20_000);
      child.stdout.on('data', () => {
        const match = /Gateway listening on (ws:\/\/\S+)/.exec(out);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
    });
    assert.match(out, /REST API off/);
    // The demo accounts ship with it.
    const registered = await new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.on('open', () => ws.send(JSON.stringify({ message: 'connection', data: [{ sipLogin: '10005', sipPassword: 'pass10005' }] })));
      ws.on('message', (data) => {
        const frame = JSON.parse(String(data));
        if (frame.message === 'registered') {
          ws.close();
          resolve(frame.data[0].sipLogin);
        }
      });
      ws.on('error', reject);
    });
    assert.equal(registered, '10005');
    const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    child = undefined;
  } finally {
    child?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
