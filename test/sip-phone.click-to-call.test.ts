// Component tests of <sip-phone mode="click-to-call"> (scripted engine): one button, no
// credentials, a call to the fixed callee on click, compact controls, disconnect after.
import { aTimeout, expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../src/sip-phone.js';
import type { SipPhone } from '../src/sip-phone.js';
import type { SipErrorEvent } from '../src/events.js';
import { FakeEngine } from './fake-engine.js';
import { settle } from './fake-phone.js';
import { button, deepQuery, phoneText } from './phone-helpers.js';

async function c2c(template = html`<sip-phone mode="click-to-call" wcs-url="ws://127.0.0.1:9" app-key="call-us" callee="10006"></sip-phone>`) {
  const engine = new FakeEngine();
  const el = await fixture<SipPhone>(template);
  el.engineFactory = async () => engine;
  const errors: SipErrorEvent['detail'][] = [];
  el.addEventListener('sip-error', (e) => errors.push(e.detail));
  return { el, engine, errors };
}

const callButton = (el: SipPhone) => el.shadowRoot!.querySelector<HTMLButtonElement>('[part=click-to-call-button]')!;

describe('<sip-phone mode="click-to-call">', () => {
  it('is one button named by its label (or by the content the page slots in)', async () => {
    const { el } = await c2c();
    expect(el.shadowRoot!.querySelectorAll('button').length).to.equal(1);
    expect(callButton(el).textContent!.trim()).to.equal('Call');
    expect(el.shadowRoot!.querySelector('form')).to.equal(null);
    await expect(el).to.be.accessible();
    const labelled = await fixture<SipPhone>(
      html`<sip-phone mode="click-to-call" wcs-url="ws://127.0.0.1:9" callee="10006" button-label="Call sales"></sip-phone>`,
    );
    expect(callButton(labelled).textContent!.trim()).to.equal('Call sales');
    const slotted = await fixture<SipPhone>(html`<sip-phone mode="click-to-call" wcs-url="ws://127.0.0.1:9" callee="10006"><b>Talk to us</b></sip-phone>`);
    const slot = callButton(slotted).querySelector('slot')!;
    expect(slot.assignedNodes({ flatten: true }).map((n) => n.textContent).join('')).to.equal('Talk to us');
    await expect(slotted).to.be.accessible();
  });

  it('on click: connects with the app key and no credentials, calls the callee, and disconnects after the call', async () => {
    const { el, engine } = await c2c(
      html`<sip-phone mode="click-to-call" wcs-url="ws://127.0.0.1:9" app-key="call-us" callee="10006" sip-password="ignored"></sip-phone>`,
    );
    callButton(el).click();
    await waitUntil(() => engine.log.includes('connect'), 'no connect');
    expect(engine.connectOptions).to.deep.equal({ url: 'ws://127.0.0.1:9', appKey: 'call-us', register: false, keepAlive: true, resumeToken: undefined });
    await settle(el);
    expect(callButton(el).disabled, 'busy while it connects').to.equal(true);
    engine.session('ESTABLISHED');
    expect(engine.log.at(-1)).to.equal('call 10006');
    engine.status('out-1', 'TRYING');
    engine.status('out-1', 'ESTABLISHED');
    await settle(el);
    const controls = el.shadowRoot!.querySelector('sip-call-controls')!;
    const names = [...controls.shadowRoot!.querySelectorAll('button')].map((b) => b.textContent!.trim());
    expect(names).to.deep.equal(['Mute', 'Keypad', 'Hangup']);
    expect(deepQuery(el, '[part=keypad]'), 'the keypad is folded').to.equal(null);
    button(el, 'Keypad')!.click();
    await settle(el);
    expect(deepQuery(el, '[part=keypad]')).to.exist;
    expect(button(el, 'Keypad')!.getAttribute('aria-expanded')).to.equal('true');
    await expect(el).to.be.accessible();
    button(el, 'Hangup')!.click();
    await aTimeout(10);
    expect(engine.log.slice(-2)).to.deep.equal(['hangup out-1', 'disconnect']);
    await settle(el);
    expect(callButton(el).disabled).to.equal(false);
    expect(phoneText(el)).to.contain('Call');
  });

  it('a refused button shows why, fires sip-error, and can be pressed again; no callee is a config error', async () => {
    const { el, engine, errors } = await c2c();
    callButton(el).click();
    await waitUntil(() => engine.log.includes('connect'), 'no connect');
    engine.session('FAILED', { code: 'registration-failed', text: ['engine.buttonRefused', 'Unknown app key'] });
    await settle(el);
    expect(errors.map((e) => e.code)).to.deep.equal(['registration-failed']);
    expect(phoneText(el)).to.contain('refused this call button');
    expect(callButton(el).disabled).to.equal(false);
    const none = await c2c(html`<sip-phone mode="click-to-call" wcs-url="ws://127.0.0.1:9"></sip-phone>`);
    callButton(none.el).click();
    await waitUntil(() => none.errors.length > 0, 'no sip-error');
    expect(none.errors.map((e) => e.code)).to.deep.equal(['invalid-config']);
    expect(none.engine.log).to.deep.equal([]);
  });
});
