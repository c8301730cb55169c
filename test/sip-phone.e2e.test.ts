// End to end: two <sip-phone> elements with the real websdk against the local gateway,
// following the mission's test guide, with real audio asserted from the peer connections.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../src/sip-phone.js';
import type { SipPhone } from '../src/sip-phone.js';
import type { SipCallStatusEvent, SipErrorEvent } from '../src/events.js';
import { startTestGateway, useTestGateway } from './helpers/gateway.js';
import { audioEnergy, growth, inboundAudioBytes, sleep, trackPeerConnections, trackedPeerConnections, waitFor } from './helpers/media-stats.js';
import { button, deepQuery, phoneText, recordEvents, streamLevel, waitForAttr, waitForText } from './phone-helpers.js';

trackPeerConnections();

const gatewayOf = useTestGateway();

async function twoPhones() {
  const root = await fixture<HTMLDivElement>(html`<div>
    <sip-phone id="a" wcs-url=${gatewayOf().url} sip-login="10005" sip-password="pass10005"></sip-phone>
    <sip-phone id="b" wcs-url=${gatewayOf().url} sip-login="10006" sip-password="pass10006"></sip-phone>
  </div>`);
  const a = root.querySelector<SipPhone>('#a')!;
  const b = root.querySelector<SipPhone>('#b')!;
  return { a, b, aEvents: recordEvents(a), bEvents: recordEvents(b) };
}

async function connectBoth(a: SipPhone, b: SipPhone) {
  button(a, 'Connect')!.click();
  button(b, 'Connect')!.click();
  await waitForAttr(a, 'session-status', 'REGISTERED');
  await waitForAttr(b, 'session-status', 'REGISTERED');
}

async function dial(phone: SipPhone, number: string) {
  const input = deepQuery<HTMLInputElement>(phone, '[part=number]')!;
  input.focus();
  // The field keeps the last number called (redial): typing replaces it.
  input.select();
  await sendKeys({ type: number });
  await sendKeys({ press: 'Enter' });
}

const statuses = (events: Event[]) =>
  events.filter((e): e is SipCallStatusEvent => e.type === 'sip-call-status').map((e) => e.detail.status);
const errors = (events: Event[]) =>
  events.filter((e): e is SipErrorEvent => e.type === 'sip-error').map((e) => e.detail);

