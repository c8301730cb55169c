// What one end of a call receives, for the load parts: packet count, the highest extended
// sequence number (for loss over a window) and RFC 3550 interarrival jitter, from arrival
// times against RTP timestamps at 48 kHz (Opus).
import { median, percentile, round } from './stats.js';

export class RtpStats {
  packets = 0;
  highest = -1;
  /** Interarrival jitter, in RTP timestamp units (48 per ms). */
  jitter = 0;
  #cycles = 0;
  #lastSeq = -1;
  #lastArrival = 0;
  #lastTs = 0;

  packet(seq: number, timestamp: number, now = performance.now()): void {
    if (this.#lastSeq >= 0 && seq < this.#lastSeq && this.#lastSeq - seq > 0x8000) this.#cycles += 0x10000;
    if (this.packets > 0) {
      const d = (now - this.#lastArrival) * 48 - ((timestamp - this.#lastTs) | 0);
      this.jitter += (Math.abs(d) - this.jitter) / 16;
    }
    this.#lastSeq = seq;
    this.#lastArrival = now;
    this.#lastTs = timestamp;
    this.highest = Math.max(this.highest, this.#cycles + seq);
    this.packets++;
  }

  snapshot(): { packets: number; highest: number } {
    return { packets: this.packets, highest: this.highest };
  }
}

export interface WindowAudio {
  streams: number;
  /** Calls whose both ends received audio in the window (ends 2k and 2k + 1 are call k's). */
  callsHeld: number;
  lossPercent: number;
  /** The worst stream's loss. */
  maxLossPercent: number;
  jitterMs: { median: number; p90: number; max: number };
  /** Every stream received, loss under 1 %, p90 jitter under 30 ms. */
  held: boolean;
}

/** Loss and jitter over a window: `ends` now, against their `before` snapshots. */
export function windowAudio(ends: readonly RtpStats[], before: readonly { packets: number; highest: number }[]): WindowAudio {
  const losses: number[] = [];
  let received = 0;
  let expected = 0;
  let silent = 0;
  ends.forEach((e, i) => {
    const got = e.packets - before[i]!.packets;
    const span = e.highest - before[i]!.highest;
    if (got === 0) silent++;
    received += got;
    expected += Math.max(span, got);
    losses.push(span > 0 ? Math.max(0, 1 - got / span) * 100 : 100);
  });
  const jitters = ends.map((e) => e.jitter / 48);
  const calls = Math.floor(ends.length / 2);
  const callsHeld = Array.from({ length: calls }, (_, k) => k).filter((k) =>
    [2 * k, 2 * k + 1].every((i) => ends[i]!.packets > before[i]!.packets),
  ).length;
  const lossPercent = expected > 0 ? round((1 - received / expected) * 100, 2) : 100;
  const jitterMs = { median: round(median(jitters), 1), p90: round(percentile(jitters, 90), 1), max: round(Math.max(...jitters), 1) };
  return {
    streams: ends.length,
    callsHeld,
    lossPercent,
    maxLossPercent: round(Math.max(...losses), 2),
    jitterMs,
    held: silent === 0 && lossPercent < 1 && jitterMs.p90 < 30,
  };
}
