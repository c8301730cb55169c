// The widget's connection options in front of a real SIP server (Kamailio), each with real
// audio: reconnecting with the `auth-token` of an earlier session (the gateway signs the
// new session in again with the token's credentials), `no-register` (calls go out with
// digest auth on the INVITE, nobody can call in), and `sip-outbound-proxy` + `sip-port`
// (a preloaded Route that Kamailio follows: a wrong port makes the call fail).
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/sip-phone.js';
import type { SipPhone } from '../../src/sip-phone.js';
import type { Engine } from '../../src/engine/engine.js';
import type { SipCallStatusEvent, SipErrorEvent } from '../../src/events.js';
import { TestPhone } from '../helpers/websdk-phone.js';
import { startProxy } from '../helpers/faults.js';
import { audioEnergy, growth, inboundAudioBytes, trackPeerConnections, trackedPeerConnections, waitFor } from '../helpers/media-stats.js';
import { button, phoneText, recordEvents, waitForAttr } from '../phone-helpers.js';
import { baresip, baresipEvents, baresipRtpStats, useSipGateway, stackInfo, type BaresipEvent } from './sip-helpers.js';

trackPeerConnections();

const statuses = (events: Event[]) =>
  events.filter((e): e is SipCallStatusEvent => e.type === 'sip-call-status').map((e) => e.detail.status);
const errors = (events: Event[]) =>
  events.filter((e): e is SipErrorEvent => e.type === 'sip-error').map((e) => e.detail);

async function phoneEvent(login: string, match: (e: BaresipEvent) => boolean, what: string, timeout = 8000): Promise<void> {
  let seen: string[] = [];
  await waitFor(
    async () => {
      const events = await baresipEvents(login);
      seen = events.map((e) => `${e.type}:${e.param ?? ''}`);
      return events.some(match);
    },
    timeout,
    `baresip ${login}: no ${what} (saw ${seen.join(', ')})`,
    100,
  );
}

async function idlePhones(...logins: string[]): Promise<void> {
  for (const login of logins) {
    await baresip(login, 'hangup').catch(() => undefined);
    await baresipEvents(login, true);
  }
}

/** The newest peer connection's audio from the far end: bytes and the far end's tone. */
async function hearsFarEnd(before: number, what: string): Promise<void> {
  const [pc] = trackedPeerConnections().slice(before);
  expect(pc, 'a peer connection').to.be.ok;
  await waitFor(async () => (await inboundAudioBytes(pc)) > 0, 8000, `the browser receives no audio from ${what}`);
  expect(await growth(() => inboundAudioBytes(pc), 1500), `bytes from ${what}`).to.be.greaterThan(1500);
  expect(await growth(() => audioEnergy(pc), 2000), `${what} is heard`).to.be.greaterThan(0.001);
}

/** Hangs up from the widget; resolves with the RTP packets baresip got from the browser. */
async function hangupCounted(phone: SipPhone, login: string): Promise<number> {
  const before = (await baresipRtpStats(login)).calls;
  phone.hangup();
  await waitForAttr(phone, 'call-status', 'FINISH');
  let stats = await baresipRtpStats(login);
  await waitFor(async () => (stats = await baresipRtpStats(login)).calls > before, 5000, `baresip ${login} printed no RTP counters`, 100);
  return stats.rx;
}

