import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { DeviceOption, DevicesState, PhoneError } from '../call-context.js';
import type { DeviceKind } from '../engine/engine.js';
import { addMessages } from '../i18n.js';

addMessages('en', {
  'device.gone.microphone': (label) => `The microphone ${label ? `"${label}"` : 'in use'} is gone: the phone uses the default microphone now.`,
  'device.gone.speaker': (label) => `The speaker ${label ? `"${label}"` : 'in use'} is gone: the phone uses the default speaker now.`,
  'device.gone.camera': (label) => `The camera ${label ? `"${label}"` : 'in use'} is gone: the phone uses the default camera now.`,
  'device.switch.microphone': (why) => `The phone could not switch the microphone: ${why}`,
  'device.switch.speaker': (why) => `The phone could not switch the speaker: ${why}`,
  'device.switch.camera': (why) => `The phone could not switch the camera: ${why}`,
  'device.micFailed': (why) => `The microphone could not be opened (${why}).`,
});

/** What the controller needs from the phone. */
export interface DevicesAccess {
  devices(): DevicesState;
  update(patch: Partial<DevicesState>): void;
  /** Switches every call up now to a device ('' : the default); resolves when all switched. */
  switchCalls(kind: DeviceKind, deviceId: string): Promise<void>;
  setVolume(volume: number): void;
  /** The microphone test's capture started or stopped. */
  testStream(stream: MediaStream | null): void;
  error(error: PhoneError): void;
  /** The page's presets (the phone's `microphone`, `speaker` and `camera` attributes). */
  preset(kind: DeviceKind): string;
}

/** Where a person's choices are kept, per origin (localStorage). */
export const DEVICES_STORAGE_KEY = 'sip-phone-devices';

interface Remembered {
  microphone?: DeviceOption;
  speaker?: DeviceOption;
  camera?: DeviceOption;
  volume?: number;
}

const LISTS = { microphone: 'microphones', speaker: 'speakers', camera: 'cameras' } as const;
/** Pseudo-devices the browser lists besides the real ones (Chromium's "default" and "communications"). */
const ALIASES = new Set(['default', 'communications', '']);

/**
 * The person's microphone, speaker and camera: lists them (labels once the page may use
 * the microphone), follows devices plugged in and out, remembers the person's choice per
 * origin, and switches the calls up when the choice changes or the chosen device goes. A
 * remembered choice wins over the page's preset; both are matched by id, then by label.
 */
export class DevicesController implements ReactiveController {
  #test?: MediaStream;
  /** The raw list, for the browser's own default ids. */
  #raw: MediaDeviceInfo[] = [];

