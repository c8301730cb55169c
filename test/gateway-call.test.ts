// Acceptance 1: two websdk sessions in headless Chromium register with the local gateway,
// call each other, exchange real audio (and video), hold/unhold, and hang up.
import { expect } from '@open-wc/testing';
import { startTestGateway, isIdle, type TestGateway } from './helpers/gateway.js';
import {
  audioEnergy,
  framesDecoded,
  growth,
  inboundAudioBytes,
  inboundCodecs,
  sleep,
  trackPeerConnections,
  waitFor,
  waitForGrowth,
} from './helpers/media-stats.js';
import { TestPhone } from './helpers/websdk-phone.js';

describe('gateway: a call between two browsers (acceptance 1)', function () {
  this.timeout(60_000);
  let gateway: TestGateway;
  let alice: TestPhone;
  let bob: TestPhone;

  before(async () => {
    trackPeerConnections();
    gateway = await startTestGateway();
  });

  beforeEach(async () => {
    alice = await TestPhone.connect('10005', { url: gateway.url, login: '10005', password: 'pass10005' });
    bob = await TestPhone.connect('10006', { url: gateway.url, login: '10006', password: 'pass10006' });
  });

  afterEach(async () => {
    await alice?.close();
    await bob?.close();
  });

  after(async () => {
    if (!gateway) return;
    await waitFor(async () => isIdle(await gateway.stats()), 5000, 'gateway idle after the calls');
    await gateway.stop();
  });

  it('registers both accounts and says so in the session events', () => {
    expect(alice.sessionEvents).to.deep.equal(['CONNECTED', 'ESTABLISHED', 'REGISTERED']);
    expect(bob.sessionEvents).to.deep.equal(['CONNECTED', 'ESTABLISHED', 'REGISTERED']);
    expect(alice.userData?.['sipLogin']).to.equal('10005');
    expect(alice.userData?.['authToken']).to.be.a('string').and.not.equal('');
    expect(alice.userData).to.not.have.property('sipPassword');
  });

  it('rings, answers, carries audio both ways, holds, unholds and hangs up', async () => {
    const out = alice.call('10006');
    await out.waitStatus('RING');
    const inc = await bob.waitIncoming();
    await inc.waitStatus('RING');
    expect(out.statuses).to.deep.equal(['TRYING', 'RING']);
    expect(inc.statuses).to.deep.equal(['RING']);
    expect(inc.call.caller()).to.equal('10005');
    expect(inc.call.callee()).to.equal('10006');
    expect(inc.id).to.not.equal(out.id);

    inc.answer();
    await out.waitStatus('ESTABLISHED');
    await inc.waitStatus('ESTABLISHED');

    const outPc = await out.connectedPeerConnection();
    const incPc = await inc.connectedPeerConnection();
    expect(outPc).to.not.equal(incPc);
    // Audio flows both ways: bytes and sound energy grow on each side.
    await waitForGrowth(() => inboundAudioBytes(outPc), 2000, 5000, 'caller receives audio');
    await waitForGrowth(() => inboundAudioBytes(incPc), 2000, 5000, 'callee receives audio');
    await waitForGrowth(() => audioEnergy(outPc), 0, 5000, 'caller hears sound');
    await waitForGrowth(() => audioEnergy(incPc), 0, 5000, 'callee hears sound');

    // The caller puts the callee on hold: the held side's inbound audio stops.
    out.call.hold();
    await out.waitStatus('HOLD');
    await sleep(300);
    expect(await growth(() => inboundAudioBytes(incPc), 1000)).to.equal(0);
    // ...and unhold resumes it (ESTABLISHED fires again).
    out.call.unhold();
    await out.waitStatus('ESTABLISHED', 5000, 2);
    await waitForGrowth(() => inboundAudioBytes(incPc), 2000, 5000, 'callee receives audio after unhold');
    await waitForGrowth(() => inboundAudioBytes(outPc), 2000, 5000, 'caller receives audio after unhold');

    const legs = await gateway.findAll();
    expect(legs.map((l) => l.status).sort()).to.deep.equal(['ESTABLISHED', 'ESTABLISHED']);

    inc.call.hangup();
    await inc.waitStatus('FINISH');
    await out.waitStatus('FINISH');
    expect(out.statuses).to.deep.equal(['TRYING', 'RING', 'ESTABLISHED', 'HOLD', 'ESTABLISHED', 'FINISH']);
    expect(inc.statuses).to.deep.equal(['RING', 'ESTABLISHED', 'FINISH']);
    await waitFor(async () => (await gateway.stats()).legs === 0, 3000, 'legs released');
  });

  it('carries video both ways: frames are decoded on each side', async () => {
    const [out, inc] = await alice.callAnswered(bob, '10006', { call: { video: true }, answer: { video: true } });
    const outPc = await out.connectedPeerConnection();
    const incPc = await inc.connectedPeerConnection();
    await waitForGrowth(() => framesDecoded(outPc), 10, 10_000, 'caller decodes video');
    await waitForGrowth(() => framesDecoded(incPc), 10, 10_000, 'callee decodes video');
    await waitForGrowth(() => inboundAudioBytes(incPc), 1000, 5000, 'callee receives audio with video');
    const legs = await gateway.findAll();
    expect(legs.every((l) => l.hasVideo)).to.equal(true);
    expect((await inboundCodecs(incPc, 'video')).map((c) => c.toUpperCase())).to.deep.equal(['VIDEO/VP8']);
    out.call.hangup();
    await out.waitStatus('FINISH');
    await inc.waitStatus('FINISH');
  });

  it('a video call answered with audio only: both sides hear each other; no dead video track', async () => {
    const [out, inc] = await alice.callAnswered(bob, '10006', { call: { video: true }, answer: { video: false } });
    const outPc = await out.connectedPeerConnection();
    const incPc = await inc.connectedPeerConnection();
    await waitForGrowth(() => audioEnergy(outPc), 0.001, 5000, 'caller hears the callee');
    await waitForGrowth(() => audioEnergy(incPc), 0.001, 5000, 'callee hears the caller');
    // The gateway answered the caller's video recvonly: the callee sends none.
    const receiving = outPc.getTransceivers().filter((t) => t.receiver.track.kind === 'video' && t.currentDirection?.includes('recv'));
    expect(receiving).to.deep.equal([]);
    out.call.hangup();
    await inc.waitStatus('FINISH');
  });

  it('uses H.264 when the caller offers no VP8, and video is decoded on both sides', async () => {
    const [out, inc] = await alice.callAnswered(bob, '10006', {
      call: { video: true, stripCodecs: 'VP8,VP9,AV1' },
      answer: { video: true },
    });
    const outPc = await out.connectedPeerConnection();
    const incPc = await inc.connectedPeerConnection();
    await waitForGrowth(() => framesDecoded(outPc), 10, 10_000, 'caller decodes H.264 video');
    await waitForGrowth(() => framesDecoded(incPc), 10, 10_000, 'callee decodes H.264 video');
    expect((await inboundCodecs(outPc, 'video')).map((c) => c.toUpperCase())).to.deep.equal(['VIDEO/H264']);
    expect((await inboundCodecs(incPc, 'video')).map((c) => c.toUpperCase())).to.deep.equal(['VIDEO/H264']);
    inc.call.hangup();
    await out.waitStatus('FINISH');
    await inc.waitStatus('FINISH');
  });
});
