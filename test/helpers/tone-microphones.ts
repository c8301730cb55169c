// Microphones that sound different, for device tests. Chromium's fake capture devices
// ("Fake Default Audio Input", "Fake Audio Input 1", "Fake Audio Input 2") all play the same
// beep; this page-side shim keeps them (their ids, labels, permissions, enumerateDevices) and
// replaces what each one captures with a steady sine at its own frequency, so the far end
// of a call can tell which microphone it hears. It also lets a test unplug a device: it
// disappears from enumerateDevices and the page gets `devicechange`.
//
// Install it before the websdk loads (top of the test file): it wraps
// navigator.mediaDevices.getUserMedia and Chromium's legacy navigator.webkitGetUserMedia,
// which the websdk's WebRTC adapter calls.

const hidden = new Set<string>();
let ctx: AudioContext | undefined;
let labels = new Map<string, string>();
let installed = false;

/** Replaces each captured audio track by a sine at `tones[label]` Hz (labels not listed keep their sound). */
export function installToneMicrophones(tones: Record<string, number>): void {
  if (installed) return;
  installed = true;
  const devices = navigator.mediaDevices;
  const enumerate = devices.enumerateDevices.bind(devices);
  devices.enumerateDevices = async () => (await enumerate()).filter((d) => !hidden.has(d.deviceId));

  const retune = async (stream: MediaStream): Promise<MediaStream> => {
    for (const track of stream.getAudioTracks()) {
      const id = track.getSettings().deviceId ?? '';
      // Inputs only: Chromium's default input and default output share the id "default".
      if (!labels.has(id)) labels = new Map((await enumerate()).filter((d) => d.kind === 'audioinput').map((d) => [d.deviceId, d.label]));
      const frequency = tones[labels.get(id) ?? ''];
      if (!frequency) continue;
      stream.removeTrack(track);
      track.stop();
      stream.addTrack(sine(frequency));
    }
    return stream;
  };

  const original = devices.getUserMedia.bind(devices);
  devices.getUserMedia = async (constraints?: MediaStreamConstraints) => retune(await original(constraints));

  type Legacy = (c: MediaStreamConstraints, ok: (s: MediaStream) => void, fail: (e: unknown) => void) => void;
  const nav = navigator as Navigator & { webkitGetUserMedia?: Legacy };
  const legacy = nav.webkitGetUserMedia?.bind(navigator);
  if (legacy) {
    nav.webkitGetUserMedia = (constraints, ok, fail) =>
      legacy(constraints, (stream) => void retune(stream).then(ok, fail), fail);
  }
}

/** A steady sine track at `frequency` Hz, half scale. */
function sine(frequency: number): MediaStreamTrack {
  ctx ??= new AudioContext();
  const oscillator = ctx.createOscillator();
  oscillator.frequency.value = frequency;
  const gain = ctx.createGain();
  gain.gain.value = 0.5;
  const destination = ctx.createMediaStreamDestination();
  oscillator.connect(gain).connect(destination);
  oscillator.start();
  const track = destination.stream.getAudioTracks()[0];
  // Stopping the track stops its oscillator too.
  const stop = track.stop.bind(track);
  track.stop = () => {
    stop();
    oscillator.stop();
  };
  return track;
}

/** The id of the capture device labelled `label` (it must be there). */
export async function deviceIdOf(label: string): Promise<string> {
  const device = (await navigator.mediaDevices.enumerateDevices()).find((d) => d.label === label);
  if (!device) throw new Error(`no device labelled ${label}`);
  return device.deviceId;
}

/** Unplugs a device: gone from enumerateDevices, and the page hears `devicechange`. */
export function unplug(deviceId: string): void {
  hidden.add(deviceId);
  navigator.mediaDevices.dispatchEvent(new Event('devicechange'));
}

/** Plugs every unplugged device back in. */
export function plugAllBack(): void {
  hidden.clear();
  navigator.mediaDevices.dispatchEvent(new Event('devicechange'));
}

/**
 * The strongest frequency (Hz) in what `pc` receives, measured with Web Audio over about
 * 200 ms (0 when silent).
 */
export async function dominantFrequency(pc: RTCPeerConnection): Promise<number> {
  const track = pc.getReceivers().find((r) => r.track.kind === 'audio')?.track;
  if (!track) return 0;
  const audio = new AudioContext();
  try {
    const analyser = audio.createAnalyser();
    analyser.fftSize = 8192;
    analyser.smoothingTimeConstant = 0;
    audio.createMediaStreamSource(new MediaStream([track])).connect(analyser);
    await new Promise((resolve) => setTimeout(resolve, 250));
    const bins = new Float32Array(analyser.frequencyBinCount);
    analyser.getFloatFrequencyData(bins);
    const hz = audio.sampleRate / analyser.fftSize;
    let best = -1;
    // 100 Hz - 4 kHz: the tones, above mains hum and below codec artefacts.
    for (let i = Math.ceil(100 / hz); i < 4000 / hz; i++) if (best < 0 || bins[i] > bins[best]) best = i;
    return best >= 0 && bins[best] > -70 ? best * hz : 0;
  } finally {
    await audio.close();
  }
}
