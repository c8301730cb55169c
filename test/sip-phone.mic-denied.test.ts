// End to end in a browser that denies the microphone (Chromium with
// --use-fake-ui-for-media-stream=deny, Firefox with the microphone permission blocked): the
// real websdk fails to get media, and the phone must say why, fire sip-error, and stay
// registered and usable.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../src/sip-phone.js';
import type { SipPhone } from '../src/sip-phone.js';
import type { SipErrorEvent } from '../src/events.js';
import { useTestGateway } from './helpers/gateway.js';
import { rawCall } from './helpers/raw-caller.js';
import { button, phoneText, recordEvents, waitForAttr } from './phone-helpers.js';

const gatewayOf = useTestGateway();

it('a denied microphone fails the call with a clear message and leaves the phone usable', async () => {
  const a = await fixture<SipPhone>(
    html`<sip-phone wcs-url=${gatewayOf().url} sip-login="10005" sip-password="pass10005" callee="10006"></sip-phone>`,
  );
  const b = await fixture<SipPhone>(html`<sip-phone wcs-url=${gatewayOf().url} sip-login="10006" sip-password="pass10006"></sip-phone>`);
  const events = recordEvents(a);
  const errors = () => events.filter((e): e is SipErrorEvent => e.type === 'sip-error').map((e) => e.detail);
  await a.connect();
  await b.connect();
  await waitForAttr(a, 'session-status', 'REGISTERED');
  await waitForAttr(b, 'session-status', 'REGISTERED');
  for (let attempt = 1; attempt <= 2; attempt++) {
    button(a, 'Call')!.click();
    await waitUntil(() => errors().length === attempt, `attempt ${attempt}: no sip-error`, { timeout: 5000 });
    expect(errors()[attempt - 1]).to.deep.equal({
      code: 'media-denied',
      message: 'Microphone access was denied. Allow the microphone and try again.',
    });
    await waitForAttr(a, 'call-status', 'FAILED');
    expect(phoneText(a)).to.contain('Microphone access was denied.');
    expect(a.sessionStatus).to.equal('REGISTERED');
    expect(button(a, 'Call')!.disabled).to.equal(false);
  }
  // The callee never rang for a call that could not start.
  expect(b.callStatus).to.equal('');
});

it('answering with the microphone denied declines the call: the caller gets a final status within 2 s', async () => {
  const b = await fixture<SipPhone>(html`<sip-phone wcs-url=${gatewayOf().url} sip-login="10006" sip-password="pass10006"></sip-phone>`);
  const events = recordEvents(b);
  await b.connect();
  await waitForAttr(b, 'session-status', 'REGISTERED');
  const caller = await rawCall(gatewayOf().url, '10005', 'pass10005', '10006');
  try {
    await waitForAttr(b, 'call-status', 'RING');
    button(b, 'Answer')!.click();
    const answered = performance.now();
    const final = await caller.final(2000);
    expect(performance.now() - answered).to.be.lessThan(2000);
    expect(final).to.equal('BUSY');
    const errors = events.filter((e): e is SipErrorEvent => e.type === 'sip-error').map((e) => e.detail.code);
    expect(errors).to.deep.equal(['media-denied']);
    expect(b.sessionStatus).to.equal('REGISTERED');
  } finally {
    caller.close();
  }
});
