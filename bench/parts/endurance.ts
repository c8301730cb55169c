// 2. Endurance: one <sip-phone>, connected once, places `cycles` calls (call, talk, hang
// up); memory and object counters of its page are read after a forced garbage collection
// before and after, and every `every` cycles for the trend.
import { memorySnapshot, openIsolatedPage, type MemorySnapshot } from '../support/browser.js';
import { startGatewayProcess } from '../support/gateway.js';
import { remote } from '../support/remote.js';
import { sleep } from '../support/stats.js';
import type { GatewayStats } from '../../server/gateway.js';
import { gatewayIdle } from './setup.js';
import type { BenchContext, PhonesApi, WidgetApi } from './context.js';

export interface EnduranceOptions {
  cycles: number;
  talkMs: number;
  /** Take a trend sample every this many cycles. */
  every: number;
}

/** Acceptance limit for the JS heap growth after a forced GC. */
export const HEAP_GROWTH_LIMIT = 2 * 1024 * 1024;

export interface EnduranceCheck {
  name: string;
  before: number;
  after: number;
  growth: number;
  limit: string;
  pass: boolean;
}

export interface EnduranceResult {
  cycles: number;
  talkMs: number;
  durationS: number;
  before: MemorySnapshot;
  after: MemorySnapshot;
  checks: EnduranceCheck[];
  pass: boolean;
  trend: Array<{ cycle: number } & MemorySnapshot>;
  /**
   * Heap growth per call over the second half of the run (bytes): near zero once warm. A
   * steady slope is a slow leak even when the total stays under the limit.
   */
  heapSlopePerCall: number;
  /** Peer connections the page created over the run (one per call expected). */
  peerConnectionsCreated: number;
  gateway: { before: GatewayStats; after: GatewayStats };
}

export async function benchEndurance(ctx: BenchContext, options: EnduranceOptions): Promise<EnduranceResult> {
  const gateway = await startGatewayProcess();
  const opened = [];
  try {
    const url = gateway.url;
    const callee = await openIsolatedPage(ctx.browser, ctx.pages.url('phones'));
    const widget = await openIsolatedPage(ctx.browser, ctx.pages.url('widget'));
    opened.push(callee, widget);
    await remote(callee, (b: PhonesApi, a) => b.connect(a.url, [{ login: '10006', password: 'pass10006' }]), { url });
    await remote(callee, (b: PhonesApi) => b.autoAnswer(['10006']), null);
    await remote(widget, (b: WidgetApi, a) => b.addPhone({ url: a.url, login: '10005', password: 'pass10005', callee: '10006' }), { url });
    await widget.bringToFront();
    const cdp = await widget.createCDPSession();

    const cycle = async () => {
      await remote(widget, (b: WidgetApi) => b.clickCall('10005'), null);
      await sleep(options.talkMs);
      await remote(widget, (b: WidgetApi) => b.clickHangup('10005'), null);
      await remote(callee, (b: PhonesApi) => b.idle(['10006']), null);
      await gatewayIdle(gateway);
    };
    const snapshot = async () => {
      // Let the websdk finish releasing the last call (its timers and media) first.
      await sleep(1000);
      return memorySnapshot(widget, cdp);
    };

    // Two warm-up calls: the first call loads and creates what every later call reuses
    // (the tone generator's AudioContext, the websdk's media helpers).
    for (let i = 0; i < 2; i++) await cycle();
    const createdBefore = await remote(widget, (b: WidgetApi) => b.createdPeerConnections(), null);
    const gatewayBefore = await gateway.stats();
    const before = await snapshot();
    const trend: EnduranceResult['trend'] = [{ cycle: 0, ...before }];
    const started = Date.now();
    for (let i = 1; i <= options.cycles; i++) {
      await cycle();
      if (i % options.every === 0 && i < options.cycles) {
        trend.push({ cycle: i, ...(await snapshot()) });
        const last = trend[trend.length - 1]!;
        ctx.log(`endurance: ${i}/${options.cycles} cycles, heap ${(last.jsHeapUsed / 1048576).toFixed(2)} MB, nodes ${last.domNodes}, listeners ${last.jsEventListeners}`);
      }
    }
    const durationS = Math.round((Date.now() - started) / 100) / 10;
    const after = await snapshot();
    trend.push({ cycle: options.cycles, ...after });
    const createdAfter = await remote(widget, (b: WidgetApi) => b.createdPeerConnections(), null);
    const gatewayAfter = await gateway.stats();

    const check = (name: string, key: keyof MemorySnapshot, limit: number, limitText: string): EnduranceCheck => {
      const growth = after[key] - before[key];
      return { name, before: before[key], after: after[key], growth, limit: limitText, pass: growth <= limit };
    };
    const checks = [
      check('open RTCPeerConnections', 'openPeerConnections', 0, 'no growth'),
      check('RTCPeerConnection objects in the heap', 'peerConnectionObjects', 0, 'no growth'),
      check('DOM nodes', 'domNodes', 0, 'no growth'),
      check('JS event listeners', 'jsEventListeners', 0, 'no growth'),
      check('documents', 'documents', 0, 'no growth'),
      check('JS heap used after GC (bytes)', 'jsHeapUsed', HEAP_GROWTH_LIMIT - 1, '< 2 MB'),
    ];
    const mid = trend.find((t) => t.cycle >= options.cycles / 2) ?? trend[0]!;
    const heapSlopePerCall = after.jsHeapUsed - mid.jsHeapUsed === 0 ? 0 : Math.round((after.jsHeapUsed - mid.jsHeapUsed) / Math.max(1, options.cycles - mid.cycle));
    return {
      cycles: options.cycles,
      talkMs: options.talkMs,
      durationS,
      heapSlopePerCall,
      before,
      after,
      checks,
      pass: checks.every((c) => c.pass),
      trend,
      peerConnectionsCreated: createdAfter - createdBefore,
      gateway: { before: gatewayBefore, after: gatewayAfter },
    };
  } finally {
    for (const page of opened) await page.browserContext().close().catch(() => undefined);
    await gateway.close();
  }
}