  constructor(
    host: ReactiveControllerHost,
    private readonly access: DevicesAccess,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    navigator.mediaDevices?.addEventListener('devicechange', this.#changed);
  }

  hostDisconnected(): void {
    navigator.mediaDevices?.removeEventListener('devicechange', this.#changed);
    void this.test(false);
  }

  #changed = (): void => void this.refresh();

  /**
   * Lists the devices again if the last list had one without a label (listed before the page
   * could capture). Once every device is named, 'devicechange' keeps the list current, and a
   * call that connects does not list them again (it costs the browser a camera enumeration
   * while the call's media starts).
   */
  async refreshLabels(): Promise<void> {
    if (this.#raw.length > 0 && this.#raw.every((d) => d.label)) return;
    await this.refresh();
  }

  /** Lists the devices again; a chosen device that is gone falls back to the default, with a message. */
  async refresh(): Promise<void> {
    let devices: MediaDeviceInfo[];
    try {
      devices = (await navigator.mediaDevices?.enumerateDevices()) ?? [];
    } catch {
      return;
    }
    this.#raw = devices;
    // Labels are empty until the page may capture; <sip-devices> numbers those ("Microphone 2").
    const list = (kind: MediaDeviceKind) =>
      devices.filter((d) => d.kind === kind && !ALIASES.has(d.deviceId)).map((d) => ({ id: d.deviceId, label: d.label }));
    const lists = {
      microphones: list('audioinput'),
      speakers: list('audiooutput'),
      cameras: list('videoinput'),
    };
    const before = this.access.devices();
    const patch: { -readonly [K in keyof DevicesState]?: DevicesState[K] } = { ...lists };
    const taken: DeviceKind[] = [];
    const lost: [DeviceKind, DeviceOption][] = [];
    for (const kind of ['microphone', 'speaker', 'camera'] as const) {
      const options = lists[LISTS[kind]];
      if (!this.#settled.has(kind) && options.length > 0) {
        // The first list with ids (the browser hides them until the page may capture): take
        // up the remembered choice, else the page's preset.
        this.#settled.add(kind);
        const remembered = readRemembered()[kind];
        const chosen = match(options, remembered?.id, remembered?.label) ?? match(options, this.access.preset(kind));
        if (chosen && chosen.id !== before[kind]) {
          patch[kind] = chosen.id;
          taken.push(kind);
        }
      } else if (before[kind] && !options.some((o) => o.id === before[kind])) {
        const gone = before[LISTS[kind]].find((o) => o.id === before[kind]);
        patch[kind] = '';
        if (gone) lost.push([kind, gone]);
      }
    }
    const volume = this.#volumeRead ? undefined : clampVolume(readRemembered().volume ?? before.volume);
    this.#volumeRead = true;
    if (volume !== undefined) patch.volume = volume;
    this.access.update(patch);
    if (volume !== undefined && volume !== before.volume) this.access.setVolume(volume);
    for (const kind of taken) await this.#switch(kind, patch[kind] as string);
    for (const [kind, gone] of lost) {
      this.access.error({ code: 'device-lost', text: [`device.gone.${kind}`, gone.label] });
      await this.#switch(kind, '');
    }
  }

  /** Kinds whose remembered choice or preset has been taken up (or that the person chose). */
  #settled = new Set<DeviceKind>();
  #volumeRead = false;

  /** The person chose a device ('' : the browser's default). */
  async choose(kind: DeviceKind, deviceId: string): Promise<void> {
    const state = this.access.devices();
    const option = state[LISTS[kind]].find((o) => o.id === deviceId);
    if (deviceId && !option) return;
    this.#settled.add(kind);
    this.access.update({ [kind]: deviceId });
    remember({ [kind]: option ?? null });
    if (kind === 'microphone' && this.#test) {
      await this.test(false);
      await this.test(true);
    }
    await this.#switch(kind, deviceId);
  }

  setVolume(volume: number): void {
    const value = clampVolume(volume);
    this.access.update({ volume: value });
    remember({ volume: value });
    this.access.setVolume(value);
  }

  /** The device ids a new call uses (only devices that are there now). */
  forCall(): { microphone?: string; camera?: string; speaker?: string; volume: number } {
    const state = this.access.devices();
    const present = (kind: DeviceKind) => {
      const id = state[kind];
      return id && state[LISTS[kind]].some((o) => o.id === id) ? id : undefined;
    };
    return { microphone: present('microphone'), camera: present('camera'), speaker: present('speaker'), volume: state.volume };
  }

  /** Starts (or stops) the microphone test: the chosen microphone, captured for the level meter. */
  async test(on: boolean): Promise<void> {
    if (!on) {
      for (const track of this.#test?.getTracks() ?? []) track.stop();
      if (this.#test) this.access.testStream(null);
      this.#test = undefined;
      this.access.update({ testing: false });
      return;
    }
    if (this.#test) return;
    const microphone = this.forCall().microphone;
    this.access.update({ testing: true });
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: microphone ? { deviceId: { exact: microphone } } : true });
      if (!this.access.devices().testing) {
        for (const track of stream.getTracks()) track.stop();
        return;
      }
      this.#test = stream;
      this.access.testStream(stream);
      // Permission given: the labels can be listed now.
      void this.refresh();
    } catch (error) {
      this.access.update({ testing: false });
      const name = (error as Error).name;
      this.access.error({
        code: 'media-denied',
        text: name === 'NotAllowedError' ? ['engine.micDenied'] : ['device.micFailed', (error as Error).message || name],
      });
    }
  }

  /** Switches the calls up now; the browser's default is named by an id where the engine needs one. */
  async #switch(kind: DeviceKind, deviceId: string): Promise<void> {
    try {
      await this.access.switchCalls(kind, deviceId || this.#defaultId(kind));
    } catch (error) {
      this.access.error({ code: 'device-lost', text: [`device.switch.${kind}`, (error as Error).message] });
    }
  }

  #defaultId(kind: DeviceKind): string {
    const type = kind === 'microphone' ? 'audioinput' : kind === 'speaker' ? 'audiooutput' : 'videoinput';
    const devices = this.#raw.filter((d) => d.kind === type);
    // Chromium names its default "default"; Firefox lists the default first.
    return (devices.find((d) => d.deviceId === 'default') ?? devices[0])?.deviceId ?? '';
  }
}

/** The option whose id is `id`, else the first whose label contains `label` (case-insensitive). */
function match(options: readonly DeviceOption[], id?: string, label = id): DeviceOption | undefined {
  if (!id && !label) return undefined;
  const needle = label?.toLowerCase();
  return options.find((o) => o.id === id) ?? (needle ? options.find((o) => o.label.toLowerCase().includes(needle)) : undefined);
}

function clampVolume(volume: number): number {
  return Number.isFinite(volume) ? Math.min(1, Math.max(0, volume)) : 1;
}

function readRemembered(): Remembered {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(DEVICES_STORAGE_KEY) ?? '{}');
    return typeof value === 'object' && value !== null ? value : {};
  } catch {
    // No storage here (a sandboxed frame, storage blocked): nothing remembered.
    return {};
  }
}

/** Remembers choices (null forgets one). */
function remember(patch: { [K in keyof Remembered]?: Remembered[K] | null }): void {
  try {
    const next: Record<string, unknown> = { ...readRemembered(), ...patch };
    for (const key of Object.keys(next)) if (next[key] === null) delete next[key];
    localStorage.setItem(DEVICES_STORAGE_KEY, JSON.stringify(next));
  } catch {
    // Not remembered: the choice holds for this page.
  }
}
