import { expect, fixture, html } from '@open-wc/testing';
import '../src/sip-level-meter.js';
import type { SipLevelMeter } from '../src/sip-level-meter.js';
import { waitFor } from './helpers/media-stats.js';

/** A steady tone as a capture, at `gain` of full scale. */
function tone(gain: number): { stream: MediaStream; stop: () => Promise<void> } {
  const ctx = new AudioContext();
  const oscillator = ctx.createOscillator();
  const level = ctx.createGain();
  level.gain.value = gain;
  const destination = ctx.createMediaStreamDestination();
  oscillator.connect(level).connect(destination);
  oscillator.start();
  return { stream: destination.stream, stop: () => ctx.close() };
}

describe('<sip-level-meter>', () => {
  it('is an empty meter without a stream', async () => {
    const el = await fixture<SipLevelMeter>(html`<sip-level-meter></sip-level-meter>`);
    const meter = el.shadowRoot!.querySelector('[role=meter]')!;
    expect(meter.getAttribute('aria-label')).to.equal('Microphone level');
    expect(meter.getAttribute('aria-valuenow')).to.equal('0');
    expect(el.level).to.equal(0);
    await expect(el).to.be.accessible();
  });

  it('follows the level of the stream: louder is higher, a disabled track reads zero, and it empties when the stream goes', async () => {
    const loud = tone(0.5);
    const quiet = tone(0.01);
    try {
      const el = await fixture<SipLevelMeter>(html`<sip-level-meter .stream=${loud.stream}></sip-level-meter>`);
      await waitFor(() => el.level > 80, 2000, 'a half-scale tone reads high');
      expect(el.shadowRoot!.querySelector('[role=meter]')!.getAttribute('aria-valuenow')).to.equal(String(el.level));
      el.stream = quiet.stream;
      await waitFor(() => el.level > 20 && el.level < 60, 2000, 'a quiet tone (-46 dBFS) reads low');
      quiet.stream.getAudioTracks()[0].enabled = false;
      await waitFor(() => el.level === 0, 2000, 'a disabled track reads zero');
      el.stream = null;
      await el.updateComplete;
      expect(el.level).to.equal(0);
    } finally {
      await loud.stop();
      await quiet.stop();
    }
  });

  it('meters share one audio context: a new stream (a new call) does not make another', async () => {
    const made: AudioContext[] = [];
    const Original = window.AudioContext;
    const sources = [tone(0.5), tone(0.5), tone(0.5)];
    window.AudioContext = class extends Original {
      constructor(options?: AudioContextOptions) {
        super(options);
        made.push(this);
      }
    };
    try {
      const el = await fixture<SipLevelMeter>(html`<sip-level-meter></sip-level-meter>`);
      const other = await fixture<SipLevelMeter>(html`<sip-level-meter .stream=${sources[2]!.stream}></sip-level-meter>`);
      for (const source of sources.slice(0, 2)) {
        el.stream = source.stream;
        await waitFor(() => el.level > 80, 2000, 'the meter reads the tone');
        el.stream = null;
        await el.updateComplete;
      }
      await waitFor(() => other.level > 80, 2000, 'the other meter reads its tone');
      expect(made.length, 'audio contexts the meters made').to.be.at.most(1);
    } finally {
      window.AudioContext = Original;
      for (const source of sources) await source.stop();
    }
  });
});
