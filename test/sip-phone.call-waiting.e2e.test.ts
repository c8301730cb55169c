// End to end: call waiting on <sip-phone> with the real websdk and the local gateway (issue
// 12, point 2). A calls C; B calls C while they talk. C declines B (B hears busy), then takes
// B's second call (A is held), swaps back to A (B is held), with the audio of each leg
// asserted at every step, and a third caller beyond max-calls is turned away at once.
import { expect, fixture, html } from '@open-wc/testing';
import '../src/sip-phone.js';
import type { SipPhone } from '../src/sip-phone.js';
import type { SipCallStatusEvent } from '../src/events.js';
import { useTestGateway } from './helpers/gateway.js';
import { rawCall } from './helpers/raw-caller.js';
import { audioEnergy, growth, trackPeerConnections, trackedPeerConnections, waitFor, waitForGrowth } from './helpers/media-stats.js';
import { button, deepQuery, phoneText, recordEvents, waitForAttr } from './phone-helpers.js';

trackPeerConnections();

const gatewayOf = useTestGateway();

/** `pc` hears sound (its received audio energy grows). */
async function hears(pc: RTCPeerConnection, who: string): Promise<void> {
  await waitForGrowth(() => audioEnergy(pc), 0.001, 6000, `${who} hears the other side`);
}

/** `pc` hears nothing for 2 s, once the audio on its way has drained. */
async function silent(pc: RTCPeerConnection, who: string): Promise<void> {
  await waitFor(async () => (await growth(() => audioEnergy(pc), 600)) < 0.0002, 5000, `${who} still hears audio`, 0);
  expect(await growth(() => audioEnergy(pc), 2000), `${who} hears nothing`).to.be.lessThan(0.0005);
}

describe('call waiting through the gateway', function () {
  this.timeout(120_000);

  it('a second call waits, is declined (busy), then answered (the first held), then swapped back, with audio at each step', async () => {
    const root = await fixture<HTMLDivElement>(html`<div>
      <sip-phone id="a" wcs-url=${gatewayOf().url} sip-login="10005" sip-password="pass10005"></sip-phone>
      <sip-phone id="b" wcs-url=${gatewayOf().url} sip-login="10007" sip-password="pass10007"></sip-phone>
      <sip-phone id="c" wcs-url=${gatewayOf().url} sip-login="10006" sip-password="pass10006"></sip-phone>
    </div>`);
    const [a, b, c] = ['#a', '#b', '#c'].map((id) => root.querySelector<SipPhone>(id)!) as [SipPhone, SipPhone, SipPhone];
    const cEvents = recordEvents(c);
    for (const p of [a, b, c]) await p.connect();
    for (const p of [a, b, c]) await waitForAttr(p, 'session-status', 'REGISTERED');

    // A calls C.
    const base = trackedPeerConnections().length;
    a.call('10006');
    await waitForAttr(c, 'call-status', 'RING');
    button(c, 'Answer')!.click();
    await waitForAttr(a, 'call-status', 'ESTABLISHED');
    const [pcA, pcCA] = trackedPeerConnections().slice(base) as [RTCPeerConnection, RTCPeerConnection];
    await hears(pcA, 'A');
    await hears(pcCA, 'C (from A)');

    // B calls C: C sees it waiting, A's audio goes on; C declines; B hears busy at once.
    b.call('10006');
    await waitFor(() => phoneText(c).includes('Call waiting from 10007'), 8000, 'C sees the waiting call');
    await hears(pcA, 'A, while B waits');
    await hears(pcCA, 'C, while B waits');
    button(c, 'Decline')!.click();
    const declined = performance.now();
    await waitForAttr(b, 'call-status', 'BUSY', 2000);
    expect(performance.now() - declined).to.be.lessThan(2000);
    expect(c.callStatus).to.equal('ESTABLISHED');

    // B calls again; C answers it: A is held (no audio either way, the gateway shows hold), B and C talk.
    const beforeB = trackedPeerConnections().length;
    b.call('10006');
    await waitFor(() => phoneText(c).includes('Call waiting from 10007'), 8000, 'C sees the waiting call again');
    button(c, 'Answer')!.click();
    await waitForAttr(b, 'call-status', 'ESTABLISHED');
    const [pcB, pcCB] = trackedPeerConnections().slice(beforeB) as [RTCPeerConnection, RTCPeerConnection];
    await hears(pcB, 'B');
    await hears(pcCB, 'C (from B)');
    await silent(pcA, 'A, held');
    await silent(pcCA, 'C, from the held A');
    const legs = await gatewayOf().findAll();
    const cLegWithA = legs.find((l) => l.login === '10006' && l.caller === '10005');
    expect(cLegWithA?.hold, 'the gateway shows the call with A on hold').to.equal(true);
    expect(phoneText(c)).to.contain('On hold with 10005');

    // Swap: A and C talk again, B is held.
    deepQuery<HTMLButtonElement>(c, '[part=swap-button]')!.click();
    await waitFor(() => phoneText(c).includes('On hold with 10007'), 8000, 'B on hold');
    await hears(pcA, 'A, after the swap');
    await hears(pcCA, 'C, from A after the swap');
    await silent(pcB, 'B, held');

    // Every sip-call-status names its call: C saw two (three, with the declined one) distinct calls.
    const ids = new Set(cEvents.filter((e): e is SipCallStatusEvent => e.type === 'sip-call-status').map((e) => e.detail.callId));
    expect(ids.size).to.equal(3);

    // A third caller, beyond max-calls (2): turned away with busy, C is not disturbed.
    const third = await rawCall(gatewayOf().url, '10008', 'pass10008', '10006');
    try {
      expect(await third.final(3000)).to.equal('BUSY');
    } finally {
      third.close();
    }

    a.hangup();
    await waitForAttr(b, 'call-status', 'ESTABLISHED');
    await waitFor(() => deepQuery(c, '[part=resume-button]') !== null, 5000, 'Resume for the held B');
    deepQuery<HTMLButtonElement>(c, '[part=resume-button]')!.click();
    await hears(pcB, 'B, resumed');
    b.hangup();
    await waitForAttr(c, 'call-status', 'FINISH');
  });
});
