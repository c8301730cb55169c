// The widget bench page: <sip-phone> elements from the built bundle (dist/sip-phone.js,
// loaded by the page as a module), driven the way a person drives them: by clicking their
// buttons. Node drives it through `window.bench` (puppeteer page.evaluate).
import { afterNextPaint, audioStats, createdPeerConnections, openPeerConnections, peerConnectionsSince, trackPeerConnections, waitFor } from './common.js';

trackPeerConnections();

/** What the page needs of a <sip-phone> (the page does not import the widget's types). */
type Phone = HTMLElement & { updateComplete: Promise<boolean> };

let firstAudio: Promise<number> | undefined;

interface Entry {
  el: Phone;
  /** performance.now() of the last sip-call-status ESTABLISHED event. */
  establishedAt: number;
  /** Date.now() of the same. */
  establishedWall: number;
  /** The status of the last sip-call-status event. */
  lastStatus: string;
}

const phones = new Map<string, Entry>();

function entry(login: string): Entry {
  const e = phones.get(login);
  if (!e) throw new Error(`no phone ${login}`);
  return e;
}

/** The element matching `selector` in the shadow root of `host`'s child `child` (or of `host` itself). */
function inShadow(host: Element, child: string | null, selector: string): HTMLElement | null {
  const root = child ? host.shadowRoot?.querySelector(child)?.shadowRoot : host.shadowRoot;
  return root?.querySelector<HTMLElement>(selector) ?? null;
}

/** Waits for the phone and every Lit element inside it to finish rendering. */
async function rendered(el: Element): Promise<void> {
  const pending = [el, ...(el.shadowRoot?.querySelectorAll('*') ?? [])]
    .map((node) => (node as Partial<Phone>).updateComplete)
    .filter((p): p is Promise<boolean> => !!p);
  await Promise.all(pending);
}

const state = (el: Element) => `session-status=${el.getAttribute('session-status')} call-status=${el.getAttribute('call-status')}`;

export const bench = {
  /** Adds a <sip-phone> configured by attributes, presses its Connect button and waits for REGISTERED. */
  async addPhone(options: { url: string; login: string; password: string; callee: string }): Promise<void> {
    await customElements.whenDefined('sip-phone');
    const el = document.createElement('sip-phone') as Phone;
    el.setAttribute('wcs-url', options.url);
    el.setAttribute('sip-login', options.login);
    el.setAttribute('sip-password', options.password);
    el.setAttribute('callee', options.callee);
    const e: Entry = { el, establishedAt: 0, establishedWall: 0, lastStatus: '' };
    el.addEventListener('sip-call-status', (event) => {
      const { status } = (event as CustomEvent<{ status: string }>).detail;
      if (status === 'ESTABLISHED') {
        e.establishedAt = performance.now();
        e.establishedWall = Date.now();
      }
      e.lastStatus = status;
    });
    phones.set(options.login, e);
    document.body.append(el);
    await el.updateComplete;
    inShadow(el, null, '[part=connect-button]')!.click();
    await waitFor(() => el.getAttribute('session-status') === 'REGISTERED', 20_000, () => `${options.login}: ${state(el)}`, 10);
  },

  /**
   * Presses Call (the number is the `callee` attribute) and resolves with the milliseconds
   * from the click to the sip-call-status ESTABLISHED event, and to the first frame painted
   * after the phone rendered it.
   */
  async clickCall(login: string, timeoutMs = 15_000): Promise<{ established: number; painted: number }> {
    const e = entry(login);
    const { el } = e;
    let button: HTMLButtonElement | null = null;
    await waitFor(
      () => {
        button = inShadow(el, 'sip-dialer', '[part=call-button]') as HTMLButtonElement | null;
        return !!button && !button.disabled;
      },
      5_000,
      () => `${login}: no enabled Call button (${state(el)})`,
      2,
    );
    e.establishedAt = 0;
    e.lastStatus = '';
    const start = performance.now();
    button!.click();
    await waitFor(
      () => e.establishedAt > 0 || /^(FAILED|BUSY|FINISH)$/.test(e.lastStatus),
      timeoutMs,
      () => `${login}: call (${state(el)})`,
      1,
    );
    if (!e.establishedAt) throw new Error(`${login}: the call ended with ${e.lastStatus}`);
    const established = e.establishedAt - start;
    await rendered(el);
    const painted = (await afterNextPaint()).painted - start;
    return { established, painted };
  },

  /** Presses Hangup and waits for FINISH. */
  async clickHangup(login: string, timeoutMs = 10_000): Promise<void> {
    const e = entry(login);
    const { el } = e;
    await rendered(el);
    const button = inShadow(el, 'sip-call-controls', '[part=hangup-button]');
    if (!button) throw new Error(`${login}: no Hangup button (${state(el)})`);
    e.lastStatus = '';
    button.click();
    await waitFor(() => e.lastStatus === 'FINISH', timeoutMs, () => `${login}: hangup (${state(el)})`, 2);
  },

  /**
   * Starts watching the newest peer connection for its first received audio bytes; `firstAudio()`
   * resolves with `Date.now()` then (a wall clock, to compare with Node's).
   */
  watchFirstAudio(timeoutMs = 15_000): void {
    const known = createdPeerConnections();
    firstAudio = (async () => {
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        for (const pc of peerConnectionsSince(known)) {
          if (pc.signalingState !== 'closed' && (await audioStats(pc)).inbound.bytesReceived > 0) return Date.now();
        }
        if (performance.now() > deadline) throw new Error('no audio received');
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
  },

  firstAudio(): Promise<number> {
    if (!firstAudio) throw new Error('watchFirstAudio() first');
    return firstAudio;
  },

  /** `Date.now()` of the last sip-call-status ESTABLISHED of `login`. */
  establishedWallClock(login: string): number {
    return entry(login).establishedWall;
  },

  openPeerConnections(): number {
    return openPeerConnections().length;
  },

  createdPeerConnections,
};

(window as unknown as { bench: typeof bench }).bench = bench;
