// Helpers for tests that drive <sip-phone> through its shadow DOM, as a person would.
import { waitUntil } from '@open-wc/testing';

/** Runs `visit` on `root`'s shadow root and on every shadow root below it. */
function eachShadowRoot(root: Element, visit: (node: ShadowRoot) => void): void {
  const walk = (node: ShadowRoot) => {
    visit(node);
    node.querySelectorAll('*').forEach((child) => child.shadowRoot && walk(child.shadowRoot));
  };
  if (root.shadowRoot) walk(root.shadowRoot);
}

/** The first element matching `selector` inside the element's shadow tree, at any depth. */
export function deepQuery<T extends Element = HTMLElement>(root: Element, selector: string): T | null {
  let found: T | null = null;
  eachShadowRoot(root, (node) => (found ??= node.querySelector<T>(selector)));
  return found;
}

/** The button whose text is exactly `name`, inside the element's shadow tree. */
export function button(root: Element, name: string): HTMLButtonElement | null {
  let found: HTMLButtonElement | null = null;
  eachShadowRoot(root, (node) => {
    found ??= [...node.querySelectorAll('button')].find((b) => b.textContent!.trim() === name) ?? null;
  });
  return found;
}

/** All the text a person can read in the element's shadow tree. */
export function phoneText(root: Element): string {
  const parts: string[] = [];
  eachShadowRoot(root, (node) => parts.push(node.textContent ?? ''));
  return parts.join(' ').replace(/\s+/g, ' ');
}

/**
 * Waits until the element's shadow tree shows `text`. The phone renders at the next frame
 * (and a form after its module loads), so text checked right after an event may not be
 * there yet.
 */
export function waitForText(root: Element, text: string, timeout = 5000): Promise<void> {
  return waitUntil(() => phoneText(root).includes(text), `${root.id || root.localName} never showed "${text}": ${phoneText(root)}`, {
    timeout,
  });
}

/** Records every sip-* event the element fires, in order. */
export function recordEvents(el: HTMLElement): Event[] {
  const events: Event[] = [];
  for (const name of ['sip-session-status', 'sip-call-status', 'sip-incoming-call', 'sip-error', 'sip-call-request']) {
    el.addEventListener(name, (e) => events.push(e));
  }
  return events;
}

export function waitForAttr(el: Element, name: string, value: string, timeout = 10_000): Promise<void> {
  return waitUntil(() => el.getAttribute(name) === value, `${el.id || el.localName} ${name} never became ${value} (is ${el.getAttribute(name)})`, {
    timeout,
  });
}

/** The loudest RMS level of a media stream's audio over `ms` milliseconds, measured with Web Audio. */
export async function streamLevel(stream: MediaStream, ms: number): Promise<number> {
  const ctx = new AudioContext();
  try {
    const analyser = ctx.createAnalyser();
    ctx.createMediaStreamSource(stream).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    let max = 0;
    const end = performance.now() + ms;
    while (performance.now() < end) {
      analyser.getFloatTimeDomainData(samples);
      max = Math.max(max, Math.sqrt(samples.reduce((sum, s) => sum + s * s, 0) / samples.length));
      await new Promise((r) => setTimeout(r, 50));
    }
    return max;
  } finally {
    await ctx.close();
  }
}
