// Acceptance 4 and 5: DTMF and blind transfer asserted through the REST API, and 50 call
// cycles after which the gateway holds nothing.
import { expect } from '@open-wc/testing';
import { startTestGateway, isIdle, type CallLegInfo, type TestGateway } from './helpers/gateway.js';
import {
  inboundAudioBytes,
  peerConnectionsSince,
  trackPeerConnections,
  trackedPeerConnections,
  waitFor,
  waitForGrowth,
} from './helpers/media-stats.js';
import { recordWebSocketFrames } from './helpers/ws-frames.js';
import { TestPhone } from './helpers/websdk-phone.js';

describe('gateway: DTMF, transfer and no leaks (acceptance 4, 5)', function () {
  this.timeout(60_000);
  let gateway: TestGateway;
  let phones: TestPhone[] = [];

  async function phone(login: string): Promise<TestPhone> {
    const p = await TestPhone.connect(login, { url: gateway.url, login, password: `pass${login}` });
    phones.push(p);
    return p;
  }

  async function leg(callId: string): Promise<CallLegInfo | undefined> {
    return (await gateway.findAll()).find((l) => l.callId === callId);
  }

  before(async () => {
    trackPeerConnections();
    recordWebSocketFrames();
    gateway = await startTestGateway({ noAnswerTimeoutMs: 5000 });
  });

  afterEach(async () => {
    for (const p of phones) await p.close();
    phones = [];
  });

  after(async () => {
    await gateway?.stop();
  });

  it('records the DTMF digits each leg sent, with their type (REST find_all)', async () => {
    const alice = await phone('10005');
    const bob = await phone('10006');
    const [out, inc] = await alice.callAnswered(bob, '10006');
    out.call.sendDTMF('1');
    out.call.sendDTMF('2');
    out.call.sendDTMF('#');
    inc.call.sendDTMF('*', 'INFO');
    inc.call.sendDTMF('9', 'INFO');
    await waitFor(async () => (await leg(inc.id))?.dtmf === '*9', 3000, 'callee DTMF recorded');
    const caller = await leg(out.id);
    const callee = await leg(inc.id);
    expect(caller?.dtmf).to.equal('12#');
    expect(caller?.dtmfType).to.equal('RFC2833');
    expect(callee?.dtmf).to.equal('*9');
    expect(callee?.dtmfType).to.equal('INFO');
    expect(caller?.otherCallId).to.equal(inc.id);
    // Digits that are not DTMF are refused with a WARN and not recorded.
    out.call.sendDTMF('x');
    await waitFor(() => alice.warnings.some((w) => w['apiMethod'] === 'sendDtmf'), 3000, 'WARN for a bad digit');
    expect((await leg(out.id))?.dtmf).to.equal('12#');
    out.call.hangup();
    await inc.waitStatus('FINISH');
  });

  it('blind transfer: the other party is connected to the target, which rings and answers', async () => {
    const alice = await phone('10005');
    const bob = await phone('10006');
    const carol = await phone('10007');
    const [aliceCall, bobCall] = await alice.callAnswered(bob, '10006');
    const alicePc = await aliceCall.connectedPeerConnection();

    // Bob transfers Alice to Carol.
    bobCall.call.transfer('10007');
    const carolCall = await carol.waitIncoming();
    await carolCall.waitStatus('RING');
    expect(carolCall.call.caller()).to.equal('10005');
    expect(carolCall.call.callee()).to.equal('10007');
    const ringing = await leg(carolCall.id);
    expect(ringing?.status).to.equal('RING');
    expect(ringing?.caller).to.equal('10005');
    expect(bobCall.statuses.at(-1)).to.equal('ESTABLISHED');

    carolCall.answer();
    await carolCall.waitStatus('ESTABLISHED');
    await bobCall.waitStatus('FINISH');
    // The transferring side heard TRYING, ACCEPTED, COMPLETED, then FINISH, on the wire.
    const bobWire = bob
      .frames()
      .filter((f) => ['notifyTransferEvent', 'finish'].includes(f.message))
      .map((f) => `${f.message}:${String((f.data[0] as { status?: string }).status)}`);
    expect(bobWire).to.deep.equal([
      'notifyTransferEvent:TRYING',
      'notifyTransferEvent:ACCEPTED',
      'notifyTransferEvent:COMPLETED',
      'finish:FINISH',
    ]);

    // REST: Alice's leg (same callId) now talks to Carol's.
    const legs = await gateway.findAll();
    expect(legs.map((l) => l.callId).sort()).to.deep.equal([aliceCall.id, carolCall.id].sort());
    expect(legs.find((l) => l.callId === aliceCall.id)?.otherCallId).to.equal(carolCall.id);
    expect(legs.every((l) => l.status === 'ESTABLISHED')).to.equal(true);
    expect((await gateway.stats()).totals.transfers).to.equal(1);

    // Media flows between Alice and Carol (Bob's connection is closed).
    const carolPc = await carolCall.connectedPeerConnection();
    await waitForGrowth(() => inboundAudioBytes(carolPc), 2000, 5000, 'the target receives audio');
    await waitForGrowth(() => inboundAudioBytes(alicePc), 2000, 5000, 'the other party receives audio again');
    expect(aliceCall.statuses).to.deep.equal(['TRYING', 'RING', 'ESTABLISHED']);

    carolCall.call.hangup();
    await aliceCall.waitStatus('FINISH');
  });

  it('a transfer to an unregistered target fails with a WARN; the call goes on', async () => {
    const alice = await phone('10005');
    const bob = await phone('10006');
    const [aliceCall, bobCall] = await alice.callAnswered(bob, '10006');
    bobCall.call.transfer('10008');
    await waitFor(() => bob.warnings.some((w) => w['apiMethod'] === 'transfer'), 3000, 'transfer WARN');
    expect(bob.warnings.find((w) => w['apiMethod'] === 'transfer')?.['info']).to.equal('Not Found');
    expect(bob.frames('notifyTransferEvent').map((f) => (f.data[0] as { status: string }).status)).to.deep.equal([
      'TRYING',
      'FAILED',
    ]);
    const pc = await bobCall.connectedPeerConnection();
    await waitForGrowth(() => inboundAudioBytes(pc), 1000, 5000, 'audio still flows');
    aliceCall.call.hangup();
    await bobCall.waitStatus('FINISH');
  });

  it('after 50 call cycles the gateway holds no peer connections, legs, calls, sessions or timers', async function () {
    this.timeout(150_000);
    const alice = await phone('10005');
    const bob = await phone('10006');
    const pcsBefore = trackedPeerConnections().length;
    const before = (await gateway.stats()).totals;
    let answered = 0;
    for (let i = 0; i < 50; i++) {
      const out = alice.call('10006');
      const inc = await bob.waitIncoming();
      await inc.waitStatus('RING');
      await out.waitStatus('RING');
      if (i % 5 === 3) {
        out.call.hangup(); // caller cancels
      } else if (i % 5 === 4) {
        inc.call.hangup(); // callee declines
      } else {
        inc.answer();
        await out.waitStatus('ESTABLISHED');
        await inc.waitStatus('ESTABLISHED');
        answered++;
        (i % 2 ? out : inc).call.hangup();
      }
      await waitFor(
        () => ['FINISH', 'BUSY'].includes(out.statuses.at(-1) ?? '') && inc.statuses.at(-1) === 'FINISH',
        5000,
        `cycle ${i}: both sides released (caller ${out.statuses.join(',')}; callee ${inc.statuses.join(',')})`,
      );
      out.dispose();
      inc.dispose();
    }
    const during = await gateway.stats();
    expect(during.totals.calls - before.calls).to.equal(50);
    expect(during.totals.established - before.established).to.equal(answered);
    expect(answered).to.equal(30);
    await waitFor(
      async () => {
        const s = await gateway.stats();
        return s.legs === 0 && s.calls === 0 && s.peerConnections === 0;
      },
      5000,
      'no legs, calls or peer connections while the phones stay connected',
    );
    // Only the two sessions and their keepalive timers remain...
    const connected = await gateway.stats();
    expect([connected.sessions, connected.registrations, connected.timers]).to.deep.equal([2, 2, 2]);
    // ...and nothing at all once they disconnect.
    await alice.close();
    await bob.close();
    phones = [];
    await waitFor(async () => isIdle(await gateway.stats()), 5000, 'gateway idle');
    const end = await gateway.stats();
    expect([end.sessions, end.registrations, end.legs, end.calls, end.peerConnections, end.timers]).to.deep.equal([
      0, 0, 0, 0, 0, 0,
    ]);
    // The browser side closed its peer connections too: one per leg, two legs per call.
    const created = peerConnectionsSince(pcsBefore);
    expect(created.length).to.equal(50 + answered);
    await waitFor(() => created.every((pc) => pc.signalingState === 'closed'), 3000, 'browser peer connections closed');
  });
});
