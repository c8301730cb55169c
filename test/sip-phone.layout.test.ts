// <sip-phone> on small screens, in narrow containers, in dark mode and in forced colours
// (issue 11, points 3 and 4), with a scripted engine: in each state (the connection form,
// idle with the Devices panel open, a call ringing in, a call in progress) nothing runs out
// of the phone's box or makes the page scroll sideways, every control is a 44 px touch
// target, and axe finds nothing (colour contrast included) in light and dark.
import { expect, fixture, html } from '@open-wc/testing';
import { executeServerCommand, setViewport } from '@web/test-runner-commands';
import '../src/sip-phone.js';
import type { SipPhone } from '../src/sip-phone.js';
import { FakeEngine } from './fake-engine.js';
import { settle } from './fake-phone.js';
import { button, deepQuery } from './phone-helpers.js';

type State = 'form' | 'idle' | 'ringing' | 'in a call';
const STATES: State[] = ['form', 'idle', 'ringing', 'in a call'];

/** A phone in `state`, inside a wrapper styled `style` (colour scheme, width). */
async function phoneIn(state: State, style = ''): Promise<SipPhone> {
  const wrapper = await fixture<HTMLDivElement>(html`<div style=${style}></div>`);
  const el = document.createElement('sip-phone');
  if (state !== 'form') {
    el.wcsUrl = 'ws://127.0.0.1:9';
    el.sipLogin = '10005';
  }
  const engine = new FakeEngine();
  el.engineFactory = async () => engine;
  wrapper.append(el);
  await settle(el);
  if (state === 'form') return el;
  await el.connect();
  engine.session('ESTABLISHED');
  engine.session('REGISTERED');
  await settle(el);
  if (state === 'idle') {
    deepQuery<HTMLButtonElement>(el, '[part=devices-button]')!.click();
  } else if (state === 'ringing') {
    const call = engine.ringIn('1000500012345');
    engine.status(call, 'RING');
  } else {
    el.call('10006');
    engine.status('out-1', 'ESTABLISHED');
    await settle(el);
    button(el, 'Transfer')!.click();
  }
  await settle(el);
  for (const child of el.shadowRoot!.querySelectorAll('*')) await (child as Partial<SipPhone>).updateComplete;
  return el;
}

/** Every control in the phone's shadow tree. */
function controls(el: SipPhone): HTMLElement[] {
  const found: HTMLElement[] = [];
  const walk = (root: ShadowRoot) => {
    found.push(...root.querySelectorAll<HTMLElement>('button, input, select'));
    root.querySelectorAll('*').forEach((child) => child.shadowRoot && walk(child.shadowRoot));
  };
  walk(el.shadowRoot!);
  return found.filter((c) => c.getClientRects().length > 0);
}

function expectFits(el: SipPhone, what: string): void {
  const box = el.getBoundingClientRect();
  expect(document.documentElement.scrollWidth, `${what}: the page scrolls sideways`).to.be.at.most(window.innerWidth);
  for (const control of controls(el)) {
    const r = control.getBoundingClientRect();
    const name = `${what}: ${control.localName}${control.id ? `#${control.id}` : ''} "${control.textContent?.trim() || control.getAttribute('aria-label') || control.getAttribute('part') || ''}"`;
    expect(r.left, `${name} starts left of the phone`).to.be.at.least(box.left - 0.5);
    expect(r.right, `${name} ends right of the phone`).to.be.at.most(box.right + 0.5);
    if ((control as HTMLInputElement).type !== 'checkbox' && (control as HTMLInputElement).type !== 'range') {
      expect(r.height, `${name} is a 44 px touch target`).to.be.at.least(43.5);
    }
  }
}

describe('<sip-phone> layout', () => {
  after(() => setViewport({ width: 800, height: 600 }));

  for (const [width, height] of [
    [320, 640],
    [375, 740],
  ]) {
    it(`fits a ${width} x ${height} screen in every state`, async () => {
      await setViewport({ width, height });
      for (const state of STATES) expectFits(await phoneIn(state), `${width} px, ${state}`);
    });
  }

  it('fits a narrow container (max-width: 20rem) in every state', async () => {
    await setViewport({ width: 800, height: 600 });
    for (const state of STATES) expectFits(await phoneIn(state, 'max-width: 20rem'), `20rem, ${state}`);
  });

  it('the Register required checkbox and its label are one 44 px target', async () => {
    const el = await phoneIn('form');
    const label = el.shadowRoot!.querySelector('label.check')!;
    expect(label.querySelector('input[type=checkbox]')).to.exist;
    expect(label.getBoundingClientRect().height).to.be.at.least(43.5);
  });
});

describe('<sip-phone> contrast', () => {
  for (const scheme of ['light', 'dark'] as const) {
    it(`axe finds nothing, colour contrast included, in ${scheme} mode in every state`, async () => {
      for (const state of STATES) {
        const el = await phoneIn(state, `color-scheme: ${scheme}; background: ${scheme === 'dark' ? '#000' : '#fff'}`);
        await expect(el, `${scheme}, ${state}`).to.be.accessible();
      }
    });
  }
});

describe('<sip-phone> in forced colours', () => {
  it('a pressed toggle and the danger buttons stand out from the others', async function () {
    // Chromium only: Firefox's driver cannot emulate forced colours.
    if (!(await executeServerCommand('emulate-forced-colors', { active: true }))) this.skip();
    try {
      const el = await phoneIn('in a call');
      expect(matchMedia('(forced-colors: active)').matches, 'forced colours are on').to.equal(true);
      el.mute();
      await settle(el);
      const style = (part: string) => getComputedStyle(deepQuery(el, `[part=${part}]`)!);
      const pressed = style('mute-button');
      const plain = style('hold-button');
      const danger = style('hangup-button');
      expect(pressed.backgroundColor, 'pressed vs plain').not.to.equal(plain.backgroundColor);
      expect(danger.borderTopStyle, 'the danger button has its own border').to.equal('double');
      expect(plain.borderTopStyle).to.equal('solid');
    } finally {
      await executeServerCommand('emulate-forced-colors', { active: false });
    }
  });
});
