// Component tests of <sip-phone auto-answer> (scripted engine): a call ringing in is answered
// on its own, after auto-answer-delay; never a waiting call, never a call gone by then.
import { aTimeout, expect, html } from '@open-wc/testing';
import { registered } from './fake-phone.js';

const answers = (log: string[]) => log.filter((l) => l.startsWith('answer '));

describe('<sip-phone auto-answer>', () => {
  it('answers a call ringing in at once', async () => {
    const { engine } = await registered(html`<sip-phone wcs-url="ws://127.0.0.1:9" sip-login="10005" auto-answer></sip-phone>`);
    engine.ringIn('10006', 'in-1');
    await aTimeout(20);
    expect(answers(engine.log)).to.deep.equal(['answer in-1']);
  });

  it('waits auto-answer-delay seconds, and does not answer a call that stopped ringing', async () => {
    const { el, engine } = await registered(
      html`<sip-phone wcs-url="ws://127.0.0.1:9" sip-login="10005" auto-answer auto-answer-delay="0.6"></sip-phone>`,
    );
    engine.ringIn('10006', 'in-1');
    await aTimeout(300);
    expect(answers(engine.log)).to.deep.equal([]);
    await aTimeout(500);
    expect(answers(engine.log)).to.deep.equal(['answer in-1']);
    engine.status('in-1', 'ESTABLISHED');
    engine.status('in-1', 'FINISH');
    engine.ringIn('10007', 'in-2');
    engine.status('in-2', 'FINISH', 'Request Terminated');
    await aTimeout(800);
    expect(answers(engine.log)).to.deep.equal(['answer in-1']);
    expect(el.callStatus).to.equal('FINISH');
  });

  it('never answers a waiting call, nor without the attribute', async () => {
    const { el, engine } = await registered(html`<sip-phone wcs-url="ws://127.0.0.1:9" sip-login="10005" auto-answer></sip-phone>`);
    el.call('10008');
    engine.status('out-1', 'ESTABLISHED');
    engine.ringIn('10006', 'in-2');
    const plain = await registered();
    plain.engine.ringIn('10006', 'in-3');
    await aTimeout(50);
    expect(answers(engine.log)).to.deep.equal([]);
    expect(answers(plain.engine.log)).to.deep.equal([]);
  });
});
