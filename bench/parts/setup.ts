// 1. Call setup: click-to-ESTABLISHED through <sip-phone> against a plain websdk script
// placing the same calls to the same callee through the same gateway, alternated.
import { openIsolatedPage } from '../support/browser.js';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway.js';
import { remote } from '../support/remote.js';
import { round, sleep, summarize, type Summary } from '../support/stats.js';
import type { BenchContext, PhonesApi, WidgetApi } from './context.js';

export interface SetupOptions {
  calls: number;
  warmup: number;
}

export interface SetupResult {
  calls: number;
  warmup: number;
  /** Click on Call to the sip-call-status ESTABLISHED event, ms. */
  widget: Summary;
  /** Click on Call to the first frame painted after the phone rendered ESTABLISHED, ms. */
  widgetPainted: Summary;
  /** `call()` to the websdk's ESTABLISHED callback, ms. */
  websdk: Summary;
  /** widget / websdk. */
  ratio: { median: number; p90: number };
  samples: { widget: number[]; widgetPainted: number[]; websdk: number[] };
}

/** Waits until the gateway holds no call (the previous call is fully torn down). */
export async function gatewayIdle(gateway: GatewayProcess, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const stats = await gateway.stats();
    if (stats.calls === 0 && stats.legs === 0 && stats.peerConnections === 0) return;
    if (Date.now() > deadline) throw new Error(`the gateway still holds calls: ${JSON.stringify(stats)}`);
    await sleep(20);
  }
}

export async function benchSetup(ctx: BenchContext, options: SetupOptions): Promise<SetupResult> {
  const gateway = await startGatewayProcess();
  const contextPages = [];
  try {
    const url = gateway.url;
    const callee = await openIsolatedPage(ctx.browser, ctx.pages.url('phones'));
    const plain = await openIsolatedPage(ctx.browser, ctx.pages.url('phones'));
    const widget = await openIsolatedPage(ctx.browser, ctx.pages.url('widget'));
    contextPages.push(callee, plain, widget);
    await remote(callee, (b: PhonesApi, a) => b.connect(a.url, [{ login: '10006', password: 'pass10006' }]), { url });
    await remote(callee, (b: PhonesApi) => b.autoAnswer(['10006']), null);
    await remote(plain, (b: PhonesApi, a) => b.connect(a.url, [{ login: '10007', password: 'pass10007' }]), { url });
    await remote(widget, (b: WidgetApi, a) => b.addPhone({ url: a.url, login: '10005', password: 'pass10005', callee: '10006' }), { url });
    // Each side places its calls from the visible tab (the widget measures a painted frame,
    // and a visible page also does rendering work that a background one skips).
    const widgetCall = async () => {
      await widget.bringToFront();
      const times = await remote(widget, (b: WidgetApi) => b.clickCall('10005'), null);
      await remote(widget, (b: WidgetApi) => b.clickHangup('10005'), null);
      return times;
    };
    const plainCall = async () => {
      await plain.bringToFront();
      const ms = await remote(plain, (b: PhonesApi) => b.call('10007', '10006'), null);
      await remote(plain, (b: PhonesApi) => b.hangup('10007'), null);
      return ms;
    };
    const settle = async () => {
      await remote(callee, (b: PhonesApi) => b.idle(['10006']), null);
      await gatewayIdle(gateway);
      await sleep(150);
    };

    const samples = { widget: [] as number[], widgetPainted: [] as number[], websdk: [] as number[] };
    const rounds = options.warmup + options.calls;
    for (let i = 0; i < rounds; i++) {
      const counted = i >= options.warmup;
      // Alternate which of the two goes first in each round.
      for (const which of i % 2 === 0 ? ['widget', 'websdk'] : ['websdk', 'widget']) {
        if (which === 'widget') {
          const t = await widgetCall();
          if (counted) {
            samples.widget.push(t.established);
            samples.widgetPainted.push(t.painted);
          }
        } else {
          const ms = await plainCall();
          if (counted) samples.websdk.push(ms);
        }
        await settle();
      }
      if ((i + 1) % 10 === 0) ctx.log(`setup: ${i + 1}/${rounds} rounds`);
    }
    const widgetSummary = summarize(samples.widget);
    const websdkSummary = summarize(samples.websdk);
    return {
      calls: options.calls,
      warmup: options.warmup,
      widget: widgetSummary,
      widgetPainted: summarize(samples.widgetPainted),
      websdk: websdkSummary,
      ratio: { median: round(widgetSummary.median / websdkSummary.median), p90: round(widgetSummary.p90 / websdkSummary.p90) },
      samples: { widget: samples.widget.map((v) => round(v)), widgetPainted: samples.widgetPainted.map((v) => round(v)), websdk: samples.websdk.map((v) => round(v)) },
    };
  } finally {
    for (const page of contextPages) await page.browserContext().close().catch(() => undefined);
    await gateway.close();
  }
}
