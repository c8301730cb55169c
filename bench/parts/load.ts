// 6. The gateway itself under load, with no browser: N concurrent calls between Node clients
// that speak the websdk's WebSocket protocol (server/test-support.ts: WsClient) and carry
// media with werift peer connections (FakeBrowser: DTLS-SRTP, one 20 ms Opus-sized RTP
// packet every 20 ms each way). The gateway runs as a child process, so its CPU and memory
// are its own; the load generator's CPU (this process: the werift peers of both ends) is
// reported beside it, because on a 2-core machine the two share the cores. Loss and jitter
// are measured on what each client receives (support/rtp-stats.ts).
import type { RtpPacket } from 'werift';
import { FakeBrowser, login, payload, type WsClient } from '../../server/test-support.js';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway.js';
import { cpuSeconds, rssBytes } from '../support/proc.js';
import { RtpStats, windowAudio } from '../support/rtp-stats.js';
import { round, sleep, summarize, type Summary } from '../support/stats.js';

export interface LoadOptions {
  levels: number[];
  measureMs: number;
  settleMs: number;
}

export interface LoadLevel {
  calls: number;
  /** Calls whose both ends received audio through the whole window. */
  callsHeld: number;
  setupMs: Summary;
  gateway: { cpuPercent: number; rssMB: number; cpuPercentPerCall: number; rssKBPerCall: number };
  /** This process (both ends' werift peers), % of one core. */
  generatorCpuPercent: number;
  audio: {
    streams: number;
    lossPercent: number;
    maxLossPercent: number;
    jitterMs: { median: number; p90: number; max: number };
  };
  /** Held: every stream received, loss under 1 %, p90 jitter under 30 ms. */
  held: boolean;
}

export interface LoadResult {
  levels: LoadLevel[];
  /** The largest level held. */
  largestHeld: number;
  idle: { rssMB: number };
  error?: string;
}

/** Counts what one end's peer connection receives. */
function receiver(media: FakeBrowser): RtpStats {
  const stats = new RtpStats();
  media.pc.onTrack.subscribe((track) =>
    track.onReceiveRtp.subscribe((rtp: RtpPacket) => stats.packet(rtp.header.sequenceNumber, rtp.header.timestamp)),
  );
  return stats;
}

interface Call {
  a: WsClient;
  b: WsClient;
  aMedia: FakeBrowser;
  bMedia: FakeBrowser;
  receivers: [RtpStats, RtpStats];
  callId: string;
}

/** Answers the gateway's keepalive pings, as the websdk does. */
function keepAlive(client: WsClient): void {
  client.ws.on('message', (data) => {
    if (String(data).includes('"ping"')) client.send('pong');
  });
}

async function placeCall(gw: GatewayProcess, n: number): Promise<Call> {
  const caller = String(40000 + 2 * n);
  const callee = String(40001 + 2 * n);
  const [a, b] = [await login(gw.url, caller), await login(gw.url, callee)];
  keepAlive(a);
  keepAlive(b);
  const aMedia = new FakeBrowser();
  const bMedia = new FakeBrowser();
  const receivers: [RtpStats, RtpStats] = [receiver(aMedia), receiver(bMedia)];
  const callId = `load-${n}`;
  a.send('call', { callId, callee, caller, sdp: await aMedia.offer(), hasVideo: false });
  const offer = await b.next('setRemoteSDP', 10_000);
  const bId = String(payload(await b.next('notifyIncomingCall', 10_000))['callId']);
  b.send('answer', { callId: bId, sdp: await bMedia.answer(String(offer.data[1])), hasVideo: false });
  const answer = await a.next('setRemoteSDP', 10_000);
  await aMedia.acceptAnswer(String(answer.data[1]));
  await aMedia.connected(15_000);
  await bMedia.connected(15_000);
  aMedia.startSending();
  bMedia.startSending();
  return { a, b, aMedia, bMedia, receivers, callId };
}

async function endCall(call: Call): Promise<void> {
  call.a.send('hangup', { callId: call.callId });
  await Promise.allSettled([call.aMedia.close(), call.bMedia.close()]);
  await Promise.allSettled([call.a.close(), call.b.close()]);
}

export async function benchLoad(options: LoadOptions, log: (line: string) => void): Promise<LoadResult> {
  const top = Math.max(...options.levels);
  const accounts: Record<string, string> = {};
  for (let i = 0; i < 2 * top; i++) accounts[String(40000 + i)] = `pass${40000 + i}`;
  const gw = await startGatewayProcess(accounts);
  const result: LoadResult = { levels: [], largestHeld: 0, idle: { rssMB: round(rssBytes(gw.pid) / 2 ** 20, 1) } };
  try {
    for (const level of [...options.levels].sort((x, y) => x - y)) {
      const calls: Call[] = [];
      const setup: number[] = [];
      try {
        // Five calls set up at a time, as the browser capacity part does.
        for (let n = 0; n < level; n += 5) {
          const batch = await Promise.all(
            Array.from({ length: Math.min(5, level - n) }, async (_, i) => {
              const t0 = performance.now();
              const call = await placeCall(gw, n + i);
              setup.push(performance.now() - t0);
              return call;
            }),
          );
          calls.push(...batch);
        }
        await sleep(options.settleMs);
        const receivers = calls.flatMap((c) => c.receivers);
        const before = receivers.map((r) => r.snapshot());
        const gwCpu0 = cpuSeconds(gw.pid);
        const genCpu0 = process.cpuUsage();
        const t0 = performance.now();
        await sleep(options.measureMs);
        const seconds = (performance.now() - t0) / 1000;
        const gwCpu = ((cpuSeconds(gw.pid) - gwCpu0) / seconds) * 100;
        const genUsage = process.cpuUsage(genCpu0);
        const genCpu = ((genUsage.user + genUsage.system) / 1e6 / seconds) * 100;
        const rss = rssBytes(gw.pid);
        const audio = windowAudio(receivers, before);
        const entry: LoadLevel = {
          calls: level,
          callsHeld: audio.callsHeld,
          setupMs: summarize(setup),
          gateway: {
            cpuPercent: round(gwCpu, 1),
            rssMB: round(rss / 2 ** 20, 1),
            cpuPercentPerCall: round(gwCpu / level, 2),
            rssKBPerCall: round((rss - result.idle.rssMB * 2 ** 20) / 1024 / level, 0),
          },
          generatorCpuPercent: round(genCpu, 1),
          audio: { streams: audio.streams, lossPercent: audio.lossPercent, maxLossPercent: audio.maxLossPercent, jitterMs: audio.jitterMs },
          held: audio.held,
        };
        result.levels.push(entry);
        if (entry.held) result.largestHeld = level;
        log(`load: ${level} calls: ${audio.callsHeld} held, loss ${audio.lossPercent} %, jitter p90 ${audio.jitterMs.p90} ms, gateway ${entry.gateway.cpuPercent} % CPU, generator ${entry.generatorCpuPercent} %`);
      } catch (error) {
        result.error = `at ${level} calls (${calls.length} up): ${(error as Error).message}`;
        log(`load: stopped ${result.error}`);
        break;
      } finally {
        for (const call of calls) await endCall(call);
        await sleep(1000);
      }
    }
  } finally {
    await gw.close();
  }
  return result;
}
