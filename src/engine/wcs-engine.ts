/**
 * The websdk adapter: the only module that imports `@flashphoner/websdk`. `<sip-phone>`
 * imports this module lazily, on the first connect, so a page that never connects never
 * downloads the websdk.
 *
 * Besides translating, it covers for what the websdk leaves to its caller:
 * - dead connections: it asks the websdk to ping the server and to give up on a socket
 *   that stays silent (`pingInterval`, `receiveProbes`), so a half-open connection ends;
 * - calls of a lost session: the websdk keeps their peer connections and microphone
 *   tracks; the adapter releases them as soon as the session goes;
 * - hangups the websdk would not send (a call still NEW or PENDING): they wait for the
 *   call's first status, then go to the server;
 * - a local failure to answer (no microphone): the call is declined toward the server;
 * - media that fails while signalling is fine: each call's peer connection is watched;
 * - keep-alive sessions: a lost session is resumed with its token when the server still
 *   knows it, or signed in afresh.
 */
import Flashphoner, {
  type SessionOptions,
  type WebsdkCall,
  type WebsdkLogger,
  type WebsdkSession,
} from '@flashphoner/websdk/flashphoner-webrtc-only.js';
import type {
  CallMedia,
  CallOptions,
  CallStats,
  CallStatus,
  ConnectOptions,
  DeviceKind,
  DtmfType,
  Engine,
  EngineCall,
  EngineFailure,
  EngineListener,
} from './engine.js';

const { SESSION_STATUS, CALL_STATUS, ERROR_INFO } = Flashphoner.constants;

/** The call statuses the adapter forwards (the websdk fires each as an event). */
const FORWARDED: CallStatus[] = [
  'TRYING',
  'RING',
  'RING_MEDIA',
  'SESSION_PROGRESS',
  'ESTABLISHED',
  'HOLD',
  'BUSY',
  'FINISH',
  'FAILED',
];

/**
 * Keepalive: the websdk pings the server every PING_INTERVAL_MS (WCS and the local gateway
 * answer `pong`), and gives up on the socket after PROBES checks PROBE_INTERVAL_MS apart
 * without any frame: a dead or half-open connection is found within about 12 s.
 */
export const KEEPALIVE = { pingInterval: 4000, receiveProbes: 3, probesInterval: 4000 } as const;
/** How long the adapter waits for a call's first status before hanging up locally anyway. */
const HANGUP_WAIT_MS = 5000;
/** How long a call's connection may stay "disconnected" before it counts as failed. */
const MEDIA_DISCONNECTED_MS = 5000;

let initialized: Promise<void> | undefined;
/** Initialises the websdk once per page (it is a singleton), quietly. */
function initWebsdk(): Promise<void> {
  // createMicGainNode: by default the websdk keeps one microphone gain node per page, and
  // ending any call silences the newest capture: with two phones (or a transfer) on one
  // page, the other call would go mute.
  initialized ??= Promise.resolve(Flashphoner.init({ logger: { severity: 'WARN' }, createMicGainNode: false })).then(
    stopLogBuffering,
  );
  return initialized;
}

/**
 * The websdk's logger keeps every line it logs, at every level (debug included, whatever
 * severity is shown), in an array it only empties when it pushes its logs to the server
 * (`session.startDebug()`, which the phone never calls). Every call adds its lines (each
 * frame received, the device lists, ...): the page grew by about 6 KB per call without
 * bound (endurance bench: +1.46 MB of heap after 200 calls, still rising linearly).
 * Lines are now dropped unless pushing is on; what the console shows is unchanged.
 */
export function stopLogBuffering(): void {
  const logger = Flashphoner.getLogger();
  const push = logger?.pushLogs;
  if (!logger || typeof push !== 'function') return;
  logger.pushLogs = function (this: WebsdkLogger, line: string) {
    if (this.enablePushLogs && this.wsConnection) push.call(this, line);
  };
}

