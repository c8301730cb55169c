// A thin test wrapper around the real @flashphoner/websdk: one `TestPhone` per websdk
// session, recording every session and call event so tests can wait for them and assert
// their order. Several phones can live in one page (they share the websdk singleton).
import Flashphoner, { type WebsdkCall, type WebsdkSession } from '@flashphoner/websdk/flashphoner-webrtc-only.js';
import { trackedPeerConnections, waitFor } from './media-stats.js';
import { framesOf, lastWebSocket, type WireFrame } from './ws-frames.js';

export const { SESSION_STATUS, CALL_STATUS } = Flashphoner.constants;

let initialized: Promise<void> | undefined;
/**
 * Initialises the websdk once per page. `createMicGainNode: false`: by default the websdk
 * routes each microphone capture through a Web Audio gain node held in ONE page-global
 * variable, and releasing any call's local media stops the newest capture's source. With
 * several phones in one page (a transfer: the transferring call ends after the target
 * answered) that silences the other phone's microphone.
 */
export function initWebsdk(): Promise<void> {
  initialized ??= Promise.resolve(Flashphoner.init({ logger: { severity: 'ERROR' }, createMicGainNode: false }));
  return initialized;
}

export interface PhoneOptions {
  url: string;
  login?: string;
  password?: string;
  authenticationName?: string;
  registerRequired?: boolean;
  keepAlive?: boolean;
  authToken?: string;
}

