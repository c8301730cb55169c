// End to end: call quality (issue 12, point 5). The gateway's test hook drops 15 % of one
// leg's datagrams; that phone's indicator must turn poor within two polls, sip-call-quality
// must report the loss, a warning must follow when it stays poor, and all of it must clear
// once the loss stops. Chromium only (the gateway hook and the stats are the same in Firefox,
// whose stats the resilience suites already cover).
import { expect } from '@open-wc/testing';
import '../src/sip-phone.js';
import type { SipCallQualityEvent } from '../src/events.js';
import type { SipPhone } from '../src/sip-phone.js';
import { QUALITY_POLL_MS } from '../src/call-quality.js';
import { useTestGateway } from './helpers/gateway.js';
import { trackPeerConnections, waitFor } from './helpers/media-stats.js';
import { deepQuery } from './phone-helpers.js';
import { expectAudioBothWays, registered, talk } from './resilience-helpers.js';

trackPeerConnections();

const gatewayOf = useTestGateway({ allowImpairment: true });

function qualityEvents(el: SipPhone): SipCallQualityEvent['detail'][] {
  const seen: SipCallQualityEvent['detail'][] = [];
  el.addEventListener('sip-call-quality', (e) => seen.push(e.detail));
  return seen;
}

const indicator = (el: SipPhone) => deepQuery(el, '[part=quality]');

describe('<sip-phone> call quality, end to end', function () {
  this.timeout(60_000);

  it('turns poor within two polls of 15 % loss, reports it, warns while it lasts, and recovers', async () => {
    const a = await registered(gatewayOf().url, '10005');
    const b = await registered(gatewayOf().url, '10006');
    const seen = qualityEvents(a.el);
    const { pcCaller, pcCallee } = await talk(a.el, b.el);
    await expectAudioBothWays(pcCaller, pcCallee);
    await waitFor(() => seen.length >= 2, 3 * QUALITY_POLL_MS, 'quality reports every poll');
    const callId = a.el.shadowRoot!.querySelector('#remote-media video[id$="-remote"]')!.id.replace(/-remote$/, '');
    expect(seen.at(-1)).to.include({ callId, rating: 'good' });
    expect(seen.at(-1)!.packetLoss).to.be.lessThan(1);
    expect(indicator(a.el)?.textContent?.trim()).to.equal('Quality: good');

    // 15 % of A's datagrams are dropped, both ways.
    const leg = (await gatewayOf().findAll()).find((l) => l.login === '10005');
    expect(await gatewayOf().impair(leg!.callId, { loss: 0.15, jitterMs: 0 })).to.equal(true);
    const from = seen.length;
    await waitFor(() => seen.length >= from + 2, 3 * QUALITY_POLL_MS, 'two polls after the loss began');
    const [first, second] = seen.slice(from, from + 2);
    expect([first!.rating, second!.rating], 'poor within two polls').to.include('poor');
    const poor = second!.rating === 'poor' ? second! : first!;
    expect(poor.packetLoss, 'the loss is reported').to.be.within(7, 25);
    expect(poor.mos).to.be.lessThan(3.6);
    expect(indicator(a.el)?.getAttribute('data-rating')).to.equal('poor');
    // It stays poor: the person is warned, on screen and in the live region.
    await waitFor(() => deepQuery(a.el, '[part=quality-warning]') !== null, 4 * QUALITY_POLL_MS, () =>
      `the warning (ratings since the loss began: ${seen.slice(from).map((q) => `${q.rating} ${q.packetLoss} %`).join(', ')})`,
    );
    expect(a.el.shadowRoot!.querySelector('[role=status]')!.textContent).to.contain('Poor connection with 10006');
    // The call goes on, with sound.
    await expectAudioBothWays(pcCaller, pcCallee);

    // The loss stops: good again within two polls, the warning gone.
    await gatewayOf().impair(leg!.callId, null);
    const cleared = seen.length;
    await waitFor(() => seen.slice(cleared).some((q) => q.rating === 'good'), 3 * QUALITY_POLL_MS, 'good again');
    await waitFor(() => deepQuery(a.el, '[part=quality-warning]') === null, 2000, 'the warning goes');
    expect(a.el.shadowRoot!.querySelector('[role=status]')!.textContent).to.contain('better again');
    await expectAudioBothWays(pcCaller, pcCallee);
    a.el.hangup();
  });
});
