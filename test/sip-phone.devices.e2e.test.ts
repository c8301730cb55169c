// End to end: the person's devices (issue 12, points 3 and 4) with the real websdk, the
// local gateway and Chromium's fake capture devices, each made to play its own tone
// (helpers/tone-microphones.ts): the far end of the call tells the microphones apart by
// frequency. Chromium only: Firefox's fake devices cannot be chosen this way, and it cannot
// choose a speaker without a prompt.
import { expect } from '@open-wc/testing';
import '../src/sip-phone.js';
import type { SipPhone } from '../src/sip-phone.js';
import type { SipLevelMeter } from '../src/sip-level-meter.js';
import { DEVICES_STORAGE_KEY } from '../src/controllers/devices.js';
import { useTestGateway } from './helpers/gateway.js';
import { capturedTracks, trackCapturedTracks } from './helpers/faults.js';
import { trackPeerConnections, trackedPeerConnections, waitFor } from './helpers/media-stats.js';
import { deviceIdOf, dominantFrequency, installToneMicrophones, plugAllBack, unplug } from './helpers/tone-microphones.js';
import { button, deepQuery, waitForText } from './phone-helpers.js';
import { errors, expectAudioBothWays, registered, talk } from './resilience-helpers.js';

installToneMicrophones({ 'Fake Default Audio Input': 440, 'Fake Audio Input 1': 660, 'Fake Audio Input 2': 880 });
trackCapturedTracks();
trackPeerConnections();

const gatewayOf = useTestGateway();

/** Waits until `pc` hears a tone within 15 Hz of `hz`. */
async function hearsTone(pc: RTCPeerConnection, hz: number, timeoutMs: number, who: string): Promise<void> {
  let heard = 0;
  await waitFor(async () => Math.abs((heard = await dominantFrequency(pc)) - hz) < 15, timeoutMs, `${who} hears ${hz} Hz`, 0).catch(
    (error: Error) => {
      throw new Error(`${error.message} (hears ${heard.toFixed(0)} Hz)`);
    },
  );
}

/** Opens a phone's Devices panel. */
async function openDevices(el: SipPhone): Promise<void> {
  deepQuery<HTMLButtonElement>(el, '[part=devices-button]')!.click();
  await waitFor(() => deepQuery(el, '[part=devices]') !== null, 2000, 'the Devices panel opens');
}

/** Picks `value` in one of the panel's lists, as a person would. */
function pick(el: SipPhone, part: string, value: string): void {
  const select = deepQuery<HTMLSelectElement>(el, `[part=${part}]`)!;
  select.value = value;
  select.dispatchEvent(new Event('change', { bubbles: true }));
}

/** The level meter a child element of the phone shows (`sip-call-controls` or `sip-devices`). */
const meterIn = (el: SipPhone, child: string) => deepQuery(el, child)?.shadowRoot?.querySelector<SipLevelMeter>('sip-level-meter') ?? null;

