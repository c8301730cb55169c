// 3. Gateway capacity: N concurrent calls between plain websdk phones (callers in one page,
// callees in another, several phones per page), audio both ways; the gateway's CPU and
// memory from /proc, and what the browsers' inbound-rtp statistics say about loss and jitter.
import type { Page } from 'puppeteer-core';
import { openIsolatedPage } from '../support/browser.js';
import { startGatewayProcess } from '../support/gateway.js';
import { cpuSeconds, processTree, rssBytes, treeCpuSeconds } from '../support/proc.js';
import { remote } from '../support/remote.js';
import { median, percentile, round, sleep, summarize, type Summary } from '../support/stats.js';
import type { PeerAudioStats } from '../pages/common.js';
import { gatewayIdle } from './setup.js';
import type { BenchContext, PhonesApi } from './context.js';

export interface CapacityOptions {
  levels: number[];
  /** Measurement window per level, ms. */
  measureMs: number;
  /** Wait after the last call is up before measuring, ms. */
  settleMs: number;
}

export interface CapacityLevel {
  calls: number;
  /**
   * Calls still up when the window started (the gateway ends a call whose media fails).
   * Fewer than `calls`: this level is beyond what the machine sustains, and the other
   * figures describe the calls that were left.
   */
  callsAlive: number;
  /** Call setup times under this load (call() to ESTABLISHED, 5 calls placed at a time). */
  setupMs: Summary;
  gateway: {
    /** CPU used over the window, % of one core. */
    cpuPercent: number;
    rssMB: number;
    rssPeakMB: number;
    legs: number;
    peerConnections: number;
    /** Audio RTP packets per second the gateway received from the browsers and forwarded, over the window. */
    audioPacketsPerSecond: { received: number; forwarded: number };
  };
  /** The whole Chromium process tree (both pages), % of one core: the load generator. */
  browserCpuPercent: number;
  audio: {
    /** Inbound audio streams (two per call) and how many received audio in the window. */
    streams: number;
    /** Peer connections closed during the window (their sessions dropped): not in the other figures. */
    closedDuringWindow: number;
    streamsReceiving: number;
    streamsSending: number;
    packetsReceived: number;
    packetsLost: number;
    lossPercent: number;
    /** Worst stream's loss, %. */
    maxLossPercent: number;
    /** RFC 3550 interarrival jitter at the end of the window, ms, across streams. */
    jitterMs: { median: number; p90: number; max: number };
    /** Samples the receivers had to conceal (played as generated audio), %. */
    concealedPercent: number;
  };
}

export interface CapacityResult {
  measureMs: number;
  idle: { cpuPercent: number; rssMB: number; sessions: number };
  levels: CapacityLevel[];
  /**
   * Why the run stopped early: a level whose calls could not be set up, or whose phones
   * lost their sessions (the levels before it are kept). A machine at its limit, not a
   * failed acceptance: the bench warns and goes on.
   */
  error?: string;
}

const mbOf = (bytes: number) => round(bytes / 1048576, 1);

/** Audio statistics of every open peer connection of the pages, keyed `page:id`. */
async function allStats(pages: Page[]): Promise<Map<string, PeerAudioStats>> {
  const lists = await Promise.all(pages.map((page) => remote(page, (b: PhonesApi) => b.stats(), null)));
  return new Map(lists.flatMap((list, p) => list.map((stats): [string, PeerAudioStats] => [`${p}:${stats.id}`, stats])));
}

