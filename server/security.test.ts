// The gateway against an attacker on the same machine (issue 10): REST needs its token and
// answers CORS only for allowed origins; WebSocket Origin and Host checks; silent
// connections and login-less sessions closed; session caps; login throttling; logs that
// carry no caller's control characters, no password and no flood; 413; tokens purged.
import { describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { WebSocket } from 'ws';
import { startGateway, type Gateway, type GatewayOptions } from './gateway.js';
import { LoginThrottle, OriginPolicy, safe } from './security.js';
import { TokenStore, type Session } from './session.js';
import { WsClient, login, memoryLogger, payload, sleep, until } from './test-support.js';

const TOKEN = 'a-rest-token-of-the-security-tests';

async function gateway(t: TestContext, options: GatewayOptions = {}): Promise<Gateway & { log: string[] }> {
  const logger = memoryLogger();
  const gw = await startGateway({ port: 0, logger, ...options });
  t.after(() => gw.close());
  return Object.assign(gw, { log: logger.lines });
}

/** The HTTP status a WebSocket upgrade gets (101 when it opens). */
function upgradeStatus(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('error', (error) => {
      if (!/Unexpected server response/.test(error.message)) reject(error);
    });
  });
}

describe('REST API access', () => {
  test('off without a token; 401 without or with a wrong token; 200 with it; never a wildcard CORS', async (t) => {
    const off = await gateway(t);
    assert.equal((await fetch(`${off.restUrl}/call/find_all`, { method: 'POST' })).status, 404);

    const gw = await gateway(t, { restToken: TOKEN, allowOrigins: ['https://app.example'] });
    const find = (headers: Record<string, string>) => fetch(`${gw.restUrl}/call/find_all`, { method: 'POST', headers });
    const none = await find({});
    assert.equal(none.status, 401);
    assert.match(none.headers.get('www-authenticate') ?? '', /^Bearer/);
    assert.equal((await find({ Authorization: 'Bearer wrong' })).status, 401);
    assert.equal((await find({ Authorization: `Bearer ${TOKEN}x` })).status, 401);
    // A cross-site form post (text/plain, no preflight) cannot carry the token: refused.
    const csrf = await fetch(`${gw.restUrl}/call/terminate`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain', Origin: 'http://evil.example' },
      body: '{"callId":"x"}',
    });
    assert.equal(csrf.status, 401);
    assert.equal(csrf.headers.get('access-control-allow-origin'), null);
    const ok = await find({ Authorization: `Bearer ${TOKEN}`, Origin: 'https://app.example' });
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), []);
    assert.equal(ok.headers.get('access-control-allow-origin'), 'https://app.example');
    // Preflight: allowed origins get CORS, others (loopback pages included) none, nobody '*'.
    for (const [origin, allowed] of [
      ['https://app.example', 'https://app.example'],
      ['http://evil.example', null],
      ['http://127.0.0.1:8000', null],
    ] as const) {
      const preflight = await fetch(`${gw.restUrl}/call/terminate`, {
        method: 'OPTIONS',
        headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization' },
      });
      assert.equal(preflight.status, 204);
      assert.equal(preflight.headers.get('access-control-allow-origin'), allowed, origin);
      if (allowed) assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /Authorization/);
    }
  });

  test('a body over 64 KB gets 413, not a reset', async (t) => {
    const gw = await gateway(t, { restToken: TOKEN });
    const big = await fetch(`${gw.restUrl}/call/terminate`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ callId: 'x'.repeat(100 * 1024) }),
    });
    assert.equal(big.status, 413);
    assert.equal(((await big.json()) as { error: string }).error, 'Payload Too Large');
  });
});

