// <sip-phone> on a page people type in (issue 11, points 1, 2, 5 and 7), with a scripted
// engine and real key presses (the test runner's keyboard): a call never takes focus from
// the page or answers from a key pressed before it rang; focus follows Connect, Call,
// Answer and Hangup inside the phone; Escape declines; a refused setting brings the form
// back with the field marked; the header keeps the session's login.
import { expect, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../src/sip-phone.js';
import type { SipPhone } from '../src/sip-phone.js';
import { FakeEngine } from './fake-engine.js';
import { registered, settle, setup } from './fake-phone.js';
import { button, deepQuery } from './phone-helpers.js';

/** The element with focus, through shadow roots. */
function focused(): Element | null {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}

const part = (el: SipPhone, name: string) => deepQuery<HTMLElement>(el, `[part=${name}]`);

async function ring(el: SipPhone, engine: FakeEngine, caller = '10007') {
  const call = engine.ringIn(caller);
  engine.status(call, 'RING');
  await settle(el);
  return call;
}

describe('<sip-phone> and focus', () => {
  it('a call ringing while a visitor types in the page keeps focus there, and typing on never answers it', async () => {
    const { el, engine } = await registered();
    const textarea = document.createElement('textarea');
    textarea.setAttribute('aria-label', 'Message');
    el.after(textarea);
    textarea.focus();
    await sendKeys({ type: 'thank you' });
    await ring(el, engine);
    expect(part(el, 'alert')!.textContent).to.contain('You have a new call from 10007');
    await sendKeys({ type: ' for' });
    await sendKeys({ press: 'Enter' });
    expect(textarea.value).to.equal('thank you for\n');
    expect(document.activeElement === textarea, 'focus stays in the textarea').to.equal(true);
    expect(engine.log.filter((l) => l.startsWith('answer'))).to.deep.equal([]);
  });

  it('from inside the phone focus moves to Answer, but a key held down before the call rang does not answer it', async () => {
    const { el, engine } = await registered();
    part(el, 'connect-button')!.focus();
    await sendKeys({ down: ' ' });
    await ring(el, engine);
    await waitUntil(() => focused() === part(el, 'answer-button'), 'focus on Answer');
    await sendKeys({ up: ' ' });
    expect(engine.log.filter((l) => l.startsWith('answer'))).to.deep.equal([]);
    // A fresh press answers, and focus goes on to Hangup.
    await sendKeys({ press: 'Enter' });
    expect(engine.log.at(-1)).to.match(/^answer /);
    await waitUntil(() => focused() === part(el, 'hangup-button'), 'focus on Hangup after Answer');
  });

  it('a call ringing while a person types a number in the phone: focus to Answer, and the typing goes on without answering', async () => {
    const { el, engine } = await registered();
    (part(el, 'number') as HTMLInputElement).focus();
    await sendKeys({ type: '100' });
    await sendKeys({ down: ' ' });
    await ring(el, engine);
    await waitUntil(() => focused() === part(el, 'answer-button'), 'focus on Answer');
    // The space held since before the call comes up on Answer, and more digits come: none answers.
    await sendKeys({ up: ' ' });
    await sendKeys({ type: '06' });
    expect(engine.log.filter((l) => l.startsWith('answer'))).to.deep.equal([]);
  });

  it('an Enter held down since before the call (auto-repeating) never answers it', async () => {
    const { el, engine } = await registered();
    part(el, 'devices-button')!.click();
    await settle(el);
    await waitUntil(() => part(el, 'volume'), 'the Devices panel');
    // The volume slider ignores Enter: the key is held there when the call rings in.
    part(el, 'volume')!.focus();
    await sendKeys({ down: 'Enter' });
    await ring(el, engine);
    await waitUntil(() => focused() === part(el, 'answer-button'), 'focus on Answer');
    await sendKeys({ down: 'Enter' });
    await sendKeys({ down: 'Enter' });
    await sendKeys({ up: 'Enter' });
    expect(engine.log.filter((l) => l.startsWith('answer'))).to.deep.equal([]);
    await sendKeys({ press: 'Enter' });
    expect(engine.log.at(-1)).to.match(/^answer /);
  });

  it('Escape declines a call ringing in when focus is in the phone; focus goes to the number field', async () => {
    const { el, engine } = await registered();
    part(el, 'connect-button')!.focus();
    const call = await ring(el, engine);
    await waitUntil(() => focused() === part(el, 'answer-button'), 'focus on Answer');
    await sendKeys({ press: 'Escape' });
    expect(engine.log.at(-1)).to.equal(`hangup ${call.id}`);
    await waitUntil(() => focused() === part(el, 'number'), 'focus on the number field');
  });

  it('focus: the number field after Connect, Hangup after Call, the number field again after the call (kept for redial)', async () => {
    const { el, engine } = await setup();
    button(el, 'Connect')!.focus();
    button(el, 'Connect')!.click();
    await waitUntil(() => engine.listener, 'the phone connects');
    engine.session('ESTABLISHED');
    engine.session('REGISTERED');
    await waitUntil(() => focused() === part(el, 'number'), 'focus on the number field after Connect');
    await sendKeys({ type: '10006' });
    await sendKeys({ press: 'Enter' });
    expect(engine.log.at(-1)).to.equal('call 10006');
    await waitUntil(() => focused() === part(el, 'hangup-button'), 'focus on Hangup after Call');
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => focused() === part(el, 'number'), 'focus on the number field after Hangup');
  });
});

