/**
 * Call quality from receive statistics: packet loss, jitter and round trip over the last
 * interval, turned into a mean opinion score with a simplified E-model (ITU-T G.107, in the
 * form of Cole and Rosenbluth, "Voice over IP performance monitoring", 2001) and rated good,
 * fair or poor. Pure functions; `PhoneRuntime` polls the engine and feeds them.
 */
import type { CallQuality, QualityRating } from './call-context.js';
import type { CallStats } from './engine/engine.js';

/** How often a connected call's statistics are read. */
export const QUALITY_POLL_MS = 2000;
/** How long the rating stays poor before the person is told. */
export const POOR_WARNING_MS = 4000;

/**
 * Loss robustness of the codec, the E-model's Bpl: how fast the impairment grows with random
 * loss. Opus with packet-loss concealment does better than G.711's 25.1 (G.113 Appendix I);
 * 20 is a cautious figure for Opus without in-band FEC.
 */
const BPL = 20;
/** Delay the network figures do not show: packetisation, jitter buffer and codec look-ahead, in ms. */
const FIXED_DELAY_MS = 40;

export type QualityFigures = Omit<CallQuality, 'poorSince' | 'warned'>;

/**
 * The quality over the interval since `before` (the previous reading of the same call; none
 * for the first reading, which then covers the call so far).
 */
export function measureQuality(now: CallStats, before?: CallStats): QualityFigures {
  const received = Math.max(0, now.packetsReceived - (before?.packetsReceived ?? 0));
  // packetsLost can go down (late packets, duplicates): the interval then lost none.
  const lost = Math.max(0, now.packetsLost - (before?.packetsLost ?? 0));
  const expected = received + lost;
  const packetLoss = expected > 0 ? (100 * lost) / expected : 0;
  const jitterMs = now.jitter * 1000;
  const roundTripMs = now.roundTripTime !== undefined ? now.roundTripTime * 1000 : undefined;
  const mos = meanOpinionScore(packetLoss, jitterMs, roundTripMs ?? 0);
  return {
    rating: rate(mos),
    mos: Math.round(mos * 100) / 100,
    packetLoss: Math.round(packetLoss * 10) / 10,
    jitterMs: Math.round(jitterMs * 10) / 10,
    ...(roundTripMs !== undefined ? { roundTripMs: Math.round(roundTripMs) } : {}),
  };
}

/** The E-model's R factor turned into a MOS, for `lossPercent`, jitter and round trip in ms. */
export function meanOpinionScore(lossPercent: number, jitterMs: number, roundTripMs: number): number {
  // One-way delay: half the round trip, the jitter buffer (about twice the jitter), the rest.
  const delay = roundTripMs / 2 + 2 * jitterMs + FIXED_DELAY_MS;
  const delayImpairment = 0.024 * delay + (delay > 177.3 ? 0.11 * (delay - 177.3) : 0);
  const lossImpairment = (95 * lossPercent) / (lossPercent + BPL);
  const r = Math.min(100, Math.max(0, 93.2 - delayImpairment - lossImpairment));
  return 1 + 0.035 * r + 7e-6 * r * (r - 60) * (100 - r);
}

/** good: MOS 4.0 and up (R about 80: most users satisfied); fair: 3.6 and up (R 70); poor below. */
export function rate(mos: number): QualityRating {
  return mos >= 4 ? 'good' : mos >= 3.6 ? 'fair' : 'poor';
}
