// The render bench page: inserts a <sip-phone> tag (from dist/sip-phone.js, loaded by the
// page) and, as the baseline, a bare Lit element of the same template size, and times each
// from insertion to rendered and to its first painted frame.
//
// The baselines are plain LitElements with ONE shadow root holding the same markup the
// phone renders in that state (header, form or Connect button, media boxes, live region)
// and a stylesheet of similar size: no child elements, no context, no controllers. They are
// bundled here with their own copy of lit (minified, like dist/).
import { LitElement, css, html } from 'lit';
import { afterNextPaint, sleep } from './common.js';

const styles = css`
  :host { display: block; max-width: 26rem; font-family: system-ui, sans-serif; color: light-dark(#1b1f24, #e8eaed); }
  :host([hidden]) { display: none !important; }
  .phone { display: grid; gap: 0.75rem; padding: 1rem; border: 1px solid #c3c8cf; border-radius: 12px; background: light-dark(#fff, #1e2227); }
  .header { display: flex; gap: 0.5rem; align-items: center; justify-content: space-between; }
  .identity { display: grid; }
  .login { font-weight: 600; }
  .session { font-size: 0.85rem; }
  .badge { font-size: 0.7rem; padding: 0.05rem 0.45rem; border-radius: 999px; border: 1px solid currentColor; white-space: nowrap; }
  button { min-height: 44px; min-width: 44px; padding: 0 1rem; border-radius: 8px; border: 1px solid #c3c8cf; background: #f4f5f7; color: inherit; font: inherit; cursor: pointer; }
  button:focus-visible, input:focus-visible { outline: 3px solid #1a5fd0; outline-offset: 2px; }
  button:disabled { opacity: 0.55; cursor: not-allowed; }
  button.primary { background: #13743b; border-color: transparent; color: #fff; }
  input { min-height: 40px; box-sizing: border-box; padding: 0 0.6rem; border-radius: 8px; border: 1px solid #8a9099; background: #fff; color: inherit; font: inherit; }
  form.connect { display: grid; grid-template-columns: max-content 1fr; gap: 0.4rem 0.6rem; align-items: center; }
  form.connect .wide { grid-column: 1 / -1; }
  .media { display: grid; grid-template-columns: 1fr 1fr; gap: 0.5rem; }
  .media[hidden] { display: none; }
  .media > div { aspect-ratio: 4 / 3; background: #000; border-radius: 8px; overflow: hidden; }
  .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
`;

class BareBase extends LitElement {
  static override styles = styles;
  static override properties = { login: { attribute: 'sip-login' }, url: { attribute: 'wcs-url' } };
  login = '';
  url = '';

  protected header(withButton: boolean) {
    return html`<div class="header" part="header">
      <div class="identity">
        <span class="login">${this.login || 'SIP phone'}</span>
        <span class="session">Not connected <span class="badge" part="session-status">IDLE</span></span>
      </div>
      ${withButton ? html`<button part="connect-button" class="primary" @click=${() => this.remove()}>Connect</button>` : ''}
    </div>`;
  }

  protected footer() {
    return html`<div class="media" part="media" hidden><div id="local-media"></div><div id="remote-media"></div></div>
      <div class="visually-hidden" role="status" aria-live="polite"></div>`;
  }
}

/** The baseline for the phone without attributes (the connection form). */
class BareForm extends BareBase {
  override render() {
    const field = (id: string, label: string, type = 'text') => html`<label for=${id}>${label}</label>
      <input id=${id} name=${id} type=${type} .value=${''} autocomplete="off" />`;
    return html`<div class="phone" part="base">
      ${this.header(false)}
      <form class="connect" part="form" @submit=${(e: Event) => e.preventDefault()}>
        ${field('wcs-url', 'WCS URL', 'url')} ${field('sip-login', 'SIP Login')} ${field('sip-auth-name', 'SIP Auth Name')}
        ${field('sip-password', 'SIP Password', 'password')} ${field('sip-domain', 'SIP Domain')}
        ${field('sip-outbound-proxy', 'SIP Outbound Proxy')} ${field('sip-port', 'SIP Port')}
        <label class="wide"><input name="register" type="checkbox" .checked=${true} /> Register required</label>
        <button class="primary wide" part="connect-button" type="submit">Connect</button>
      </form>
      <div></div>
      <div></div>
      ${this.footer()}
    </div>`;
  }
}

