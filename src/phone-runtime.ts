/**
 * What `<sip-phone>` needs once it connects: the call-state model, the child elements, the
 * engine, the tones, reconnecting and focus. `sip-phone.ts` loads this module on the first
 * connect (or the first call method), so a page that only shows the phone downloads the
 * element's shell and Lit, not this.
 *
 * The runtime owns no DOM of its own: it provides the state to the children through Lit
 * context on the host, feeds `reduce()` with what the engine reports and what a person
 * asks, and carries out the effects it returns.
 */
import type { ReactiveControllerHost } from 'lit';
import {
  activeCall,
  phoneStateContext,
  ringingCall,
  type CallSnapshot,
  type PhoneError,
  type PhoneState,
} from './call-context.js';
import { reduce, type EngineCommand, type Intent, type PhoneAction, type PhoneEffect } from './call-state.js';
import { callStatusText } from './call-text.js';
import { QUALITY_POLL_MS, measureQuality } from './call-quality.js';
import { DevicesController } from './controllers/devices.js';
import { FocusController } from './controllers/focus.js';
import { ReconnectController } from './controllers/reconnect.js';
import { ToneController, type Tone } from './controllers/tones.js';
import type {
  CallStats,
  ConnectOptions,
  DeviceKind,
  DtmfType,
  Engine,
  EngineFactory,
  EngineListener,
  MediaDisplays,
  SessionStatus,
} from './engine/engine.js';
import {
  SipCallQualityEvent,
  SipCallRequestEvent,
  SipCallStatusEvent,
  SipErrorEvent,
  SipIncomingCallEvent,
  SipSessionStatusEvent,
} from './events.js';
import type {
  CallAction,
  SipCallActionEvent,
  SipDeviceChangeEvent,
  SipDialEvent,
  SipDtmfEvent,
  SipMicTestEvent,
  SipTransferEvent,
  SipVolumeChangeEvent,
} from './intent-events.js';
import { addMessages, translate, type Msg } from './i18n.js';
import { ContextProvider } from './parts.js';
import type { ConnectionSettings } from './connect-form.js';

// The runtime's messages, and the engine's (`engine.*`: WcsEngine reports keys, never sentences).
addMessages('en', {
  'error.placeFailed': (why) => `The call could not be placed: ${why}`,
  'config.noUrl': 'Set the WCS URL (the wcs-url attribute) before connecting.',
  'config.badUrl': (url) => `The WCS URL "${url}" is not a valid address; it should look like wss://host:8443.`,
  'config.urlScheme': (url) => `The WCS URL "${url}" must start with ws:// or wss://.`,
  'config.noCallee': 'Set the number this button calls (the callee attribute).',
  'config.noLogin': 'Set the SIP login (the sip-login attribute) before connecting.',
  'config.badPort': (port) => `The SIP port "${port}" is not a port number (1-65535).`,
  'engine.micDenied': 'Microphone access was denied. Allow the microphone and try again.',
  'engine.noMic': 'No microphone was found. Connect one and try again.',
  'engine.mediaFailed': (why) => `The call failed in this browser: ${why}`,
  'engine.noSession': (why) => `The phone could not start a session: ${why}`,
  'engine.throttled': (login) => `Too many failed sign-ins for ${login || 'this account'}: wait a minute, then try again.`,
  'engine.buttonRefused': (why) => `The call server refused this call button: ${why}.`,
  'engine.loginRefused': (login, why) =>
    `The server refused the login for ${login || 'this account'}: ${why}. Check the login and password.`,
  'engine.lost': 'The connection to the call server was lost.',
  'engine.unreachable': (url) => `Could not reach the call server at ${url}.`,
  'engine.closed': (url) => `The call server at ${url} closed the connection.`,
  'engine.answerFailed': (why) => `The call could not be answered: ${why}`,
});

/** The element the runtime works for (its public properties, and the controller host API). */
export interface RuntimeHostElement extends HTMLElement, ReactiveControllerHost, ConnectionSettings {
  engineFactory: EngineFactory;
  dtmfType: DtmfType;
  noReconnect: boolean;
  authToken: string;
  autoAnswer: boolean;
  autoAnswerDelay: number;
  video: boolean;
  mode: string;
  appKey: string;
  callee: string;
  microphone: string;
  speaker: string;
  camera: string;
}

