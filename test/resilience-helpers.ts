// Helpers of the fault e2e suites (sip-phone.resilience.e2e and sip-phone.media-failure.e2e):
// phones on a fixture, a call answered, audio asserted both ways, what the phones fired.
import { expect, fixture, html } from '@open-wc/testing';
import type { SipPhone } from '../src/sip-phone.js';
import type { SipCallStatusEvent, SipErrorEvent, SipSessionStatusEvent } from '../src/events.js';
import { audioEnergy, inboundAudioBytes, trackedPeerConnections, waitForGrowth } from './helpers/media-stats.js';
import { button, recordEvents, waitForAttr } from './phone-helpers.js';

export const sessionStatuses = (events: Event[]) =>
  events.filter((e): e is SipSessionStatusEvent => e.type === 'sip-session-status').map((e) => e.detail);
export const callStatuses = (events: Event[]) =>
  events.filter((e): e is SipCallStatusEvent => e.type === 'sip-call-status').map((e) => e.detail);
export const errors = (events: Event[]) => events.filter((e): e is SipErrorEvent => e.type === 'sip-error').map((e) => e.detail);

export async function phone(url: string, login: string, extra = ''): Promise<{ el: SipPhone; events: Event[] }> {
  const wrapper = await fixture<HTMLDivElement>(html`<div></div>`);
  wrapper.innerHTML = `<sip-phone wcs-url="${url}" sip-login="${login}" sip-password="pass${login}" ${extra}></sip-phone>`;
  const el = wrapper.querySelector('sip-phone')!;
  const events = recordEvents(el);
  return { el, events };
}

export async function registered(url: string, login: string, extra = '') {
  const p = await phone(url, login, extra);
  await p.el.connect();
  await waitForAttr(p.el, 'session-status', 'REGISTERED');
  return p;
}

/** `caller` calls `callee`'s login, `callee` answers; resolves with each side's peer connection. */
export async function talk(caller: SipPhone, callee: SipPhone, number = callee.sipLogin) {
  const before = trackedPeerConnections().length;
  caller.call(number);
  await waitForAttr(callee, 'call-status', 'RING');
  button(callee, 'Answer')!.click();
  await waitForAttr(caller, 'call-status', 'ESTABLISHED');
  await waitForAttr(callee, 'call-status', 'ESTABLISHED');
  const [pcCaller, pcCallee] = trackedPeerConnections().slice(before);
  expect(pcCaller && pcCallee, 'one peer connection per side').to.be.ok;
  return { pcCaller: pcCaller!, pcCallee: pcCallee! };
}

/** Audio flows both ways: bytes and energy grow on each side. */
export async function expectAudioBothWays(a: RTCPeerConnection, b: RTCPeerConnection): Promise<void> {
  for (const pc of [a, b]) {
    await waitForGrowth(() => inboundAudioBytes(pc), 2000, 6000, 'audio bytes arrive');
    await waitForGrowth(() => audioEnergy(pc), 0.001, 6000, 'the audio is sound, not silence');
  }
}

export const closed = (pc: RTCPeerConnection) => pc.signalingState === 'closed' || pc.connectionState === 'closed';

