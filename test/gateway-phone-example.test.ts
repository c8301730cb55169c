// Flashphoner's own Phone example (node_modules/@flashphoner/websdk/examples/demo/sip/phone/),
// unmodified, in two iframes: connect 10005 and 10006 to the local gateway, call, answer,
// hang up, the way a person does it through its form and buttons.
import { expect } from '@open-wc/testing';
import { startTestGateway, isIdle, type TestGateway } from './helpers/gateway.js';
import { waitFor } from './helpers/media-stats.js';

// Served untouched by test/gateway-plugin.ts (not through the commonjs transform).
const PHONE = '/__websdk__/examples/demo/sip/phone/phone.html';

async function openPhone(): Promise<HTMLIFrameElement> {
  const frame = document.createElement('iframe');
  frame.style.cssText = 'width:700px;height:700px';
  frame.allow = 'camera; microphone; autoplay';
  frame.src = PHONE;
  document.body.appendChild(frame);
  // Ready when init_page() has attached the Connect handler (jQuery keeps it in $._data).
  await waitFor(
    () => {
      const win = frame.contentWindow as (Window & { $?: { _data(el: Element, key: string): unknown } }) | null;
      const button = frame.contentDocument?.getElementById('connectBtn');
      return !!(win?.$ && button && (win.$._data(button, 'events') as { click?: unknown } | undefined)?.click);
    },
    10_000,
    'the Phone page initialised',
  );
  return frame;
}

function $(frame: HTMLIFrameElement, id: string): HTMLElement {
  const el = frame.contentDocument!.getElementById(id);
  if (!el) throw new Error(`#${id} not found`);
  return el;
}

function text(frame: HTMLIFrameElement, id: string): string {
  return $(frame, id).textContent?.trim() ?? '';
}

function fill(frame: HTMLIFrameElement, values: Record<string, string>): void {
  for (const [id, value] of Object.entries(values)) ($(frame, id) as HTMLInputElement).value = value;
}

describe('gateway: Flashphoner Phone example', function () {
  this.timeout(30_000);
  let gateway: TestGateway;

  before(async () => {
    gateway = await startTestGateway();
  });

  after(async () => {
    await gateway?.stop();
  });

  it('registers two phones, calls, answers and hangs up through the example page', async () => {
    const caller = await openPhone();
    const callee = await openPhone();
    for (const [frame, login] of [
      [caller, '10005'],
      [callee, '10006'],
    ] as const) {
      fill(frame, {
        urlServer: gateway.url,
        sipLogin: login,
        sipAuthenticationName: login,
        sipPassword: `pass${login}`,
        sipDomain: '127.0.0.1',
        sipOutboundProxy: '127.0.0.1',
        sipPort: '5060',
      });
      $(frame, 'connectBtn').click();
    }
    await waitFor(() => text(caller, 'regStatus') === 'REGISTERED', 8000, 'caller REGISTERED');
    await waitFor(() => text(callee, 'regStatus') === 'REGISTERED', 8000, 'callee REGISTERED');

    fill(caller, { callee: '10006' });
    $(caller, 'callBtn').click();
    await waitFor(() => text(callee, 'incomingCallAlert') === 'You have a new call from 10005', 8000, 'incoming call alert');
    await waitFor(() => text(callee, 'callStatus') === 'RING', 8000, 'callee RING');
    await waitFor(() => text(caller, 'callStatus') === 'RING', 8000, 'caller RING');

    $(callee, 'answerBtn').click();
    await waitFor(() => text(caller, 'callStatus') === 'ESTABLISHED', 8000, 'caller ESTABLISHED');
    await waitFor(() => text(callee, 'callStatus') === 'ESTABLISHED', 8000, 'callee ESTABLISHED');
    const legs = await gateway.findAll();
    expect(legs.map((l) => `${l.login}:${l.status}`).sort()).to.deep.equal(['10005:ESTABLISHED', '10006:ESTABLISHED']);
    await waitFor(async () => (await gateway.findAll()).every((l) => (l.rtp?.forwarded.audio ?? 0) > 20), 5000, 'audio relayed both ways');

    $(caller, 'callBtn').click(); // "Hangup" while in a call
    await waitFor(() => text(caller, 'callStatus') === 'FINISH', 8000, 'caller FINISH');
    await waitFor(() => text(callee, 'callStatus') === 'FINISH', 8000, 'callee FINISH');

    $(caller, 'connectBtn').click(); // "Disconnect"
    $(callee, 'connectBtn').click();
    await waitFor(() => text(caller, 'regStatus') === 'DISCONNECTED', 8000, 'caller DISCONNECTED');
    await waitFor(async () => isIdle(await gateway.stats()), 5000, 'gateway idle');
    caller.remove();
    callee.remove();
  });
});