/** What the element lets its runtime read and change. */
export interface RuntimeAccess {
  state(): PhoneState;
  setState(state: PhoneState): void;
  announce(text: string): void;
  /** Where the websdk puts a call's media elements. */
  displays(): MediaDisplays;
  /** The configuration the state model needs (login, callee, ...). */
  configuration(): Extract<PhoneAction, { type: 'configure' }>;
}

/** How long a call rings out before the ringback tone starts. */
const RINGBACK_DELAY_MS = 150;
/** The longest a render waits while a call is set up (#settingUp). */
const RENDER_WAIT_MS = 100;

/** The next animation frame, or 50 ms when the page gets no frames (a background tab). */
function nextFrame(): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 50);
    requestAnimationFrame(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export class PhoneRuntime {
  /** The ring, call-waiting and ringback tones. */
  readonly tones: ToneController;
  readonly #reconnect: ReconnectController;
  readonly #provider: ContextProvider<typeof phoneStateContext>;
  #engine?: Engine;
  #enginePromise?: Promise<Engine>;
  /** Bumped on every connect/disconnect, so callbacks from an older session are ignored. */
  #generation = 0;
  /** The session came up since the last connect(): losing it now means reconnecting. */
  #wasUp = false;
  readonly #focus: FocusController;
  readonly #devices: DevicesController;
  /** Polls the active call's statistics while it is connected. */
  #qualityTimer?: ReturnType<typeof setInterval>;
  /** The last statistics read of each call, for the next interval's figures. */
  #lastStats = new Map<string, CallStats>();
  /** The microphone test's capture, while it runs. */
  #testStream: MediaStream | null = null;

  constructor(
    private readonly host: RuntimeHostElement,
    private readonly access: RuntimeAccess,
  ) {
    this.#provider = new ContextProvider(host, { context: phoneStateContext, initialValue: access.state() });
    this.tones = new ToneController(host);
    this.#focus = new FocusController(host);
    this.#reconnect = new ReconnectController(host, {
      scheduled: (attempt, delayMs) => this.dispatch({ type: 'reconnect-scheduled', attempt, delayMs }),
      retry: () => void this.#open(true),
    });
    this.#devices = new DevicesController(host, {
      devices: () => this.access.state().devices,
      update: (devices) => this.dispatch({ type: 'devices', devices }),
      switchCalls: async (kind, deviceId) => {
        const engine = this.#engine;
        if (!engine) return;
        await Promise.all(this.access.state().calls.map((c) => engine.setDevice(c.id, kind, deviceId)));
        this.#showMicrophone();
      },
      setVolume: (volume) => {
        for (const call of this.access.state().calls) this.#engine?.setVolume(call.id, volume);
      },
      testStream: (stream) => {
        this.#testStream = stream;
        this.#showMicrophone();
      },
      error: (error) => this.dispatch({ type: 'fail', error }),
      preset: (kind) => host[kind],
    });
    host.addController({ hostDisconnected: () => this.#stopQuality() });
    this.dispatch(access.configuration());
  }

  /** The login of the session (made or being made): the phone shows it until the next connect, whatever the page sets meanwhile. */
  sessionLogin?: string;

  get connected(): boolean {
    const s = this.access.state().session;
    return s === 'ESTABLISHED' || s === 'REGISTERED';
  }

  /** Seconds until a waiting reconnect (0 when none waits). */
  get reconnectSeconds(): number {
    return this.#reconnect.secondsLeft;
  }

  async connect(): Promise<void> {
    if (this.#reconnect.pending) {
      this.#reconnect.now();
      return;
    }
    const session = this.access.state().session;
    if (session === 'CONNECTING' || this.connected) return;
    this.#wasUp = false;
    this.tones.unlock();
    await this.#open(false);
  }

  disconnect(): void {
    this.#reconnect.reset();
    this.#wasUp = false;
    this.dispatch({ type: 'disconnect' });
    this.#engine?.disconnect();
    this.#generation++;
  }

  intent(intent: Intent): void {
    this.dispatch({ type: 'intent', intent });
  }

  /**
   * The "Call us" button (mode click-to-call): connects, calls the fixed callee once the
   * session is up, and disconnects after the call ends (#afterChange).
   */
  async clickToCall(): Promise<void> {
    if (this.access.state().calls.length > 0) return;
    if (this.connected) {
      this.intent({ type: 'dial', number: this.host.callee, video: false });
      return;
    }
    this.#dialWhenUp = true;
    await this.connect();
  }

  /** Click-to-call: the session is being made for a call, placed as soon as it is up. */
  #dialWhenUp = false;

  dispatch(action: PhoneAction): void {
    const before = this.access.state();
    const wasSettingUp = this.#settingUp();
    const { state, effects } = reduce(before, action, performance.now());
    this.#setState(state);
    for (const effect of effects) this.#run(effect);
    // The ring, the ringback and the keys play where the calls do.
    this.tones.speaker = this.access.state().devices.speaker;
    this.#afterChange(before, this.access.state());
    if (!this.#settingUp()) this.#settled?.();
    else if (!wasSettingUp) this.#setUpSince = performance.now();
  }

  #settled?: () => void;
  /** When the call being set up was placed or answered (performance.now()). */
  #setUpSince = 0;

  /**
   * A call is being set up: answered and not connected yet, or placed and not answered yet.
   * The websdk is getting the microphone and making its SDP, the server is passing the call
   * on, the far end is answering.
   */
  #settingUp(): boolean {
    const call = activeCall(this.access.state());
    if (call?.status === 'PENDING') return true;
    return call?.direction === 'outgoing' && (call.status === 'TRYING' || call.status === 'RING');
  }

  /**
   * When the phone may render: at the next frame (state changes close together render once),
   * and, in the first RENDER_WAIT_MS of a call's setup (#settingUp), once the call connects or
   * fails. A frame then (style, layout, paint, and the browser's and the GPU's share of it)
   * takes CPU from the websdk, the browser and the server in the middle of the setup: on the
   * bench's 2-core machine, the renders of TRYING and RING made the widget's setup about 5 %
   * slower than the websdk's alone. A person still sees the call within RENDER_WAIT_MS (and a
   * frame) of the click: as "Calling", or at once as connected. Events are not delayed: they
   * fire as the state changes.
   */
  async renderSlot(): Promise<void> {
    // Not even a frame is asked for meanwhile: a frame runs the page's lifecycle.
    await this.#setUp();
    await nextFrame();
    // A call placed while the phone waited for the frame.
    await this.#setUp();
  }

  /** Resolves once no call is being set up, or RENDER_WAIT_MS after the setup began. */
  async #setUp(): Promise<void> {
    const wait = this.#setUpSince + RENDER_WAIT_MS - performance.now();
    if (!this.#settingUp() || wait <= 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, wait);
      this.#settled = done;
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
    });
    this.#settled = undefined;
  }

  // ---- what the children ask (their events reach the host) ---------------------------

  onDial = (e: SipDialEvent): void => {
    e.stopPropagation();
    if (!this.host.dispatchEvent(new SipCallRequestEvent(e.detail.number))) return;
    this.intent({ type: 'dial', number: e.detail.number, video: e.detail.video });
  };

  onDtmf = (e: SipDtmfEvent): void => {
    e.stopPropagation();
    this.intent({ type: 'dtmf', digits: e.detail.digits });
  };

  onTransfer = (e: SipTransferEvent): void => {
    e.stopPropagation();
    this.intent({ type: 'transfer', target: e.detail.target });
  };

  onDeviceChange = (e: SipDeviceChangeEvent): void => {
    e.stopPropagation();
    void this.#devices.choose(e.detail.kind, e.detail.deviceId);
  };

  onVolumeChange = (e: SipVolumeChangeEvent): void => {
    e.stopPropagation();
    this.#devices.setVolume(e.detail.volume);
  };

  onMicTest = (e: SipMicTestEvent): void => {
    e.stopPropagation();
    void this.#devices.test(e.detail.on);
  };

  /** Lists the devices again (the settings panel opens). */
  refreshDevices(): Promise<void> {
    return this.#devices.refresh();
  }

  /** Chooses a device by id ('' : the browser's default), as if the person had picked it. */
  chooseDevice(kind: DeviceKind, deviceId: string): Promise<void> {
    return this.#devices.choose(kind, deviceId);
  }

  onAction = (e: SipCallActionEvent): void => {
    e.stopPropagation();
    const { callId } = e.detail;
    const intents: Record<CallAction, Intent> = {
      answer: { type: 'answer', callId, video: false },
      'answer-video': { type: 'answer', callId, video: true },
      'camera-off': { type: 'camera', off: true },
      'camera-on': { type: 'camera', off: false },
      decline: { type: 'decline', callId },
      hangup: { type: 'hangup', callId },
      mute: { type: 'mute', muted: true },
      unmute: { type: 'mute', muted: false },
      hold: { type: 'hold', held: true },
      unhold: { type: 'hold', held: false },
      swap: { type: 'resume', callId },
      resume: { type: 'resume', callId },
    };
    this.intent(intents[e.detail.action]);
  };

  /**
   * Keys pressed while the phone has focus: Escape declines a call ringing in; digits
   * (outside a text field) are sent as DTMF in a call.
   */
  onKeydown = (e: KeyboardEvent): void => {
    const ringing = ringingCall(this.access.state());
    if (e.key === 'Escape' && ringing) {
      e.preventDefault();
      this.intent({ type: 'decline', callId: ringing.id });
      return;
    }
    if (activeCall(this.access.state())?.status !== 'ESTABLISHED' || e.ctrlKey || e.metaKey || e.altKey) return;
    if (!/^[0-9*#]$/.test(e.key)) return;
    if (e.composedPath().some((node) => node instanceof HTMLInputElement)) return;
    e.preventDefault();
    this.intent({ type: 'dtmf', digits: e.key });
  };

  // ---- effects -----------------------------------------------------------------------

  #setState(state: PhoneState): void {
    this.access.setState(state);
  }

  /** `msg` in the phone's language. */
  text(msg: Msg): string {
    return translate(this.access.state().lang, msg);
  }

  /** What the phone says about a call (the last-call line). */
  callText(call: CallSnapshot): Msg {
    return callStatusText(call);
  }

  /** Hands the children the state the phone renders now (the phone calls this as it updates). */
  provide(state: PhoneState): void {
    this.#provider.setValue(state);
  }

  #run(effect: PhoneEffect): void {
    const host = this.host;
    switch (effect.kind) {
      case 'engine':
        this.#command(effect.command);
        return;
      case 'session-status':
        host.dispatchEvent(new SipSessionStatusEvent(effect.detail));
        return;
      case 'call-status':
        host.dispatchEvent(new SipCallStatusEvent(effect.detail));
        return;
      case 'incoming-call':
        host.dispatchEvent(new SipIncomingCallEvent(effect.detail));
        return;
      case 'call-quality':
        host.dispatchEvent(new SipCallQualityEvent(effect.detail));
        return;
      case 'error':
        host.dispatchEvent(SipErrorEvent.of(effect.error, this.access.state().lang));
        return;
      case 'announce':
        this.access.announce(this.text(effect.text));
        return;
    }
  }

  #command(command: EngineCommand): void {
    const engine = this.#engine;
    if (!engine) return;
    switch (command.op) {
      case 'call': {
        const { number, video } = command;
        try {
          const visibleName = this.sessionLogin;
          const call = engine.call(number, { displays: this.access.displays(), video, visibleName, ...this.#devices.forCall() });
          this.dispatch({ type: 'placed', call, video });
        } catch (error) {
          this.dispatch({ type: 'fail', error: { code: 'call-failed', text: ['error.placeFailed', (error as Error).message] } });
        }
        return;
      }
      case 'answer':
        engine.answer(command.callId, { displays: this.access.displays(), video: command.video, ...this.#devices.forCall() });
        return;
      case 'hangup':
        engine.hangup(command.callId);
        return;
      case 'mute':
        engine.setMuted(command.callId, command.muted);
        return;
      case 'hold':
        if (command.held) engine.hold(command.callId);
        else engine.unhold(command.callId);
        return;
      case 'camera':
        engine.setCameraOff(command.callId, command.off);
        return;
      case 'dtmf':
        engine.sendDtmf(command.callId, command.digits, this.host.dtmfType === 'INFO' ? 'INFO' : 'RFC2833');
        this.tones.key(command.digits.at(-1)!);
        return;
      case 'transfer':
        engine.transfer(command.callId, command.target);
        return;
    }
  }

  /**
   * Tones and focus follow the calls: ring, call waiting, ringback; focus to Answer when a
   * call rings (only when focus is in the phone: never taken from the page), to Hangup for a call
   * placed or answered, to the number field when the last call ends.
   */
  #afterChange(before: PhoneState, after: PhoneState): void {
    if (before.calls === after.calls && before.activeCallId === after.activeCallId) return;
    this.#followActiveCall(before, after);
    const ringing = ringingCall(after);
    const active = activeCall(after);
    let tone: Tone | null = null;
    if (ringing) tone = after.calls.length > 1 ? 'waiting' : 'ring';
    else if (active?.direction === 'outgoing' && active.status === 'RING') tone = 'ringback';
    // The ringback waits a moment: a call answered at once plays none (and keeps the main
    // thread free while it connects).
    this.tones.play(tone, tone === 'ringback' ? RINGBACK_DELAY_MS : 0);
    const newRing = ringing && ringingCall(before)?.id !== ringing.id;
    if (newRing && after.calls.length === 1) {
      this.#autoAnswer(ringing.id);
      void this.#focus.move('answer');
    }
    if (active && active.id !== before.activeCallId) void this.#focus.move('hangup');
    if (after.calls.length === 0 && before.calls.length > 0) {
      void this.#focus.move('number');
      // The "Call us" button's session was for that call.
      if (this.host.mode === 'click-to-call' && this.connected) queueMicrotask(() => this.disconnect());
    }
  }

  /**
   * `auto-answer`: a call ringing in while no other call is up is answered after
   * `auto-answer-delay` seconds (with video when the phone allows it), unless it stopped
   * ringing by then. A waiting call is never answered on its own: it would hold the call in
   * progress.
   */
  #autoAnswer(callId: string): void {
    const host = this.host;
    if (!host.autoAnswer) return;
    const delay = Number.isFinite(host.autoAnswerDelay) && host.autoAnswerDelay > 0 ? host.autoAnswerDelay * 1000 : 0;
    setTimeout(() => {
      if (host.autoAnswer) this.intent({ type: 'answer', callId, video: host.video });
    }, delay);
  }

  /**
   * The microphone meter and the quality polling follow the active call: a call that has just
   * connected shows its capture (and lists the devices again: the page may capture now, so
   * their labels are known) and is polled every QUALITY_POLL_MS while connected.
   */
  #followActiveCall(before: PhoneState, after: PhoneState): void {
    const active = activeCall(after);
    const connected = active?.status === 'ESTABLISHED';
    if (connected && activeCall(before)?.status !== 'ESTABLISHED') {
      // A call needs the microphone: the test gives it up.
      if (this.#testStream) void this.#devices.test(false);
      // The page may capture now: the devices get their labels.
      void this.#devices.refreshLabels();
    }
    this.#showMicrophone();
    for (const id of this.#lastStats.keys()) if (!after.calls.some((c) => c.id === id)) this.#lastStats.delete(id);
    if (connected && this.#qualityTimer === undefined) {
      this.#qualityTimer = setInterval(() => void this.#pollQuality(), QUALITY_POLL_MS);
    } else if (!connected) {
      this.#stopQuality();
    }
  }

  /** Shows the level of the active call's microphone, else the microphone test's, else none. */
  #showMicrophone(): void {
    const active = activeCall(this.access.state());
    const up = active?.status === 'ESTABLISHED' || active?.status === 'HOLD';
    const stream = up ? (this.#engine?.media(active.id).local ?? null) : this.#testStream;
    this.dispatch({ type: 'mic-stream', stream });
  }

  /** A reading of the statistics is under way (a slow one must not overlap the next poll's). */
  #polling = false;

  async #pollQuality(): Promise<void> {
    const call = activeCall(this.access.state());
    if (!call || call.status !== 'ESTABLISHED' || !this.#engine || this.#polling) return;
    this.#polling = true;
    let stats: CallStats | null;
    try {
      stats = await this.#engine.stats(call.id);
    } finally {
      this.#polling = false;
    }
    if (!stats) return;
    const before = this.#lastStats.get(call.id);
    this.#lastStats.set(call.id, stats);
    this.dispatch({ type: 'quality', callId: call.id, quality: measureQuality(stats, before) });
  }

  #stopQuality(): void {
    clearInterval(this.#qualityTimer);
    this.#qualityTimer = undefined;
  }

  // ---- the session ------------------------------------------------------------------

  /** Opens a session: a person's or the page's connect(), or a reconnect (`resume`). */
  async #open(resume: boolean): Promise<void> {
    const options = this.#connectOptions();
    if ('code' in options) {
      this.#reconnect.reset();
      this.dispatch({ type: 'fail', error: options });
      void this.#focus.move('invalid');
      return;
    }
    const generation = ++this.#generation;
    this.sessionLogin = options.login;
    this.dispatch({ type: 'connect' });
    let engine: Engine;
    try {
      engine = await this.#loadEngine();
    } catch (error) {
      if (generation !== this.#generation) return;
      this.#sessionChanged('FAILED', {
        code: 'engine-unavailable',
        text: ['error.noEngine', (error as Error).message],
      });
      return;
    }
    if (generation !== this.#generation) return;
    const resumeToken = resume && !options.authToken ? engine.authToken : undefined;
    engine.connect({ ...options, keepAlive: true, resumeToken }, this.#listener(generation));
  }

  #listener(generation: number): EngineListener {
    const live = () => generation === this.#generation;
    return {
      sessionStatus: (status, failure) => live() && this.#sessionChanged(status, failure),
      incomingCall: (call) => live() && this.dispatch({ type: 'incoming', call }),
      callStatus: (call, status, reason, failure) =>
        live() && this.dispatch({ type: 'call-status', callId: call.id, status, reason, failure }),
      transferFailed: (call, reason) => live() && this.dispatch({ type: 'transfer-failed', callId: call.id, reason }),
      mediaFailed: (call) => live() && this.dispatch({ type: 'media-failed', callId: call.id }),
    };
  }

  #sessionChanged(status: SessionStatus, failure?: PhoneError): void {
    if (status === 'ESTABLISHED') {
      this.#wasUp = true;
      void this.#devices.refresh();
    }
    const wasConnected = this.connected;
    this.dispatch({ type: 'session', status, failure });
    if (this.connected && !wasConnected) void this.#focus.move('number');
    // A setting was refused: the form is back, with focus on the field to correct.
    if (failure?.field) void this.#focus.move('invalid');
    if (this.connected) {
      this.#reconnect.reset();
      if (this.#dialWhenUp) {
        this.#dialWhenUp = false;
        this.intent({ type: 'dial', number: this.host.callee, video: false });
      }
      return;
    }
    this.#dialWhenUp = false;
    // A click-to-call session exists for one call: nothing to reconnect to.
    if (this.host.mode === 'click-to-call') {
      this.#reconnect.reset();
      return;
    }
    const lost = status === 'DISCONNECTED' || status === 'FAILED';
    // A refused login is not retried: the same credentials would be refused again.
    const retry = lost && this.#wasUp && !this.host.noReconnect && failure?.code !== 'registration-failed';
    if (retry) this.#reconnect.schedule();
    else if (lost) this.#reconnect.reset();
  }

  /** Checks the attributes and turns them into engine options, or says what is wrong. */
  #connectOptions(): ConnectOptions | PhoneError {
    const host = this.host;
    const invalid = (field: string, ...text: Msg): PhoneError => ({ code: 'invalid-config', text, field });
    const url = host.wcsUrl.trim();
    if (!url) return invalid('wcs-url', 'config.noUrl');
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return invalid('wcs-url', 'config.badUrl', url);
    }
    if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') return invalid('wcs-url', 'config.urlScheme', url);
    if (host.mode === 'click-to-call') {
      // The server assigns the caller: no login, no password (none is read), no registration.
      if (!host.callee.trim()) return invalid('callee', 'config.noCallee');
      return { url, appKey: host.appKey.trim() || undefined, register: false };
    }
    if (!host.authToken && !host.sipLogin.trim()) return invalid('sip-login', 'config.noLogin');
    const portText = String(host.sipPort ?? '').trim();
    const port = portText === '' ? 5060 : Number(portText);
    if (!Number.isInteger(port) || port < 1 || port > 65535) return invalid('sip-port', 'config.badPort', portText);
    return {
      url,
      login: host.sipLogin.trim() || undefined,
      authName: host.sipAuthName.trim() || host.sipLogin.trim() || undefined,
      password: host.sipPassword,
      domain: host.sipDomain.trim() || parsed.hostname,
      outboundProxy: host.sipOutboundProxy.trim() || parsed.hostname,
      port,
      register: !host.noRegister,
      authToken: host.authToken || undefined,
    };
  }

  async #loadEngine(): Promise<Engine> {
    if (this.#engine) return this.#engine;
    this.#enginePromise ??= this.host.engineFactory();
    try {
      this.#engine = await this.#enginePromise;
    } catch (error) {
      this.#enginePromise = undefined;
      throw error;
    }
    return this.#engine;
  }
}

