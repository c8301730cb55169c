// Component tests of <sip-phone> with a scripted engine in place of the websdk: rendering
// in each state, accessibility, attribute validation and the event rules.
import { aTimeout, expect, fixture, html, nextFrame, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../src/sip-phone.js';
import type { SipPhone } from '../src/sip-phone.js';
import type { SipCallStatusEvent, SipErrorEvent, SipSessionStatusEvent } from '../src/events.js';
import { FakeEngine } from './fake-engine.js';
import { registered, settle, setup, statuses } from './fake-phone.js';
import { button, deepQuery as deep, phoneText } from './phone-helpers.js';


describe('<sip-phone>', () => {
  describe('idle', () => {
    it('shows the connection form with the mission fields when it has no credentials', async () => {
      const el = await fixture<SipPhone>(html`<sip-phone></sip-phone>`);
      const labels = [...el.shadowRoot!.querySelectorAll('form label')].map((l) => l.textContent!.trim());
      expect(labels).to.deep.equal([
        'WCS URL',
        'SIP Login',
        'SIP Auth Name',
        'SIP Password',
        'SIP Domain',
        'SIP Outbound Proxy',
        'SIP Port',
        'Register required',
      ]);
      expect(button(el, 'Connect')).to.exist;
      await expect(el).to.be.accessible();
    });

    it('shows a compact status line when configured', async () => {
      const { el } = await setup();
      expect(el.shadowRoot!.querySelector('form')).to.equal(null);
      expect(deep(el, '[part=session-status]')!.textContent).to.equal('IDLE');
      expect(button(el, 'Connect')).to.exist;
      expect(el.sessionStatus).to.equal('IDLE');
      expect(el.callStatus).to.equal('');
      await expect(el).to.be.accessible();
    });

    it('does not load the engine until it connects', async () => {
      let loads = 0;
      const el = await fixture<SipPhone>(html`<sip-phone wcs-url="ws://127.0.0.1:9" sip-login="1"></sip-phone>`);
      el.engineFactory = async () => {
        loads++;
        return new FakeEngine();
      };
      await aTimeout(50);
      expect(loads).to.equal(0);
      // The default engine (the websdk adapter) is not fetched either.
      const fetched = performance.getEntriesByType('resource').map((r) => r.name);
      expect(fetched.some((url) => /wcs-engine|flashphoner/.test(url))).to.equal(false);
      await el.connect();
      expect(loads).to.equal(1);
    });

    it('fires no events for properties the page sets', async () => {
      const { el, events } = await setup();
      el.callee = '10006';
      el.sipLogin = '10007';
      el.wcsUrl = 'not a url';
      el.sipPort = 'abc';
      el.noRegister = true;
      await el.updateComplete;
      expect(events).to.deep.equal([]);
    });

    it('never reflects the password', async () => {
      const el = await fixture<SipPhone>(html`<sip-phone wcs-url="ws://127.0.0.1:9" sip-login="1"></sip-phone>`);
      el.sipPassword = 'secret';
      await el.updateComplete;
      expect(el.hasAttribute('sip-password')).to.equal(false);
      expect(el.shadowRoot!.innerHTML).not.to.contain('secret');
    });

    it('removes the sip-password attribute once read; the property keeps it and the phone connects with it', async () => {
      const { el, engine } = await setup(html`<sip-phone wcs-url="ws://127.0.0.1:9" sip-login="10005" sip-password="s3cret"></sip-phone>`);
      expect(el.outerHTML).not.to.contain('s3cret');
      expect(el.hasAttribute('sip-password')).to.equal(false);
      expect(el.sipPassword).to.equal('s3cret');
      el.setAttribute('sip-password', 'n3w');
      expect(el.hasAttribute('sip-password')).to.equal(false);
      expect(el.sipPassword).to.equal('n3w');
      await el.connect();
      expect(engine.connectOptions!.password).to.equal('n3w');
    });
  });

  describe('connecting', () => {
    it('passes the attributes to the engine and reports each session status', async () => {
      const { el, engine, events } = await setup(html`<sip-phone
        wcs-url="wss://wcs.example:8443"
        sip-login="10005"
        sip-auth-name="auth5"
        sip-password="pw"
        sip-domain="example.org"
        sip-outbound-proxy="proxy.example.org"
        sip-port="5080"
      ></sip-phone>`);
      await el.connect();
      expect(engine.connectOptions).to.deep.equal({
        url: 'wss://wcs.example:8443',
        login: '10005',
        authName: 'auth5',
        password: 'pw',
        domain: 'example.org',
        outboundProxy: 'proxy.example.org',
        port: 5080,
        register: true,
        authToken: undefined,
        keepAlive: true,
        resumeToken: undefined,
      });
      await settle(el);
      expect(deep(el, '[part=session-status]')!.textContent).to.equal('CONNECTING');
      expect(el.getAttribute('session-status')).to.equal('CONNECTING');
      await expect(el).to.be.accessible();
      engine.session('ESTABLISHED');
      engine.session('REGISTERED');
      await settle(el);
      const detail = events.map((e) => (e as SipSessionStatusEvent).detail);
      expect(detail.map((d) => d.status)).to.deep.equal(['CONNECTING', 'ESTABLISHED', 'REGISTERED']);
      expect(JSON.stringify(detail)).not.to.contain('pw');
      expect(el.getAttribute('session-status')).to.equal('REGISTERED');
      expect(button(el, 'Disconnect')).to.exist;
      expect(button(el, 'Call')!.disabled).to.equal(false);
    });

    it('defaults the auth name to the login, the domain and proxy to the WCS host, the port to 5060', async () => {
      const { el, engine } = await setup(html`<sip-phone wcs-url="ws://10.0.0.1:8080" sip-login="10005" no-register></sip-phone>`);
      await el.connect();
      expect(engine.connectOptions).to.include({
        authName: '10005',
        domain: '10.0.0.1',
        outboundProxy: '10.0.0.1',
        port: 5060,
        register: false,
      });
    });

    it('can call without registering when no-register is set', async () => {
      const { el, engine } = await setup(html`<sip-phone wcs-url="ws://127.0.0.1:9" sip-login="10005" no-register></sip-phone>`);
      await el.connect();
      engine.session('ESTABLISHED');
      await settle(el);
      expect(button(el, 'Call')!.disabled).to.equal(false);
    });

    it('connects with the form', async () => {
      const engine = new FakeEngine();
      const el = await fixture<SipPhone>(html`<sip-phone></sip-phone>`);
      el.engineFactory = async () => engine;
      const input = (id: string) => el.shadowRoot!.querySelector<HTMLInputElement>(`#${id}`)!;
      input('wcs-url').value = 'ws://127.0.0.1:8080';
      input('sip-login').value = '10006';
      input('sip-password').value = 'pass10006';
      el.shadowRoot!.querySelector<HTMLInputElement>('input[name=register]')!.checked = false;
      button(el, 'Connect')!.click();
      await waitUntil(() => engine.connectOptions, 'engine.connect was not called');
      expect(engine.connectOptions).to.include({ url: 'ws://127.0.0.1:8080', login: '10006', password: 'pass10006', register: false });
    });

    it('auto-connects when configured', async () => {
      const engine = new FakeEngine();
      const el = document.createElement('sip-phone');
      el.engineFactory = async () => engine;
      el.setAttribute('wcs-url', 'ws://127.0.0.1:9');
      el.setAttribute('sip-login', '10005');
      el.setAttribute('auto-connect', '');
      document.body.append(el);
      try {
        await waitUntil(() => engine.log.includes('connect'), 'auto-connect did not connect');
      } finally {
        el.remove();
      }
      expect(engine.log).to.include('disconnect');
    });

    for (const [name, attrs, message] of [
      ['a malformed wcs-url', { 'wcs-url': 'not a url' }, 'is not a valid address'],
      ['a wcs-url that is not a WebSocket', { 'wcs-url': 'https://host:8443' }, 'must start with ws:// or wss://'],
      ['a missing wcs-url', { 'wcs-url': '' }, 'Set the WCS URL'],
      ['a bad sip-port', { 'sip-port': '70000' }, 'is not a port number'],
    ] as const) {
      it(`refuses ${name} with a message and a sip-error, and stays usable`, async () => {
        const { el, engine } = await setup();
        for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
        await el.updateComplete;
        setTimeout(() => void el.connect());
        const error = (await oneEvent(el, 'sip-error')) as SipErrorEvent;
        expect(error.detail.code).to.equal('invalid-config');
        expect(error.detail.message).to.contain(message);
        await settle(el);
        expect(deep(el, '[part=error]')!.textContent).to.contain(message);
        expect(engine.log).to.deep.equal([]);
        await expect(el).to.be.accessible();
        // Fixing the attribute is enough to connect.
        el.setAttribute('wcs-url', 'ws://127.0.0.1:9');
        el.setAttribute('sip-port', '5060');
        await el.connect();
        expect(engine.log).to.deep.equal(['connect']);
        await settle(el);
        expect(deep(el, '[part=error]')).to.equal(null);
      });
    }

    it('shows a failed session as a sentence, fires sip-error and can connect again', async () => {
      const { el, engine, events } = await setup();
      await el.connect();
      engine.session('FAILED', { code: 'server-unreachable', text: ['engine.unreachable', 'ws://127.0.0.1:9'] });
      await settle(el);
      expect(deep(el, '[part=error]')!.textContent).to.equal('Could not reach the call server at ws://127.0.0.1:9.');
      const error = events.find((e) => e.type === 'sip-error') as SipErrorEvent;
      expect(error.detail).to.deep.equal({ code: 'server-unreachable', message: 'Could not reach the call server at ws://127.0.0.1:9.' });
      expect(el.getAttribute('session-status')).to.equal('FAILED');
      await expect(el).to.be.accessible();
      button(el, 'Connect')!.click();
      await waitUntil(() => engine.log.filter((l) => l === 'connect').length === 2, 'did not reconnect');
    });
  });

  describe('calling out', () => {
    it('dials from the dialer, rings back, connects, times the call and hangs up', async () => {
      const { el, engine, events } = await registered(html`<sip-phone wcs-url="ws://127.0.0.1:9" sip-login="10005" callee="10006"></sip-phone>`);
      const input = deep<HTMLInputElement>(el, '[part=number]')!;
      expect(input.value).to.equal('10006');
      button(el, 'Call')!.click();
      expect(engine.log).to.deep.equal(['connect', 'call 10006']);
      await settle(el);
      expect(el.callStatus).to.equal('PENDING');
      engine.status('out-1', 'TRYING');
      engine.status('out-1', 'RING');
      await settle(el);
      expect(deep(el, '[part=status]')!.textContent).to.equal('RING');
      expect(deep(el, '.who')!.textContent).to.contain('Ringing 10006');
      expect(el.getAttribute('call-status')).to.equal('RING');
      // The ringback tone really plays.
      await waitUntil(() => toneLevel(el) > 0.01, 'no ringback tone', { timeout: 2000 });
      await expect(el).to.be.accessible();
      engine.status('out-1', 'ESTABLISHED');
      await settle(el);
      expect(toneLevel(el)).to.equal(0);
      expect(deep(el, '[role=timer]')!.textContent).to.equal('0:00');
      expect(button(el, 'Mute')).to.exist;
      expect(button(el, 'Hold')).to.exist;
      expect(button(el, 'Hangup')).to.exist;
      await expect(el).to.be.accessible();
      await aTimeout(1100);
      await settle(el);
      expect(deep(el, '[role=timer]')!.textContent).to.equal('0:01');
      button(el, 'Hangup')!.click();
      expect(engine.log.at(-1)).to.equal('hangup out-1');
      engine.status('out-1', 'FINISH');
      await settle(el);
      expect(statuses(events)).to.deep.equal(['TRYING', 'RING', 'ESTABLISHED', 'FINISH']);
      const last = events.filter((e) => e.type === 'sip-call-status').at(-1) as SipCallStatusEvent;
      expect(last.detail).to.deep.equal({ status: 'FINISH', callId: 'out-1', direction: 'outgoing', remote: '10006' });
      expect(deep(el, '.last-call')!.textContent).to.equal('Call ended');
      expect(button(el, 'Call')).to.exist;
      expect(events.some((e) => e.type === 'sip-error')).to.equal(false);
    });

    it('leaves the frames to the call while it is set up: it shows a call once it connects, or a tenth of a second after the click', async () => {
      const { el, engine, events } = await registered(html`<sip-phone wcs-url="ws://127.0.0.1:9" sip-login="10005" callee="10006"></sip-phone>`);
      const shown: [string | null, number][] = [];
      new MutationObserver(() => shown.push([el.getAttribute('call-status'), performance.now()])).observe(el, { attributeFilter: ['call-status'] });
      const clicked = performance.now();
      button(el, 'Call')!.click();
      engine.status('out-1', 'TRYING');
      await nextFrame();
      engine.status('out-1', 'RING');
      await waitUntil(() => shown.length > 0, 'the ringing call never showed', { timeout: 2000 });
      // Events are not held back; the render of TRYING and RING is, for a tenth of a second.
      expect(statuses(events)).to.deep.equal(['TRYING', 'RING']);
      expect(shown.map(([status]) => status)).to.deep.equal(['RING']);
      expect(shown[0]![1] - clicked).to.be.at.least(100);
      expect(deep(el, '.who')!.textContent).to.contain('Ringing 10006');
      engine.status('out-1', 'ESTABLISHED');
      await settle(el);
      expect(el.getAttribute('call-status')).to.equal('ESTABLISHED');
      expect(button(el, 'Hangup')).to.exist;
    });

    it('lists the devices again when a call connects only while one of them has no label', async () => {
      let listed = 0;
      let label = '';
      const microphone = () => ({ kind: 'audioinput', deviceId: 'mic-1', groupId: 'g', label, toJSON: () => ({}) }) as MediaDeviceInfo;
      navigator.mediaDevices.enumerateDevices = async () => (listed++, [microphone()]);
      try {
        const { el, engine } = await registered(html`<sip-phone wcs-url="ws://127.0.0.1:9" sip-login="10005" callee="10006"></sip-phone>`);
        await waitUntil(() => listed === 1, 'the session did not list the devices');
        // The browser names the devices once the page may capture (a call's microphone).
        label = 'Desk microphone';
        for (const id of ['out-1', 'out-2']) {
          button(el, 'Call')!.click();
          engine.status(id, 'ESTABLISHED');
          await settle(el);
          await aTimeout(50);
          button(el, 'Hangup')!.click();
          engine.status(id, 'FINISH');
          await settle(el);
        }
        expect(listed, 'listed at connect and when the first call connected').to.equal(2);
      } finally {
        delete (navigator.mediaDevices as Partial<MediaDevices>).enumerateDevices;
      }
    });

    it('asks the page first and does not call when the page cancels sip-call-request', async () => {
      const { el, engine } = await registered();
      el.addEventListener('sip-call-request', (e) => e.preventDefault(), { once: true });
      const input = deep<HTMLInputElement>(el, '[part=number]')!;
      input.focus();
      await sendKeys({ type: '10006' });
      await sendKeys({ press: 'Enter' });
      expect(engine.log).to.deep.equal(['connect']);
      await sendKeys({ press: 'Enter' });
      expect(engine.log).to.deep.equal(['connect', 'call 10006']);
    });

    it('mutes, unmutes, holds and resumes with pressed toggles, keeping the timer', async () => {
      const { el, engine, events } = await registered();
      el.call('10006');
      engine.status('out-1', 'ESTABLISHED');
      await settle(el);
      button(el, 'Mute')!.click();
      await settle(el);
      expect(button(el, 'Unmute')!.getAttribute('aria-pressed')).to.equal('true');
      await expect(el).to.be.accessible();
      el.unmute();
      await settle(el);
      expect(button(el, 'Mute')!.getAttribute('aria-pressed')).to.equal('false');
      const started = deep(el, '[role=timer]')!.textContent;
      button(el, 'Hold')!.click();
      engine.status('out-1', 'HOLD');
      await settle(el);
      expect(button(el, 'Unhold')!.getAttribute('aria-pressed')).to.equal('true');
      expect(deep(el, '[part=status]')!.textContent).to.equal('HOLD');
      await expect(el).to.be.accessible();
      button(el, 'Unhold')!.click();
      engine.status('out-1', 'ESTABLISHED');
      await settle(el);
      expect(deep(el, '[role=timer]')!.textContent).to.equal(started);
      expect(engine.log.slice(1)).to.deep.equal(['call 10006', 'mute out-1', 'unmute out-1', 'hold out-1', 'unhold out-1']);
      expect(statuses(events)).to.deep.equal(['ESTABLISHED', 'HOLD', 'ESTABLISHED']);
    });

    it('shows a failed call with the server reason and stays usable', async () => {
      const { el, engine, events } = await registered();
      el.call('10099');
      engine.status('out-1', 'TRYING');
      engine.status('out-1', 'FAILED', 'Not Found');
      await settle(el);
      const error = events.find((e) => e.type === 'sip-error') as SipErrorEvent;
      expect(error.detail).to.deep.equal({ code: 'call-failed', message: 'There is no 10099: check the number.' });
      expect(deep(el, '[part=error]')!.textContent).to.equal('There is no 10099: check the number.');
      expect(deep(el, '[part=last-call]'), 'one message at a time').to.equal(null);
      expect(el.getAttribute('call-status')).to.equal('FAILED');
      await expect(el).to.be.accessible();
      el.call('10006');
      expect(engine.log.at(-1)).to.equal('call 10006');
    });

    it('reports a busy callee', async () => {
      const { el, engine } = await registered();
      el.call('10006');
      setTimeout(() => engine.status('out-1', 'BUSY', 'Busy Here'));
      const error = (await oneEvent(el, 'sip-error')) as SipErrorEvent;
      expect(error.detail).to.deep.equal({ code: 'busy', message: '10006 is busy or declined the call.' });
    });

    it('refuses numbers it cannot dial, and calls before connecting', async () => {
      const { el, engine } = await setup();
      setTimeout(() => el.call('10006'));
      expect(((await oneEvent(el, 'sip-error')) as SipErrorEvent).detail.code).to.equal('invalid-state');
      await el.connect();
      engine.session('REGISTERED');
      setTimeout(() => el.call('10 06; drop'));
      expect(((await oneEvent(el, 'sip-error')) as SipErrorEvent).detail.code).to.equal('invalid-number');
      expect(engine.log).to.deep.equal(['connect']);
    });
  });

  describe('calls in', () => {
    it('rings and announces without taking focus from the page, answers and hangs up', async () => {
      const { el, engine, events } = await registered();
      const before = document.createElement('button');
      before.textContent = 'outside';
      document.body.append(before);
      before.focus();
      const call = engine.ringIn('10005');
      engine.status(call, 'RING');
      await settle(el);
      const incoming = events.find((e) => e.type === 'sip-incoming-call') as CustomEvent;
      expect(incoming.detail).to.deep.equal({ callId: call.id, caller: '10005', visibleName: '10005' });
      const alert = deep(el, '[role=alert]')!;
      expect(alert.textContent!.trim()).to.equal('You have a new call from 10005');
      expect(deep(el, '[part=status]')!.textContent).to.equal('RING');
      await waitUntil(() => toneLevel(el) > 0.01, 'no ring tone', { timeout: 2000 });
      const answer = button(el, 'Answer')!;
      expect(document.activeElement === before, 'focus stays in the page').to.equal(true);
      await expect(el).to.be.accessible();
      answer.click();
      expect(engine.log.at(-1)).to.equal(`answer ${call.id}`);
      expect(toneLevel(el)).to.equal(0);
      engine.status(call, 'ESTABLISHED');
      await settle(el);
      expect(deep(el, '[role=alert]')).to.equal(null);
      button(el, 'Hangup')!.focus();
      button(el, 'Hangup')!.click();
      engine.status(call, 'FINISH');
      await settle(el);
      expect(statuses(events)).to.deep.equal(['RING', 'ESTABLISHED', 'FINISH']);
      // Focus was in the phone (on Hangup): it goes to the number field.
      await waitUntil(() => deep(el, '[part=number]')?.matches(':focus'), 'focus on the number field');
      before.remove();
    });

    it('declines', async () => {
      const { el, engine } = await registered();
      const call = engine.ringIn('10005');
      await settle(el);
      button(el, 'Decline')!.click();
      expect(engine.log.at(-1)).to.equal(`hangup ${call.id}`);
    });

    it('turns away a call beyond max-calls (busy for the caller)', async () => {
      const { el, engine, events } = await registered(
        html`<sip-phone wcs-url="ws://127.0.0.1:9" sip-login="10005" sip-password="pass10005" max-calls="1"></sip-phone>`,
      );
      el.call('10006');
      engine.status('out-1', 'ESTABLISHED');
      const second = engine.ringIn('10007');
      expect(engine.log.at(-1)).to.equal(`hangup ${second.id}`);
      expect(events.some((e) => e.type === 'sip-incoming-call')).to.equal(false);
      await settle(el);
      expect(phoneText(el)).not.to.contain('10007');
    });
  });

  describe('SIP functions', () => {
    async function inCall(template?: ReturnType<typeof html>) {
      const s = await registered(template);
      s.el.call('10006');
      s.engine.status('out-1', 'ESTABLISHED');
      await settle(s.el);
      return s;
    }

    it('sends DTMF from the keypad, the keyboard and sendDtmf(), as dtmf-type says', async () => {
      const { el, engine } = await inCall(html`<sip-phone wcs-url="ws://127.0.0.1:9" sip-login="10005" dtmf-type="INFO"></sip-phone>`);
      deep<HTMLButtonElement>(el, '[part=keypad-button]')!.click();
      await settle(el);
      deep<HTMLButtonElement>(el, '[part=keypad] button[aria-label="5"]')!.click();
      expect(engine.log.at(-1)).to.equal('dtmf out-1 5 INFO');
      await settle(el);
      expect(el.shadowRoot!.querySelector('[role=status]')!.textContent).to.equal('Sent 5');
      deep<HTMLButtonElement>(el, '[part=hangup-button]')!.focus();
      await sendKeys({ press: '7' });
      await sendKeys({ press: '#' });
      el.sendDtmf('123*#');
      expect(engine.log.slice(-3)).to.deep.equal(['dtmf out-1 7 INFO', 'dtmf out-1 # INFO', 'dtmf out-1 123*# INFO']);
      await expect(el).to.be.accessible();
    });

    it('refuses DTMF it cannot send with a sip-error', async () => {
      const { el, engine } = await inCall();
      setTimeout(() => el.sendDtmf('12x'));
      const error = (await oneEvent(el, 'sip-error')) as SipErrorEvent;
      expect(error.detail.code).to.equal('invalid-dtmf');
      expect(engine.log.some((l) => l.startsWith('dtmf'))).to.equal(false);
    });

    it('does not send typed digits while a text field has focus', async () => {
      const { el, engine } = await inCall();
      button(el, 'Transfer')!.click();
      await settle(el);
      await new Promise((r) => setTimeout(r));
      await sendKeys({ type: '10007' });
      expect(engine.log.some((l) => l.startsWith('dtmf'))).to.equal(false);
      await sendKeys({ press: 'Enter' });
      expect(engine.log.at(-1)).to.equal('transfer out-1 10007');
    });

    it('transfers: progress shows, and the end of the call says where it went', async () => {
      const { el, engine, events } = await inCall();
      el.transfer('10007');
      await settle(el);
      expect(phoneText(el)).to.contain('Transferring to 10007');
      engine.status('out-1', 'FINISH');
      await settle(el);
      const last = events.filter((e) => e.type === 'sip-call-status').at(-1) as SipCallStatusEvent;
      expect(last.detail.transfer).to.deep.equal({ target: '10007', status: 'COMPLETED' });
      expect(phoneText(el)).to.contain('Call transferred to 10007');
    });

    it('shows a failed transfer and keeps the call', async () => {
      const { el, engine } = await inCall();
      el.transfer('10099');
      setTimeout(() => engine.transferFailed('out-1', 'Not Found'));
      const error = (await oneEvent(el, 'sip-error')) as SipErrorEvent;
      expect(error.detail).to.deep.equal({
        code: 'transfer-failed',
        message: 'The transfer to 10099 failed: Not Found. The call goes on.',
      });
      await settle(el);
      expect(el.callStatus).to.equal('ESTABLISHED');
      expect(phoneText(el)).not.to.contain('Transferring');
    });

    it('places and answers video calls only when video is allowed', async () => {
      const { el, engine } = await registered(html`<sip-phone wcs-url="ws://127.0.0.1:9" sip-login="10005" callee="10006"></sip-phone>`);
      expect(button(el, 'Video call')).to.equal(null);
      el.video = true;
      await settle(el);
      button(el, 'Video call')!.click();
      expect(engine.lastCallOptions!.video).to.equal(true);
      await settle(el);
      expect(el.shadowRoot!.querySelector<HTMLElement>('[part=media]')!.hidden).to.equal(false);
      engine.status('out-1', 'ESTABLISHED');
      await settle(el);
      button(el, 'Camera off')!.click();
      expect(engine.log.at(-1)).to.equal('camera off out-1');
      await settle(el);
      await expect(el).to.be.accessible();
      engine.status('out-1', 'FINISH');
      const call = engine.ringIn('10007');
      await settle(el);
      button(el, 'Answer with video')!.click();
      expect(engine.log.at(-1)).to.equal(`answer ${call.id}`);
      expect(engine.lastCallOptions!.video).to.equal(true);
    });
  });

  it('ends the call when the session is lost (no-reconnect: Connect is offered again)', async () => {
    const { el, engine, events } = await registered(
      html`<sip-phone wcs-url="ws://127.0.0.1:9" sip-login="10005" sip-password="pass10005" no-reconnect></sip-phone>`,
    );
    el.call('10006');
    engine.status('out-1', 'ESTABLISHED');
    engine.session('DISCONNECTED', { code: 'connection-lost', text: ['engine.lost'] });
    await settle(el);
    expect(statuses(events)).to.deep.equal(['ESTABLISHED', 'FAILED']);
    const ended = events.filter((e): e is SipCallStatusEvent => e.type === 'sip-call-status').at(-1)!;
    expect(ended.detail).to.include({ status: 'FAILED', reason: 'Connection lost' });
    expect(deep(el, '[part=error]')!.textContent).to.equal('The connection to the call server was lost.');
    expect(button(el, 'Connect')).to.exist;
    expect(el.sessionStatus).to.equal('DISCONNECTED');
  });
});

/** The level of the ring or ringback tone the phone is playing (0 when silent). */
function toneLevel(el: SipPhone): number {
  return (el as unknown as { tones: { level(): number } }).tones.level();
}
