// App keys (`--apps`, "Call us" buttons) against a running gateway: a session that names an
// app key calls from the app's account, to its callees only, with no password, and cannot be
// called; an unknown key is refused.
import { describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { startGateway, type Gateway, type GatewayOptions } from './gateway.js';
import { mayCallTo, validateApps } from './apps.js';
import { FakeBrowser, WsClient, login, memoryLogger, payload, until } from './test-support.js';

const APPS = {
  'call-us': { account: 'visitor', callees: ['10006', 'sales-*'] },
};

async function gateway(t: TestContext, options: GatewayOptions = {}): Promise<Gateway> {
  const gw = await startGateway({ port: 0, logger: memoryLogger(), apps: APPS, ...options });
  t.after(() => gw.close());
  return gw;
}

/** A session with an app key and no credentials at all. */
async function visitor(url: string, appKey = 'call-us'): Promise<WsClient> {
  const client = await WsClient.open(url);
  client.send('connection', { appKey, keepAlive: false });
  return client;
}

describe('app keys', () => {
  test('a session with an app key calls its callee from the app account, without a password, and is never registered', async (t) => {
    const gw = await gateway(t);
    const agent = await login(gw.url, '10006');
    const v = await visitor(gw.url);
    const userData = payload(await v.next('getUserData'));
    assert.equal(userData['sipLogin'], 'visitor');
    assert.equal('sipPassword' in userData, false);
    assert.equal(gw.stats().registrations, 1, 'only the agent is registered');
    assert.equal(v.frames.some((f) => f.message === 'registered'), false);
    const media = new FakeBrowser();
    t.after(() => media.close());
    v.send('call', { callId: 'v1', callee: '10006', sdp: await media.offer() });
    const incoming = payload(await agent.next('notifyIncomingCall'));
    assert.equal(incoming['caller'], 'visitor');
    v.send('hangup', { callId: 'v1' });
    await agent.next((f) => f.message === 'finish');
    // Anybody else: Forbidden, and nobody rings.
    const media2 = new FakeBrowser();
    t.after(() => media2.close());
    v.send('call', { callId: 'v2', callee: '10007', sdp: await media2.offer() });
    await v.next((f) => f.message === 'finish' && payload(f)['callId'] === 'v2');
    assert.deepEqual(v.statuses('v2'), ['TRYING', 'FAILED']);
    assert.equal(payload(v.frames.filter((f) => f.message === 'fail').at(-1)!)['info'], 'Forbidden');
    // The visitor cannot be called: calling its account finds nobody.
    const media3 = new FakeBrowser();
    t.after(() => media3.close());
    agent.send('call', { callId: 'a1', callee: 'visitor', sdp: await media3.offer() });
    await agent.next((f) => f.message === 'finish' && payload(f)['callId'] === 'a1');
    assert.deepEqual(agent.statuses('a1'), ['TRYING', 'FAILED']);
    await v.close();
    await agent.close();
    await until(() => gw.stats().sessions === 0, 2000, 'sessions closed');
  });

  test('an unknown app key is refused; the default key is an ordinary session', async (t) => {
    const gw = await gateway(t);
    const v = await visitor(gw.url, 'nope');
    assert.equal(payload(await v.next('fail'))['info'], 'Unknown app key');
    await v.closed;
    const ordinary = await login(gw.url, '10005', 'pass10005', { appKey: 'defaultApp' });
    await ordinary.close();
  });

  test('validateApps and mayCallTo', () => {
    const apps = validateApps(APPS);
    const app = apps.get('call-us')!;
    assert.equal(mayCallTo(app, '10006'), true);
    assert.equal(mayCallTo(app, 'sip:10006@example.org'), true);
    assert.equal(mayCallTo(app, 'sales-east'), true);
    assert.equal(mayCallTo(app, '10007'), false);
    assert.equal(mayCallTo(app, 'xsales-east'), false);
    assert.throws(() => validateApps({ defaultApp: { account: 'a', callees: ['1'] } }), /cannot be an app key/);
    assert.throws(() => validateApps({ k: { account: 'a b', callees: ['1'] } }), /account/);
    assert.throws(() => validateApps({ k: { account: 'a', callees: [] } }), /callees/);
    assert.throws(() => validateApps([]), /expected a JSON object/);
  });
});
