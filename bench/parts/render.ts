// 4. Render: from the tag's insertion to its first painted frame, <sip-phone> from the
// built bundle against a bare Lit element of the same template size, alternated in one page.
import { openIsolatedPage } from '../support/browser.js';
import { remote } from '../support/remote.js';
import { round, summarize, type Summary } from '../support/stats.js';
import type { BenchContext, RenderApi } from './context.js';

export interface RenderOptions {
  reps: number;
  warmup: number;
}

export interface RenderPair {
  /** What the tag shows in this pair. */
  state: string;
  widgetTag: string;
  bareTag: string;
  /** Elements in the shadow trees once rendered. */
  nodes: { widget: number; bare: number };
  /** Insertion to every Lit element rendered (updateComplete), ms. */
  update: { widget: Summary; bare: Summary; ratio: number };
  /** Insertion to the task after the next frame (painted), ms; includes the wait for that frame. */
  paint: { widget: Summary; bare: Summary; ratio: number };
  /** The work of that first frame (style, layout, paint on the main thread), ms. */
  frame: { widget: Summary; bare: Summary; ratio: number };
}

export interface RenderResult {
  reps: number;
  warmup: number;
  pairs: RenderPair[];
}

const PAIRS = [
  { state: 'connection form (no attributes)', widget: '<sip-phone></sip-phone>', bare: '<bare-form></bare-form>' },
  {
    state: 'configured, not connected',
    widget: '<sip-phone wcs-url="ws://127.0.0.1:9" sip-login="10005"></sip-phone>',
    bare: '<bare-line wcs-url="ws://127.0.0.1:9" sip-login="10005"></bare-line>',
  },
];

export async function benchRender(ctx: BenchContext, options: RenderOptions): Promise<RenderResult> {
  const page = await openIsolatedPage(ctx.browser, ctx.pages.url('render'));
  try {
    // requestAnimationFrame runs only in the visible tab.
    await page.bringToFront();
    const variants = PAIRS.flatMap((p, i) => [
      { name: `widget${i}`, tag: p.widget },
      { name: `bare${i}`, tag: p.bare },
    ]);
    const { samples, nodes } = await remote(page, (b: RenderApi, a) => b.run(a.variants, a.reps, a.warmup), {
      variants,
      reps: options.reps,
      warmup: options.warmup,
    });
    const pairs = PAIRS.map((p, i): RenderPair => {
      const w = samples[`widget${i}`]!;
      const b = samples[`bare${i}`]!;
      const wu = summarize(w.map((s) => s.update));
      const bu = summarize(b.map((s) => s.update));
      const wp = summarize(w.map((s) => s.paint));
      const bp = summarize(b.map((s) => s.paint));
      const wf = summarize(w.map((s) => s.frame));
      const bf = summarize(b.map((s) => s.frame));
      return {
        state: p.state,
        widgetTag: p.widget,
        bareTag: p.bare,
        nodes: { widget: nodes[`widget${i}`]!, bare: nodes[`bare${i}`]! },
        update: { widget: wu, bare: bu, ratio: round(wu.median / bu.median) },
        paint: { widget: wp, bare: bp, ratio: round(wp.median / bp.median) },
        frame: { widget: wf, bare: bf, ratio: round(wf.median / bf.median) },
      };
    });
    return { reps: options.reps, warmup: options.warmup, pairs };
  } finally {
    await page.browserContext().close().catch(() => undefined);
  }
}
