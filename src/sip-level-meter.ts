import { LitElement, css, html, type PropertyValues } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import { addMessages, translate } from './i18n.js';

addMessages('en', { 'meter.label': 'Microphone level' });

/** Below this level (dBFS) the meter shows nothing; 0 dBFS fills it. */
const FLOOR_DB = -60;

/**
 * One audio context for every meter of the page, suspended while no meter listens: making a
 * context costs about 3 ms of main thread, and a meter starts with every call.
 */
let shared: AudioContext | undefined;
let listening = 0;
/** Suspends the context a while after the last meter stopped (not at once: a meter that switches streams starts again at once). */
let idleTimer: ReturnType<typeof setTimeout> | undefined;

function audioContext(): AudioContext {
  clearTimeout(idleTimer);
  shared ??= new AudioContext();
  listening++;
  if (shared.state === 'suspended') void shared.resume();
  return shared;
}

function release(): void {
  if (--listening > 0) return;
  idleTimer = setTimeout(() => {
    if (listening === 0) void shared?.suspend();
  }, 1000);
}

/**
 * A live level meter for a microphone: give it the capture (`stream`) and it shows how loud
 * the first audio track is, about every frame, with Web Audio. A muted (disabled) track
 * reads zero. The meters of a page share one audio context, suspended while none has a
 * stream, so a phone without a call keeps the browser's audio thread idle.
 *
 * @csspart bar - The bar that grows with the level.
 * @cssprop --sip-phone-accent - Colour of the bar.
 * @cssprop --sip-phone-button-bg - Colour of the track behind the bar.
 * @cssprop --sip-phone-border - Border of the track.
 */
@customElement('sip-level-meter')
export class SipLevelMeter extends LitElement {
  static override styles = css`
    :host {
      display: inline-block;
      inline-size: 6rem;
      vertical-align: middle;
    }
    .track {
      block-size: 0.5rem;
      border-radius: 0.25rem;
      overflow: hidden;
      background: var(--sip-phone-button-bg, light-dark(#e8eaed, #2f343b));
      border: 1px solid var(--sip-phone-border, light-dark(#c3c8cf, #4a4f57));
    }
    .bar {
      block-size: 100%;
      background: var(--sip-phone-accent, light-dark(#1e7a46, #5fd08d));
      transform-origin: left;
      transform: scaleX(0);
    }
    @media (forced-colors: active) {
      .bar {
        background: Highlight;
      }
    }
  `;

  /** The capture whose first audio track is measured; none: the meter reads zero. */
  @property({ attribute: false }) stream: MediaStream | null = null;
  /** What the meter measures, for its accessible name. */
  @property() label = translate('en', ['meter.label']);

  @query('.bar') private bar?: HTMLElement;
  @query('.track') private meter?: HTMLElement;

  #level = 0;
  #shown = -1;
  #source?: MediaStreamAudioSourceNode;
  #analyser?: AnalyserNode;
  #samples?: Float32Array<ArrayBuffer>;
  #frame?: number;

  /** The level shown now, 0-100 (0 below -60 dBFS, 100 at full scale). */
  get level(): number {
    return this.#level;
  }

  override render() {
    return html`<div class="track" aria-label=${this.label} aria-valuemin="0" aria-valuemax="100" aria-valuenow="0">
      <div class="bar" part="bar"></div>
    </div>`;
  }

  protected override firstUpdated(): void {
    // ARIA 1.2's meter role, set here: lit-analyzer's list of roles predates it.
    this.meter?.setAttribute('role', 'meter');
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('stream')) this.#listen();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.hasUpdated) this.#listen();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#stop();
  }

  #listen(): void {
    this.#stop();
    const track = this.stream?.getAudioTracks()[0];
    if (!track || !this.isConnected) return;
    let ctx: AudioContext | undefined;
    try {
      ctx = audioContext();
      const analyser = ctx.createAnalyser();
      analyser.fftSize = 1024;
      const source = ctx.createMediaStreamSource(new MediaStream([track]));
      source.connect(analyser);
      this.#analyser = analyser;
      this.#samples = new Float32Array(analyser.fftSize);
      this.#source = source;
    } catch {
      if (ctx) release();
      // No Web Audio here: the meter stays empty.
      return;
    }
    this.#tick();
  }

  #tick = (): void => {
    const analyser = this.#analyser;
    const samples = this.#samples;
    if (!analyser || !samples) return;
    analyser.getFloatTimeDomainData(samples);
    let sum = 0;
    for (const sample of samples) sum += sample * sample;
    const rms = Math.sqrt(sum / samples.length);
    const db = rms > 0 ? 20 * Math.log10(rms) : -Infinity;
    this.#show(Math.round(Math.min(100, Math.max(0, ((db - FLOOR_DB) / -FLOOR_DB) * 100))));
    this.#frame = requestAnimationFrame(this.#tick);
  };

  /** Moves the bar (through the CSSOM: no style attribute, so a strict CSP is fine) and the meter's value. */
  #show(level: number): void {
    this.#level = level;
    if (level === this.#shown) return;
    this.#shown = level;
    if (this.bar) this.bar.style.transform = `scaleX(${level / 100})`;
    this.meter?.setAttribute('aria-valuenow', String(level));
  }

  #stop(): void {
    if (this.#frame !== undefined) cancelAnimationFrame(this.#frame);
    this.#frame = undefined;
    this.#analyser = undefined;
    this.#samples = undefined;
    if (this.#source) {
      this.#source.disconnect();
      this.#source = undefined;
      release();
    }
    this.#show(0);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sip-level-meter': SipLevelMeter;
  }
}
