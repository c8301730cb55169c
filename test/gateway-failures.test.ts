// Acceptance 3: every way a call can fail, with the status each side sees (the real websdk
// in headless Chromium against the local gateway).
import { expect } from '@open-wc/testing';
import { startTestGateway, isIdle, type TestGateway } from './helpers/gateway.js';
import { inboundAudioBytes, sleep, trackPeerConnections, waitFor, waitForGrowth } from './helpers/media-stats.js';
import { TestPhone, type PhoneOptions } from './helpers/websdk-phone.js';

const NO_ANSWER_MS = 2500;

describe('gateway: failures and what the other side sees (acceptance 3)', function () {
  this.timeout(30_000);
  let gateway: TestGateway;
  let phones: TestPhone[] = [];

  async function phone(login: string, extra: Partial<PhoneOptions> = {}): Promise<TestPhone> {
    const p = await TestPhone.connect(login, { url: gateway.url, login, password: `pass${login}`, ...extra });
    phones.push(p);
    return p;
  }

  /** Warnings (server `fail` frames) about calls, as `status: info`. */
  function callWarnings(p: TestPhone): string[] {
    return p.warnings.filter((w) => w['apiMethod'] === 'call').map((w) => `${String(w['status'])}: ${String(w['info'])}`);
  }

  before(async () => {
    trackPeerConnections();
    gateway = await startTestGateway({ noAnswerTimeoutMs: NO_ANSWER_MS });
  });

  afterEach(async () => {
    for (const p of phones) await p.close();
    phones = [];
    await waitFor(async () => isIdle(await gateway.stats()), 5000, 'gateway idle between tests');
  });

  after(async () => {
    await gateway?.stop();
  });

  it('unknown callee: the caller gets FAILED, and a WARN saying "Not Found"', async () => {
    const alice = await phone('10005');
    const out = alice.call('99999');
    await out.waitStatus('FAILED');
    expect(out.statuses).to.deep.equal(['TRYING', 'FAILED']);
    expect(callWarnings(alice)).to.deep.equal(['FAILED: Not Found']);
    expect(alice.warnings[0]?.['callId']).to.equal(out.id);
    // websdk 2.0.276 never copies a server reason into the call: the WARN is the only carrier.
    expect(out.call.getInfo()).to.equal(undefined);
  });

  it('known but unregistered callee: FAILED "Not Found"', async () => {
    const alice = await phone('10005');
    const out = alice.call('sip:10007@127.0.0.1');
    await out.waitStatus('FAILED');
    expect(callWarnings(alice)).to.deep.equal(['FAILED: Not Found']);
  });

  it('callee already in a call: it rings (call waiting); its decline gives the caller BUSY; the call in progress goes on', async () => {
    const alice = await phone('10005');
    const bob = await phone('10006');
    const carol = await phone('10007');
    const [first, inc] = await alice.callAnswered(bob, '10006');

    const second = carol.call('10006');
    const waiting = await bob.waitIncoming();
    await waiting.waitStatus('RING');
    await second.waitStatus('RING');
    waiting.call.hangup();
    await second.waitStatus('BUSY');
    expect(second.statuses).to.deep.equal(['TRYING', 'RING', 'BUSY']);
    expect(callWarnings(carol)).to.deep.equal(['BUSY: Busy Here']);
    expect(bob.incoming.length).to.equal(2);
    const pc = await inc.connectedPeerConnection();
    await waitForGrowth(() => inboundAudioBytes(pc), 1000, 5000, 'the first call still carries audio');
    expect(first.statuses.at(-1)).to.equal('ESTABLISHED');
    expect(inc.statuses.at(-1)).to.equal('ESTABLISHED');
  });

  it('callee declines: the caller gets BUSY "Busy Here", the callee FINISH', async () => {
    const alice = await phone('10005');
    const bob = await phone('10006');
    const out = alice.call('10006');
    const inc = await bob.waitIncoming();
    await inc.waitStatus('RING');
    await out.waitStatus('RING');
    inc.call.hangup();
    await out.waitStatus('BUSY');
    await inc.waitStatus('FINISH');
    expect(out.statuses).to.deep.equal(['TRYING', 'RING', 'BUSY']);
    expect(inc.statuses).to.deep.equal(['RING', 'FINISH']);
    expect(callWarnings(alice)).to.deep.equal(['BUSY: Busy Here']);
    expect(callWarnings(bob)).to.deep.equal([]);
  });

  it('caller cancels before an answer: the callee gets FINISH', async () => {
    const alice = await phone('10005');
    const bob = await phone('10006');
    const out = alice.call('10006');
    const inc = await bob.waitIncoming();
    await out.waitStatus('RING');
    out.call.hangup();
    await inc.waitStatus('FINISH');
    await out.waitStatus('FINISH');
    expect(inc.statuses).to.deep.equal(['RING', 'FINISH']);
    expect(out.statuses).to.deep.equal(['TRYING', 'RING', 'FINISH']);
  });

  it('no answer within the timeout: the caller gets FAILED "Request Timeout", the callee FINISH', async () => {
    const alice = await phone('10005');
    const bob = await phone('10006');
    const started = performance.now();
    const out = alice.call('10006');
    const inc = await bob.waitIncoming();
    await out.waitStatus('FAILED', NO_ANSWER_MS + 4000);
    const elapsed = performance.now() - started;
    await inc.waitStatus('FINISH');
    expect(elapsed).to.be.greaterThan(NO_ANSWER_MS - 100);
    expect(out.statuses).to.deep.equal(['TRYING', 'RING', 'FAILED']);
    expect(inc.statuses).to.deep.equal(['RING', 'FINISH']);
    expect(callWarnings(alice)).to.deep.equal(['FAILED: Request Timeout']);
  });

  it('wrong password: the session FAILS with a WARN "Forbidden" and nothing is registered', async () => {
    const p = await TestPhone.open('10005', { url: gateway.url, login: '10005', password: 'wrong' });
    phones.push(p);
    await p.waitSession('FAILED');
    expect(p.sessionEvents).to.deep.equal(['CONNECTED', 'FAILED']);
    expect(p.warnings).to.deep.equal([{ apiMethod: 'connection', status: 'FAILED', info: 'Forbidden' }]);
    expect((await gateway.stats()).registrations).to.equal(0);
  });

  it('unknown login and a wrong auth name are refused the same way', async () => {
    const unknown = await TestPhone.open('55555', { url: gateway.url, login: '55555', password: 'x' });
    const authName = await TestPhone.open('10005', {
      url: gateway.url,
      login: '10005',
      password: 'pass10005',
      authenticationName: '10006',
    });
    phones.push(unknown, authName);
    await unknown.waitSession('FAILED');
    await authName.waitSession('FAILED');
    expect(unknown.warnings[0]?.['info']).to.equal('Forbidden');
    expect(authName.warnings[0]?.['info']).to.equal('Forbidden');
  });

  it('without registration: ESTABLISHED only, can call, cannot be called; bad credentials cannot call', async () => {
    const alice = await phone('10005', { registerRequired: false });
    expect(alice.sessionEvents).to.deep.equal(['CONNECTED', 'ESTABLISHED']);
    const bob = await phone('10006');
    // Alice can call...
    const out = alice.call('10006');
    const inc = await bob.waitIncoming();
    await inc.waitStatus('RING');
    expect(inc.call.caller()).to.equal('10005');
    out.call.hangup();
    await inc.waitStatus('FINISH');
    await out.waitStatus('FINISH');
    // ...but cannot be called.
    const back = bob.call('10005');
    await back.waitStatus('FAILED');
    // The cancelled call's reason comes as a warning too (the websdk drops it from the status).
    expect(callWarnings(bob)).to.deep.equal(['FINISH: Request Terminated', 'FAILED: Not Found']);
    // A session with a wrong password is established but its calls are refused.
    const mallory = await phone('10007', { registerRequired: false, password: 'wrong' });
    const refused = mallory.call('10006');
    await refused.waitStatus('FAILED');
    expect(callWarnings(mallory)).to.deep.equal(['FAILED: Forbidden']);
    expect(bob.incoming.length).to.equal(1);
  });

  it('server-side terminate (REST): both sides get FINISH', async () => {
    const alice = await phone('10005');
    const bob = await phone('10006');
    const [out, inc] = await alice.callAnswered(bob, '10006');
    const legs = await gateway.findAll();
    expect(legs.map((l) => l.callId).sort()).to.deep.equal([out.id, inc.id].sort());
    expect(await gateway.terminate(out.id)).to.equal(200);
    await out.waitStatus('FINISH');
    await inc.waitStatus('FINISH');
    expect(await gateway.findAll()).to.deep.equal([]);
    expect(await gateway.terminate(out.id)).to.equal(404);
  });

  it('a socket closed mid-call: the other side gets FINISH', async () => {
    const alice = await phone('10005');
    const bob = await phone('10006');
    const [out] = await alice.callAnswered(bob, '10006');
    bob.disconnect();
    await out.waitStatus('FINISH');
    expect(out.statuses).to.deep.equal(['TRYING', 'RING', 'ESTABLISHED', 'FINISH']);
    await waitFor(async () => (await gateway.stats()).legs === 0, 3000, 'legs released');
  });

  it('a socket closed while ringing: callee gone -> caller FINISH; caller gone -> callee FINISH', async () => {
    const alice = await phone('10005');
    const bob = await phone('10006');
    const out = alice.call('10006');
    await bob.waitIncoming();
    await out.waitStatus('RING');
    bob.disconnect();
    await out.waitStatus('FINISH');

    const carol = await phone('10007');
    const out2 = carol.call('10005');
    const inc2 = await alice.waitIncoming();
    await inc2.waitStatus('RING');
    carol.disconnect();
    await inc2.waitStatus('FINISH');
    expect(inc2.statuses).to.deep.equal(['RING', 'FINISH']);
    await sleep(100);
    expect(out2.statuses).to.deep.equal(['TRYING', 'RING']);
  });
});