/** Turns a local media error from the websdk into a code and a message key. */
export function mediaFailure(message: string): EngineFailure {
  if (/denied|not ?allowed|permission/i.test(message)) return { code: 'media-denied', text: ['engine.micDenied'] };
  if (/not ?found|no device|requested device/i.test(message)) return { code: 'media-denied', text: ['engine.noMic'] };
  return { code: 'call-failed', text: ['engine.mediaFailed', message] };
}

/**
 * Every RTCPeerConnection the page creates from now on, so that a call's connection state
 * can be watched: the websdk creates each call's connection itself and gives no access to
 * it. Installed once, on the first call: `window.RTCPeerConnection` becomes a subclass
 * that only remembers its instances (weakly); instanceof, statics and behaviour are the
 * native ones. (Stats cannot replace this: Firefox's transport and candidate-pair stats
 * keep saying "connected" after ICE consent is lost.)
 */
const peerConnections = new Set<WeakRef<RTCPeerConnection>>();
let recording = false;
function recordPeerConnections(): void {
  if (recording || typeof window.RTCPeerConnection !== 'function') return;
  recording = true;
  const Native = window.RTCPeerConnection;
  class Recorded extends Native {
    constructor(...args: ConstructorParameters<typeof RTCPeerConnection>) {
      super(...args);
      peerConnections.add(new WeakRef(this));
    }
  }
  Object.defineProperty(window, 'RTCPeerConnection', { value: Recorded, writable: true, configurable: true });
}

/** The open peer connection that receives `stream`'s tracks (a call's remote media). */
function peerConnectionReceiving(stream: MediaStream): RTCPeerConnection | undefined {
  const tracks = new Set(stream.getTracks());
  for (const ref of peerConnections) {
    const pc = ref.deref();
    if (!pc || pc.signalingState === 'closed') {
      peerConnections.delete(ref);
      continue;
    }
    if (pc.getReceivers().some((receiver) => tracks.has(receiver.track))) return pc;
  }
  return undefined;
}

/**
 * Watches a call's peer connection once it is up: `failed`, or `disconnected` for
 * MEDIA_DISCONNECTED_MS, is reported once as a media failure.
 */
class MediaWatch {
  #pc?: RTCPeerConnection;
  #timer?: ReturnType<typeof setTimeout>;
  #stopped = false;

  constructor(
    private readonly remote: HTMLElement | undefined,
    private readonly callId: string,
    private readonly onFailed: () => void,
  ) {
    this.#find(20);
  }

  /** Finds the call's connection; its remote media may arrive just after ESTABLISHED, so looks again a few times. */
  #find(tries: number): void {
    if (this.#stopped) return;
    // The websdk plays the call's remote media in a <video id="CALLID-remote"> inside the display.
    const video = this.remote?.querySelector<HTMLVideoElement>(`[id="${CSS.escape(`${this.callId}-remote`)}"]`);
    const stream = video?.srcObject;
    this.#pc = stream instanceof MediaStream ? peerConnectionReceiving(stream) : undefined;
    if (!this.#pc) {
      if (tries > 1) this.#timer = setTimeout(() => this.#find(tries - 1), 250);
      return;
    }
    this.#timer = undefined;
    this.#pc.addEventListener('connectionstatechange', this.#check);
    this.#check();
  }

