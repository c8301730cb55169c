// End to end: <sip-phone> through faults caused for real (issue 9). The real websdk, the
// real gateway, real audio before and after; a TCP proxy between a phone and the gateway
// cuts, refuses or blackholes the path; a gateway process is killed and started again. Each
// test asserts what the person sees and what is released (captured tracks ended, peer
// connections closed). A media failure has its own file (sip-phone.media-failure.e2e.test.ts),
// which runs in Firefox too.
import { expect } from '@open-wc/testing';
import '../src/sip-phone.js';
import { useTestGateway } from './helpers/gateway.js';
import { capturedTracks, spawnGateway, startProxy, trackCapturedTracks, type TestProxy } from './helpers/faults.js';
import { sleep, trackPeerConnections, trackedPeerConnections, waitFor } from './helpers/media-stats.js';
import { framesOf, lastWebSocket, recordWebSocketFrames } from './helpers/ws-frames.js';
import { button, waitForAttr } from './phone-helpers.js';
import { callStatuses, closed, errors, expectAudioBothWays, registered, sessionStatuses, talk } from './resilience-helpers.js';

trackPeerConnections();
trackCapturedTracks();
recordWebSocketFrames();

const gatewayOf = useTestGateway({ allowImpairment: true });

describe('<sip-phone> when the network fails', function () {
  this.timeout(90_000);

  let proxy: TestProxy | undefined;
  afterEach(async () => {
    await proxy?.stop();
    proxy = undefined;
  });

  it('reconnects on its own after the connection is reset and refused for 3 s, then takes a call with audio', async () => {
    proxy = await startProxy(gatewayOf().url);
    const a = await registered(proxy.url, '10005');
    const b = await registered(gatewayOf().url, '10006');
    expect(a.el.outerHTML, 'the password is not left in the DOM').not.to.contain('pass10005');
    await proxy.refuse();
    await waitForAttr(a.el, 'session-status', 'RECONNECTING', 5000);
    expect(a.el.shadowRoot!.textContent).to.match(/Reconnecting in \d+ s…/);
    expect(button(a.el, 'Reconnect now'), 'a way to retry at once').to.exist;
    await sleep(3000);
    await proxy.restore();
    const back = performance.now();
    await waitForAttr(a.el, 'session-status', 'REGISTERED', 15_000);
    expect(performance.now() - back).to.be.lessThan(15_000);
    const statuses = sessionStatuses(a.events);
    const lost = statuses.findIndex((s) => s.status === 'DISCONNECTED' || s.status === 'FAILED');
    expect(lost, 'the loss is reported').to.be.greaterThan(0);
    const retries = statuses.filter((s) => s.status === 'RECONNECTING');
    expect(retries.length).to.be.greaterThan(0);
    expect(retries[0]).to.include({ attempt: 1 });
    expect(retries[0]!.delayMs).to.be.within(700, 1300);
    retries.forEach((r, i) => expect(r.attempt).to.equal(i + 1));
    expect(errors(a.events).map((e) => e.code)).to.deep.equal(['connection-lost']);
    // A call to the phone rings, is answered, and carries audio both ways.
    const { pcCaller, pcCallee } = await talk(b.el, a.el);
    await expectAudioBothWays(pcCaller, pcCallee);
    a.el.hangup();
    await waitForAttr(b.el, 'call-status', 'FINISH');
  });

  it('resumes its keep-alive session with its token after a short cut', async () => {
    proxy = await startProxy(gatewayOf().url);
    const a = await registered(proxy.url, '10007');
    const socket = lastWebSocket();
    const token = (framesOf(socket).find((f) => f.message === 'getUserData')!.data[0] as { authToken: string }).authToken;
    await proxy.cut();
    await waitFor(() => lastWebSocket() !== socket, 8000, 'a new socket');
    await waitForAttr(a.el, 'session-status', 'REGISTERED', 10_000);
    const again = framesOf(lastWebSocket()).find((f) => f.message === 'getUserData')!.data[0] as { authToken: string; sipLogin: string };
    expect(again.authToken, 'the same server session').to.equal(token);
    expect(again.sipLogin).to.equal('10007');
  });

  it('ends a call on a blackholed connection within 15 s, releases its media, and registers again when the path is back', async () => {
    proxy = await startProxy(gatewayOf().url);
    const a = await registered(proxy.url, '10005');
    const b = await registered(gatewayOf().url, '10006');
    const tracksBefore = capturedTracks().length;
    const { pcCaller, pcCallee } = await talk(a.el, b.el);
    const aTracks = capturedTracks().slice(tracksBefore, tracksBefore + 1);
    expect(aTracks.map((t) => t.readyState)).to.deep.equal(['live']);
    await expectAudioBothWays(pcCaller, pcCallee);

    await proxy.blackhole();
    const cut = performance.now();
    await waitForAttr(a.el, 'call-status', 'FAILED', 15_000);
    expect(performance.now() - cut).to.be.lessThan(15_000);
    expect(callStatuses(a.events).at(-1)).to.include({ status: 'FAILED', reason: 'Connection lost' });
    const ended = performance.now();
    await waitFor(() => closed(pcCaller) && aTracks.every((t) => t.readyState === 'ended'), 3000, 'the caller released its media');
    expect(performance.now() - ended).to.be.lessThan(3000);
    // The gateway finds the silent session too, and ends the other side's call.
    await waitForAttr(b.el, 'call-status', 'FINISH', 20_000);

    await proxy.restore();
    await waitForAttr(a.el, 'session-status', 'REGISTERED', 30_000);
    // Audio again, after.
    const again = await talk(b.el, a.el);
    await expectAudioBothWays(again.pcCaller, again.pcCallee);
    b.el.hangup();
    await waitForAttr(a.el, 'call-status', 'FINISH');
  });

  it('registers both phones again within 20 s after the gateway is killed and started again on the same port', async () => {
    const first = await spawnGateway();
    let second: Awaited<ReturnType<typeof spawnGateway>> | undefined;
    try {
      const a = await registered(first.url, '10005');
      const b = await registered(first.url, '10006');
      await first.kill();
      await waitForAttr(a.el, 'session-status', 'RECONNECTING', 5000);
      await waitForAttr(b.el, 'session-status', 'RECONNECTING', 5000);
      second = await spawnGateway(first.port);
      const started = performance.now();
      await waitForAttr(a.el, 'session-status', 'REGISTERED', 20_000);
      await waitForAttr(b.el, 'session-status', 'REGISTERED', 20_000);
      expect(performance.now() - started).to.be.lessThan(20_000);
      const { pcCaller, pcCallee } = await talk(a.el, b.el);
      await expectAudioBothWays(pcCaller, pcCallee);
      a.el.hangup();
      await waitForAttr(b.el, 'call-status', 'FINISH');
      a.el.disconnect();
      b.el.disconnect();
    } finally {
      await second?.kill();
      await first.kill();
    }
  });

  it('rings every page signed in with the same login; one answers with audio, the other stops ringing', async () => {
    const a = await registered(gatewayOf().url, '10005');
    const b1 = await registered(gatewayOf().url, '10006');
    const b2 = await registered(gatewayOf().url, '10006');
    const before = trackedPeerConnections().length;
    a.el.call('10006');
    await waitForAttr(b1.el, 'call-status', 'RING');
    await waitForAttr(b2.el, 'call-status', 'RING');
    button(b2.el, 'Answer')!.click();
    const answered = performance.now();
    await waitForAttr(b1.el, 'call-status', 'FINISH', 5000);
    expect(performance.now() - answered).to.be.lessThan(5000);
    expect(callStatuses(b1.events).at(-1)).to.include({ status: 'FINISH', reason: 'Answered elsewhere' });
    await waitForAttr(a.el, 'call-status', 'ESTABLISHED');
    const [pcA, pcB2] = trackedPeerConnections().slice(before);
    await expectAudioBothWays(pcA!, pcB2!);
    a.el.hangup();
    await waitForAttr(b2.el, 'call-status', 'FINISH');
  });

  it('no-reconnect: stays DISCONNECTED and opens no socket for 10 s', async () => {
    proxy = await startProxy(gatewayOf().url);
    const a = await registered(proxy.url, '10005', 'no-reconnect');
    const socket = lastWebSocket();
    await proxy.cut();
    await waitFor(() => a.el.sessionStatus === 'DISCONNECTED' || a.el.sessionStatus === 'FAILED', 5000, 'the loss is seen');
    await sleep(10_000);
    expect(lastWebSocket(), 'no new socket').to.equal(socket);
    expect(a.el.sessionStatus).to.be.oneOf(['DISCONNECTED', 'FAILED']);
    expect(sessionStatuses(a.events).map((s) => s.status)).not.to.include('RECONNECTING');
    expect(button(a.el, 'Connect'), 'Connect is offered').to.exist;
  });
});
