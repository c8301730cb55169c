import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../src/sip-call-controls.js';
import type { SipCallControls } from '../src/sip-call-controls.js';
import type { SipCallActionEvent } from '../src/events.js';
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
    expect(names(el)).to.deep.equal(['Mute', 'Hold', 'Hangup']);
    expect(el.shadowRoot!.querySelector('[role=timer]')!.textContent).to.equal('1:05');
    await expect(el).to.be.accessible();
    update({ call: callSnapshot({ status: 'HOLD', held: true, muted: true, connectedAt: performance.now() }) });
    await el.updateComplete;
    expect(names(el)).to.deep.equal(['Unmute', 'Unhold', 'Hangup']);
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