  #check = (): void => {
    const state = this.#pc?.connectionState;
    if (this.#stopped || !state) return;
    if (state === 'failed') {
      this.#fail();
    } else if (state === 'disconnected') {
      this.#timer ??= setTimeout(() => this.#fail(), MEDIA_DISCONNECTED_MS);
    } else {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
  };

  #fail(): void {
    if (this.#stopped) return;
    this.stop();
    this.onFailed();
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#pc?.removeEventListener('connectionstatechange', this.#check);
  }
}

/** The websdk's capture constraints: always objects, since its device switches write into them. */
function constraints(options: CallOptions): { audio: MediaTrackConstraints; video: MediaTrackConstraints | false } {
  const device = (id?: string): MediaTrackConstraints => (id ? { deviceId: { exact: id } } : {});
  return { audio: device(options.microphone), video: options.video ? device(options.camera) : false };
}

/** The `<video>` the websdk made for a call's local or remote media (`CALLID-local` / `CALLID-remote`). */
function videoOf(tracked: Tracked | undefined, side: 'local' | 'remote'): HTMLVideoElement | null {
  const display = tracked?.displays?.[side];
  return display?.querySelector<HTMLVideoElement>(`[id="${CSS.escape(`${tracked!.info.id}-${side}`)}"]`) ?? null;
}

function streamOf(video: HTMLVideoElement | null): MediaStream | null {
  return video?.srcObject instanceof MediaStream ? video.srcObject : null;
}

function usePlayback(tracked: Tracked, options: CallOptions): void {
  tracked.displays = options.displays;
  tracked.speaker = options.speaker;
  tracked.volume = options.volume;
}

/**
 * Plays a call on its speaker at its volume: on the websdk's remote `<video>` (the websdk's
 * own `setVolume` does nothing until the remote stream is attached; the element keeps both).
 */
async function applyPlayback(tracked: Tracked): Promise<void> {
  const video = videoOf(tracked, 'remote');
  if (!video) return;
  if (tracked.volume !== undefined) video.volume = Math.min(1, Math.max(0, tracked.volume));
  if (tracked.speaker !== undefined && 'setSinkId' in video && video.sinkId !== tracked.speaker) {
    await video.setSinkId(tracked.speaker);
  }
}

/** The inbound audio figures of a stats report (and the round trip: RTCP, else ICE). */
export function audioStats(report: RTCStatsReport): CallStats | null {
  let inbound: Record<string, unknown> | undefined;
  let rtt: number | undefined;
  let pairRtt: number | undefined;
  report.forEach((entry: Record<string, unknown>) => {
    const kind = entry['kind'] ?? entry['mediaType'];
    if (entry['type'] === 'inbound-rtp' && kind === 'audio') inbound = entry;
    else if (entry['type'] === 'remote-inbound-rtp' && kind === 'audio' && typeof entry['roundTripTime'] === 'number') {
      rtt = entry['roundTripTime'];
    } else if (entry['type'] === 'candidate-pair' && entry['nominated'] && typeof entry['currentRoundTripTime'] === 'number') {
      pairRtt = entry['currentRoundTripTime'];
    }
  });
  if (!inbound) return null;
  const number = (key: string) => {
    const value = inbound![key];
    return typeof value === 'number' ? value : 0;
  };
  const roundTripTime = rtt ?? pairRtt;
  return {
    packetsReceived: number('packetsReceived'),
    packetsLost: number('packetsLost'),
    jitter: number('jitter'),
    ...(roundTripTime !== undefined ? { roundTripTime } : {}),
  };
}

interface Tracked {
  info: EngineCall;
  call: WebsdkCall;
  /** Where the websdk shows the call's local and remote media. */
  displays?: CallOptions['displays'];
  /** The speaker and volume to play the call with, once its remote media is there. */
  speaker?: string;
  volume?: number;
  /** The phone ended this call: nothing more is reported for it. */
  ended: boolean;
  /** An answer is under way; if it fails here, the call is declined toward the server. */
  answering: boolean;
  /** A hangup waiting for the call's first status (the websdk sends none before it). */
  hangupTimer?: ReturnType<typeof setTimeout>;
  watch?: MediaWatch;
  /** The person muted this call's microphone. */
  muted: boolean;
  /** The call is on hold here: its microphone is off whatever the server relays. */
  held: boolean;
}

/** Statuses in which the websdk's `hangup()` tells the server nothing. */
const SILENT_HANGUP = new Set(['NEW', 'PENDING']);

export class WcsEngine implements Engine {
  #session?: WebsdkSession;
  #calls = new Map<string, Tracked>();
  /** Reason phrases the server sent in `fail` frames, by call id. */
  #reasons = new Map<string, string>();
  #authToken?: string;
  #listener?: EngineListener;

  get authToken(): string | undefined {
    return this.#authToken;
  }

