// Component tests of <sip-phone>'s reconnecting (scripted engine): what a lost session
// shows and fires, the backoff, Reconnect now, the `online` event, and what stops it.
import { aTimeout, expect, html } from '@open-wc/testing';
import type { SipSessionStatusEvent } from '../src/events.js';
import { backoffDelay } from '../src/controllers/reconnect.js';
import { registered, settle, setup } from './fake-phone.js';
import { button, phoneText } from './phone-helpers.js';

const lost = { code: 'connection-lost' as const, text: ['engine.lost'] as const };
const sessionEvents = (events: Event[]) =>
  events.filter((e): e is SipSessionStatusEvent => e.type === 'sip-session-status').map((e) => e.detail);
const connects = (log: string[]) => log.filter((l) => l === 'connect').length;

describe('<sip-phone> reconnecting', () => {
  it('backs off from about 1 s, doubling to 30 s, with jitter', () => {
    expect(backoffDelay(1, () => 0.5)).to.equal(1000);
    expect(backoffDelay(2, () => 0.5)).to.equal(2000);
    expect(backoffDelay(3, () => 0)).to.equal(3000);
    expect(backoffDelay(3, () => 1)).to.equal(5000);
    expect(backoffDelay(6, () => 0.5)).to.equal(30_000);
    expect(backoffDelay(20, () => 1)).to.equal(30_000);
  });

  it('a lost session: the loss once, RECONNECTING with attempt and delay, a countdown and Reconnect now', async () => {
    const { el, engine, events } = await registered();
    engine.session('DISCONNECTED', lost);
    await settle(el);
    expect(el.sessionStatus).to.equal('RECONNECTING');
    expect(el.getAttribute('session-status')).to.equal('RECONNECTING');
    const [retry] = sessionEvents(events).filter((d) => d.status === 'RECONNECTING');
    expect(retry!.attempt).to.equal(1);
    expect(retry!.delayMs).to.be.within(750, 1250);
    expect(phoneText(el)).to.match(/Reconnecting in 1 s…/);
    expect(phoneText(el)).to.contain('The connection to the call server was lost.');
    await expect(el).to.be.accessible();
    // Reconnect now: at once, resuming the lost session with its token.
    engine.authToken = 'token-1';
    button(el, 'Reconnect now')!.click();
    await settle(el);
    expect(connects(engine.log)).to.equal(2);
    expect(engine.connectOptions).to.include({ resumeToken: 'token-1', keepAlive: true });
    expect(el.sessionStatus).to.equal('CONNECTING');
    // The attempt fails: the next one waits about twice as long; no second sip-error.
    engine.session('FAILED', { code: 'server-unreachable', text: ['engine.unreachable', 'ws://127.0.0.1:9'] });
    await settle(el);
    const retries = sessionEvents(events).filter((d) => d.status === 'RECONNECTING');
    expect(retries.map((r) => r.attempt)).to.deep.equal([1, 2]);
    expect(retries[1]!.delayMs).to.be.within(1500, 2500);
    expect(events.filter((e) => e.type === 'sip-error').map((e) => (e as CustomEvent).detail.code)).to.deep.equal(['connection-lost']);
    // The window comes back online: retry at once.
    window.dispatchEvent(new Event('online'));
    await settle(el);
    expect(connects(engine.log)).to.equal(3);
    engine.session('ESTABLISHED');
    engine.session('REGISTERED');
    await settle(el);
    expect(el.sessionStatus).to.equal('REGISTERED');
    expect(phoneText(el)).not.to.contain('was lost');
  });

  it('retries on its own after the delay', async () => {
    const { el, engine } = await registered();
    engine.session('FAILED', lost);
    await aTimeout(1400);
    expect(connects(engine.log)).to.equal(2);
    expect(el.sessionStatus).to.equal('CONNECTING');
  });

  it('stops on disconnect(), and when removed from the page', async () => {
    const first = await registered();
    first.engine.session('DISCONNECTED', lost);
    first.el.disconnect();
    await aTimeout(1400);
    expect(connects(first.engine.log)).to.equal(1);
    expect(first.el.sessionStatus).to.equal('DISCONNECTED');

    const second = await registered();
    second.engine.session('DISCONNECTED', lost);
    second.el.remove();
    window.dispatchEvent(new Event('online'));
    await aTimeout(1400);
    expect(connects(second.engine.log)).to.equal(1);
  });

  it('does not retry a refused login, nor with no-reconnect, nor a session that never came up', async () => {
    const refused = await registered();
    refused.engine.session('FAILED', { code: 'registration-failed', text: ['engine.loginRefused', '10005', 'Forbidden'] });
    await settle(refused.el);
    expect(refused.el.sessionStatus).to.equal('FAILED');
    expect(button(refused.el, 'Connect')).to.exist;

    const off = await registered(html`<sip-phone wcs-url="ws://127.0.0.1:9" sip-login="10005" no-reconnect></sip-phone>`);
    off.engine.session('DISCONNECTED', lost);
    const never = await setup();
    await never.el.connect();
    never.engine.session('FAILED', { code: 'server-unreachable', text: ['engine.unreachable', 'ws://127.0.0.1:9'] });
    await aTimeout(1400);
    expect(connects(refused.engine.log)).to.equal(1);
    expect(connects(off.engine.log)).to.equal(1);
    expect(off.el.sessionStatus).to.equal('DISCONNECTED');
    expect(connects(never.engine.log)).to.equal(1);
    expect(never.el.sessionStatus).to.equal('FAILED');
  });
});