describe('who may open a session', () => {
  test('an evil Origin is refused at the upgrade (403); loopback pages, allowed origins and clients without Origin are not', async (t) => {
    const gw = await gateway(t, { allowOrigins: ['https://app.example'] });
    assert.equal(await upgradeStatus(gw.url, { Origin: 'https://evil.example' }), 403);
    assert.equal(await upgradeStatus(gw.url, { Origin: 'null' }), 403);
    assert.equal(await upgradeStatus(gw.url, { Origin: 'http://127.0.0.1.evil.example:8000' }), 403);
    for (const origin of ['http://127.0.0.1:8000', 'http://localhost:3000', 'http://[::1]:8080', 'https://app.example']) {
      assert.equal(await upgradeStatus(gw.url, { Origin: origin }), 101, origin);
    }
    assert.equal(await upgradeStatus(gw.url, {}), 101);
    assert.ok(gw.log.some((l) => l.includes('origin "https://evil.example" refused')));
    // The evil page could not register; a loopback page can.
    const client = await WsClient.open(gw.url, { Origin: 'http://127.0.0.1:8000' });
    client.send('connection', { sipLogin: '10005', sipPassword: 'pass10005' });
    await client.next('registered');
    await client.close();
  });

  test('bound to loopback, a Host header naming another host is refused (DNS rebinding)', async (t) => {
    const gw = await gateway(t, { restToken: TOKEN });
    const port = new URL(gw.url).port;
    assert.equal(await upgradeStatus(gw.url, { Host: `rebound.example:${port}` }), 403);
    assert.equal(await upgradeStatus(gw.url, { Host: `localhost:${port}` }), 101);
    const rest = await new Promise<number>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write(`GET /rest-api/gateway/stats HTTP/1.1\r\nHost: rebound.example:${port}\r\nAuthorization: Bearer ${TOKEN}\r\n\r\n`);
      });
      socket.once('data', (d) => {
        resolve(Number(/^HTTP\/1\.1 (\d+)/.exec(d.toString())?.[1]));
        socket.destroy();
      });
      socket.once('error', reject);
    });
    assert.equal(rest, 403);
  });

  test('a silent TCP connection and a WebSocket that never signs in are closed within 15 s', async (t) => {
    const gw = await gateway(t);
    const started = Date.now();
    const port = Number(new URL(gw.url).port);
    const tcpClosed = new Promise<number>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.on('error', () => undefined);
      socket.once('close', () => resolve(Date.now() - started));
    });
    const ws = await WsClient.open(gw.url);
    ws.send('ping', null);
    const [tcpMs, wsCode] = await Promise.all([tcpClosed, ws.closed]);
    const wsMs = Date.now() - started;
    assert.ok(tcpMs < 15_500, `silent TCP closed after ${tcpMs} ms`);
    assert.ok(wsMs < 15_500, `login-less WebSocket closed after ${wsMs} ms`);
    assert.equal(wsCode, 4408);
    await until(() => gw.stats().sessions === 0 && gw.stats().timers === 0, 2000, 'nothing left');
  });

  test('--max-sessions and the per-address cap: 503 beyond them', async (t) => {
    const gw = await gateway(t, { maxSessions: 3 });
    const open = [await WsClient.open(gw.url), await WsClient.open(gw.url), await WsClient.open(gw.url)];
    assert.equal(await upgradeStatus(gw.url, {}), 503);
    await open[0]!.close();
    await until(() => gw.stats().sessions === 2, 2000, 'a session closed');
    assert.equal(await upgradeStatus(gw.url, {}), 101);
    await Promise.all(open.slice(1).map((c) => c.close()));
    const perAddress = await gateway(t, { maxSessionsPerAddress: 2 });
    const two = [await WsClient.open(perAddress.url), await WsClient.open(perAddress.url)];
    assert.equal(await upgradeStatus(perAddress.url, {}), 503);
    await Promise.all(two.map((c) => c.close()));
  });
});

describe('login throttling', () => {
  test('after 10 failures the right password is refused ("Too Many Requests"), and accepted after the block', async (t) => {
    const gw = await gateway(t, { throttle: { blockMs: 1500 } });
    for (let i = 0; i < 10; i++) {
      const c = await WsClient.open(gw.url);
      c.send('connection', { sipLogin: '10005', sipPassword: `guess${i}` });
      assert.equal(payload(await c.next('fail'))['info'], 'Forbidden');
      await c.closed;
    }
    const right = await WsClient.open(gw.url);
    right.send('connection', { sipLogin: '10005', sipPassword: 'pass10005' });
    assert.equal(payload(await right.next('fail'))['info'], 'Too Many Requests');
    await right.closed;
    // The address is blocked too: another login from it is refused unchecked.
    const other = await WsClient.open(gw.url);
    other.send('connection', { sipLogin: '10006', sipPassword: 'pass10006' });
    assert.equal(payload(await other.next('fail'))['info'], 'Too Many Requests');
    await other.closed;
    await sleep(1600);
    const later = await login(gw.url, '10005');
    await later.close();
  });

  test('LoginThrottle: 10 failures in a minute block the login and the address for 30 s', () => {
    let now = 0;
    const throttle = new LoginThrottle({}, () => now);
    for (let i = 0; i < 9; i++) throttle.failed('10005', '10.0.0.1');
    assert.equal(throttle.blocked('10005', '10.0.0.2'), false);
    now = 61_000;
    throttle.failed('10005', '10.0.0.1');
    assert.equal(throttle.blocked('10005', '10.0.0.3'), false, 'older failures fall out of the window');
    for (let i = 0; i < 8; i++) throttle.failed('10005', '10.0.0.1');
    assert.equal(throttle.blocked('10005', '10.0.0.9'), false, 'nine in the window');
    throttle.failed('10005', '10.0.0.1');
    assert.equal(throttle.blocked('10005', '10.0.0.9'), true, 'the login');
    assert.equal(throttle.blocked('10006', '10.0.0.1'), true, 'the address');
    assert.equal(throttle.blocked('10006', '10.0.0.9'), false);
    now += 29_999;
    assert.equal(throttle.blocked('10005', '10.0.0.9'), true);
    now += 2;
    assert.equal(throttle.blocked('10005', '10.0.0.9'), false);
    throttle.stop();
  });
});

