import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { PlayingTone } from './tone-synth.js';

/** An incoming call; a second call ringing in while one is up (soft); the far end ringing. */
export type Tone = 'ring' | 'waiting' | 'ringback';

type Synth = typeof import('./tone-synth.js');

/**
 * Plays the ring, call-waiting and ringback tones and the keypad's DTMF feedback, generated with Web Audio:
 * no audio files to download. `play()` switches tones; `stop()` (or the host leaving the page)
 * silences it. The synthesis itself (./tone-synth.ts) is loaded on first use, so the code a page
 * needs to render the phone stays small; `unlock()`, called on the Connect click, starts that
 * load, so the first ring does not wait for it.
 */
export class ToneController implements ReactiveController {
  #ctx?: AudioContext;
  #synth?: Promise<Synth | undefined>;
  #playing?: PlayingTone;
  #tone: Tone | null = null;
  /** Bumped by every play() and stop(): a tone whose synthesis arrives late plays only if still wanted. */
  #generation = 0;
  #delay?: ReturnType<typeof setTimeout>;
  #sleep?: ReturnType<typeof setTimeout>;

  constructor(host: ReactiveControllerHost) {
    host.addController(this);
  }

  /** The tone playing now (or about to, while its synthesis loads), if any. */
  get tone(): Tone | null {
    return this.#tone;
  }

  /**
   * Creates (or resumes) the audio context and starts loading the synthesis. Call it from a
   * user gesture, such as the Connect click, so that browsers let a later incoming call ring.
   */
  unlock(): void {
    try {
      this.#ctx ??= new AudioContext();
      if (this.#ctx.state === 'suspended') void this.#ctx.resume();
    } catch {
      // No Web Audio here: the phone works without tones.
    }
    // A failed load (the chunk unreachable) leaves the phone silent but working.
    this.#synth ??= import('./tone-synth.js').catch(() => undefined);
    this.#sleepSoon();
  }

  /**
   * A running AudioContext keeps the browser's audio thread busy and slows what waits on the
   * audio devices (the websdk enumerates them before every call: 1 ms became 3 ms). Between
   * tones the context is suspended; the page's first gesture (Connect) lets it resume later.
   */
  #sleepSoon(): void {
    clearTimeout(this.#sleep);
    this.#sleep = setTimeout(() => {
      if (!this.#tone && this.#ctx?.state === 'running') void this.#ctx.suspend();
    }, 500);
  }

  /**
   * Plays `tone` (null: silence), after `delayMs` when given: a ringback that starts a moment
   * late is not heard as late, and a call answered within that moment costs no audio work.
   */
  play(tone: Tone | null, delayMs = 0): void {
    if (tone === this.#tone) return;
    this.stop();
    if (!tone) return;
    this.#tone = tone;
    const start = () => this.#withSynth((synth, ctx) => (this.#playing = synth.startTone(ctx, tone)));
    if (delayMs <= 0) {
      start();
      return;
    }
    const generation = this.#generation;
    this.#delay = setTimeout(() => generation === this.#generation && start(), delayMs);
  }

  /** Plays a key's DTMF tone for a moment, as feedback that the key was sent. */
  key(digit: string, ms = 120): void {
    this.#withSynth((synth, ctx) => synth.playKey(ctx, digit, ms), false);
    this.#sleepSoon();
  }

  stop(): void {
    clearTimeout(this.#delay);
    this.#generation++;
    this.#playing?.stop();
    this.#playing = undefined;
    this.#tone = null;
    if (this.#ctx) this.#sleepSoon();
  }

  /** Root-mean-square level of what the tone is playing right now (0 when silent). */
  level(): number {
    return this.#playing?.level() ?? 0;
  }

  hostDisconnected(): void {
    this.stop();
    clearTimeout(this.#sleep);
    void this.#ctx?.close();
    this.#ctx = undefined;
  }

  /** Runs `use` once the synthesis is loaded, unless (when `cancelable`) play() or stop() came since. */
  #withSynth(use: (synth: Synth, ctx: AudioContext) => void, cancelable = true): void {
    this.unlock();
    const generation = this.#generation;
    void this.#synth!.then((synth) => {
      const ctx = this.#ctx;
      if (synth && ctx && (!cancelable || generation === this.#generation)) use(synth, ctx);
    });
  }
}
