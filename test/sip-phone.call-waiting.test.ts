// Component tests of <sip-phone> with two calls (scripted engine): a call waiting while one
// is up, answering it (the first is held), Swap, per-call End, Resume, and the tones.
import { expect, html } from '@open-wc/testing';
import type { SipIncomingCallEvent } from '../src/events.js';
import { registered, settle, statuses } from './fake-phone.js';
import { button, deepQuery, phoneText } from './phone-helpers.js';

/** The tone the phone plays now (null when silent). */
function tone(el: HTMLElement): string | null {
  return (el as unknown as { tones?: { tone: string | null } }).tones?.tone ?? null;
}

describe('<sip-phone> with two calls', () => {
  it('shows a second call as waiting, with a soft tone, while the first goes on', async () => {
    const { el, engine, events } = await registered();
    el.call('10006');
    engine.status('out-1', 'ESTABLISHED');
    await settle(el);
    expect(tone(el)).to.equal(null);
    engine.ringIn('10007', 'in-2');
    await settle(el);
    const incoming = events.filter((e): e is SipIncomingCallEvent => e.type === 'sip-incoming-call');
    expect(incoming.map((e) => e.detail.callId)).to.deep.equal(['in-2']);
    expect(phoneText(el)).to.contain('Call waiting from 10007');
    expect(phoneText(el)).to.contain('Connected to 10006');
    expect(tone(el)).to.equal('waiting');
    expect(el.callStatus, 'the phone still shows the call in progress').to.equal('ESTABLISHED');
    await expect(el).to.be.accessible();
  });

  it('Answer holds the first call and answers the second; Swap and End act on the held one', async () => {
    const { el, engine, events } = await registered();
    el.call('10006');
    engine.status('out-1', 'ESTABLISHED');
    engine.ringIn('10007', 'in-2');
    await settle(el);
    button(el, 'Answer')!.click();
    expect(engine.log.slice(-2)).to.deep.equal(['hold out-1', 'answer in-2']);
    engine.status('out-1', 'HOLD');
    engine.status('in-2', 'ESTABLISHED');
    await settle(el);
    expect(tone(el)).to.equal(null);
    expect(phoneText(el)).to.contain('Connected to 10007');
    expect(phoneText(el)).to.contain('On hold with 10006');
    expect(deepQuery(el, '[part=held-calls]')).to.exist;
    await expect(el).to.be.accessible();

    deepQuery<HTMLButtonElement>(el, '[part=swap-button]')!.click();
    expect(engine.log.slice(-2)).to.deep.equal(['hold in-2', 'unhold out-1']);
    engine.status('in-2', 'HOLD');
    engine.status('out-1', 'ESTABLISHED');
    await settle(el);
    expect(phoneText(el)).to.contain('Connected to 10006');
    expect(phoneText(el)).to.contain('On hold with 10007');

    // End the held call from its own row: the active one goes on.
    deepQuery<HTMLButtonElement>(el, '[part=held-hangup-button]')!.click();
    expect(engine.log.at(-1)).to.equal('hangup in-2');
    await settle(el);
    expect(deepQuery(el, '[part=held-calls]')).to.equal(null);
    expect(el.callStatus).to.equal('ESTABLISHED');
    const ids = events.filter((e) => e.type === 'sip-call-status').map((e) => (e as CustomEvent).detail.callId as string);
    expect(new Set(ids)).to.deep.equal(new Set(['out-1', 'in-2']));
  });

  it('hanging up the active call leaves the held one with Resume', async () => {
    const { el, engine } = await registered();
    el.call('10006');
    engine.status('out-1', 'ESTABLISHED');
    engine.ringIn('10007', 'in-2');
    await settle(el);
    el.answer();
    engine.status('out-1', 'HOLD');
    engine.status('in-2', 'ESTABLISHED');
    el.hangup();
    expect(engine.log.at(-1)).to.equal('hangup in-2');
    await settle(el);
    const resume = deepQuery<HTMLButtonElement>(el, '[part=resume-button]')!;
    expect(resume.textContent!.trim()).to.equal('Resume');
    expect(resume.getAttribute('aria-label')).to.equal('Resume 10006');
    resume.click();
    expect(engine.log.at(-1)).to.equal('unhold out-1');
    engine.status('out-1', 'ESTABLISHED');
    await settle(el);
    expect(button(el, 'Hold')).to.exist;
  });

  it('Decline turns the waiting call away and the first call goes on', async () => {
    const { el, engine, events } = await registered();
    el.call('10006');
    engine.status('out-1', 'ESTABLISHED');
    engine.ringIn('10007', 'in-2');
    await settle(el);
    button(el, 'Decline')!.click();
    expect(engine.log.at(-1)).to.equal('hangup in-2');
    await settle(el);
    expect(phoneText(el)).not.to.contain('Call waiting');
    expect(statuses(events)).to.deep.equal(['ESTABLISHED', 'FINISH']);
    expect(el.callStatus).to.equal('ESTABLISHED');
  });

  it('max-calls="1" turns a second caller away with busy, without ringing', async () => {
    const { el, engine, events } = await registered(
      html`<sip-phone wcs-url="ws://127.0.0.1:9" sip-login="10005" max-calls="1"></sip-phone>`,
    );
    el.call('10006');
    engine.status('out-1', 'ESTABLISHED');
    engine.ringIn('10007', 'in-2');
    await settle(el);
    expect(engine.log.at(-1)).to.equal('hangup in-2');
    expect(events.some((e) => e.type === 'sip-incoming-call')).to.equal(false);
    expect(tone(el)).to.equal(null);
  });
});