describe('safe logs', () => {
  test('caller text is cut and escaped; frames are never logged; 1 MB of junk adds little', async (t) => {
    const gw = await gateway(t);
    const lines = gw.log;
    const size = () => lines.join('\n').length;
    // A forged log line through a callId with a newline.
    const a = await login(gw.url, '10005');
    a.send('hold', { callId: 'x\n[gateway] info: session 00000000: 10005 registered' });
    await a.next('fail');
    const forged = lines.find((l) => l.includes('session 00000000'))!;
    assert.ok(forged.includes('x\\n[gateway]'), forged);
    assert.ok(!lines.some((l) => l.startsWith('[gateway]')));
    // A long callId is cut at 128 characters.
    a.send('hold', { callId: 'y'.repeat(250 * 1024) });
    await a.next((f) => f.message === 'fail' && String(payload(f)['callId']).startsWith('yyy'));
    const long = lines.find((l) => l.includes('yyyy'))!;
    assert.ok(long.length < 400, `a ${long.length}-character line`);
    // A malformed connection frame carrying a password: not a character of it in the log.
    const b = await WsClient.open(gw.url);
    b.sendRaw('{"message":"connection","data":[{"sipLogin":"10006","sipPassword":"hunter2-secret"}');
    await b.next('fail');
    assert.ok(!lines.join('\n').includes('hunter2'));
    // 1 MB of junk from a socket that never signed in.
    const before = size();
    const junk = await WsClient.open(gw.url);
    junk.sendRaw('x'.repeat(1024 * 1024));
    await junk.closed;
    assert.ok(size() - before < 10 * 1024, `the log grew by ${size() - before} characters`);
    // Many bad frames before signing in close the socket.
    const noisy = await WsClient.open(gw.url);
    for (let i = 0; i < 30; i++) noisy.send('hold', { callId: `z${i}` });
    assert.equal(await noisy.closed, 1008);
    await a.close();
    await b.close();
  });

  test('safe() cuts, escapes control characters, and shows non-strings by type', () => {
    assert.equal(safe('a\nb\r\u0000\u2028"'), 'a\\nb\\r\\u0000\\u2028\\"');
    assert.equal(safe('x'.repeat(200)).length, 129);
    assert.equal(safe({ a: 1 }), '(object)');
    assert.equal(safe(['x']), '(array)');
    assert.equal(safe(undefined), 'undefined');
  });

  test('OriginPolicy: port wildcards, exact origins, Host checks only on loopback', () => {
    const policy = new OriginPolicy(['https://app.example', 'http://lan.example:*'], '127.0.0.1');
    assert.equal(policy.allowsSocket('http://lan.example:81'), true);
    assert.equal(policy.allowsSocket('http://lan.example'), true);
    assert.equal(policy.allowsSocket('http://lan.example:81x'), false);
    assert.equal(policy.allowsSocket('https://app.example:444'), false);
    assert.equal(policy.allowsCors('http://localhost:8000'), false);
    assert.equal(policy.allowsHost('127.0.0.2:80'), true);
    assert.equal(policy.allowsHost('[::1]:80'), true);
    assert.equal(policy.allowsHost(undefined), false);
    assert.equal(new OriginPolicy([], '192.168.1.5').allowsHost('anything.example'), true);
  });
});

describe('tokens', () => {
  test('an expired keep-alive token is purged on a timer, without any lookup', async () => {
    const store = new TokenStore(50, 20);
    const expired: string[] = [];
    store.onExpired = (token) => expired.push(token);
    const session = {} as Session;
    const token = store.issue(session, { login: '1', mayCall: true, registered: true, echo: {}, keepAlive: true });
    store.released(session, token, true);
    await sleep(200);
    assert.deepEqual(expired, [token]);
    store.clear();
  });
});

test('the media test hook is off unless asked for', async (t) => {
  const gw = await gateway(t);
  assert.throws(() => gw.impair('x', { loss: 1, jitterMs: 0 }), /allowImpairment/);
});
