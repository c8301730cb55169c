// 6b. The anchor for part 6 (`load`): the same concurrent calls relayed by rtpengine in
// userspace (the SIP stack's, `--table=-1`), so the gateway's cost per call has a reference
// on the same machine in the same run. Each call is two plain UDP endpoints in this process
// that rtpengine connects through its ng protocol (`offer`, `answer`, `delete`, as Kamailio
// would), each sending a 60-byte RTP packet every 20 ms; loss and RFC 3550 jitter are
// measured on what each end receives, as in `load`. Plain RTP, no SRTP: rtpengine relays
// without decrypting, while the gateway terminates DTLS-SRTP on both legs, so this is the
// floor of what relaying a call costs, not a like-for-like comparison.
import { createSocket, type Socket } from 'node:dgram';
import { readFileSync, readdirSync } from 'node:fs';
import { RtpengineClient } from '../../server/sip/rtpengine.js';
import type { StackInfo } from '../../server/sip-stack/stack.js';
import { cpuSeconds, rssBytes } from '../support/proc.js';
import { RtpStats, windowAudio } from '../support/rtp-stats.js';
import { round, sleep } from '../support/stats.js';

export interface RtpengineLevel {
  calls: number;
  callsHeld: number;
  cpuPercent: number;
  cpuPercentPerCall: number;
  rssMB: number;
  generatorCpuPercent: number;
  audio: { streams: number; lossPercent: number; jitterMs: { median: number; p90: number; max: number } };
  held: boolean;
}

export interface RtpengineLoadResult {
  levels: RtpengineLevel[];
  largestHeld: number;
  error?: string;
}

/** rtpengine's pid, from /proc (the stack does not publish it). */
function rtpenginePid(): number {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'rtpengine') return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  throw new Error('no rtpengine process: run inside the SIP stack (npm run bench:sip)');
}

/** One end of a call: a UDP socket that sends RTP to `peer` and measures what it receives. */
class Endpoint {
  readonly socket: Socket = createSocket('udp4');
  port = 0;
  readonly stats = new RtpStats();
  #peer?: { host: string; port: number };
  #timer?: NodeJS.Timeout;
  #seq = 1;
  #ts = 1000;

  async open(): Promise<void> {
    this.socket.on('message', (msg) => this.#packet(msg));
    await new Promise<void>((resolve) => this.socket.bind(0, '127.0.0.1', resolve));
    this.port = this.socket.address().port;
  }

  sdp(): string {
    return [
      'v=0',
      `o=- ${this.port} 1 IN IP4 127.0.0.1`,
      's=-',
      'c=IN IP4 127.0.0.1',
      't=0 0',
      `m=audio ${this.port} RTP/AVP 96`,
      'a=rtpmap:96 opus/48000/2',
      'a=sendrecv',
      '',
    ].join('\r\n');
  }

  start(peer: { host: string; port: number }): void {
    this.#peer = peer;
    this.#timer = setInterval(() => {
      const packet = Buffer.alloc(72, 1);
      packet[0] = 0x80;
      packet[1] = 96;
      packet.writeUInt16BE(this.#seq++ & 0xffff, 2);
      packet.writeUInt32BE((this.#ts += 960) >>> 0, 4);
      packet.writeUInt32BE(this.port, 8);
      this.socket.send(packet, this.#peer!.port, this.#peer!.host);
    }, 20);
  }

  #packet(msg: Buffer): void {
    if (msg.length < 12 || (msg[1]! & 0x7f) !== 96) return;
    this.stats.packet(msg.readUInt16BE(2), msg.readUInt32BE(4));
  }

  close(): void {
    clearInterval(this.#timer);
    this.socket.close();
  }
}

/** The address rtpengine put in an SDP: where to send. */
function mediaAddress(sdp: string): { host: string; port: number } {
  const host = /^c=IN IP4 (\S+)/m.exec(sdp)?.[1];
  const port = /^m=audio (\d+)/m.exec(sdp)?.[1];
  if (!host || !port) throw new Error(`no media address in rtpengine's SDP:\n${sdp}`);
  return { host, port: Number(port) };
}

interface Call {
  id: string;
  a: Endpoint;
  b: Endpoint;
}

export async function benchRtpengineLoad(info: StackInfo, levels: number[], measureMs: number, log: (line: string) => void): Promise<RtpengineLoadResult> {
  const ng = new RtpengineClient(info.rtpengineNg.host, info.rtpengineNg.port, 3000);
  const pid = rtpenginePid();
  const result: RtpengineLoadResult = { levels: [], largestHeld: 0 };
  try {
    for (const level of [...levels].sort((x, y) => x - y)) {
      const calls: Call[] = [];
      try {
        for (let n = 0; n < level; n++) {
          const a = new Endpoint();
          const b = new Endpoint();
          await a.open();
          await b.open();
          const id = `bench-${level}-${n}`;
          const toB = await ng.sdp('offer', { 'call-id': id, 'from-tag': 'a', sdp: a.sdp() });
          const toA = await ng.sdp('answer', { 'call-id': id, 'from-tag': 'a', 'to-tag': 'b', sdp: b.sdp() });
          // A sends where the answer says (rtpengine's side toward A), B where the offer says.
          a.start(mediaAddress(toA));
          b.start(mediaAddress(toB));
          calls.push({ id, a, b });
        }
        await sleep(2000);
        const ends = calls.flatMap((c) => [c.a.stats, c.b.stats]);
        const before = ends.map((e) => e.snapshot());
        const cpu0 = cpuSeconds(pid);
        const gen0 = process.cpuUsage();
        const t0 = performance.now();
        await sleep(measureMs);
        const seconds = (performance.now() - t0) / 1000;
        const cpu = ((cpuSeconds(pid) - cpu0) / seconds) * 100;
        const gen = process.cpuUsage(gen0);
        const audio = windowAudio(ends, before);
        const entry: RtpengineLevel = {
          calls: level,
          callsHeld: audio.callsHeld,
          cpuPercent: round(cpu, 1),
          cpuPercentPerCall: round(cpu / level, 2),
          rssMB: round(rssBytes(pid) / 2 ** 20, 1),
          generatorCpuPercent: round(((gen.user + gen.system) / 1e6 / seconds) * 100, 1),
          audio: { streams: audio.streams, lossPercent: audio.lossPercent, jitterMs: audio.jitterMs },
          held: audio.held,
        };
        result.levels.push(entry);
        if (entry.held) result.largestHeld = level;
        log(`rtpengine: ${level} calls: ${audio.callsHeld} held, loss ${audio.lossPercent} %, jitter p90 ${audio.jitterMs.p90} ms, rtpengine ${entry.cpuPercent} % CPU`);
      } catch (error) {
        result.error = `at ${level} calls (${calls.length} up): ${(error as Error).message}`;
        break;
      } finally {
        for (const call of calls) {
          call.a.close();
          call.b.close();
          await ng.request('delete', { 'call-id': call.id, 'from-tag': 'a' }).catch(() => undefined);
        }
      }
    }
  } finally {
    ng.close();
  }
  return result;
}