describe('<sip-phone> settings a person can correct', () => {
  it('a refused password brings the form back with the values and the password marked; the right one registers', async () => {
    const { el, engine } = await setup();
    button(el, 'Connect')!.focus();
    button(el, 'Connect')!.click();
    await waitUntil(() => engine.listener, 'the phone connects');
    engine.session('FAILED', { code: 'registration-failed', text: ['engine.loginRefused', '10005', 'Forbidden'], field: 'sip-password' });
    await settle(el);
    const form = part(el, 'form')!;
    expect(form).to.exist;
    const input = (id: string) => el.shadowRoot!.querySelector<HTMLInputElement>(`#${id}`)!;
    expect(input('wcs-url').value).to.equal('ws://127.0.0.1:9');
    expect(input('sip-login').value).to.equal('10005');
    // The password is never written back into the page.
    expect(input('sip-password').value).to.equal('');
    expect(input('sip-password').getAttribute('aria-invalid')).to.equal('true');
    expect(input('sip-password').getAttribute('aria-describedby')).to.equal('error');
    expect(el.shadowRoot!.getElementById('error')!.textContent).to.contain('Check the login and password');
    expect(input('sip-login').getAttribute('aria-invalid')).to.equal('false');
    await waitUntil(() => focused() === input('sip-password'), 'focus on the password');
    await expect(el).to.be.accessible();
    await sendKeys({ type: 'right-password' });
    await sendKeys({ press: 'Enter' });
    expect(engine.connectOptions).to.include({ login: '10005', password: 'right-password' });
    engine.session('ESTABLISHED');
    engine.session('REGISTERED');
    await settle(el);
    expect(part(el, 'form')).to.equal(null);
    expect(el.sessionStatus).to.equal('REGISTERED');
  });

  it('an unreachable server marks the URL; Change settings opens the form on a configured phone, Cancel closes it', async () => {
    const { el, engine } = await setup();
    await el.connect();
    engine.session('FAILED', { code: 'server-unreachable', text: ['engine.unreachable', 'ws://127.0.0.1:9'], field: 'wcs-url' });
    await settle(el);
    expect(el.shadowRoot!.querySelector('#wcs-url')!.getAttribute('aria-invalid')).to.equal('true');
    button(el, 'Cancel')!.click();
    await settle(el);
    expect(part(el, 'form')).to.equal(null);
    part(el, 'settings-button')!.click();
    await settle(el);
    expect(part(el, 'form')).to.exist;
    expect(focused() === el.shadowRoot!.querySelector('#wcs-url'), 'focus on the URL').to.equal(true);
  });

  it('a malformed attribute marks its field', async () => {
    const { el } = await setup(html`<sip-phone wcs-url="ws://127.0.0.1:9" sip-login="10005" sip-port="70000"></sip-phone>`);
    await el.connect();
    await settle(el);
    expect(el.shadowRoot!.querySelector('#sip-port')!.getAttribute('aria-invalid')).to.equal('true');
    expect(part(el, 'error')!.textContent).to.contain('is not a port number');
  });

  it('a login changed while connected shows from the next connect on; the session keeps its own', async () => {
    const { el, engine } = await registered();
    el.sipLogin = '10099';
    await settle(el);
    expect(el.shadowRoot!.querySelector('.login')!.textContent).to.equal('10005');
    el.call('10006');
    expect(engine.lastCallOptions!.visibleName).to.equal('10005');
    el.disconnect();
    await settle(el);
    expect(el.shadowRoot!.querySelector('.login')!.textContent).to.equal('10099');
  });
});
