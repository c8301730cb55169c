// Protocol-level tests of the gateway with a raw WebSocket client (and werift peers where
// a call needs SDP): registration, bad input, calls in every state, REST, keepalive, leaks.
import dgram from 'node:dgram';
import dns from 'node:dns';
import { describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGateway, type Gateway, type GatewayOptions } from './gateway.js';
import { accountOf, parseClientFrame } from './protocol.js';
import { shapeOfSdp } from './media.js';
import {
  FakeBrowser,
  WsClient,
  login,
  memoryLogger,
  payload,
  sleep,
  until,
  type Frame,
} from './test-support.js';

/** The REST token of the gateways these tests start. */
const REST_TOKEN = 'a-rest-token-of-the-gateway-tests';
const AUTH = { Authorization: `Bearer ${REST_TOKEN}` };

async function gateway(t: TestContext, options: GatewayOptions = {}): Promise<Gateway & { log: string[] }> {
  const logger = memoryLogger();
  const gw = await startGateway({ port: 0, logger, restToken: REST_TOKEN, allowOrigins: ['http://localhost:8000'], ...options });
  t.after(() => gw.close());
  return Object.assign(gw, { log: logger.lines });
}

/** Waits until the gateway holds nothing: no sessions, legs, calls, media or timers. */
async function idle(gw: Gateway): Promise<void> {
  await until(
    () => {
      const s = gw.stats();
      return s.sessions + s.registrations + s.legs + s.calls + s.peerConnections + s.timers === 0;
    },
    5000,
    `gateway idle: ${JSON.stringify(gw.stats())}`,
  );
}

function failFrames(client: WsClient): Record<string, unknown>[] {
  return client.frames.filter((f) => f.message === 'fail').map(payload);
}

describe('protocol helpers', () => {
  test('parseClientFrame accepts websdk frames and rejects the rest without throwing', () => {
    assert.deepEqual(parseClientFrame('{"message":"ping","data":[null]}'), {
      ok: true,
      frame: { message: 'ping', payload: {} },
    });
    const call = parseClientFrame('{"message":"call","data":[{"callId":"a"}]}');
    assert.ok(call.ok && call.frame.payload['callId'] === 'a');
    for (const bad of ['', '{', 'null', '[]', '"x"', '{"data":[]}', '{"message":5}', '{"message":"a","data":{}}']) {
      assert.equal(parseClientFrame(bad).ok, false, bad);
    }
  });

  test('accountOf reads the account out of SIP addresses', () => {
    assert.equal(accountOf('10006'), '10006');
    assert.equal(accountOf('sip:10006@127.0.0.1:5060'), '10006');
    assert.equal(accountOf('"Bob" <sip:10006@host>;tag=1'), '10006');
    assert.equal(accountOf(' 10007@host '), '10007');
  });

  test('shapeOfSdp finds Opus audio, the common video codec and each direction', () => {
    const sdp = [
      'v=0',
      'm=audio 9 UDP/TLS/RTP/SAVPF 111',
      'a=sendrecv',
      'a=rtpmap:111 opus/48000/2',
      'm=video 9 UDP/TLS/RTP/SAVPF 96 102',
      'a=recvonly',
      'a=rtpmap:96 VP8/90000',
      'a=rtpmap:102 H264/90000',
      '',
    ].join('\r\n');
    assert.deepEqual(shapeOfSdp(sdp), {
      audio: true,
      video: true,
      videoCodec: 'VP8',
      flows: { audio: { send: true, recv: true }, video: { send: false, recv: true } },
    });
    assert.equal(shapeOfSdp(sdp.replace('a=rtpmap:96 VP8/90000\r\n', '')).videoCodec, 'H264');
    const inactive = shapeOfSdp(sdp.replace('a=recvonly', 'a=inactive'));
    assert.equal(inactive.video, false);
    assert.deepEqual(inactive.flows.video, { send: false, recv: false });
    assert.equal(shapeOfSdp('v=0\r\nm=audio 0 RTP/AVP 0\r\n').audio, false);
    assert.equal(shapeOfSdp('v=0\r\nm=audio 9 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n').audio, false);
  });
});

