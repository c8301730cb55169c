import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../src/sip-devices.js';
import type { SipDevices } from '../src/sip-devices.js';
import { initialPhoneState } from '../src/call-context.js';
import { callSnapshot, provideState } from './context-host.js';

const devices = {
  ...initialPhoneState.devices,
  microphones: [
    { id: 'm1', label: 'Built-in' },
    { id: 'm2', label: 'USB headset' },
  ],
  speakers: [{ id: 's1', label: 'Speakers' }],
  cameras: [{ id: 'c1', label: 'Webcam' }],
  microphone: 'm2',
  volume: 0.4,
};

async function panel(state = {}) {
  const host = await fixture<HTMLDivElement>(html`<div></div>`);
  const update = provideState(host, { session: 'REGISTERED', devices, ...state });
  const el = document.createElement('sip-devices');
  host.append(el);
  await el.updateComplete;
  return { el, update };
}

const part = <T extends Element = HTMLElement>(el: SipDevices, name: string) => el.shadowRoot!.querySelector<T>(`[part=${name}]`);

describe('<sip-devices>', () => {
  it('renders nothing on its own', async () => {
    const el = await fixture<SipDevices>(html`<sip-devices></sip-devices>`);
    expect(el.shadowRoot!.children.length).to.equal(0);
  });

  it('is a Devices toggle that opens the choices, with the chosen ones selected', async () => {
    const { el } = await panel();
    const toggle = part<HTMLButtonElement>(el, 'devices-button')!;
    expect(toggle.getAttribute('aria-expanded')).to.equal('false');
    expect(part(el, 'devices')).to.equal(null);
    toggle.click();
    await el.updateComplete;
    expect(toggle.getAttribute('aria-expanded')).to.equal('true');
    const mic = part<HTMLSelectElement>(el, 'microphone-select')!;
    expect([...mic.options].map((o) => o.text)).to.deep.equal(['Default', 'Built-in', 'USB headset']);
    expect(mic.value).to.equal('m2');
    expect(part<HTMLSelectElement>(el, 'speaker-select')!.value).to.equal('');
    // A phone without video has no camera to choose.
    expect(part(el, 'camera-select')).to.equal(null);
    expect(part<HTMLInputElement>(el, 'volume')!.value).to.equal('40');
    expect(part(el, 'mic-test-button')!.textContent!.trim()).to.equal('Test microphone');
    await expect(el).to.be.accessible();
  });

  it('fires what the person chose: a device, the volume, the microphone test', async () => {
    const { el, update } = await panel({ videoEnabled: true });
    part<HTMLButtonElement>(el, 'devices-button')!.click();
    await el.updateComplete;
    const mic = part<HTMLSelectElement>(el, 'microphone-select')!;
    mic.value = 'm1';
    setTimeout(() => mic.dispatchEvent(new Event('change')));
    expect((await oneEvent(el, 'sip-device-change')).detail).to.deep.equal({ kind: 'microphone', deviceId: 'm1' });
    const camera = part<HTMLSelectElement>(el, 'camera-select')!;
    camera.value = 'c1';
    setTimeout(() => camera.dispatchEvent(new Event('change')));
    expect((await oneEvent(el, 'sip-device-change')).detail).to.deep.equal({ kind: 'camera', deviceId: 'c1' });
    const volume = part<HTMLInputElement>(el, 'volume')!;
    volume.value = '75';
    setTimeout(() => volume.dispatchEvent(new Event('input')));
    expect((await oneEvent(el, 'sip-volume-change')).detail).to.deep.equal({ volume: 0.75 });
    setTimeout(() => part<HTMLButtonElement>(el, 'mic-test-button')!.click());
    expect((await oneEvent(el, 'sip-mic-test')).detail).to.deep.equal({ on: true });
    update({ devices: { ...devices, testing: true } });
    await el.updateComplete;
    const stop = part<HTMLButtonElement>(el, 'mic-test-button')!;
    expect(stop.textContent!.trim()).to.equal('Stop test');
    expect(stop.getAttribute('aria-pressed')).to.equal('true');
    // In a call the meter shows the call's microphone: no test to start.
    update({ call: callSnapshot({ status: 'ESTABLISHED' }) });
    await el.updateComplete;
    expect(part(el, 'mic-test-button')).to.equal(null);
    expect(part(el, 'mic-level')).to.exist;
  });

  it('offers no speaker list when the browser lists no speaker', async () => {
    const { el } = await panel({ devices: { ...devices, speakers: [] } });
    part<HTMLButtonElement>(el, 'devices-button')!.click();
    await el.updateComplete;
    expect(part(el, 'speaker-select')).to.equal(null);
  });
});
