import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../src/sip-call-controls.js';
import type { SipCallControls } from '../src/sip-call-controls.js';
import type { SipCallActionEvent } from '../src/intent-events.js';
import { formatDuration } from '../src/controllers/call-timer.js';
import { callSnapshot, provideState } from './context-host.js';

async function controls() {
  const host = await fixture<HTMLDivElement>(html`<div></div>`);
  const update = provideState(host, { session: 'REGISTERED' });
  const el = document.createElement('sip-call-controls');
  host.append(el);
  await el.updateComplete;
  return { el, update };
}

const names = (el: SipCallControls) => [...el.shadowRoot!.querySelectorAll('button')].map((b) => b.textContent!.trim());

describe('<sip-call-controls>', () => {
  it('renders nothing on its own', async () => {
    const el = await fixture<SipCallControls>(html`<sip-call-controls></sip-call-controls>`);
    expect(el.shadowRoot!.children.length).to.equal(0);
  });

  it('offers only Hangup while ringing out', async () => {
    const { el, update } = await controls();
    update({ call: callSnapshot({ status: 'RING' }) });
    await el.updateComplete;
    expect(names(el)).to.deep.equal(['Hangup']);
    expect(el.shadowRoot!.querySelector('[role=timer]')).to.equal(null);
    await expect(el).to.be.accessible();
  });

  it('shows a timer and pressed toggles in a call, and fires actions', async () => {
    const { el, update } = await controls();
    update({ call: callSnapshot({ status: 'ESTABLISHED', connectedAt: performance.now() - 65_000 }) });
    await el.updateComplete;
    expect(names(el).slice(0, 4)).to.deep.equal(['Mute', 'Hold', 'Keypad', 'Transfer']);
    expect(el.shadowRoot!.querySelector('[role=timer]')!.textContent).to.equal('1:05');
    await expect(el).to.be.accessible();
    update({ call: callSnapshot({ status: 'HOLD', held: true, muted: true, connectedAt: performance.now() }) });
    await el.updateComplete;
    expect(names(el)).to.deep.equal(['Unmute', 'Unhold', 'Keypad', 'Transfer', 'Hangup']);
    const pressed = [...el.shadowRoot!.querySelectorAll('button[aria-pressed=true]')].length;
    expect(pressed).to.equal(2);
    await expect(el).to.be.accessible();
    for (const [name, action] of [['Unmute', 'unmute'], ['Unhold', 'unhold'], ['Hangup', 'hangup']]) {
      const button = [...el.shadowRoot!.querySelectorAll('button')].find((b) => b.textContent!.trim() === name)!;
      setTimeout(() => button.click());
      expect(((await oneEvent(el, 'sip-call-action')) as SipCallActionEvent).detail.action).to.equal(action);
    }
  });

  it('formats durations', () => {
    expect(formatDuration(0)).to.equal('0:00');
    expect(formatDuration(59_999)).to.equal('0:59');
    expect(formatDuration(3_725_000)).to.equal('1:02:05');
  });
});

describe('<sip-call-controls> SIP functions', () => {
  it('folds a 12-key keypad behind Keypad in a connected call, fires sip-dtmf per key and shows the digits sent', async () => {
    const { el, update } = await controls();
    update({ call: callSnapshot({ status: 'ESTABLISHED', connectedAt: performance.now() }) });
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part=keypad]'), 'folded at first').to.equal(null);
    const toggle = el.shadowRoot!.querySelector<HTMLButtonElement>('[part=keypad-button]')!;
    expect(toggle.getAttribute('aria-expanded')).to.equal('false');
    toggle.click();
    await el.updateComplete;
    expect(toggle.getAttribute('aria-expanded')).to.equal('true');
    const keys = [...el.shadowRoot!.querySelectorAll('[part=keypad] button')];
    expect(keys.map((k) => k.textContent)).to.deep.equal(['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#']);
    expect(keys[9].getAttribute('aria-label')).to.equal('star');
    await expect(el).to.be.accessible();
    setTimeout(() => (keys[11] as HTMLButtonElement).click());
    expect(((await oneEvent(el, 'sip-dtmf')) as CustomEvent).detail.digits).to.equal('#');
    expect(el.shadowRoot!.querySelector('[part=dtmf-digits]'), 'no digits sent yet').to.equal(null);
    update({ call: callSnapshot({ status: 'ESTABLISHED', connectedAt: performance.now(), dtmf: '12#' }) });
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part=dtmf-digits]')!.textContent!.replace(/\s+/g, ' ').trim()).to.equal('Sent 12#');
    update({ call: callSnapshot({ status: 'HOLD', held: true, connectedAt: performance.now() }) });
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part=keypad]')).to.equal(null);
  });

  it('opens a transfer field, focuses it and fires sip-transfer with the target', async () => {
    const { el, update } = await controls();
    update({ call: callSnapshot({ status: 'ESTABLISHED', connectedAt: performance.now() }) });
    await el.updateComplete;
    const open = el.shadowRoot!.querySelector<HTMLButtonElement>('[part=transfer-button]')!;
    expect(open.getAttribute('aria-expanded')).to.equal('false');
    open.click();
    await el.updateComplete;
    await new Promise((r) => setTimeout(r));
    const input = el.shadowRoot!.querySelector<HTMLInputElement>('#transfer-target')!;
    expect(el.shadowRoot!.activeElement).to.equal(input);
    expect(open.getAttribute('aria-expanded')).to.equal('true');
    await expect(el).to.be.accessible();
    input.value = ' 10007 ';
    const submit = [...el.shadowRoot!.querySelectorAll('button')].find((b) => b.textContent!.trim() === 'Transfer call')!;
    setTimeout(() => submit.click());
    expect(((await oneEvent(el, 'sip-transfer')) as CustomEvent).detail.target).to.equal('10007');
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('#transfer-target')).to.equal(null);
    update({ call: callSnapshot({ status: 'ESTABLISHED', connectedAt: performance.now(), transfer: { target: '10007', status: 'REQUESTED' } }) });
    await el.updateComplete;
    expect(el.shadowRoot!.textContent).to.contain('Transferring to 10007');
  });

  it('offers a camera toggle in video calls only', async () => {
    const { el, update } = await controls();
    update({ call: callSnapshot({ status: 'ESTABLISHED', connectedAt: performance.now() }) });
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part=camera-button]')).to.equal(null);
    update({ call: callSnapshot({ status: 'ESTABLISHED', video: true, cameraOff: true, connectedAt: performance.now() }) });
    await el.updateComplete;
    const camera = el.shadowRoot!.querySelector<HTMLButtonElement>('[part=camera-button]')!;
    expect(camera.textContent!.trim()).to.equal('Camera on');
    expect(camera.getAttribute('aria-pressed')).to.equal('true');
    await expect(el).to.be.accessible();
    setTimeout(() => camera.click());
    expect(((await oneEvent(el, 'sip-call-action')) as SipCallActionEvent).detail.action).to.equal('camera-on');
  });
});
