// <sip-phone> in two languages, and its wording (issue 11, points 6 and 8), on a scripted
// engine: the language follows `lang` (the phone's or the nearest above it), English and
// Russian ship, a page can add a language, events are the same in every language; calls end
// with plain words, one message at a time, a missed call is named, the last number is kept.
import { expect, fixture, html } from '@open-wc/testing';
import '../src/sip-phone.js';
import '../src/phone-runtime.js';
import '../src/parts.js';
import '../src/connect-form.js';
import type { SipPhone } from '../src/sip-phone.js';
import type { SipCallStatusEvent, SipErrorEvent } from '../src/events.js';
import { addMessages, loadLanguage, messagesOf, translate } from '../src/i18n.js';
import { FakeEngine } from './fake-engine.js';
import { registered, settle, setup } from './fake-phone.js';
import { button, deepQuery, phoneText } from './phone-helpers.js';

const part = (el: SipPhone, name: string) => deepQuery<HTMLElement>(el, `[part=${name}]`);
const text = (el: SipPhone, name: string) => part(el, name)?.textContent?.replace(/\s+/g, ' ').trim();

/** A phone in a `<div lang>`, registered on a scripted engine. */
async function phoneIn(lang: string) {
  const wrapper = await fixture<HTMLDivElement>(
    html`<div lang=${lang}><sip-phone wcs-url="ws://127.0.0.1:9" sip-login="10005" sip-password="pass10005"></sip-phone></div>`,
  );
  const el = wrapper.querySelector('sip-phone')!;
  const engine = new FakeEngine();
  el.engineFactory = async () => engine;
  const events: Event[] = [];
  for (const name of ['sip-call-status', 'sip-session-status', 'sip-incoming-call']) el.addEventListener(name, (e) => events.push(e));
  await settle(el);
  return { wrapper, el, engine, events };
}

/** The same script on a phone: connect, a call out that is answered and hung up, a call in. */
async function script(el: SipPhone, engine: FakeEngine) {
  const seen: Record<string, string | undefined> = { connect: text(el, 'connect-button') };
  await el.connect();
  engine.session('ESTABLISHED');
  engine.session('REGISTERED');
  await settle(el);
  seen.call = text(el, 'call-button');
  seen.session = text(el, 'session-text')!.replace(text(el, 'session-status')!, '').trim();
  el.call('10006');
  engine.status('out-1', 'RING');
  engine.status('out-1', 'ESTABLISHED');
  await settle(el);
  seen.connected = text(el, 'call-text');
  el.hangup();
  const call = engine.ringIn('10007');
  engine.status(call, 'RING');
  await settle(el);
  seen.ring = text(el, 'alert');
  seen.answer = text(el, 'answer-button');
  seen.decline = text(el, 'decline-button');
  return seen;
}