describe('registration', () => {
  test('a good password registers: getUserData echoes the connection (no password), then registered', async (t) => {
    const gw = await gateway(t);
    const client = await WsClient.open(gw.url);
    client.send('connection', { appKey: 'defaultApp', sipLogin: '10005', sipPassword: 'pass10005', sipDomain: 'x' });
    const userData = payload(await client.next('getUserData'));
    assert.equal(userData['sipLogin'], '10005');
    assert.equal(userData['sipDomain'], 'x');
    assert.equal(userData['appKey'], 'defaultApp');
    assert.equal(typeof userData['authToken'], 'string');
    assert.ok(!('sipPassword' in userData));
    await client.next('registered');
    assert.deepEqual(
      client.frames.map((f) => f.message),
      ['getUserData', 'registered'],
    );
    assert.equal(gw.stats().registrations, 1);
    await client.close();
    await idle(gw);
  });

  test('a wrong password is refused: fail "Forbidden", then the socket fails', async (t) => {
    const gw = await gateway(t);
    const client = await WsClient.open(gw.url);
    client.send('connection', { sipLogin: '10005', sipPassword: 'nope' });
    const fail = payload(await client.next('fail'));
    assert.deepEqual(fail, { apiMethod: 'connection', status: 'FAILED', info: 'Forbidden' });
    const code = await client.closed;
    // A protocol error (reserved opcode) rather than a close frame: browsers fire `error`.
    assert.equal(code, 1006);
    assert.ok(client.errors.some((e) => /opcode/i.test(e.message)), String(client.errors));
    assert.equal(client.frames.length, 1);
    assert.equal(gw.stats().registrations, 0);
    assert.ok(gw.log.some((l) => l.includes('refused (wrong password')));
    await idle(gw);
  });

  test('an unknown login is refused the same way; refuseMode "close" closes with 4403', async (t) => {
    const gw = await gateway(t, { refuseMode: 'close' });
    const client = await WsClient.open(gw.url);
    client.send('connection', { sipLogin: '424242', sipPassword: 'x' });
    assert.equal(payload(await client.next('fail'))['info'], 'Forbidden');
    assert.equal(await client.closed, 4403);
    assert.ok(gw.log.some((l) => l.includes('unknown login')));
    await idle(gw);
  });

  test('an auth name other than the login is refused', async (t) => {
    const gw = await gateway(t);
    const client = await WsClient.open(gw.url);
    client.send('connection', { sipLogin: '10005', sipAuthenticationName: '10006', sipPassword: 'pass10005' });
    assert.equal(payload(await client.next('fail'))['info'], 'Forbidden');
    await client.closed;
  });

  test('sipRegisterRequired false: established, not registered, and not callable', async (t) => {
    const gw = await gateway(t);
    const a = await login(gw.url, '10005', 'pass10005', { sipRegisterRequired: false });
    await a.sync();
    assert.deepEqual(
      a.frames.map((f) => f.message),
      ['getUserData', 'pong'],
    );
    assert.equal(gw.stats().registrations, 0);
    const b = await login(gw.url, '10006');
    const browser = new FakeBrowser();
    t.after(() => browser.close());
    b.send('call', { callId: 'c1', callee: '10005', sdp: await browser.offer() });
    await b.next((f) => f.message === 'finish' && payload(f)['status'] === 'FAILED');
    assert.deepEqual(b.statuses('c1'), ['TRYING', 'FAILED']);
    assert.equal(failFrames(b)[0]?.['info'], 'Not Found');
    await a.close();
    await b.close();
    await idle(gw);
  });

  test('custom accounts from options and from a file', async (t) => {
    const gw = await gateway(t, { accounts: { alice: 'secret' } });
    (await login(gw.url, 'alice', 'secret')).close();
    const dir = mkdtempSync(join(tmpdir(), 'gw-accounts-'));
    const file = join(dir, 'accounts.json');
    writeFileSync(file, JSON.stringify({ bob: 'pw' }));
    const gw2 = await gateway(t, { accountsFile: file });
    (await login(gw2.url, 'bob', 'pw')).close();
    const refused = await WsClient.open(gw2.url);
    refused.send('connection', { sipLogin: '10005', sipPassword: 'pass10005' });
    assert.equal(payload(await refused.next('fail'))['info'], 'Forbidden');
    writeFileSync(file, '{"bob": 5}');
    await assert.rejects(startGateway({ port: 0, accountsFile: file, logger: 'silent' }), /password of bob/);
    await assert.rejects(startGateway({ port: 0, accountsFile: join(dir, 'missing.json'), logger: 'silent' }), /cannot read/);
  });

  test('authToken: a keepAlive session whose connection was lost can reconnect with its token only', async (t) => {
    const gw = await gateway(t, { tokenTtlMs: 5000 });
    // A keepAlive session its client closes (a clean close frame) cannot be resumed.
    const closed = await login(gw.url, '10006', 'pass10006', { keepAlive: true });
    const closedToken = payload(closed.frames[0]!)['authToken'] as string;
    await closed.close();
    await until(() => gw.stats().sessions === 0 && gw.stats().tokens === 0, 2000, 'closed session and its token gone');
    const late = await WsClient.open(gw.url);
    late.send('connection', { appKey: 'defaultApp', authToken: closedToken, keepAlive: true });
    assert.match(String(payload(await late.next('fail'))['info']), /authToken/);
    await late.closed;
    // One whose connection drops (no close frame) can, for tokenTtlMs.
    const first = await login(gw.url, '10005', 'pass10005', { keepAlive: true });
    const token = payload(first.frames[0]!)['authToken'] as string;
    await first.terminate();
    await until(() => gw.stats().sessions === 0, 2000, 'first session closed');
    assert.equal(gw.stats().tokens, 1);
    const again = await WsClient.open(gw.url);
    again.send('connection', { appKey: 'defaultApp', authToken: token, keepAlive: true });
    const userData = payload(await again.next('getUserData'));
    assert.equal(userData['sipLogin'], '10005');
    assert.equal(userData['authToken'], token);
    await again.next('registered');
    assert.equal(gw.stats().registrations, 1);
    const stranger = await WsClient.open(gw.url);
    stranger.send('connection', { authToken: 'not-a-token' });
    assert.match(String(payload(await stranger.next('fail'))['info']), /authToken/);
    await stranger.closed;
    await again.close();
    await idle(gw);
  });
});