/** The baseline for the configured phone (status line and Connect button). */
class BareLine extends BareBase {
  override render() {
    return html`<div class="phone" part="base">${this.header(true)}<div></div><div></div>${this.footer()}</div>`;
  }
}

customElements.define('bare-form', BareForm);
customElements.define('bare-line', BareLine);

export interface Variant {
  name: string;
  /** The markup inserted. */
  tag: string;
}

export interface Sample {
  /** Insertion to every Lit element in it rendered (updateComplete), ms. */
  update: number;
  /** Insertion to the task after the next frame (painted), ms: includes waiting for that frame. */
  paint: number;
  /** That frame's own work: its rAF callback to the task after it (style, layout, paint), ms. */
  frame: number;
}

/** Lit elements (with updateComplete) in the element's shadow trees, including itself. */
function litElements(el: Element): { updateComplete: Promise<boolean> }[] {
  const out: { updateComplete: Promise<boolean> }[] = [];
  const visit = (node: Element) => {
    if ('updateComplete' in node) out.push(node as unknown as { updateComplete: Promise<boolean> });
    node.shadowRoot?.querySelectorAll('*').forEach(visit);
  };
  visit(el);
  return out;
}

async function rendered(el: Element): Promise<void> {
  // Children render after their parent; wait until a pass finds nothing pending.
  for (let pass = 0; pass < 5; pass++) {
    const results = await Promise.all(litElements(el).map((e) => e.updateComplete));
    if (results.every(Boolean)) return;
  }
}

function countNodes(el: Element): number {
  let n = 0;
  const visit = (root: ShadowRoot | null) =>
    root?.querySelectorAll('*').forEach((node) => {
      n++;
      visit(node.shadowRoot);
    });
  visit(el.shadowRoot);
  return n;
}

const host = document.createElement('div');
document.body.append(host);

async function once(variant: Variant): Promise<Sample> {
  const start = performance.now();
  host.insertAdjacentHTML('beforeend', variant.tag);
  const el = host.lastElementChild!;
  await rendered(el);
  const update = performance.now() - start;
  const { frameStart, painted } = await afterNextPaint();
  el.remove();
  return { update, paint: painted - start, frame: painted - frameStart };
}

export const bench = {
  /**
   * `reps` rounds; each round inserts every variant once, in an order rotated per round.
   * The first `warmup` rounds are not returned.
   */
  async run(variants: Variant[], reps: number, warmup: number): Promise<{ samples: Record<string, Sample[]>; nodes: Record<string, number> }> {
    await customElements.whenDefined('sip-phone');
    const samples: Record<string, Sample[]> = Object.fromEntries(variants.map((v) => [v.name, []]));
    for (let round = 0; round < reps + warmup; round++) {
      for (let i = 0; i < variants.length; i++) {
        const variant = variants[(round + i) % variants.length]!;
        // Start each measurement from a quiet main thread, right after a frame.
        await afterNextPaint();
        await sleep(5);
        const sample = await once(variant);
        if (round >= warmup) samples[variant.name]!.push(sample);
      }
    }
    const nodes: Record<string, number> = {};
    for (const variant of variants) {
      host.insertAdjacentHTML('beforeend', variant.tag);
      const el = host.lastElementChild!;
      await rendered(el);
      nodes[variant.name] = countNodes(el);
      el.remove();
    }
    return { samples, nodes };
  },
};

(window as unknown as { bench: typeof bench }).bench = bench;
