// End to end: a call whose media fails while its signalling is fine (issue 9, point 4). The
// gateway's test hook drops every datagram of one leg, ICE consent fails in the browser, and
// the phone must say so (sip-error media-failed), end the call on both sides and release its
// peer connection. In Chromium and Firefox: each browser reports a lost connection its own
// way (Firefox's stats never do), and the adapter must see it in both.
import { expect } from '@open-wc/testing';
import '../src/sip-phone.js';
import { useTestGateway } from './helpers/gateway.js';
import { trackPeerConnections, waitFor } from './helpers/media-stats.js';
import { waitForAttr, waitForText } from './phone-helpers.js';
import { closed, errors, expectAudioBothWays, registered, talk } from './resilience-helpers.js';

trackPeerConnections();

const gatewayOf = useTestGateway({ allowImpairment: true });

describe('<sip-phone> when a call\'s media fails', function () {
  this.timeout(60_000);

  it('ends a call whose media fails with sip-error media-failed, on both sides', async () => {
    const a = await registered(gatewayOf().url, '10005');
    const b = await registered(gatewayOf().url, '10006');
    const { pcCaller, pcCallee } = await talk(a.el, b.el);
    await expectAudioBothWays(pcCaller, pcCallee);
    const leg = (await gatewayOf().findAll()).find((l) => l.login === '10005');
    expect(await gatewayOf().impair(leg!.callId, { loss: 1, jitterMs: 0 })).to.equal(true);
    await waitFor(() => errors(a.events).some((e) => e.code === 'media-failed'), 20_000, 'media-failed');
    expect(errors(a.events).at(-1)).to.deep.equal({ code: 'media-failed', message: 'No audio connection: check the network.' });
    await waitForText(a.el, 'No audio connection: check the network.');
    await waitForAttr(a.el, 'call-status', 'FAILED');
    await waitForAttr(b.el, 'call-status', 'FINISH', 5000);
    await waitFor(() => closed(pcCaller), 3000, 'the failed call released its peer connection');
    expect(a.el.sessionStatus).to.equal('REGISTERED');
  });

});
