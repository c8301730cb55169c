// End to end: a "Call us" button (<sip-phone mode="click-to-call">) with the real websdk and
// the gateway's app keys (issue 13): the visitor's button calls agent 10006 with an identity
// the server assigns, audio flows both ways, and no password is in the page or on the wire.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../src/sip-phone.js';
import type { SipPhone } from '../src/sip-phone.js';
import type { SipErrorEvent } from '../src/events.js';
import { useTestGateway } from './helpers/gateway.js';
import { audioEnergy, growth, trackPeerConnections, trackedPeerConnections, waitFor } from './helpers/media-stats.js';
import { allWebSockets, recordWebSocketFrames, sentFramesOf } from './helpers/ws-frames.js';
import { button, phoneText, recordEvents, waitForAttr, waitForText } from './phone-helpers.js';

trackPeerConnections();
recordWebSocketFrames();

const gatewayOf = useTestGateway({ apps: { 'call-us': { account: 'visitor', callees: ['10006'] } } });

async function page() {
  const root = await fixture<HTMLDivElement>(html`<div>
    <sip-phone id="visitor" mode="click-to-call" wcs-url=${gatewayOf().url} app-key="call-us" callee="10006" button-label="Call us"></sip-phone>
    <sip-phone id="agent" wcs-url=${gatewayOf().url} sip-login="10006" sip-password="pass10006"></sip-phone>
  </div>`);
  const visitor = root.querySelector<SipPhone>('#visitor')!;
  const agent = root.querySelector<SipPhone>('#agent')!;
  await agent.connect();
  await waitForAttr(agent, 'session-status', 'REGISTERED');
  return { visitor, agent, events: recordEvents(visitor) };
}

const callButton = (el: SipPhone) => el.shadowRoot!.querySelector<HTMLButtonElement>('[part=click-to-call-button]')!;
const errors = (events: Event[]) => events.filter((e): e is SipErrorEvent => e.type === 'sip-error').map((e) => e.detail);

describe('a "Call us" button through the gateway', function () {
  this.timeout(60_000);

  it('calls the agent with audio both ways, sends no password, and leaves no session behind', async () => {
    const { visitor, agent, events } = await page();
    await expect(visitor).to.be.accessible();
    expect(callButton(visitor).textContent!.trim()).to.equal('Call us');
    const sockets = allWebSockets().length;
    const before = trackedPeerConnections().length;
    callButton(visitor).click();
    await waitForAttr(agent, 'call-status', 'RING');
    expect(phoneText(agent)).to.contain('You have a new call from visitor');
    button(agent, 'Answer')!.click();
    await waitForAttr(visitor, 'call-status', 'ESTABLISHED');
    await waitForAttr(agent, 'call-status', 'ESTABLISHED');
    const [pcVisitor, pcAgent] = trackedPeerConnections().slice(before);
    expect(await growth(() => audioEnergy(pcVisitor!), 2000), 'the visitor hears the agent').to.be.greaterThan(0.001);
    expect(await growth(() => audioEnergy(pcAgent!), 2000), 'the agent hears the visitor').to.be.greaterThan(0.001);
    // Status changes are announced.
    expect(visitor.shadowRoot!.querySelector('[role=status]')!.textContent).to.contain('Connected to 10006');

    // Nothing the visitor's page sent holds a password field; the page holds none either.
    const visitorSockets = allWebSockets().slice(sockets);
    const connection = visitorSockets.flatMap((s) => sentFramesOf(s)).find((f) => f.message === 'connection');
    expect(connection, 'the connection frame').to.exist;
    const fields = connection!.data[0] as Record<string, unknown>;
    expect(fields).to.include({ appKey: 'call-us' });
    expect(Object.keys(fields).filter((k) => /password|sipLogin|sipAuth/i.test(k))).to.deep.equal([]);
    expect(visitor.outerHTML).not.to.match(/password/i);

    button(visitor, 'Hangup')!.click();
    await waitForAttr(agent, 'call-status', 'FINISH');
    await waitForAttr(visitor, 'session-status', 'DISCONNECTED');
    await waitFor(async () => (await gatewayOf().stats()).sessions === 1, 5000, 'only the agent is left on the gateway');
    expect(errors(events)).to.deep.equal([]);
    expect(callButton(visitor).disabled).to.equal(false);
  });

  it('an unknown app key, or a callee the app may not call, is refused with a clear message and sip-error', async () => {
    const { visitor, events } = await page();
    visitor.appKey = 'not-ours';
    await visitor.updateComplete;
    callButton(visitor).click();
    await waitUntil(() => errors(events).length === 1, 'no sip-error', { timeout: 8000 });
    expect(errors(events)[0]).to.deep.equal({ code: 'registration-failed', message: 'The call server refused this call button: Unknown app key.' });
    await waitForText(visitor, 'refused this call button');
    visitor.appKey = 'call-us';
    visitor.callee = '10007';
    await visitor.updateComplete;
    callButton(visitor).click();
    await waitUntil(() => errors(events).length === 2, 'no sip-error', { timeout: 8000 });
    expect(errors(events)[1]).to.deep.equal({ code: 'call-failed', message: 'This phone may not call 10007.' });
    await waitForAttr(visitor, 'session-status', 'DISCONNECTED');
  });
});