describe('bad input', () => {
  test('malformed JSON, non-frames, frames before connection and unknown messages get a fail and change nothing', async (t) => {
    const gw = await gateway(t);
    const client = await WsClient.open(gw.url);
    client.sendRaw('{not json');
    client.sendRaw('[1,2,3]');
    client.sendRaw(JSON.stringify({ data: [] }));
    client.send('call', { callId: 'early', callee: '10006', sdp: 'v=0' });
    client.send('hangup', { callId: 'early' });
    client.sendRaw(Buffer.from([1, 2, 3]));
    await client.sync();
    assert.deepEqual(
      failFrames(client).map((f) => `${String(f['apiMethod'])}: ${String(f['info'])}`),
      [
        'unknown: Malformed JSON',
        'unknown: Frame is not a JSON object',
        'unknown: Frame has no message name',
        'call: Not connected: send connection first',
        'hangup: Not connected: send connection first',
        'binaryData: Binary frames are not supported',
      ],
    );
    assert.equal(gw.stats().legs, 0);
    // The session still works afterwards.
    client.send('connection', { sipLogin: '10005', sipPassword: 'pass10005' });
    await client.next('registered');
    client.send('frobnicate', {});
    client.send('publishStream', { name: 's' });
    client.send('connection', { sipLogin: '10005', sipPassword: 'pass10005' });
    await client.sync();
    assert.deepEqual(
      failFrames(client)
        .slice(6)
        .map((f) => `${String(f['apiMethod'])}: ${String(f['info'])}`),
      ['frobnicate: Unknown method', 'publishStream: Not supported by this gateway', 'connection: Already connected'],
    );
    assert.ok(gw.log.some((l) => l.startsWith('warn:') && l.includes('Malformed JSON')));
    await client.close();
    await idle(gw);
  });

  test('unknown callIds: fail for hold/unhold/answer/sendDtmf/transfer; hangup is ignored quietly', async (t) => {
    const gw = await gateway(t);
    const client = await login(gw.url, '10005');
    for (const method of ['hold', 'unhold', 'answer', 'sendDtmf', 'transfer']) {
      client.send(method, { callId: 'nope', dtmf: '1', target: '10006', sdp: 'v=0' });
    }
    client.send('hold', {});
    client.send('hangup', { callId: 'nope' });
    await client.sync();
    const fails = failFrames(client);
    assert.deepEqual(
      fails.map((f) => `${String(f['apiMethod'])}/${String(f['callId'])}: ${String(f['info'])}`),
      [
        'hold/nope: Call not found',
        'unhold/nope: Call not found',
        'answer/nope: Call not found',
        'sendDtmf/nope: Call not found',
        'transfer/nope: Call not found',
        'hold/null: Call not found',
      ],
    );
    assert.ok(gw.log.some((l) => l.includes('hangup: no live call "nope"')));
    await client.close();
    await idle(gw);
  });

  test('a call frame without callee or SDP fails the call; a duplicate callId is refused', async (t) => {
    const gw = await gateway(t);
    const client = await login(gw.url, '10005');
    client.send('call', { callId: 'c1', callee: '10006' });
    await client.next((f) => f.message === 'finish');
    assert.deepEqual(client.statuses('c1'), ['TRYING', 'FAILED']);
    assert.equal(failFrames(client).at(-1)?.['info'], 'Bad Request');
    client.send('call', { callee: '10006', sdp: 'v=0' });
    await client.sync();
    assert.equal(failFrames(client).at(-1)?.['info'], 'Bad Request');
    // An SDP the media endpoint cannot use.
    const b = await login(gw.url, '10006');
    client.send('call', { callId: 'c2', callee: '10006', sdp: 'v=0\r\nm=audio 9 RTP/AVP 0\r\n' });
    await client.next((f) => f.message === 'finish' && payload(f)['callId'] === 'c2');
    assert.deepEqual(client.statuses('c2'), ['TRYING', 'FAILED']);
    assert.equal(failFrames(client).at(-1)?.['info'], 'Not Acceptable Here');
    assert.equal(b.frames.filter((f) => f.message === 'notifyIncomingCall').length, 0);
    await client.close();
    await b.close();
    await idle(gw);
  });

  test('an oversized frame closes that socket with 1009; the gateway keeps serving', async (t) => {
    const gw = await gateway(t, { maxPayload: 4096 });
    const client = await login(gw.url, '10005');
    client.send('connection', { junk: 'x'.repeat(10_000) });
    assert.equal(await client.closed, 1009);
    await until(() => gw.stats().sessions === 0, 2000, 'session released');
    assert.ok(gw.log.some((l) => l.includes('Max payload size exceeded')), gw.log.join('\n'));
    const other = await login(gw.url, '10005');
    await other.close();
    await idle(gw);
  });

  test('many abrupt connects and disconnects leave nothing behind', async (t) => {
    const gw = await gateway(t);
    const clients = await Promise.all(Array.from({ length: 20 }, () => WsClient.open(gw.url)));
    clients.forEach((c, i) => {
      if (i % 2) c.send('connection', { sipLogin: '10005', sipPassword: 'pass10005' });
      else c.sendRaw('garbage');
    });
    await Promise.all(clients.map((c) => c.terminate()));
    await idle(gw);
  });
});