describe("connection options through Kamailio + rtpengine (media mode 'relay')", () => {
  const gateway = useSipGateway('relay');
  beforeEach(() => idlePhones('10010'));

  /** Widget 10006, registered, and the authToken its websdk session got in getUserData (as its engine keeps it). */
  async function registeredWithToken(): Promise<{ first: SipPhone; token: string }> {
    const first = await fixture<SipPhone>(html`<sip-phone wcs-url=${gateway().url} sip-login="10006" sip-password="pass10006"></sip-phone>`);
    let engine: Engine | undefined;
    const factory = first.engineFactory;
    first.engineFactory = async () => (engine = await factory());
    button(first, 'Connect')!.click();
    await waitForAttr(first, 'session-status', 'REGISTERED');
    const token = engine?.authToken;
    expect(token, 'authToken from getUserData').to.be.a('string').and.not.equal('');
    return { first, token: token! };
  }

  it('a new widget with only the auth-token of an earlier session is registered again: it calls and is called, with audio', async () => {
    const { first, token } = await registeredWithToken();

    // The token lives while a session holds it (the widget does not ask for keepAlive).
    const again = await fixture<SipPhone>(html`<sip-phone wcs-url=${gateway().url} auth-token=${token}></sip-phone>`);
    const events = recordEvents(again);
    button(again, 'Connect')!.click();
    await waitForAttr(again, 'session-status', 'REGISTERED');
    first.disconnect();
    await waitFor(async () => (await gateway().stats()).sessions === 1, 5000, 'the first session did not close');

    // 10010 answers on command: answered at once, its 180 and 200 can pass Kamailio's two
    // UDP workers out of order, and the widget would never see RING (see INFRA.md).
    await baresip('10010', 'answermode', 'manual');
    let before = trackedPeerConnections().length;
    try {
      again.call('10010');
      await waitForAttr(again, 'call-status', 'RING');
      await phoneEvent('10010', (e) => e.type === 'CALL_INCOMING', 'CALL_INCOMING');
      await baresip('10010', 'accept');
    } finally {
      await baresip('10010', 'answermode', 'auto');
    }
    await waitForAttr(again, 'call-status', 'ESTABLISHED');
    await phoneEvent('10010', (e) => e.type === 'CALL_ESTABLISHED', 'CALL_ESTABLISHED');
    await hearsFarEnd(before, 'baresip');
    await phoneEvent('10010', (e) => e.type === 'CALL_RTPESTAB', 'RTP from the browser');
    expect(await hangupCounted(again, '10010'), 'RTP packets baresip received').to.be.greaterThan(100);

    // Called: Kamailio finds the new session's registration.
    await baresipEvents('10010', true);
    before = trackedPeerConnections().length;
    await baresip('10010', 'dial', '10006');
    await waitForAttr(again, 'call-status', 'RING');
    expect(phoneText(again)).to.contain('You have a new call from 10010');
    button(again, 'Answer')!.click();
    await waitForAttr(again, 'call-status', 'ESTABLISHED');
    await hearsFarEnd(before, 'baresip');
    await phoneEvent('10010', (e) => e.type === 'CALL_RTPESTAB', 'RTP from the browser');
    expect(await hangupCounted(again, '10010'), 'RTP packets baresip received').to.be.greaterThan(100);
    expect(statuses(events)).to.deep.equal(['TRYING', 'RING', 'ESTABLISHED', 'FINISH', 'RING', 'ESTABLISHED', 'FINISH']);
    expect(errors(events)).to.deep.equal([]);
  });

  it('after a keepAlive session lost its connection, a widget with its auth-token takes it over, still registered, and is called, with audio', async () => {
    // The first session's connection drops (a TCP reset through a proxy): its token outlives
    // it, and so does its SIP registration (parked until the token is resumed or expires).
    const proxy = await startProxy(gateway().url);
    const first = await TestPhone.connect('first', { url: proxy.url, login: '10006', password: 'pass10006', keepAlive: true });
    const token = first.userData?.['authToken'];
    expect(token, 'authToken from getUserData').to.be.a('string').and.not.equal('');
    await proxy.cut();
    await proxy.stop();
    await waitFor(async () => (await gateway().stats()).sessions === 0, 5000, 'the first session did not close');
    expect((await gateway().stats()).tokens, 'the keepAlive token outlives its session').to.equal(1);
    await first.close();

    const again = await fixture<SipPhone>(html`<sip-phone wcs-url=${gateway().url} auth-token=${String(token)}></sip-phone>`);
    const events = recordEvents(again);
    button(again, 'Connect')!.click();
    await waitForAttr(again, 'session-status', 'REGISTERED');
    const before = trackedPeerConnections().length;
    await baresip('10010', 'dial', '10006');
    await waitForAttr(again, 'call-status', 'RING');
    button(again, 'Answer')!.click();
    await waitForAttr(again, 'call-status', 'ESTABLISHED');
    await hearsFarEnd(before, 'baresip');
    await phoneEvent('10010', (e) => e.type === 'CALL_RTPESTAB', 'RTP from the browser');
    expect(await hangupCounted(again, '10010'), 'RTP packets baresip received').to.be.greaterThan(100);
    expect(errors(events)).to.deep.equal([]);
    // The widget disconnects on purpose (a clean close): the token and its credentials go with it.
    again.disconnect();
    await waitFor(async () => (await gateway().stats()).tokens === 0, 5000, 'the token (and its credentials) stayed');
  });

  it('the token dies with its last session: a later reconnect with it is refused', async () => {
    const { first, token } = await registeredWithToken();
    first.disconnect();
    await waitFor(async () => (await gateway().stats()).tokens === 0, 5000, 'the token (and its credentials) stayed');
    const late = await fixture<SipPhone>(html`<sip-phone wcs-url=${gateway().url} auth-token=${token}></sip-phone>`);
    button(late, 'Connect')!.click();
    await waitForAttr(late, 'session-status', 'FAILED');
  });

  it('no-register: the widget calls baresip with audio both ways, and calling it gives "Not Found"', async () => {
    const a = await fixture<SipPhone>(html`<sip-phone wcs-url=${gateway().url} sip-login="10007" sip-password="pass10007" no-register></sip-phone>`);
    const events = recordEvents(a);
    button(a, 'Connect')!.click();
    await waitForAttr(a, 'session-status', 'ESTABLISHED');
    const before = trackedPeerConnections().length;
    a.call('10010');
    await waitForAttr(a, 'call-status', 'ESTABLISHED');
    await phoneEvent('10010', (e) => e.type === 'CALL_ESTABLISHED', 'CALL_ESTABLISHED');
    await hearsFarEnd(before, 'baresip');
    await phoneEvent('10010', (e) => e.type === 'CALL_RTPESTAB', 'RTP from the browser');
    expect(await hangupCounted(a, '10010'), 'RTP packets baresip received').to.be.greaterThan(100);
    expect(a.getAttribute('session-status'), 'never registered').to.equal('ESTABLISHED');
    expect(errors(events)).to.deep.equal([]);

    const caller = await fixture<SipPhone>(html`<sip-phone wcs-url=${gateway().url} sip-login="10005" sip-password="pass10005"></sip-phone>`);
    const callerEvents = recordEvents(caller);
    button(caller, 'Connect')!.click();
    await waitForAttr(caller, 'session-status', 'REGISTERED');
    caller.call('10007');
    await waitForAttr(caller, 'call-status', 'FAILED');
    expect(errors(callerEvents)).to.deep.equal([{ code: 'call-failed', message: 'There is no 10007: check the number.' }]);
  });

  it('no-register with a wrong password: the session opens (nothing checks it yet), but Kamailio refuses the INVITE', async () => {
    const a = await fixture<SipPhone>(html`<sip-phone wcs-url=${gateway().url} sip-login="10007" sip-password="wrong" no-register></sip-phone>`);
    const events = recordEvents(a);
    button(a, 'Connect')!.click();
    await waitForAttr(a, 'session-status', 'ESTABLISHED');
    a.call('10010');
    await waitForAttr(a, 'call-status', 'FAILED');
    expect(errors(events)).to.deep.equal([{ code: 'call-failed', message: 'This phone may not call 10010.' }]);
    const seen = await baresipEvents('10010');
    expect(seen.map((e) => e.type).filter((type) => type.startsWith('CALL_'))).to.deep.equal([]);
  });
});