describe('two <sip-phone> elements through the gateway', () => {
  it('follow the mission test guide with audio both ways, mute, and hangup', async () => {
    const { a, b, aEvents, bEvents } = await twoPhones();
    await connectBoth(a, b);
    const before = trackedPeerConnections().length;

    await dial(a, '10006');
    await waitForAttr(b, 'call-status', 'RING');
    expect(phoneText(b)).to.contain('You have a new call from 10005');
    await waitForAttr(a, 'call-status', 'RING');
    button(b, 'Answer')!.click();
    await waitForAttr(a, 'call-status', 'ESTABLISHED');
    await waitForAttr(b, 'call-status', 'ESTABLISHED');
    expect(button(a, 'Mute')).to.exist;
    expect(button(a, 'Hold')).to.exist;
    expect(button(a, 'Hangup')).to.exist;

    // The caller's leg is created first, the callee's when it answers.
    const [pcA, pcB] = trackedPeerConnections().slice(before);
    expect(pcA && pcB, 'two peer connections').to.be.ok;
    await waitUntil(async () => (await inboundAudioBytes(pcA)) > 0 && (await inboundAudioBytes(pcB)) > 0, 'no audio', { timeout: 5000 });
    expect(await growth(() => inboundAudioBytes(pcA), 1500)).to.be.greaterThan(2000);
    expect(await growth(() => inboundAudioBytes(pcB), 1500)).to.be.greaterThan(2000);
    // The fake microphone sounds (Chromium beeps, Firefox plays a steady tone): each side hears the other.
    expect(await growth(() => audioEnergy(pcA), 2000)).to.be.greaterThan(0.001);
    expect(await growth(() => audioEnergy(pcB), 2000)).to.be.greaterThan(0.001);
    // And it reaches the media element the websdk plays it through, inside the phone.
    const remoteVideo = deepQuery<HTMLVideoElement>(b, '#remote-media video')!;
    expect(remoteVideo, 'remote media element').to.exist;
    expect(await streamLevel(remoteVideo.srcObject as MediaStream, 2000)).to.be.greaterThan(0.001);

    // Mute on A stops what B hears; unmute brings it back.
    button(a, 'Mute')!.click();
    // Let the audio already on its way drain (its delay varies with the browser and the load),
    // then B must hear silence for a whole 2.5 s.
    await waitFor(async () => (await growth(() => audioEnergy(pcB), 600)) < 0.0002, 4000, 'B still hears A after Mute', 0);
    expect(await growth(() => audioEnergy(pcB), 2500)).to.be.lessThan(0.0005);
    expect(await growth(() => audioEnergy(pcA), 2000), 'A still hears B').to.be.greaterThan(0.001);
    button(a, 'Unmute')!.click();
    await sleep(300);
    expect(await growth(() => audioEnergy(pcB), 2500)).to.be.greaterThan(0.001);

    button(a, 'Hangup')!.click();
    await waitForAttr(a, 'call-status', 'FINISH');
    await waitForAttr(b, 'call-status', 'FINISH');
    expect(statuses(aEvents)).to.deep.equal(['TRYING', 'RING', 'ESTABLISHED', 'FINISH']);
    expect(statuses(bEvents)).to.deep.equal(['RING', 'ESTABLISHED', 'FINISH']);
    expect(errors(aEvents)).to.deep.equal([]);
    expect(errors(bEvents)).to.deep.equal([]);
    expect(aEvents.filter((e) => e.type === 'sip-session-status').map((e) => (e as CustomEvent).detail.status)).to.deep.equal([
      'CONNECTING',
      'ESTABLISHED',
      'REGISTERED',
    ]);
    const incoming = bEvents.find((e) => e.type === 'sip-incoming-call') as CustomEvent;
    expect(incoming.detail).to.include({ caller: '10005' });
    await waitUntil(() => pcA.connectionState === 'closed' || pcA.signalingState === 'closed', 'caller media not released');
  });

  it('auto-answer: a call is answered without a click, with audio both ways', async () => {
    const root = await fixture<HTMLDivElement>(html`<div>
      <sip-phone id="a" wcs-url=${gatewayOf().url} sip-login="10005" sip-password="pass10005"></sip-phone>
      <sip-phone id="b" wcs-url=${gatewayOf().url} sip-login="10006" sip-password="pass10006" auto-answer></sip-phone>
    </div>`);
    const a = root.querySelector<SipPhone>('#a')!;
    const b = root.querySelector<SipPhone>('#b')!;
    await connectBoth(a, b);
    const before = trackedPeerConnections().length;
    a.call('10006');
    await waitForAttr(b, 'call-status', 'ESTABLISHED');
    await waitForAttr(a, 'call-status', 'ESTABLISHED');
    const [pcA, pcB] = trackedPeerConnections().slice(before);
    expect(await growth(() => audioEnergy(pcA!), 2000), 'the caller hears').to.be.greaterThan(0.001);
    expect(await growth(() => audioEnergy(pcB!), 2000), 'the kiosk hears').to.be.greaterThan(0.001);
    a.hangup();
    await waitForAttr(b, 'call-status', 'FINISH');
  });

  describe('failures show a message, fire sip-error and leave the phone usable', () => {
    it('a wrong password', async () => {
      const { a, aEvents } = await twoPhones();
      a.sipPassword = 'wrong';
      button(a, 'Connect')!.click();
      await waitUntil(() => errors(aEvents).length > 0, 'no sip-error', { timeout: 5000 });
      expect(errors(aEvents)[0].code).to.equal('registration-failed');
      // The form comes back with the message (its module loads first, on a configured phone).
      await waitForText(a, 'refused the login for 10005');
      // The form is back with the settings, the password marked and empty; the person types
      // the right one and presses Enter.
      await waitUntil(() => deepQuery(a, '#sip-password')?.getAttribute('aria-invalid') === 'true', 'the password is marked');
      expect(deepQuery<HTMLInputElement>(a, '#sip-login')!.value).to.equal('10005');
      const password = deepQuery<HTMLInputElement>(a, '#sip-password')!;
      expect(password.value).to.equal('');
      password.focus();
      await sendKeys({ type: 'pass10005' });
      await sendKeys({ press: 'Enter' });
      await waitForAttr(a, 'session-status', 'REGISTERED');
      expect(deepQuery(a, '[part=form]')).to.equal(null);
    });

    it('too many wrong passwords: the right one is refused for a while, with a clear message, then accepted', async () => {
      const throttled = await startTestGateway({ throttle: { maxFailures: 3, blockMs: 2000 } });
      try {
        const a = await fixture<SipPhone>(html`<sip-phone wcs-url=${throttled.url} sip-login="10005" sip-password="nope"></sip-phone>`);
        const events = recordEvents(a);
        for (let i = 1; i <= 3; i++) {
          await a.connect();
          await waitUntil(() => errors(events).length === i, `attempt ${i}: no sip-error`, { timeout: 5000 });
          expect(errors(events)[i - 1]!.message).to.contain('Check the login and password');
        }
        a.sipPassword = 'pass10005';
        await a.connect();
        await waitUntil(() => errors(events).length === 4, 'no sip-error for the throttled attempt', { timeout: 5000 });
        expect(errors(events)[3]).to.deep.equal({
          code: 'registration-failed',
          message: 'Too many failed sign-ins for 10005: wait a minute, then try again.',
          field: 'sip-password',
        });
        await waitForText(a, 'Too many failed sign-ins for 10005');
        await sleep(2100);
        await a.connect();
        await waitForAttr(a, 'session-status', 'REGISTERED');
      } finally {
        await throttled.stop();
      }
    });

    it('an unreachable wcs-url', async () => {
      const { a, aEvents } = await twoPhones();
      a.wcsUrl = 'ws://127.0.0.1:9';
      button(a, 'Connect')!.click();
      await waitUntil(() => errors(aEvents).length > 0, 'no sip-error', { timeout: 15000 });
      expect(errors(aEvents)[0]).to.deep.equal({
        code: 'server-unreachable',
        message: 'Could not reach the call server at ws://127.0.0.1:9.',
        field: 'wcs-url',
      });
      await waitForText(a, 'Could not reach the call server at ws://127.0.0.1:9.');
      // The form is back, with the URL marked; the corrected URL shows in it.
      expect(deepQuery(a, '#wcs-url')!.getAttribute('aria-invalid')).to.equal('true');
      a.wcsUrl = gatewayOf().url;
      await a.updateComplete;
      button(a, 'Connect')!.click();
      await waitForAttr(a, 'session-status', 'REGISTERED');
    });

    it('a malformed wcs-url', async () => {
      const { a, aEvents } = await twoPhones();
      a.setAttribute('wcs-url', 'ws//127.0.0.1');
      await a.updateComplete;
      button(a, 'Connect')!.click();
      await waitUntil(() => errors(aEvents).length > 0, 'no sip-error');
      expect(errors(aEvents)[0].code).to.equal('invalid-config');
      await waitForText(a, 'is not a valid address');
      a.setAttribute('wcs-url', gatewayOf().url);
      await a.updateComplete;
      button(a, 'Connect')!.click();
      await waitForAttr(a, 'session-status', 'REGISTERED');
    });

    it('an unknown number', async () => {
      const { a, b, aEvents } = await twoPhones();
      await connectBoth(a, b);
      await dial(a, '10099');
      await waitForAttr(a, 'call-status', 'FAILED');
      expect(errors(aEvents)).to.deep.equal([{ code: 'call-failed', message: 'There is no 10099: check the number.' }]);
      expect(phoneText(a)).to.contain('There is no 10099: check the number.');
      await dial(a, '10006');
      await waitForAttr(b, 'call-status', 'RING');
      // The caller renders its call once it connects, or 100 ms after the click.
      await waitForAttr(a, 'call-status', 'RING');
      button(a, 'Hangup')!.click();
      await waitForAttr(b, 'call-status', 'FINISH');
    });

    it('a declined call', async () => {
      const { a, b, aEvents, bEvents } = await twoPhones();
      await connectBoth(a, b);
      await dial(a, '10006');
      await waitForAttr(b, 'call-status', 'RING');
      button(b, 'Decline')!.click();
      await waitForAttr(a, 'call-status', 'BUSY');
      expect(errors(aEvents)[0].code).to.equal('busy');
      expect(phoneText(a)).to.contain('10006 is busy');
      expect(statuses(bEvents).at(-1)).to.equal('FINISH');
      await dial(a, '10006');
      await waitForAttr(b, 'call-status', 'RING');
      button(b, 'Answer')!.click();
      await waitForAttr(a, 'call-status', 'ESTABLISHED');
      await waitForAttr(b, 'call-status', 'ESTABLISHED');
      button(b, 'Hangup')!.click();
      await waitForAttr(a, 'call-status', 'FINISH');
    });
  });
});