export async function benchCapacity(ctx: BenchContext, options: CapacityOptions): Promise<CapacityResult> {
  const max = Math.max(...options.levels);
  const gateway = await startGatewayProcess();
  const opened: Page[] = [];
  try {
    const url = gateway.url;
    const callers = Array.from({ length: max }, (_, i) => String(40000 + i));
    const callees = Array.from({ length: max }, (_, i) => String(40000 + max + i));
    if (max * 2 > 100) throw new Error('at most 50 concurrent calls (100 bench accounts)');
    const callerPage = await openIsolatedPage(ctx.browser, ctx.pages.url('phones'));
    const calleePage = await openIsolatedPage(ctx.browser, ctx.pages.url('phones'));
    opened.push(callerPage, calleePage);
    const account = (login: string) => ({ login, password: `pass${login}` });
    await remote(callerPage, (b: PhonesApi, a) => b.connect(a.url, a.accounts, 60_000), { url, accounts: callers.map(account) });
    await remote(calleePage, (b: PhonesApi, a) => b.connect(a.url, a.accounts, 60_000), { url, accounts: callees.map(account) });
    await remote(calleePage, (b: PhonesApi, a) => b.autoAnswer(a), callees);

    // The gateway with every phone registered and no call.
    await sleep(1000);
    const idleCpu0 = cpuSeconds(gateway.pid);
    const idleT0 = performance.now();
    await sleep(3000);
    const idle = {
      cpuPercent: round(((cpuSeconds(gateway.pid) - idleCpu0) / ((performance.now() - idleT0) / 1000)) * 100, 1),
      rssMB: mbOf(rssBytes(gateway.pid)),
      sessions: (await gateway.stats()).sessions,
    };
    ctx.log(`capacity: ${idle.sessions} phones registered, gateway idle ${idle.cpuPercent}% CPU, ${idle.rssMB} MB`);

    const levels: CapacityLevel[] = [];
    const result: CapacityResult = { measureMs: options.measureMs, idle, levels };
    for (const calls of options.levels) {
      try {
        levels.push(await measureLevel(calls));
      } catch (error) {
        result.error = `${calls} calls: ${(error as Error).message}`;
        ctx.log(`capacity: stopped at ${calls} calls: ${(error as Error).message.slice(0, 300)}`);
        break;
      }
    }
    return result;

    async function measureLevel(calls: number): Promise<CapacityLevel> {
      const pairs = callers.slice(0, calls).map((caller, i): [string, string] => [caller, callees[i]!]);
      const setupTimes = await remote(callerPage, (b: PhonesApi, a) => b.callMany(a, 5), pairs);
      await sleep(options.settleMs);
      const browserPids = processTree(ctx.browser.process()!.pid!);
      const before = await allStats(opened);
      const legsAtStart = (await gateway.stats()).legs;
      const relay0 = await gateway.audioPackets();
      const gw0 = cpuSeconds(gateway.pid);
      const br0 = treeCpuSeconds(browserPids);
      const t0 = performance.now();
      const rss: number[] = [];
      while (performance.now() - t0 < options.measureMs) {
        rss.push(rssBytes(gateway.pid));
        await sleep(250);
      }
      const seconds = (performance.now() - t0) / 1000;
      const gw1 = cpuSeconds(gateway.pid);
      const br1 = treeCpuSeconds(browserPids);
      const relay1 = await gateway.audioPackets();
      const after = await allStats(opened);
      const stats = await gateway.stats();
      // Connections closed during the window (a session the gateway dropped) are left out of the figures.
      const closed = [...before.keys()].filter((key) => !after.has(key)).length;

      let received = 0;
      let lost = 0;
      let concealed = 0;
      let samples = 0;
      let receiving = 0;
      let sending = 0;
      const losses: number[] = [];
      const jitters: number[] = [];
      after.forEach((a, key) => {
        const b = before.get(key);
        if (!b) return;
        const dr = a.inbound.packetsReceived - b.inbound.packetsReceived;
        const dl = Math.max(0, a.inbound.packetsLost - b.inbound.packetsLost);
        received += dr;
        lost += dl;
        losses.push(dr + dl > 0 ? (dl / (dr + dl)) * 100 : 100);
        concealed += a.inbound.concealedSamples - b.inbound.concealedSamples;
        samples += a.inbound.totalSamplesReceived - b.inbound.totalSamplesReceived;
        if (a.inbound.bytesReceived > b.inbound.bytesReceived) receiving++;
        if (a.bytesSent > b.bytesSent) sending++;
        jitters.push(a.inbound.jitter * 1000);
      });
      const level: CapacityLevel = {
        calls,
        callsAlive: Math.floor(Math.min(legsAtStart, before.size) / 2),
        setupMs: summarize(setupTimes),
        gateway: {
          cpuPercent: round(((gw1 - gw0) / seconds) * 100, 1),
          rssMB: mbOf(rss[rss.length - 1] ?? 0),
          rssPeakMB: mbOf(Math.max(...rss)),
          legs: stats.legs,
          peerConnections: stats.peerConnections,
          audioPacketsPerSecond: {
            received: Math.round((relay1.received - relay0.received) / seconds),
            forwarded: Math.round((relay1.forwarded - relay0.forwarded) / seconds),
          },
        },
        browserCpuPercent: round(((br1 - br0) / seconds) * 100, 1),
        audio: {
          streams: before.size,
          closedDuringWindow: closed,
          streamsReceiving: receiving,
          streamsSending: sending,
          packetsReceived: received,
          packetsLost: lost,
          lossPercent: round(received + lost > 0 ? (lost / (received + lost)) * 100 : 100, 3),
          maxLossPercent: round(Math.max(...losses), 2),
          jitterMs: { median: round(median(jitters), 1), p90: round(percentile(jitters, 90), 1), max: round(Math.max(...jitters), 1) },
          concealedPercent: round(samples > 0 ? (concealed / samples) * 100 : 100, 2),
        },
      };
      ctx.log(
        `capacity: ${calls} calls: gateway ${level.gateway.cpuPercent}% CPU, ${level.gateway.rssMB} MB; ` +
          `relayed ${level.gateway.audioPacketsPerSecond.forwarded} packets/s; ` +
          `loss ${level.audio.lossPercent}%, jitter median ${level.audio.jitterMs.median} ms; browser ${level.browserCpuPercent}% CPU`,
      );
      if (closed > 0) {
        // Sessions died under load: the remaining levels cannot be run with these phones.
        levels.push(level);
        throw new Error(
          `${closed} of ${before.size} peer connections closed during the window: the gateway dropped sessions that missed its pings (see its log above); the machine is overloaded`,
        );
      }
      await remote(callerPage, (b: PhonesApi) => b.hangupAll(), null);
      await remote(calleePage, (b: PhonesApi, a) => b.idle(a, 20_000), callees);
      await gatewayIdle(gateway, 20_000);
      await sleep(1000);
      return level;
    }
  } finally {
    for (const page of opened) await page.browserContext().close().catch(() => undefined);
    await gateway.close();
  }
}