const ALL_SESSION_EVENTS = [
  'CONNECTED',
  'ESTABLISHED',
  'REGISTERED',
  'UNREGISTERED',
  'DISCONNECTED',
  'FAILED',
];
const ALL_CALL_EVENTS = [
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

function display(label: string): HTMLElement {
  const div = document.createElement('div');
  div.dataset['testDisplay'] = label;
  div.style.cssText = 'width:160px;height:120px;display:inline-block;border:1px solid #999';
  document.body.appendChild(div);
  return div;
}

export class TestCall {
  /** Every status the websdk fired for this call, in order. */
  readonly statuses: string[] = [];
  readonly local: HTMLElement;
  readonly remote: HTMLElement;

  constructor(
    readonly call: WebsdkCall,
    readonly phone: TestPhone,
    displays?: { local: HTMLElement; remote: HTMLElement },
  ) {
    this.local = displays?.local ?? display(`${phone.label}-local`);
    this.remote = displays?.remote ?? display(`${phone.label}-remote`);
    for (const event of ALL_CALL_EVENTS) {
      call.on(event, () => {
        this.statuses.push(event);
      });
    }
  }

  get id(): string {
    return this.call.id();
  }

  /** Resolves when `status` has been fired (at least `count` times). */
  async waitStatus(status: string, timeoutMs = 8000, count = 1): Promise<void> {
    await waitFor(
      () => this.statuses.filter((s) => s === status).length >= count,
      timeoutMs,
      `${this.phone.label}: call status ${status} (seen: ${this.statuses.join(', ') || 'none'})`,
    );
  }

  answer(options: { video?: boolean; audio?: boolean | MediaTrackConstraints } = {}): void {
    const video = options.video ?? false;
    this.call.answer({
      localVideoDisplay: this.local,
      remoteVideoDisplay: this.remote,
      receiveAudio: true,
      receiveVideo: video,
      constraints: { audio: options.audio ?? this.phone.audio, video },
    });
  }

  /** The page's RTCPeerConnection that carries this call (found through the remote <video>). */
  peerConnection(): RTCPeerConnection | undefined {
    const video = this.remote.querySelector('video');
    const stream = video?.srcObject;
    if (!(stream instanceof MediaStream)) return undefined;
    const tracks = new Set(stream.getTracks());
    return trackedPeerConnections().find((pc) =>
      pc.signalingState !== 'closed' && pc.getReceivers().some((r) => tracks.has(r.track)),
    );
  }

  /** Waits until the call's peer connection is known and connected. */
  async connectedPeerConnection(timeoutMs = 8000): Promise<RTCPeerConnection> {
    let found: RTCPeerConnection | undefined;
    await waitFor(
      () => {
        found = this.peerConnection();
        return found?.connectionState === 'connected';
      },
      timeoutMs,
      `${this.phone.label}: a connected peer connection for call ${this.id} (state ${found?.connectionState ?? 'none'})`,
    );
    return found!;
  }

  dispose(): void {
    this.local.remove();
    this.remote.remove();
  }
}

export class TestPhone {
  /** Every session status the websdk fired, in order. */
  readonly sessionEvents: string[] = [];
  /** Payloads of the session's WARN events (server `fail` frames). */
  readonly warnings: Array<Record<string, unknown>> = [];
  readonly incoming: TestCall[] = [];
  readonly calls: TestCall[] = [];
  /** Microphone constraints for this phone's calls (`true`: the default microphone). */
  audio: boolean | MediaTrackConstraints = true;
  /** The object of ESTABLISHED (the server's `getUserData`). */
  userData: Record<string, unknown> | undefined;
  readonly session: WebsdkSession;
  /** The session's WebSocket, when `recordWebSocketFrames()` was called first. */
  readonly socket: WebSocket | undefined;

  private constructor(
    readonly label: string,
    options: PhoneOptions,
  ) {
    const sipOptions =
      options.login === undefined
        ? undefined
        : {
            login: options.login,
            password: options.password,
            authenticationName: options.authenticationName,
            registerRequired: options.registerRequired,
          };
    this.session = Flashphoner.createSession({
      urlServer: options.url,
      keepAlive: options.keepAlive,
      authToken: options.authToken,
      sipOptions,
    });
    // The websdk opens its WebSocket synchronously in createSession.
    this.socket = lastWebSocket();
    for (const event of ALL_SESSION_EVENTS) {
      this.session.on(event, (_session: unknown, data: unknown) => {
        this.sessionEvents.push(event);
        if (event === 'ESTABLISHED') this.userData = data as Record<string, unknown>;
      });
    }
    this.session.on('WARN', (data: unknown) => {
      this.warnings.push(data as Record<string, unknown>);
    });
    this.session.on('INCOMING_CALL', (call: WebsdkCall) => {
      const test = new TestCall(call, this);
      this.incoming.push(test);
      this.calls.push(test);
    });
  }

  /**
   * Creates a session and waits for `until` (REGISTERED by default, ESTABLISHED when
   * `registerRequired` is false). Rejects when the session ends first.
   */
  static async connect(label: string, options: PhoneOptions, until?: string): Promise<TestPhone> {
    await initWebsdk();
    const phone = new TestPhone(label, options);
    const target = until ?? (options.registerRequired === false || options.login === undefined ? 'ESTABLISHED' : 'REGISTERED');
    await waitFor(
      () => {
        if (phone.sessionEvents.includes(target)) return true;
        if (phone.sessionEvents.includes('FAILED') || phone.sessionEvents.includes('DISCONNECTED')) {
          throw new Error(`${label}: session ended: ${phone.sessionEvents.join(', ')}`);
        }
        return false;
      },
      8000,
      `${label}: session ${target}`,
    );
    return phone;
  }

  /** Creates a session without waiting for anything. */
  static open(label: string, options: PhoneOptions): Promise<TestPhone> {
    return initWebsdk().then(() => new TestPhone(label, options));
  }

  async waitSession(status: string, timeoutMs = 8000): Promise<void> {
    await waitFor(
      () => this.sessionEvents.includes(status),
      timeoutMs,
      `${this.label}: session status ${status} (seen: ${this.sessionEvents.join(', ') || 'none'})`,
    );
  }

  /** Places a call (audio, or audio+video). */
  call(
    callee: string,
    options: { video?: boolean; audio?: boolean | MediaTrackConstraints; stripCodecs?: string } = {},
  ): TestCall {
    const video = options.video ?? false;
    const audio = options.audio ?? this.audio;
    const local = display(`${this.label}-local`);
    const remote = display(`${this.label}-remote`);
    const createOptions = {
      callee,
      visibleName: `${this.label}`,
      localVideoDisplay: local,
      remoteVideoDisplay: remote,
      constraints: { audio, video },
      receiveAudio: true,
      receiveVideo: video,
      // Codecs removed from the SDP the websdk sends to the server (e.g. 'VP8').
      stripCodecs: options.stripCodecs,
    };
    const call = this.session.createCall(createOptions);
    const test = new TestCall(call, this, { local, remote });
    this.calls.push(test);
    call.call();
    return test;
  }

  /**
   * Calls `callee` on phone `to`, which answers as soon as it rings; resolves with both legs
   * once each is ESTABLISHED.
   */
  async callAnswered(
    to: TestPhone,
    callee: string,
    options: { call?: Parameters<TestPhone['call']>[1]; answer?: Parameters<TestCall['answer']>[0] } = {},
  ): Promise<[TestCall, TestCall]> {
    const out = this.call(callee, options.call);
    const inc = await to.waitIncoming();
    await inc.waitStatus('RING');
    inc.answer(options.answer);
    await out.waitStatus('ESTABLISHED');
    await inc.waitStatus('ESTABLISHED');
    return [out, inc];
  }

  private taken = 0;

  /** The next incoming call not returned yet (waits for it). */
  async waitIncoming(timeoutMs = 8000): Promise<TestCall> {
    const index = this.taken;
    await waitFor(() => this.incoming.length > index, timeoutMs, `${this.label}: incoming call #${index + 1}`);
    this.taken = index + 1;
    return this.incoming[index]!;
  }

  /** Frames the server sent to this session (needs `recordWebSocketFrames()` first). */
  frames(message?: string): WireFrame[] {
    const all = framesOf(this.socket);
    return message ? all.filter((f) => f.message === message) : all;
  }

  disconnect(): void {
    this.session.disconnect();
  }

  /** Disconnects and waits for DISCONNECTED (or FAILED); removes the call displays. */
  async close(): Promise<void> {
    if (!this.sessionEvents.includes('DISCONNECTED') && !this.sessionEvents.includes('FAILED')) {
      this.session.disconnect();
      await waitFor(
        () => this.sessionEvents.includes('DISCONNECTED') || this.sessionEvents.includes('FAILED'),
        5000,
        `${this.label}: disconnect`,
      );
    }
    for (const call of this.calls) call.dispose();
  }
}