describe('keepalive', () => {
  test('answers ping with pong, pings the client, and drops a client that stays silent', async (t) => {
    const gw = await gateway(t, { pingIntervalMs: 100, keepaliveTimeoutMs: 350 });
    const client = await login(gw.url, '10005');
    client.send('ping');
    await client.next('pong');
    await client.next('ping', 1000);
    // Answering pings keeps the session...
    client.send('pong');
    await client.next('ping', 1000);
    client.send('pong');
    assert.equal(gw.stats().sessions, 1);
    // ...silence ends it.
    assert.equal(await client.closed, 1006);
    assert.ok(gw.log.some((l) => l.includes('no answer to pings')));
    await idle(gw);
  });
});

/** Sets up a ringing call 10005 -> 10006 between werift peers. */
async function ringing(t: TestContext, gw: Gateway, callee = '10006') {
  const a = await login(gw.url, '10005');
  const b = await login(gw.url, callee);
  const aMedia = new FakeBrowser();
  const bMedia = new FakeBrowser();
  t.after(async () => {
    await aMedia.close();
    await bMedia.close();
  });
  a.send('call', { callId: 'a1', callee, caller: '10005', sdp: await aMedia.offer(), hasVideo: false });
  const sdpFrame = await b.next('setRemoteSDP');
  const incoming = payload(await b.next('notifyIncomingCall'));
  const bId = String(incoming['callId']);
  assert.equal(sdpFrame.data[0], bId);
  await b.next((f) => f.message === 'ring' && payload(f)['callId'] === bId);
  await a.next((f) => f.message === 'ring');
  return { a, b, aMedia, bMedia, bId, offerToB: String(sdpFrame.data[1]), incoming };
}

async function established(t: TestContext, gw: Gateway) {
  const r = await ringing(t, gw);
  r.b.send('answer', { callId: r.bId, sdp: await r.bMedia.answer(r.offerToB), hasVideo: true });
  // The caller gets the server's SDP answer once the callee answered, before ESTABLISHED.
  const answerFrame = await r.a.next('setRemoteSDP');
  assert.equal(answerFrame.data[0], 'a1');
  await r.aMedia.acceptAnswer(String(answerFrame.data[1]));
  await r.a.next((f) => f.message === 'talk');
  await r.b.next((f) => f.message === 'talk');
  await r.aMedia.connected();
  await r.bMedia.connected();
  return r;
}

