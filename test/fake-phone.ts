// <sip-phone> on a scripted engine (test/fake-engine.ts), for component tests: a phone in
// a fixture, every sip-* event it fires, and the same phone connected and registered.
import { fixture, html } from '@open-wc/testing';
import '../src/sip-phone.js';
import type { SipPhone } from '../src/sip-phone.js';
import type { SipCallStatusEvent } from '../src/events.js';
import { FakeEngine } from './fake-engine.js';

export interface Setup {
  el: SipPhone;
  engine: FakeEngine;
  events: Event[];
}

const SIP_EVENTS = [
  'sip-session-status',
  'sip-call-status',
  'sip-incoming-call',
  'sip-error',
  'sip-call-request',
] as const;

export async function setup(template = html`<sip-phone wcs-url="ws://127.0.0.1:9" sip-login="10005" sip-password="pass10005"></sip-phone>`): Promise<Setup> {
  const engine = new FakeEngine();
  const el = await fixture<SipPhone>(template);
  el.engineFactory = async () => engine;
  const events: Event[] = [];
  for (const name of SIP_EVENTS) el.addEventListener(name, (e) => events.push(e));
  return { el, engine, events };
}

export async function registered(template?: ReturnType<typeof html>): Promise<Setup> {
  const s = await setup(template);
  await s.el.connect();
  s.engine.session('ESTABLISHED');
  s.engine.session('REGISTERED');
  await s.el.updateComplete;
  return s;
}

export async function settle(el: SipPhone): Promise<void> {
  await el.updateComplete;
  for (const tag of ['sip-dialer', 'sip-incoming', 'sip-call-controls']) {
    const child = el.shadowRoot!.querySelector(tag) as (HTMLElement & { updateComplete?: Promise<unknown> }) | null;
    await child?.updateComplete;
  }
}

export function statuses(events: Event[]): string[] {
  return events
    .filter((e): e is SipCallStatusEvent => e.type === 'sip-call-status')
    .map((e) => e.detail.status);
}