describe("sip-outbound-proxy + sip-port through Kamailio (media mode 'gateway')", () => {
  const gateway = useSipGateway('gateway');
  beforeEach(() => idlePhones('10012'));

  async function widget(port: number): Promise<SipPhone> {
    const el = await fixture<SipPhone>(html`<sip-phone
      wcs-url=${gateway().url}
      sip-login="10008"
      sip-password="pass10008"
      sip-outbound-proxy="127.0.0.1"
      sip-port=${String(port)}
    ></sip-phone>`);
    button(el, 'Connect')!.click();
    await waitForAttr(el, 'session-status', 'REGISTERED');
    return el;
  }

  it("the Route to Kamailio's own port: the call connects with audio both ways", async () => {
    const a = await widget((await stackInfo()).signalling.udpPort);
    const before = trackedPeerConnections().length;
    a.call('10012');
    await waitForAttr(a, 'call-status', 'ESTABLISHED');
    await phoneEvent('10012', (e) => e.type === 'CALL_ESTABLISHED', 'CALL_ESTABLISHED');
    await hearsFarEnd(before, 'baresip');
    await phoneEvent('10012', (e) => e.type === 'CALL_RTPESTAB', 'RTP from the gateway');
    expect(await hangupCounted(a, '10012'), 'RTP packets baresip received').to.be.greaterThan(100);
  });

  it('a Route to a port where no proxy listens: Kamailio follows it, the call fails with "Request Timeout" and the phone never rings', async () => {
    const a = await widget(5999);
    const events = recordEvents(a);
    a.call('10012');
    await waitForAttr(a, 'call-status', 'FAILED');
    expect(statuses(events)).to.not.include('ESTABLISHED');
    expect(errors(events)).to.deep.equal([{ code: 'call-failed', message: '10012 did not answer.' }]);
    const seen = await baresipEvents('10012');
    expect(seen.map((e) => e.type).filter((type) => type.startsWith('CALL_'))).to.deep.equal([]);
  });
});

describe("a \"Call us\" button through Kamailio + rtpengine (media mode 'relay')", () => {
  // The app's account signs in to the SIP server with the password the gateway keeps; the
  // page has none.
  const gateway = useSipGateway('relay', { apps: { 'call-us': { account: '10007', password: 'pass10007', callees: ['10010'] } } });
  beforeEach(() => idlePhones('10010'));

  it('the visitor reaches baresip with audio both ways, as the app\'s account', async () => {
    const visitor = await fixture<SipPhone>(
      html`<sip-phone mode="click-to-call" wcs-url=${gateway().url} app-key="call-us" callee="10010"></sip-phone>`,
    );
    const events = recordEvents(visitor);
    const before = trackedPeerConnections().length;
    visitor.shadowRoot!.querySelector<HTMLButtonElement>('[part=click-to-call-button]')!.click();
    await waitForAttr(visitor, 'call-status', 'ESTABLISHED');
    await phoneEvent('10010', (e) => e.type === 'CALL_ESTABLISHED' && /^sip:10007@/.test(String(e.peeruri)), 'CALL_ESTABLISHED from 10007');
    await hearsFarEnd(before, 'baresip');
    await phoneEvent('10010', (e) => e.type === 'CALL_RTPESTAB', 'RTP from the browser');
    expect(await hangupCounted(visitor, '10010'), 'RTP packets baresip received').to.be.greaterThan(100);
    await waitForAttr(visitor, 'session-status', 'DISCONNECTED');
    expect(errors(events)).to.deep.equal([]);
  });
});