describe('calls', () => {
  test("a call's media talks to loopback only: no STUN server is asked (werift's default is stun.l.google.com)", async (t) => {
    // Every UDP destination named and every host name looked up by this process (the gateway
    // and its test peers) while a call is set up and carries audio. A look-up is refused at
    // once: the test must not depend on this machine's DNS.
    const destinations = new Set<string>();
    const lookedUp: string[] = [];
    const send = dgram.Socket.prototype.send;
    dgram.Socket.prototype.send = function (this: dgram.Socket, ...args: unknown[]) {
      const address = args.slice(1).find((arg) => typeof arg === 'string');
      if (address !== undefined) destinations.add(address);
      return (send as (...args: unknown[]) => void).apply(this, args);
    } as typeof send;
    const lookup = dns.promises.lookup;
    dns.promises.lookup = (async (hostname: string) => {
      lookedUp.push(hostname);
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    }) as typeof lookup;
    t.after(() => {
      dgram.Socket.prototype.send = send;
      dns.promises.lookup = lookup;
    });
    const gw = await gateway(t);
    const { aMedia, bMedia } = await established(t, gw);
    aMedia.startSending();
    bMedia.startSending();
    await until(() => aMedia.received > 10 && bMedia.received > 10, 5000, 'audio both ways');
    assert.deepEqual(lookedUp, []);
    assert.deepEqual([...destinations], ['127.0.0.1']);
  });

  test('statuses and frames in WCS order, with callId, caller, callee, incoming, status, info', async (t) => {
    const gw = await gateway(t);
    const { a, b, bId, incoming } = await established(t, gw);
    assert.deepEqual(a.statuses('a1'), ['TRYING', 'RING', 'ESTABLISHED']);
    assert.deepEqual(b.statuses(bId), ['RING', 'ESTABLISHED']);
    assert.deepEqual(
      b.frames.map((f) => f.message),
      ['getUserData', 'registered', 'setRemoteSDP', 'notifyIncomingCall', 'ring', 'talk'],
    );
    assert.deepEqual(
      a.frames.map((f) => f.message),
      ['getUserData', 'registered', 'notifyTryingResponse', 'ring', 'setRemoteSDP', 'talk'],
    );
    assert.notEqual(bId, 'a1');
    assert.equal(incoming['caller'], '10005');
    assert.equal(incoming['callee'], '10006');
    assert.equal(incoming['incoming'], true);
    const talk = payload(a.frames.at(-1) as Frame);
    for (const key of ['callId', 'caller', 'callee', 'incoming', 'status', 'info']) assert.ok(key in talk, key);
    assert.equal(talk['incoming'], false);
    b.send('hangup', { callId: bId });
    assert.equal(payload(await a.nextStatus('a1'))['status'], 'FINISH');
    assert.equal(payload(await b.nextStatus(bId))['status'], 'FINISH');
    await a.close();
    await b.close();
    await idle(gw);
  });

  test('RTP is relayed between the legs; hold stops it toward the held party; unhold resumes', async (t) => {
    const gw = await gateway(t);
    const { a, b, aMedia, bMedia, bId } = await established(t, gw);
    await aMedia.connected();
    await bMedia.connected();
    aMedia.startSending();
    bMedia.startSending();
    await until(() => aMedia.received > 20 && bMedia.received > 20, 5000, 'packets both ways');
    a.send('hold', { callId: 'a1' });
    assert.equal(payload(await a.nextStatus('a1'))['status'], 'HOLD');
    await sleep(100);
    const held = bMedia.received;
    await sleep(400);
    assert.equal(bMedia.received, held, 'the held party receives nothing');
    const legs = gw.findAll();
    assert.equal(legs.find((l) => l['callId'] === 'a1')?.['hold'], true);
    a.send('unhold', { callId: 'a1' });
    assert.equal(payload(await a.nextStatus('a1'))['status'], 'ESTABLISHED');
    await until(() => bMedia.received > held + 10, 3000, 'media again after unhold');
    b.send('hangup', { callId: bId });
    await a.nextStatus('a1');
    await a.close();
    await b.close();
    await idle(gw);
  });

  test('busy, decline, cancel and no-answer', async (t) => {
    const gw = await gateway(t, { noAnswerTimeoutMs: 300 });
    // No answer: caller FAILED "Request Timeout", callee FINISH.
    const r = await ringing(t, gw);
    assert.equal(payload(await r.a.nextStatus('a1', 2000))['status'], 'FAILED');
    assert.equal(payload(await r.b.nextStatus(r.bId))['status'], 'FINISH');
    assert.deepEqual(failFrames(r.a).at(-1), { apiMethod: 'call', callId: 'a1', status: 'FAILED', info: 'Request Timeout' });
    // Call waiting: a second caller to a callee in a call rings it too; busy is the callee's
    // answer (a decline).
    const aMedia2 = new FakeBrowser();
    t.after(() => aMedia2.close());
    r.a.send('call', { callId: 'a2', callee: '10006', sdp: await aMedia2.offer() });
    const incoming = payload(await r.b.next('notifyIncomingCall'));
    const c = await login(gw.url, '10007');
    const cMedia = new FakeBrowser();
    t.after(() => cMedia.close());
    c.send('call', { callId: 'c1', callee: '10006', sdp: await cMedia.offer() });
    const waiting = payload(await r.b.next((f) => f.message === 'notifyIncomingCall' && payload(f)['caller'] === '10007'));
    await c.next((f) => f.message === 'ring');
    r.b.send('hangup', { callId: waiting['callId'] });
    await c.next((f) => f.message === 'finish');
    assert.deepEqual(c.statuses('c1'), ['TRYING', 'RING', 'BUSY']);
    assert.equal(failFrames(c).at(-1)?.['info'], 'Busy Here');
    // Decline: callee hangs up while ringing.
    await r.a.next((f) => f.message === 'ring' && payload(f)['callId'] === 'a2');
    r.b.send('hangup', { callId: incoming['callId'] });
    assert.equal(payload(await r.a.nextStatus('a2'))['status'], 'BUSY');
    assert.equal(failFrames(r.a).at(-1)?.['info'], 'Busy Here');
    await r.a.close();
    await r.b.close();
    await c.close();
    await idle(gw);
  });

  test('one login on two sessions: both ring, the first answer wins, the other gets "Answered elsewhere"', async (t) => {
    const gw = await gateway(t);
    const a = await login(gw.url, '10005');
    const b1 = await login(gw.url, '10006');
    const b2 = await login(gw.url, '10006');
    assert.equal(gw.stats().registrations, 3);
    const aMedia = new FakeBrowser();
    const bMedia = new FakeBrowser();
    t.after(async () => {
      await aMedia.close();
      await bMedia.close();
    });
    a.send('call', { callId: 'a1', callee: '10006', sdp: await aMedia.offer() });
    const [sdp1, sdp2] = [await b1.next('setRemoteSDP'), await b2.next('setRemoteSDP')];
    const id1 = String(payload(await b1.next('notifyIncomingCall'))['callId']);
    const id2 = String(payload(await b2.next('notifyIncomingCall'))['callId']);
    assert.notEqual(id1, id2);
    await b1.next((f) => f.message === 'ring');
    await b2.next((f) => f.message === 'ring');
    // The second session answers; the first one stops ringing.
    b2.send('answer', { callId: id2, sdp: await bMedia.answer(String(sdp2.data[1])), hasVideo: false });
    const ended = payload(await b1.next((f) => f.message === 'finish'));
    assert.deepEqual([ended['callId'], ended['status'], ended['info']], [id1, 'FINISH', 'Answered elsewhere']);
    await aMedia.acceptAnswer(String((await a.next('setRemoteSDP')).data[1]));
    await a.next((f) => f.message === 'talk');
    await bMedia.connected();
    aMedia.startSending();
    await until(() => bMedia.received > 20, 5000, 'audio reaches the session that answered');
    assert.ok(sdp1.data[1], 'the first session got its own offer');
    // A session answering too late is told the call is gone.
    b1.send('answer', { callId: id1, sdp: 'v=0', hasVideo: false });
    assert.deepEqual(payload(await b1.next('fail')), { apiMethod: 'answer', callId: id1, status: 'FAILED', info: 'Call not found' });
    a.send('hangup', { callId: 'a1' });
    await b2.next((f) => f.message === 'finish');
    // Both decline: the caller hears busy only when the last one has declined.
    const aMedia2 = new FakeBrowser();
    t.after(() => aMedia2.close());
    a.send('call', { callId: 'a2', callee: '10006', sdp: await aMedia2.offer() });
    const in1 = String(payload(await b1.next((f) => f.message === 'notifyIncomingCall' && payload(f)['callId'] !== id1))['callId']);
    const in2 = String(payload(await b2.next((f) => f.message === 'notifyIncomingCall' && payload(f)['callId'] !== id2))['callId']);
    await a.next((f) => f.message === 'ring' && payload(f)['callId'] === 'a2');
    b1.send('hangup', { callId: in1 });
    await b1.next((f) => f.message === 'finish' && payload(f)['callId'] === in1);
    await sleep(100);
    assert.deepEqual(a.statuses('a2'), ['TRYING', 'RING'], 'the caller still rings the other session');
    b2.send('hangup', { callId: in2 });
    assert.equal(payload(await a.next((f) => f.message === 'finish' && payload(f)['callId'] === 'a2'))['status'], 'BUSY');
    // A session that leaves takes only its own registration with it.
    await b2.close();
    await until(() => gw.stats().registrations === 2, 2000, 'one registration of 10006 left');
    const aMedia3 = new FakeBrowser();
    t.after(() => aMedia3.close());
    a.send('call', { callId: 'a3', callee: '10006', sdp: await aMedia3.offer() });
    await b1.next((f) => f.message === 'notifyIncomingCall' && payload(f)['caller'] === '10005' && payload(f)['callId'] !== in1 && payload(f)['callId'] !== id1);
    a.send('hangup', { callId: 'a3' });
    await a.close();
    await b1.close();
    await idle(gw);
  });

  for (const who of ['caller', 'callee'] as const) {
    for (const state of ['setup', 'ringing', 'established', 'held', 'transferring'] as const) {
      test(`the ${who}'s socket drops while ${state}: the other side gets FINISH, nothing leaks`, async (t) => {
        const gw = await gateway(t);
        const c = await login(gw.url, '10007');
        if (state === 'setup') {
          const a = await login(gw.url, '10005');
          const b = await login(gw.url, '10006');
          const media = new FakeBrowser();
          t.after(() => media.close());
          const sdp = await media.offer();
          a.send('call', { callId: 'a1', callee: '10006', sdp });
          if (who === 'caller') {
            await a.next('notifyTryingResponse');
            await a.terminate();
            await until(() => gw.stats().legs === 0, 3000, 'legs released');
            // The callee may have been told about the call or not; if it was, it is ended.
            await b.sync();
            const notified = b.frames.some((f) => f.message === 'notifyIncomingCall');
            assert.equal(b.frames.some((f) => f.message === 'finish'), notified);
          } else {
            await b.terminate();
            const end = payload(await a.next((f) => f.message === 'finish'));
            assert.ok(['FINISH', 'FAILED'].includes(String(end['status'])));
          }
          await a.close();
          await b.close();
        } else {
          const r = state === 'ringing' ? await ringing(t, gw) : await established(t, gw);
          if (state === 'held') {
            r.a.send('hold', { callId: 'a1' });
            await r.a.nextStatus('a1');
          }
          if (state === 'transferring') {
            // The callee transfers the caller to 10007, which rings.
            r.b.send('transfer', { callId: r.bId, target: '10007' });
            await c.next('notifyIncomingCall');
            await r.b.next((f) => f.message === 'notifyTransferEvent' && payload(f)['status'] === 'ACCEPTED');
          }
          const [gone, stays, staysId] = who === 'caller' ? [r.a, r.b, r.bId] : [r.b, r.a, 'a1'];
          await gone.terminate();
          if (state === 'transferring' && who === 'callee') {
            // The transferring side left; the transfer goes on: 10007 still rings, 10005 waits.
            await sleep(100);
            assert.equal(r.a.statuses('a1').at(-1), 'ESTABLISHED');
            const cIncoming = payload(c.frames.find((f) => f.message === 'notifyIncomingCall')!);
            c.send('hangup', { callId: cIncoming['callId'] });
            // Nobody is left for 10005.
            assert.equal(payload(await r.a.nextStatus('a1')).status, 'FINISH');
          } else {
            assert.equal(payload(await stays.nextStatus(staysId)).status, 'FINISH');
            if (state === 'transferring') await c.next((f) => f.message === 'finish');
          }
          await r.a.close();
          await r.b.close();
        }
        await c.close();
        await idle(gw);
      });
    }
  }

  test('requests in the wrong state are refused; a bad SDP answer fails the call on both sides', async (t) => {
    const gw = await gateway(t);
    const { a, b, bId } = await ringing(t, gw);
    a.send('hold', { callId: 'a1' });
    a.send('transfer', { callId: 'a1', target: '10007' });
    a.send('sendDtmf', { callId: 'a1', dtmf: '1' });
    a.send('answer', { callId: 'a1', sdp: 'v=0' });
    await a.sync();
    assert.deepEqual(
      failFrames(a).map((f) => `${String(f['apiMethod'])}: ${String(f['info'])}`),
      ['hold: Invalid call state', 'transfer: Invalid call state', 'sendDtmf: Invalid call state', 'answer: Invalid call state'],
    );
    assert.deepEqual(a.statuses('a1'), ['TRYING', 'RING']);
    b.send('answer', { callId: bId, sdp: 'v=0\r\nthis is not SDP' });
    assert.equal(payload(await a.nextStatus('a1')).status, 'FAILED');
    assert.equal(payload(await b.nextStatus(bId)).status, 'FAILED');
    assert.equal(failFrames(a).at(-1)?.['info'], 'Not Acceptable Here');
    await a.close();
    await b.close();
    await idle(gw);
  });

  test('DTMF is recorded per leg and shown by REST find_all', async (t) => {
    const gw = await gateway(t);
    const { a, b, bId } = await established(t, gw);
    a.send('sendDtmf', { callId: 'a1', type: 'RFC2833', dtmf: '1' });
    a.send('sendDtmf', { callId: 'a1', type: 'RFC2833', dtmf: 2 });
    b.send('sendDtmf', { callId: bId, type: 'INFO', dtmf: '#' });
    b.send('sendDtmf', { callId: bId, type: 'SMOKE', dtmf: '3' });
    await a.sync();
    await b.sync();
    const res = await fetch(`${gw.restUrl}/call/find_all`, { method: 'POST', body: '{}', headers: { ...AUTH, Origin: 'http://localhost:8000' } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('access-control-allow-origin'), 'http://localhost:8000');
    const legs = (await res.json()) as Array<Record<string, unknown>>;
    const byId = new Map(legs.map((l) => [l['callId'], l]));
    assert.equal(byId.get('a1')?.['dtmf'], '12');
    assert.equal(byId.get('a1')?.['dtmfType'], 'RFC2833');
    assert.equal(byId.get(bId)?.['dtmf'], '#');
    assert.equal(byId.get(bId)?.['dtmfType'], 'INFO');
    assert.equal(failFrames(b).at(-1)?.['info'], 'Bad DTMF');
    await a.close();
    await b.close();
    await idle(gw);
  });

  test('blind transfer: TRYING, ACCEPTED, COMPLETED, then FINISH to the transferring side', async (t) => {
    const gw = await gateway(t);
    const c = await login(gw.url, '10007');
    const { a, b, bId } = await established(t, gw);
    b.send('transfer', { callId: bId, target: '10007' });
    const cIncoming = payload(await c.next('notifyIncomingCall'));
    assert.equal(cIncoming['caller'], '10005');
    const cId = String(cIncoming['callId']);
    const offer = String(c.frames.find((f) => f.message === 'setRemoteSDP')!.data[1]);
    const cMedia = new FakeBrowser();
    t.after(() => cMedia.close());
    c.send('answer', { callId: cId, sdp: await cMedia.answer(offer) });
    assert.equal(payload(await c.nextStatus(cId)).status, 'RING');
    assert.equal(payload(await c.nextStatus(cId)).status, 'ESTABLISHED');
    await cMedia.connected();
    await b.next((f) => f.message === 'finish');
    assert.deepEqual(
      b.frames
        .filter((f) => ['notifyTransferEvent', 'finish'].includes(f.message))
        .map((f) => `${f.message}:${String(payload(f)['status'])}`),
      ['notifyTransferEvent:TRYING', 'notifyTransferEvent:ACCEPTED', 'notifyTransferEvent:COMPLETED', 'finish:FINISH'],
    );
    const legs = gw.findAll();
    assert.deepEqual(legs.map((l) => l['callId']).sort(), ['a1', cId].sort());
    assert.equal(legs.find((l) => l['callId'] === 'a1')?.['otherCallId'], cId);
    c.send('hangup', { callId: cId });
    assert.equal(payload(await a.nextStatus('a1')).status, 'FINISH');
    await Promise.all([a.close(), b.close(), c.close()]);
    await idle(gw);
  });
});

describe('REST API', () => {
  test('find_all, terminate, CORS preflight and errors', async (t) => {
    const gw = await gateway(t);
    const post = (path: string, body: string) => fetch(`${gw.restUrl}${path}`, { method: 'POST', body, headers: AUTH });
    const empty = await post('/call/find_all', '');
    assert.equal(empty.status, 200);
    assert.deepEqual(await empty.json(), []);
    const preflight = await fetch(`${gw.restUrl}/call/terminate`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://localhost:8000', 'Access-Control-Request-Method': 'POST' },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), 'http://localhost:8000');
    assert.match(preflight.headers.get('access-control-allow-methods') ?? '', /POST/);
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /Authorization/i);

    const { a, b, bId } = await established(t, gw);
    const found = (await (await post('/call/find_all', '{}')).json()) as Array<Record<string, unknown>>;
    assert.equal(found.length, 2);
    const caller = found.find((l) => l['callId'] === 'a1')!;
    assert.deepEqual(
      [caller['caller'], caller['callee'], caller['status'], caller['incoming'], caller['dtmf']],
      ['10005', '10006', 'ESTABLISHED', false, ''],
    );
    assert.equal(found.find((l) => l['callId'] === bId)?.['incoming'], true);

    assert.equal((await post('/call/terminate', '{"callId":"nope"}')).status, 404);
    assert.equal((await post('/call/terminate', '{}')).status, 400);
    assert.equal((await post('/call/terminate', '{oops')).status, 400);
    assert.equal((await fetch(`${gw.restUrl}/call/terminate`, { headers: AUTH })).status, 405);
    assert.equal((await post('/no/such', '{}')).status, 404);
    const stats = (await (await fetch(`${gw.restUrl}/gateway/stats`, { headers: AUTH })).json()) as Record<string, unknown>;
    assert.equal(stats['legs'], 2);

    const ok = await post('/call/terminate', JSON.stringify({ callId: bId }));
    assert.equal(ok.status, 200);
    assert.equal(payload(await a.nextStatus('a1')).info, 'Terminated');
    assert.equal(payload(await b.nextStatus(bId)).status, 'FINISH');
    assert.deepEqual(await (await post('/call/find_all', '')).json(), []);
    await a.close();
    await b.close();
    await idle(gw);
  });

  test('the WebSocket and REST share one port; the websdk package is served for the Phone example', async (t) => {
    const gw = await gateway(t);
    assert.equal(new URL(gw.url).port, new URL(gw.restUrl).port);
    const root = await fetch(gw.url.replace('ws:', 'http:') + '/');
    assert.match(await root.text(), /WebSocket/);
    const phone = await fetch(gw.url.replace('ws:', 'http:') + '/websdk/examples/demo/sip/phone/phone.html');
    assert.equal(phone.status, 200);
    assert.match(await phone.text(), /Phone/);
    const escape = await fetch(gw.url.replace('ws:', 'http:') + '/websdk/..%2f..%2fpackage.json');
    assert.equal(escape.status, 404);
  });
});

describe('shutdown', () => {
  test('close() ends every session and call and leaves nothing', async (t) => {
    const gw = await gateway(t);
    const { a, b } = await established(t, gw);
    await gw.close();
    assert.deepEqual(
      (({ sessions, legs, calls, peerConnections, timers }) => ({ sessions, legs, calls, peerConnections, timers }))(
        gw.stats(),
      ),
      { sessions: 0, legs: 0, calls: 0, peerConnections: 0, timers: 0 },
    );
    assert.equal(await a.closed, 1001);
    await b.closed;
  });
});
