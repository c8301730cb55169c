import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../src/sip-incoming.js';
import type { SipIncoming } from '../src/sip-incoming.js';
import type { SipCallActionEvent } from '../src/intent-events.js';
import { callSnapshot, provideState } from './context-host.js';

async function ringing() {
  const host = await fixture<HTMLDivElement>(html`<div></div>`);
  const update = provideState(host, { session: 'REGISTERED', call: null });
  const el = document.createElement('sip-incoming');
  host.append(el);
  await el.updateComplete;
  return { el, update };
}

describe('<sip-incoming>', () => {
  it('renders nothing on its own or without a ringing call', async () => {
    const alone = await fixture<SipIncoming>(html`<sip-incoming></sip-incoming>`);
    expect(alone.shadowRoot!.querySelector('button')).to.equal(null);
    const { el, update } = await ringing();
    update({ call: callSnapshot({ direction: 'outgoing', status: 'RING' }) });
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('button')).to.equal(null);
  });

  it('alerts (taking no focus: <sip-phone> decides) and fires answer/decline', async () => {
    const { el, update } = await ringing();
    update({ call: callSnapshot({ direction: 'incoming', remote: '10005', visibleName: 'Alice', status: 'RING' }) });
    await el.updateComplete;
    const alert = el.shadowRoot!.querySelector('[role=alert]')!;
    expect(alert.textContent!.trim()).to.equal('You have a new call from Alice (10005)');
    const [answer, decline] = el.shadowRoot!.querySelectorAll('button');
    expect(el.shadowRoot!.activeElement === null, 'no focus taken').to.equal(true);
    await expect(el).to.be.accessible();
    setTimeout(() => answer.click());
    expect(((await oneEvent(el, 'sip-call-action')) as SipCallActionEvent).detail.action).to.equal('answer');
    setTimeout(() => decline.click());
    expect(((await oneEvent(el, 'sip-call-action')) as SipCallActionEvent).detail.action).to.equal('decline');
  });
});