/** The highest level a meter shows over `ms`. */
async function peakLevel(meter: SipLevelMeter, ms: number): Promise<number> {
  let peak = 0;
  const end = performance.now() + ms;
  while (performance.now() < end) {
    peak = Math.max(peak, meter.level);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return peak;
}

/** The output a phone's tones (ring, ringback, keys) play on, as the browser reports it. */
const toneOutput = (el: SipPhone) => (el as unknown as { tones: { sinkId: string | undefined } }).tones.sinkId;

/** The `<video>` the websdk plays a phone's call in. */
const remoteVideo = (el: SipPhone) => el.shadowRoot!.querySelector<HTMLVideoElement>('#remote-media video[id$="-remote"]')!;

describe('<sip-phone> devices, end to end', function () {
  this.timeout(90_000);
  beforeEach(() => {
    localStorage.removeItem(DEVICES_STORAGE_KEY);
    plugAllBack();
  });

  it('switches the microphone mid-call (same peer connection), plays on the chosen speaker at the chosen volume, shows the level, and falls back when the microphone is unplugged', async () => {
    const a = await registered(gatewayOf().url, '10005');
    const b = await registered(gatewayOf().url, '10006');
    const { pcCaller, pcCallee } = await talk(a.el, b.el);
    await expectAudioBothWays(pcCaller, pcCallee);
    await hearsTone(pcCallee, 440, 5000, 'B (A on the default microphone)');

    // A picks "Fake Audio Input 2": B hears its tone within a second, on the same connection.
    const connections = trackedPeerConnections().length;
    await openDevices(a.el);
    const input2 = await deviceIdOf('Fake Audio Input 2');
    const labels = [...deepQuery<HTMLSelectElement>(a.el, '[part=microphone-select]')!.options].map((o) => o.text);
    expect(labels).to.include.members(['Default', 'Fake Audio Input 1', 'Fake Audio Input 2']);
    pick(a.el, 'microphone-select', input2);
    await hearsTone(pcCallee, 880, 1000, 'B, a second after A switched');
    expect(trackedPeerConnections().length, 'no new peer connection').to.equal(connections);
    expect(JSON.parse(localStorage.getItem(DEVICES_STORAGE_KEY)!)).to.deep.include({ microphone: { id: input2, label: 'Fake Audio Input 2' } });

    // The level meter in the call follows A's microphone, and reads zero when muted.
    const meter = meterIn(a.el, 'sip-call-controls')!;
    expect(await peakLevel(meter, 500), 'the meter shows the tone').to.be.greaterThan(50);
    a.el.mute();
    await waitFor(async () => (await peakLevel(meter, 300)) === 0, 3000, 'the meter falls to zero on mute');
    a.el.unmute();
    await waitFor(() => meter.level > 50, 3000, 'the meter rises again');

    // B picks a speaker and turns the volume down to zero.
    await openDevices(b.el);
    const output1 = (await navigator.mediaDevices.enumerateDevices()).find((d) => d.label === 'Fake Audio Output 1')!.deviceId;
    expect(toneOutput(b.el), "B's ring and key tones play on the default speaker").to.equal('');
    pick(b.el, 'speaker-select', output1);
    await waitFor(() => remoteVideo(b.el).sinkId === output1, 3000, "B's call plays on Fake Audio Output 1");
    await waitFor(() => toneOutput(b.el) === output1, 3000, "B's ring and key tones play on Fake Audio Output 1");
    const volume = deepQuery<HTMLInputElement>(b.el, '[part=volume]')!;
    volume.value = '0';
    volume.dispatchEvent(new Event('input', { bubbles: true }));
    await waitFor(() => remoteVideo(b.el).volume === 0, 2000, "B's call is silent");

    // Input 2 is unplugged: A says so, falls back to the default microphone, and B hears it.
    unplug(input2);
    await waitFor(() => errors(a.events).some((e) => e.code === 'device-lost'), 5000, 'device-lost');
    expect(errors(a.events).at(-1)!.message).to.equal('The microphone "Fake Audio Input 2" is gone: the phone uses the default microphone now.');
    await waitForText(a.el, 'is gone: the phone uses the default microphone now.');
    await hearsTone(pcCallee, 440, 3000, 'B, after the unplug');
    expect(deepQuery<HTMLSelectElement>(a.el, '[part=microphone-select]')!.value).to.equal('');
    expect(a.el.callStatus).to.equal('ESTABLISHED');
    a.el.hangup();
  });

  it('a new phone takes up the remembered microphone, or the page\'s preset; the microphone test shows the level and releases the microphone', async () => {
    const b = await registered(gatewayOf().url, '10006');
    const input1 = await deviceIdOf('Fake Audio Input 1');
    localStorage.setItem(DEVICES_STORAGE_KEY, JSON.stringify({ microphone: { id: input1, label: 'Fake Audio Input 1' } }));
    // The preset names another microphone: the person's remembered choice wins.
    const a = await registered(gatewayOf().url, '10005', 'microphone="Audio Input 2"');
    const { pcCallee } = await talk(a.el, b.el);
    await hearsTone(pcCallee, 660, 5000, 'B (A on the remembered Input 1)');
    a.el.hangup();
    await waitFor(() => a.el.callStatus === 'FINISH', 5000, 'the call ends');

    // Without a remembered choice, the preset (part of a label) is used.
    localStorage.removeItem(DEVICES_STORAGE_KEY);
    const c = await registered(gatewayOf().url, '10007', 'microphone="Audio Input 2"');
    const second = await talk(c.el, b.el);
    await hearsTone(second.pcCallee, 880, 5000, 'B (C on its preset, Input 2)');
    c.el.hangup();
    await waitFor(() => c.el.callStatus === 'FINISH', 5000, 'the call ends');

    // The microphone test, outside calls: the meter shows the level; Stop test releases it.
    await openDevices(c.el);
    const before = capturedTracks().length;
    button(c.el, 'Test microphone')!.click();
    const meter = meterIn(c.el, 'sip-devices')!;
    await waitFor(() => meter.level > 50, 3000, 'the test shows the level');
    const test = capturedTracks().slice(before);
    expect(test.length, 'the test captured the microphone').to.equal(1);
    button(c.el, 'Stop test')!.click();
    await waitFor(() => test.every((t) => t.readyState === 'ended'), 2000, 'Stop test releases the microphone');
    await waitFor(() => meter.level === 0, 2000, 'the meter falls to zero');
  });
});