describe('<sip-phone> in English and Russian', () => {
  before(async () => {
    await loadLanguage('ru');
  });

  it('lang="ru" gives Russian words, lang="en" English, and the sip-* event details are identical', async () => {
    const en = await phoneIn('en');
    const ru = await phoneIn('ru');
    const english = await script(en.el, en.engine);
    const russian = await script(ru.el, ru.engine);
    expect(english).to.deep.equal({
      connect: 'Connect',
      call: 'Call',
      session: 'Registered',
      connected: 'Connected to 10006',
      ring: 'You have a new call from 10007',
      answer: 'Answer',
      decline: 'Decline',
    });
    expect(russian).to.deep.equal({
      connect: 'Подключиться',
      call: 'Позвонить',
      session: 'Зарегистрирован',
      connected: 'Разговор с 10006',
      ring: 'Вам звонит 10007',
      answer: 'Ответить',
      decline: 'Отклонить',
    });
    const details = (events: Event[]) => events.map((e) => ({ type: e.type, detail: (e as CustomEvent).detail as unknown }));
    expect(details(ru.events)).to.deep.equal(details(en.events));
    expect(ru.events.some((e) => e.type === 'sip-call-status' && (e as SipCallStatusEvent).detail.status === 'FINISH')).to.equal(true);
    await expect(ru.el).to.be.accessible();
  });

  it('follows the nearest lang above it (ru-RU is Russian) and changes language when lang changes', async () => {
    const { wrapper, el } = await phoneIn('ru-RU');
    expect(text(el, 'connect-button')).to.equal('Подключиться');
    wrapper.setAttribute('lang', 'en-GB');
    await settle(el);
    await settle(el);
    expect(text(el, 'connect-button')).to.equal('Connect');
    el.setAttribute('lang', 'ru');
    await settle(el);
    await settle(el);
    expect(text(el, 'connect-button')).to.equal('Подключиться');
  });

  it('sip-error carries the sentence in the phone\'s language, and the same code', async () => {
    const { el, engine } = await phoneIn('ru');
    await el.connect();
    const errors: SipErrorEvent[] = [];
    el.addEventListener('sip-error', (e) => errors.push(e));
    engine.session('FAILED', { code: 'registration-failed', field: 'sip-password', reason: 'Forbidden', text: ['engine.loginRefused', '10005', 'Forbidden'] });
    await settle(el);
    expect(errors.map((e) => e.detail)).to.deep.equal([
      { code: 'registration-failed', field: 'sip-password', message: 'Сервер отклонил вход для 10005: Forbidden. Проверьте логин и пароль.' },
    ]);
    expect(text(el, 'error')).to.equal(errors[0]!.detail.message);
    // The form came back in Russian, with the password marked.
    expect(button(el, 'Подключиться')).to.exist;
    expect(deepQuery(el, '#sip-password')!.getAttribute('aria-invalid')).to.equal('true');
  });

  it('a page adds a language; keys it leaves out fall back to English', async () => {
    addMessages('de', { 'phone.connect': 'Verbinden', 'session.IDLE': 'Nicht verbunden' });
    const { el } = await phoneIn('de');
    expect(text(el, 'connect-button')).to.equal('Verbinden');
    expect(text(el, 'session-text')).to.contain('Nicht verbunden');
    expect(text(el, 'settings-button')).to.equal('Change settings');
  });

  it('Russian has every message English has, and no other', () => {
    const en = Object.keys(messagesOf('en')).sort();
    const ru = Object.keys(messagesOf('ru')).sort();
    expect(en.length).to.be.greaterThan(100);
    expect(ru).to.deep.equal(en);
  });

  it('a device with no name (no permission yet) is not shown as ""', () => {
    expect(translate('en', ['device.gone.microphone', ''])).to.equal('The microphone in use is gone: the phone uses the default microphone now.');
    expect(translate('ru', ['device.gone.camera', ''])).to.equal('Камера отключена: телефон использует камеру по умолчанию.');
  });

  it('every message renders, takes as many arguments in both languages, and shows each of them', () => {
    const en = messagesOf('en');
    const ru = messagesOf('ru');
    for (const [key, message] of Object.entries(en)) {
      const arity = typeof message === 'function' ? message.length : 0;
      expect(typeof ru[key] === 'function' ? ru[key].length : 0, `${key}: arguments`).to.equal(arity);
      const args = Array.from({ length: arity }, (_, i) => `«arg${i}»`);
      for (const [lang, catalog] of [['en', en], ['ru', ru]] as const) {
        const m = catalog[key]!;
        const out = typeof m === 'function' ? m(...args) : m;
        expect(out.trim(), `${lang} ${key}`).not.to.equal('');
        for (const arg of args) expect(out, `${lang} ${key} shows ${arg}`).to.contain(arg);
      }
    }
  });
});

describe('<sip-phone> wording', () => {
  it('status names are hidden beside their sentences, and a page can show them', async () => {
    const { el } = await setup();
    const badge = part(el, 'session-status')!;
    expect(badge.textContent).to.equal('IDLE');
    expect(getComputedStyle(badge).display).to.equal('none');
    const style = document.createElement('style');
    style.textContent = 'sip-phone::part(session-status) { display: inline-block; }';
    document.head.append(style);
    try {
      expect(getComputedStyle(badge).display).to.equal('inline-block');
    } finally {
      style.remove();
    }
  });

  it('a call that rang in and stopped before anyone answered is a missed call', async () => {
    const { el, engine } = await registered();
    const call = engine.ringIn('10007');
    engine.status(call, 'RING');
    engine.status(call, 'FINISH', 'Request Terminated');
    await settle(el);
    expect(text(el, 'last-call')).to.equal('Missed call from 10007');
    // A declined call is not missed.
    const second = engine.ringIn('10008');
    engine.status(second, 'RING');
    await settle(el);
    el.decline();
    await settle(el);
    expect(text(el, 'last-call')).to.equal('Call ended');
  });

  it('keeps the last number called in the dialer for redial, and one message at a time', async () => {
    const { el, engine } = await setup(html`<sip-phone wcs-url="ws://127.0.0.1:9" sip-login="10005" callee="10006"></sip-phone>`);
    await el.connect();
    engine.session('ESTABLISHED');
    engine.session('REGISTERED');
    await settle(el);
    el.call('10009');
    engine.status('out-1', 'FAILED', 'Request Timeout');
    await settle(el);
    expect(text(el, 'error')).to.equal('10009 did not answer.');
    expect(part(el, 'last-call'), 'no second line about the same call').to.equal(null);
    expect((part(el, 'number') as HTMLInputElement).value).to.equal('10009');
    expect(phoneText(el)).not.to.contain('Request Timeout');
  });
});
