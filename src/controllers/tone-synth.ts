// The Web Audio synthesis behind ToneController, in its own module so that the bundle loads it
// lazily (dist/tone-synth.js): a page that shows the phone but never rings does not download it,
// and the code needed to render the tag stays inside its size budget. Imports nothing.
import type { Tone } from './tones.js';

/** DTMF keys in keypad order: a key's row and column give its two frequencies (Hz). */
const DTMF_KEYS = '123A456B789C*0#D';
const DTMF_ROWS = [697, 770, 852, 941];
const DTMF_COLUMNS = [1209, 1336, 1477, 1633];

/** Frequencies (Hz) and cadence (ms on, ms off, ...) of each tone. */
const TONES: Record<Tone, { freqs: number[]; cadence: number[]; gain?: number }> = {
  // A warble for an incoming call: two short bursts, then a pause.
  ring: { freqs: [400, 450], cadence: [400, 200, 400, 2000] },
  // Call waiting, heard over a call in progress: two soft beeps every few seconds.
  waiting: { freqs: [440], cadence: [250, 150, 250, 4000], gain: 0.04 },
  // The North American ringback heard while the far end rings.
  ringback: { freqs: [440, 480], cadence: [2000, 4000] },
};

/** A tone that is playing. */
export interface PlayingTone {
  /** Root-mean-square level of what is played right now (0 in a pause). */
  level(): number;
  stop(): void;
}

/**
 * Starts a call-progress tone on `ctx`, repeating its cadence until stopped. An analyser sits
 * before the speakers so that tests (and a level meter) can read what is actually played.
 */
export function startTone(ctx: AudioContext, tone: Tone): PlayingTone {
  const { freqs, cadence, gain: level = 0.08 } = TONES[tone];
  const analyser = new AnalyserNode(ctx, { fftSize: 1024 });
  const gain = new GainNode(ctx, { gain: 0 });
  gain.connect(analyser).connect(ctx.destination);
  const oscillators = freqs.map((frequency) => {
    const osc = new OscillatorNode(ctx, { frequency });
    osc.connect(gain);
    osc.start();
    return osc;
  });
  let step = 0;
  let timer: ReturnType<typeof setTimeout>;
  const next = (): void => {
    gain.gain.setValueAtTime(step % 2 === 0 ? level : 0, ctx.currentTime);
    timer = setTimeout(next, cadence[step++ % cadence.length]);
  };
  next();
  return {
    level() {
      const samples = new Float32Array(analyser.fftSize);
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const s of samples) sum += s * s;
      return Math.sqrt(sum / samples.length);
    },
    stop() {
      clearTimeout(timer);
      for (const osc of oscillators) {
        osc.stop();
        osc.disconnect();
      }
      gain.disconnect();
      analyser.disconnect();
    },
  };
}

/** Plays a key's DTMF tone (its row and column frequencies) for `ms` milliseconds. */
export function playKey(ctx: AudioContext, digit: string, ms: number): void {
  const index = DTMF_KEYS.indexOf(digit.toUpperCase());
  if (index < 0) return;
  const gain = new GainNode(ctx, { gain: 0.06 });
  gain.connect(ctx.destination);
  const end = ctx.currentTime + ms / 1000;
  for (const frequency of [DTMF_ROWS[index >> 2], DTMF_COLUMNS[index & 3]]) {
    const osc = new OscillatorNode(ctx, { frequency });
    osc.connect(gain);
    osc.start();
    osc.stop(end);
    osc.onended = () => gain.disconnect();
  }
}