  connect(options: ConnectOptions, listener: EngineListener): void {
    this.disconnect();
    this.#listener = listener;
    void initWebsdk()
      .then(() => this.#open(options, listener, options.resumeToken))
      .catch((error: Error) => {
        listener.sessionStatus('FAILED', {
          code: 'engine-unavailable',
          text: ['engine.noSession', error.message],
        });
      });
  }

  /** Opens a session: resuming `resumeToken` when given, else with the options' token or credentials. */
  #open(options: ConnectOptions, listener: EngineListener, resumeToken?: string): void {
    let established = false;
    let refusal: string | undefined;
    const token = resumeToken ?? options.authToken;
    const sessionOptions: SessionOptions = {
      urlServer: options.url,
      timeout: 10_000,
      keepAlive: !!options.keepAlive,
      ...KEEPALIVE,
      ...(options.appKey ? { appKey: options.appKey } : {}),
      ...(token
        ? { authToken: token }
        : options.appKey && !options.login
          ? {}
          : {
            sipOptions: {
              login: options.login,
              authenticationName: options.authName,
              password: options.password,
              domain: options.domain,
              outboundProxy: options.outboundProxy,
              port: options.port,
              registerRequired: options.register,
            },
          }),
    };
    const session = Flashphoner.createSession(sessionOptions);
    this.#session = session;
    // After disconnect() (or a new connect()) this session's callbacks are stale.
    const current = () => this.#session === session;
    const refused = (): EngineFailure => ({
      code: 'registration-failed',
      ...(options.login ? { field: 'sip-password' } : {}),
      reason: refusal,
      text: /too many requests/i.test(refusal ?? '')
        ? ['engine.throttled', options.login ?? '']
        : options.appKey && !options.login
          ? ['engine.buttonRefused', refusal ?? '']
          : ['engine.loginRefused', options.login ?? '', refusal ?? ''],
    });
    const ended = (status: 'DISCONNECTED' | 'FAILED') => {
      if (!current()) return;
      this.#session = undefined;
      this.#releaseCalls();
      if (resumeToken && !established && refusal && options.login) {
        // The server no longer knows the lost session (its token was refused): sign in afresh.
        this.#open(options, listener);
        return;
      }
      if (refusal) {
        listener.sessionStatus('FAILED', refused());
      } else if (established) {
        listener.sessionStatus(status, { code: 'connection-lost', text: ['engine.lost'] });
      } else {
        listener.sessionStatus(status, {
          code: 'server-unreachable',
          field: 'wcs-url',
          text: [status === 'FAILED' ? 'engine.unreachable' : 'engine.closed', options.url],
        });
      }
    };
    session
      .on(SESSION_STATUS.ESTABLISHED, (_s: WebsdkSession, connection?: { authToken?: string }) => {
        established = true;
        if (!current()) return;
        this.#authToken = connection?.authToken ?? this.#authToken;
        listener.sessionStatus('ESTABLISHED');
      })
      .on(SESSION_STATUS.REGISTERED, () => current() && listener.sessionStatus('REGISTERED'))
      .on(SESSION_STATUS.WARN, (obj: { apiMethod?: string; callId?: string; info?: string } = {}) => {
        const tracked = obj.callId ? this.#calls.get(obj.callId) : undefined;
        if (obj.apiMethod === 'transfer' && tracked) listener.transferFailed(tracked.info, obj.info || 'refused');
        else if (obj.callId && obj.info) this.#reasons.set(obj.callId, obj.info);
        else if (obj.apiMethod === 'connection' || obj.apiMethod === 'registration') refusal = obj.info ?? 'refused';
      })
      .on(SESSION_STATUS.DISCONNECTED, () => ended('DISCONNECTED'))
      .on(SESSION_STATUS.FAILED, () => ended('FAILED'))
      .on(SESSION_STATUS.INCOMING_CALL, (call: WebsdkCall) => {
        if (!current()) return;
        const info: EngineCall = {
          id: call.id(),
          direction: 'incoming',
          remote: call.caller(),
          visibleName: call.visibleName() || call.caller(),
        };
        this.#track(info, call);
        listener.incomingCall(info);
      });
  }

