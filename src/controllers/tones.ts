import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { PlayingTone } from './tone-synth.js';

/** An incoming call; a second call ringing in while one is up (soft); the far end ringing. */
export type Tone = 'ring' | 'waiting' | 'ringback';

type Synth = typeof import('./tone-synth.js');

/** An audio context whose output a page can choose (Chromium 110+; not in TypeScript's DOM types yet). */
interface RoutableContext {
  readonly sinkId: string | object;
  setSinkId(sinkId: string): Promise<void>;
}

const routable = (ctx: AudioContext | undefined): ctx is AudioContext & RoutableContext => !!ctx && 'setSinkId' in ctx;

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
  /** The speaker the tones play on ('' : the browser's default). */
  #speaker = '';
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
      if (!this.#ctx) {
        this.#ctx = new AudioContext();
        this.#route();
      }
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

  /**
   * Plays the tones on the speaker the person chose for calls ('' : the browser's default),
   * where the browser lets a page choose an audio context's output (Chromium; not Firefox).
   */
  set speaker(deviceId: string) {
    if (deviceId === this.#speaker) return;
    this.#speaker = deviceId;
    this.#route();
  }

  /** The output the browser plays the tones on, as it reports it ('' : the default; undefined: no context yet, or no choice in this browser). */
  get sinkId(): string | undefined {
    const ctx = this.#ctx;
    return routable(ctx) && typeof ctx.sinkId === 'string' ? ctx.sinkId : undefined;
  }

  #route(): void {
    const ctx = this.#ctx;
    // A speaker that cannot be used (gone meanwhile) leaves the tones where they were.
    if (routable(ctx)) ctx.setSinkId(this.#speaker).catch(() => undefined);
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
