// A scripted engine for component tests: it records what the phone asks for and lets a
// test play the server's side (statuses, incoming calls, failures). End-to-end tests use
// the real websdk engine against the gateway instead.
import type {
  CallMedia,
  CallOptions,
  CallStats,
  CallStatus,
  DeviceKind,
  ConnectOptions,
  DtmfType,
  Engine,
  EngineCall,
  EngineFailure,
  EngineListener,
  SessionStatus,
} from '../src/engine/engine.js';

export class FakeEngine implements Engine {
  listener?: EngineListener;
  connectOptions?: ConnectOptions;
  /** Every method the phone called, in order, e.g. `['connect', 'call 10006']`. */
  log: string[] = [];
  lastCallOptions?: CallOptions;
  authToken?: string;
  #next = 0;

  connect(options: ConnectOptions, listener: EngineListener): void {
    this.connectOptions = options;
    this.listener = listener;
    this.log.push('connect');
  }
  disconnect(): void {
    this.log.push('disconnect');
  }
  call(callee: string, options: CallOptions): EngineCall {
    this.lastCallOptions = options;
    this.log.push(`call ${callee}`);
    return { id: `out-${++this.#next}`, direction: 'outgoing', remote: callee };
  }
  answer(callId: string, options: CallOptions): void {
    this.lastCallOptions = options;
    this.log.push(`answer ${callId}`);
  }
  hangup(callId: string): void {
    this.log.push(`hangup ${callId}`);
  }
  setMuted(callId: string, muted: boolean): void {
    this.log.push(`${muted ? 'mute' : 'unmute'} ${callId}`);
  }
  setCameraOff(callId: string, off: boolean): void {
    this.log.push(`camera ${off ? 'off' : 'on'} ${callId}`);
  }
  hold(callId: string): void {
    this.log.push(`hold ${callId}`);
  }
  unhold(callId: string): void {
    this.log.push(`unhold ${callId}`);
  }
  sendDtmf(callId: string, digits: string, type: DtmfType): void {
    this.log.push(`dtmf ${callId} ${digits} ${type}`);
  }
  transfer(callId: string, target: string): void {
    this.log.push(`transfer ${callId} ${target}`);
  }
  setDevice(callId: string, kind: DeviceKind, deviceId: string): Promise<void> {
    this.log.push(`device ${callId} ${kind} ${deviceId}`);
    return Promise.resolve();
  }
  setVolume(callId: string, volume: number): void {
    this.log.push(`volume ${callId} ${volume}`);
  }
  /** What media() answers, by call id (a test sets it). */
  callMedia = new Map<string, CallMedia>();
  media(callId: string): CallMedia {
    return this.callMedia.get(callId) ?? { local: null, remote: null };
  }
  /** What stats() answers next, by call id (a test sets it). */
  callStats = new Map<string, CallStats>();
  stats(callId: string): Promise<CallStats | null> {
    return Promise.resolve(this.callStats.get(callId) ?? null);
  }

  // ---- the server's side ----
  session(status: SessionStatus, failure?: EngineFailure): void {
    this.listener!.sessionStatus(status, failure);
  }
  ringIn(caller: string, id = `in-${++this.#next}`): EngineCall {
    const call: EngineCall = { id, direction: 'incoming', remote: caller, visibleName: caller };
    this.listener!.incomingCall(call);
    return call;
  }
  transferFailed(callId: string, reason: string): void {
    this.listener!.transferFailed({ id: callId, direction: 'outgoing', remote: '' }, reason);
  }
  mediaFailed(callId: string): void {
    this.listener!.mediaFailed({ id: callId, direction: 'outgoing', remote: '' });
  }
  status(call: EngineCall | string, status: CallStatus, reason?: string, failure?: EngineFailure): void {
    const c = typeof call === 'string' ? { id: call, direction: 'outgoing' as const, remote: '' } : call;
    this.listener!.callStatus(c, status, reason, failure);
  }
}