  disconnect(): void {
    const session = this.#session;
    this.#session = undefined;
    this.#releaseCalls();
    session?.disconnect();
  }

  call(callee: string, options: CallOptions): EngineCall {
    if (!this.#session) throw new Error('the phone is not connected');
    recordPeerConnections();
    const video = !!options.video;
    const call = this.#session.createCall({
      callee,
      visibleName: options.visibleName,
      localVideoDisplay: options.displays.local,
      remoteVideoDisplay: options.displays.remote,
      constraints: constraints(options),
      receiveAudio: true,
      receiveVideo: video,
    });
    const info: EngineCall = { id: call.id(), direction: 'outgoing', remote: callee };
    usePlayback(this.#track(info, call), options);
    call.call();
    return info;
  }

  answer(callId: string, options: CallOptions): void {
    const tracked = this.#calls.get(callId);
    if (!tracked || tracked.ended) return;
    const video = !!options.video;
    recordPeerConnections();
    tracked.answering = true;
    usePlayback(tracked, options);
    try {
      tracked.call.answer({
        localVideoDisplay: options.displays.local,
        remoteVideoDisplay: options.displays.remote,
        receiveAudio: true,
        receiveVideo: video,
        constraints: constraints(options),
      });
    } catch (error) {
      this.#listener?.callStatus(tracked.info, 'FAILED', undefined, {
        code: 'call-failed',
        text: ['engine.answerFailed', (error as Error).message],
      });
      this.hangup(callId);
    }
  }

  hangup(callId: string): void {
    const tracked = this.#calls.get(callId);
    if (!tracked || tracked.ended) return;
    tracked.ended = true;
    tracked.watch?.stop();
    if (SILENT_HANGUP.has(tracked.call.status())) {
      // The websdk would only fail the call here: wait for its first status (RING for a
      // call ringing in, TRYING for one going out), which makes `hangup()` reach the server.
      tracked.hangupTimer = setTimeout(() => this.#finish(tracked), HANGUP_WAIT_MS);
      return;
    }
    this.#finish(tracked);
  }

  setMuted(callId: string, muted: boolean): void {
    const tracked = this.#calls.get(callId);
    if (!tracked) return;
    tracked.muted = muted;
    this.#applyMicrophone(tracked);
  }

  /**
   * A call's microphone is on unless the person muted it or the call is held. Holding
   * turns it off here too: a SIP server that only relays media (or a far end that ignores
   * `sendonly`) would otherwise carry what the person says on another call to the held party.
   */
  #applyMicrophone(tracked: Tracked): void {
    if (tracked.muted || tracked.held) tracked.call.muteAudio();
    else tracked.call.unmuteAudio();
  }

  setCameraOff(callId: string, off: boolean): void {
    const call = this.#calls.get(callId)?.call;
    if (off) call?.muteVideo();
    else call?.unmuteVideo();
  }

  hold(callId: string): void {
    const tracked = this.#calls.get(callId);
    if (!tracked) return;
    tracked.held = true;
    this.#applyMicrophone(tracked);
    tracked.call.hold();
  }

  unhold(callId: string): void {
    const tracked = this.#calls.get(callId);
    if (!tracked) return;
    tracked.held = false;
    this.#applyMicrophone(tracked);
    tracked.call.unhold();
  }

  sendDtmf(callId: string, digits: string, type: DtmfType): void {
    this.#calls.get(callId)?.call.sendDTMF(digits, type);
  }

  transfer(callId: string, target: string): void {
    this.#calls.get(callId)?.call.transfer(target);
  }

  async setDevice(callId: string, kind: DeviceKind, deviceId: string): Promise<void> {
    const tracked = this.#calls.get(callId);
    if (!tracked) return;
    if (kind === 'speaker') {
      tracked.speaker = deviceId;
      await applyPlayback(tracked);
      return;
    }
    // The websdk captures the device anew and replaces the sent track (no renegotiation);
    // the new track keeps the old one's mute. With a single device it has nothing to switch.
    const media = this.media(callId).local;
    if (!media) return;
    const current = (kind === 'microphone' ? media.getAudioTracks() : media.getVideoTracks())[0];
    if (!current || current.getSettings().deviceId === deviceId) return;
    try {
      await (kind === 'microphone' ? tracked.call.switchMic(deviceId) : tracked.call.switchCam(deviceId));
    } catch (error) {
      throw new Error(typeof error === 'string' ? error : (error as Error).message);
    }
  }

  setVolume(callId: string, volume: number): void {
    const tracked = this.#calls.get(callId);
    if (!tracked) return;
    tracked.volume = volume;
    void applyPlayback(tracked);
  }

  media(callId: string): CallMedia {
    const tracked = this.#calls.get(callId);
    return { local: streamOf(videoOf(tracked, 'local')), remote: streamOf(videoOf(tracked, 'remote')) };
  }

  async stats(callId: string): Promise<CallStats | null> {
    const remote = this.media(callId).remote;
    const pc = remote ? peerConnectionReceiving(remote) : undefined;
    if (!pc) return null;
    return audioStats(await pc.getStats());
  }

  /**
   * Forgets a call and, unless `release` is false (the call is over and the websdk freed it),
   * hangs it up in the websdk, which tells the server and closes the call's media.
   */
  #finish(tracked: Tracked, release = true): void {
    clearTimeout(tracked.hangupTimer);
    tracked.hangupTimer = undefined;
    tracked.watch?.stop();
    tracked.ended = true;
    this.#calls.delete(tracked.info.id);
    this.#reasons.delete(tracked.info.id);
    if (!release) return;
    try {
      tracked.call.hangup();
    } catch {
      // Already released by the websdk.
    }
  }

  /** The session is gone: every call's media (peer connection, microphone) goes with it. */
  #releaseCalls(): void {
    for (const tracked of [...this.#calls.values()]) this.#finish(tracked);
  }

  #track(info: EngineCall, call: WebsdkCall): Tracked {
    const tracked: Tracked = { info, call, ended: false, answering: false, muted: false, held: false };
    const listener = this.#listener;
    if (!listener) return tracked;
    this.#calls.set(info.id, tracked);
    for (const status of FORWARDED) {
      call.on(CALL_STATUS[status] ?? status, () => this.#status(tracked, status, listener));
    }
    return tracked;
  }

  #status(tracked: Tracked, status: CallStatus, listener: EngineListener): void {
    const { info, call } = tracked;
    // Like FINAL_CALL_STATUSES; not imported, so that this lazy chunk shares no module
    // with the main bundle (see rollup.config.mjs).
    const final = status === 'FINISH' || status === 'FAILED' || status === 'BUSY';
    if (tracked.ended) {
      // A hangup that waited for the call's first status can reach the server now.
      if (tracked.hangupTimer !== undefined) this.#finish(tracked, !final);
      return;
    }
    let failure: EngineFailure | undefined;
    if (status === 'FAILED' && call.getInfo() === ERROR_INFO.LOCAL_ERROR) {
      failure = mediaFailure(call.getErrorInfo() ?? 'unknown error');
    }
    const reason = this.#reasons.get(info.id);
    if (status === 'ESTABLISHED' && !tracked.watch) {
      tracked.watch = new MediaWatch(tracked.displays?.remote, info.id, () => {
        if (!tracked.ended) listener.mediaFailed(info);
      });
      void applyPlayback(tracked);
    }
    if (final) {
      tracked.watch?.stop();
      this.#calls.delete(info.id);
      this.#reasons.delete(info.id);
      // The answer failed here (no microphone): decline toward the server, so the caller
      // stops ringing. And the websdk closes a call's media only when it was the session's
      // last call: with another call up, release this one's here.
      const declineToServer = status === 'FAILED' && failure !== undefined && tracked.answering;
      if (declineToServer || this.#calls.size > 0) this.#finish(tracked);
    }
    listener.callStatus(info, status, reason, failure);
  }
}
