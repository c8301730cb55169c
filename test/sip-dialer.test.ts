import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../src/sip-dialer.js';
import type { SipDialer } from '../src/sip-dialer.js';
import type { SipDialEvent } from '../src/intent-events.js';
import { provideState } from './context-host.js';

describe('<sip-dialer>', () => {
  it('works on its own: typing a number and pressing Enter fires sip-dial', async () => {
    const el = await fixture<SipDialer>(html`<sip-dialer></sip-dialer>`);
    await expect(el).to.be.accessible();
    el.focus();
    await sendKeys({ type: ' 10006 ' });
    setTimeout(() => void sendKeys({ press: 'Enter' }));
    const event = (await oneEvent(el, 'sip-dial')) as SipDialEvent;
    expect(event.detail.number).to.equal('10006');
    expect(event.bubbles && event.composed).to.equal(true);
  });

  it('does not fire for an empty number and keeps focus in the field', async () => {
    const el = await fixture<SipDialer>(html`<sip-dialer></sip-dialer>`);
    let fired = 0;
    el.addEventListener('sip-dial', () => fired++);
    el.shadowRoot!.querySelector('button')!.click();
    expect(fired).to.equal(0);
    expect(el.shadowRoot!.activeElement?.id).to.equal('number');
  });

  it('is disabled while the phone cannot call, and takes the pre-filled number', async () => {
    const host = await fixture<HTMLDivElement>(html`<div></div>`);
    const update = provideState(host, { canCall: false, callee: '10007' });
    const el = document.createElement('sip-dialer');
    host.append(el);
    await el.updateComplete;
    const [input, button] = [el.shadowRoot!.querySelector('input')!, el.shadowRoot!.querySelector('button')!];
    expect(input.value).to.equal('10007');
    expect(button.disabled && input.disabled).to.equal(true);
    await expect(el).to.be.accessible();
    update({ canCall: true });
    await el.updateComplete;
    expect(button.disabled).to.equal(false);
  });
});
