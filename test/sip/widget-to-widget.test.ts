// Two <sip-phone> widgets call each other through the gateway and a real SIP server
// (Kamailio), in both media modes: 'relay' (Kamailio puts the media through rtpengine,
// the browsers talk WebRTC to rtpengine) and 'gateway' (Kamailio carries signalling only,
// the gateway's werift legs carry the media through rtpengine as plain RTP).
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/sip-phone.js';
import type { SipPhone } from '../../src/sip-phone.js';
import type { SipCallStatusEvent, SipErrorEvent } from '../../src/events.js';
import { isIdle } from '../helpers/gateway.js';
import { audioEnergy, growth, inboundAudioBytes, trackPeerConnections, trackedPeerConnections, waitFor } from '../helpers/media-stats.js';
import { button, phoneText, recordEvents, waitForAttr } from '../phone-helpers.js';
import { useSipGateway, type MediaMode } from './sip-helpers.js';

trackPeerConnections();

const statuses = (events: Event[]) =>
  events.filter((e): e is SipCallStatusEvent => e.type === 'sip-call-status').map((e) => e.detail.status);
const errors = (events: Event[]) =>
  events.filter((e): e is SipErrorEvent => e.type === 'sip-error').map((e) => e.detail);

for (const mode of ['relay', 'gateway'] as MediaMode[]) {
  describe(`widget to widget through Kamailio, media mode '${mode}'`, () => {
    const gateway = useSipGateway(mode);

    async function phones(...logins: string[]) {
      const root = await fixture<HTMLDivElement>(html`<div>
        ${logins.map(
          (login) => html`<sip-phone id=${`p${login}`} wcs-url=${gateway().url} sip-login=${login} sip-password=${`pass${login}`}></sip-phone>`,
        )}
      </div>`);
      const list = logins.map((login) => root.querySelector<SipPhone>(`#p${login}`)!);
      for (const phone of list) button(phone, 'Connect')!.click();
      for (const phone of list) await waitForAttr(phone, 'session-status', 'REGISTERED');
      return list;
    }

    it('rings, connects with audio both ways and hangs up, with the same statuses as the local gateway', async () => {
      const [a, b] = await phones('10005', '10006');
      const aEvents = recordEvents(a);
      const bEvents = recordEvents(b);
      const before = trackedPeerConnections().length;
      a.call('10006');
      await waitForAttr(b, 'call-status', 'RING');
      expect(phoneText(b)).to.contain('You have a new call from 10005');
      await waitForAttr(a, 'call-status', 'RING');
      button(b, 'Answer')!.click();
      await waitForAttr(a, 'call-status', 'ESTABLISHED');
      await waitForAttr(b, 'call-status', 'ESTABLISHED');
      const [pcA, pcB] = trackedPeerConnections().slice(before);
      expect(pcA && pcB, 'two peer connections').to.be.ok;
      await waitFor(async () => (await inboundAudioBytes(pcA)) > 0 && (await inboundAudioBytes(pcB)) > 0, 8000, 'no audio');
      expect(await growth(() => inboundAudioBytes(pcA), 1500), 'caller receives').to.be.greaterThan(2000);
      expect(await growth(() => inboundAudioBytes(pcB), 1500), 'callee receives').to.be.greaterThan(2000);
      expect(await growth(() => audioEnergy(pcA), 2000), 'caller hears the callee').to.be.greaterThan(0.001);
      expect(await growth(() => audioEnergy(pcB), 2000), 'callee hears the caller').to.be.greaterThan(0.001);
      a.hangup();
      await waitForAttr(a, 'call-status', 'FINISH');
      await waitForAttr(b, 'call-status', 'FINISH');
      expect(statuses(aEvents)).to.deep.equal(['TRYING', 'RING', 'ESTABLISHED', 'FINISH']);
      expect(statuses(bEvents)).to.deep.equal(['RING', 'ESTABLISHED', 'FINISH']);
      expect(errors(aEvents)).to.deep.equal([]);
      expect(errors(bEvents)).to.deep.equal([]);
      await waitFor(async () => (await gateway().stats()).legs === 0, 3000, 'legs left on the gateway');
    });

    it('the caller cancels while it rings (CANCEL): both see FINISH', async () => {
      const [a, b] = await phones('10005', '10006');
      const aEvents = recordEvents(a);
      const bEvents = recordEvents(b);
      a.call('10006');
      await waitForAttr(b, 'call-status', 'RING');
      await waitForAttr(a, 'call-status', 'RING');
      a.hangup();
      await waitForAttr(b, 'call-status', 'FINISH');
      await waitForAttr(a, 'call-status', 'FINISH');
      expect(statuses(aEvents)).to.deep.equal(['TRYING', 'RING', 'FINISH']);
      expect(statuses(bEvents)).to.deep.equal(['RING', 'FINISH']);
    });

    it('a declined call is BUSY for the caller', async () => {
      const [a, b] = await phones('10005', '10006');
      const aEvents = recordEvents(a);
      a.call('10006');
      await waitForAttr(b, 'call-status', 'RING');
      button(b, 'Decline')!.click();
      await waitForAttr(a, 'call-status', 'BUSY');
      expect(errors(aEvents)[0]?.code).to.equal('busy');
      expect(statuses(aEvents).at(-1)).to.equal('BUSY');
    });

    it('the same login on two phones: both ring, one answers with audio, the other stops ringing', async () => {
      const [a] = await phones('10005');
      const root = await fixture<HTMLDivElement>(html`<div>
        <sip-phone id="b1" wcs-url=${gateway().url} sip-login="10006" sip-password="pass10006"></sip-phone>
        <sip-phone id="b2" wcs-url=${gateway().url} sip-login="10006" sip-password="pass10006"></sip-phone>
      </div>`);
      const [b1, b2] = ['#b1', '#b2'].map((id) => root.querySelector<SipPhone>(id)!);
      for (const b of [b1!, b2!]) await b.connect();
      for (const b of [b1!, b2!]) await waitForAttr(b, 'session-status', 'REGISTERED');
      const b1Events = recordEvents(b1!);
      const before = trackedPeerConnections().length;
      a!.call('10006');
      await waitForAttr(b1!, 'call-status', 'RING');
      await waitForAttr(b2!, 'call-status', 'RING');
      button(b2!, 'Answer')!.click();
      const answered = performance.now();
      await waitForAttr(b1!, 'call-status', 'FINISH', 5000);
      expect(performance.now() - answered).to.be.lessThan(5000);
      expect(statuses(b1Events)).to.deep.equal(['RING', 'FINISH']);
      await waitForAttr(a!, 'call-status', 'ESTABLISHED');
      const [pcA, pcB2] = trackedPeerConnections().slice(before);
      expect(await growth(() => inboundAudioBytes(pcA!), 1500), 'caller receives').to.be.greaterThan(2000);
      expect(await growth(() => audioEnergy(pcB2!), 2000), 'the phone that answered hears the caller').to.be.greaterThan(0.001);
      a!.hangup();
      await waitForAttr(b2!, 'call-status', 'FINISH');
    });

    it('leaves nothing behind on the gateway once the phones are gone', async () => {
      await fixture(html`<div></div>`);
      let last = await gateway().stats();
      await waitFor(async () => isIdle((last = await gateway().stats())), 5000, 'gateway not idle');
      expect(last.totals.established).to.be.greaterThan(0);
    });
  });
}
