import type { ReactiveController, ReactiveControllerHost } from 'lit';

export type Tone = 'ring' | 'ringback';

/** DTMF keys in keypad order: a key's row and column give its two frequencies (Hz). */
const DTMF_KEYS = '123A456B789C*0#D';
const DTMF_ROWS = [697, 770, 852, 941];
const DTMF_COLUMNS = [1209, 1336, 1477, 1633];

/** Frequencies (Hz) and cadence (ms on, ms off, ...) of each tone. */
const TONES: Record<Tone, { freqs: number[]; cadence: number[] }> = {
  // A warble for an incoming call: two short bursts, then a pause.
  ring: { freqs: [400, 450], cadence: [400, 200, 400, 2000] },
  // The North American ringback heard while the far end rings.
  ringback: { freqs: [440, 480], cadence: [2000, 4000] },
};

/**
 * Plays the ring and ringback tones, generated with Web Audio: no audio files to
 * download. `play()` switches tones; `stop()` (or the host leaving the page) silences it.
 * An analyser node sits before the speakers so tests (and a level meter) can read what is
 * actually played.
 */
export class ToneController implements ReactiveController {
  #ctx?: AudioContext;
  #gain?: GainNode;
  #analyser?: AnalyserNode;
  #oscillators: OscillatorNode[] = [];
  #timer?: ReturnType<typeof setTimeout>;
  #tone: Tone | null = null;

  constructor(host: ReactiveControllerHost) {
    host.addController(this);
  }

  /** The tone playing now, if any. */
  get tone(): Tone | null {
    return this.#tone;
  }

  /**
   * Creates (or resumes) the audio context. Call it from a user gesture, such as the
   * Connect click, so that browsers let a later incoming call ring.
   */
  unlock(): void {
    try {
      this.#ctx ??= new AudioContext();
      if (this.#ctx.state === 'suspended') void this.#ctx.resume();
    } catch {
      // No Web Audio here: the phone works without tones.
    }
  }

  play(tone: Tone | null): void {
    if (tone === this.#tone) return;
    this.stop();
    if (!tone) return;
    this.unlock();
    const ctx = this.#ctx;
    if (!ctx) return;
    this.#tone = tone;
    const { freqs, cadence } = TONES[tone];
    this.#analyser = ctx.createAnalyser();
    this.#analyser.fftSize = 1024;
    this.#gain = ctx.createGain();
    this.#gain.gain.value = 0;
    this.#gain.connect(this.#analyser).connect(ctx.destination);
    this.#oscillators = freqs.map((frequency) => {
      const osc = new OscillatorNode(ctx, { frequency });
      osc.connect(this.#gain!);
      osc.start();
      return osc;
    });
    let step = 0;
    const next = () => {
      const on = step % 2 === 0;
      this.#gain?.gain.setValueAtTime(on ? 0.08 : 0, ctx.currentTime);
      this.#timer = setTimeout(next, cadence[step % cadence.length]);
      step++;
    };
    next();
  }

  /** Plays a key's DTMF tone for a moment, as feedback that the key was sent. */
  key(digit: string, ms = 120): void {
    const index = DTMF_KEYS.indexOf(digit.toUpperCase());
    this.unlock();
    const ctx = this.#ctx;
    if (index < 0 || !ctx) return;
    const freqs = [DTMF_ROWS[index >> 2], DTMF_COLUMNS[index & 3]];
    const gain = new GainNode(ctx, { gain: 0.06 });
    gain.connect(ctx.destination);
    const end = ctx.currentTime + ms / 1000;
    for (const frequency of freqs) {
      const osc = new OscillatorNode(ctx, { frequency });
      osc.connect(gain);
      osc.start();
      osc.stop(end);
      osc.onended = () => gain.disconnect();
    }
  }

  stop(): void {
    clearTimeout(this.#timer);
    for (const osc of this.#oscillators) {
      osc.stop();
      osc.disconnect();
    }
    this.#oscillators = [];
    this.#gain?.disconnect();
    this.#analyser?.disconnect();
    this.#gain = this.#analyser = undefined;
    this.#tone = null;
  }

  /** Root-mean-square level of what the tone is playing right now (0 when silent). */
  level(): number {
    if (!this.#analyser) return 0;
    const samples = new Float32Array(this.#analyser.fftSize);
    this.#analyser.getFloatTimeDomainData(samples);
    let sum = 0;
    for (const s of samples) sum += s * s;
    return Math.sqrt(sum / samples.length);
  }

  hostDisconnected(): void {
    this.stop();
    void this.#ctx?.close();
    this.#ctx = undefined;
  }
}
