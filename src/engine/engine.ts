import type { Msg } from '../i18n.js';

/**
 * The engine interface: everything the `<sip-phone>` UI needs from a call server, and
 * nothing more. The elements depend on this module only; `wcs-engine.ts` implements it
 * with `@flashphoner/websdk`, and component tests implement it with a scripted fake.
 */

/** Session statuses the UI distinguishes (the websdk's names, plus the phone's own IDLE and CONNECTING). */
export type SessionStatus =
  | 'IDLE'
  | 'CONNECTING'
  | 'ESTABLISHED'
  | 'REGISTERED'
  | 'DISCONNECTED'
  | 'FAILED';

/** Call statuses, with the websdk's names. */
export type CallStatus =
  | 'NEW'
  | 'PENDING'
  | 'TRYING'
  | 'RING'
  | 'RING_MEDIA'
  | 'SESSION_PROGRESS'
  | 'ESTABLISHED'
  | 'HOLD'
  | 'BUSY'
  | 'FINISH'
  | 'FAILED';

/** Statuses after which a call is over. */
export const FINAL_CALL_STATUSES: ReadonlySet<CallStatus> = new Set(['FINISH', 'FAILED', 'BUSY']);

export type CallDirection = 'incoming' | 'outgoing';

/** Why something failed, as a machine-readable code. */
export type ErrorCode =
  | 'invalid-config'
  | 'engine-unavailable'
  | 'server-unreachable'
  | 'registration-failed'
  | 'connection-lost'
  | 'media-denied'
  | 'media-failed'
  | 'call-failed'
  | 'busy'
  | 'transfer-failed'
  | 'invalid-number'
  | 'invalid-dtmf'
  | 'invalid-state'
  | 'device-lost';

export interface ConnectOptions {
  /** WebSocket URL of the call server, ws:// or wss://. */
  url: string;
  login?: string;
  authName?: string;
  password?: string;
  domain?: string;
  outboundProxy?: string;
  port?: number;
  /** Register the login so that the session can receive calls. */
  register: boolean;
  /** A token from an earlier session, used instead of credentials. */
  authToken?: string;
  /**
   * The server-side application key (WCS's `appKey`): with one and no login, the server
   * decides the caller's identity and whom it may call (a "Call us" button); no credentials
   * are sent.
   */
  appKey?: string;
  /**
   * Ask the server to keep this session (and its registration) for a while after the
   * connection drops, so that `resumeToken` can take it up again.
   */
  keepAlive?: boolean;
  /**
   * The token of a session that was lost: the engine first tries to resume it, and signs in
   * afresh with the credentials when the server no longer knows it.
   */
  resumeToken?: string;
}

/** Where a call's media is shown: the websdk puts its `<video>` elements inside these. */
export interface MediaDisplays {
  local: HTMLElement;
  remote: HTMLElement;
}

/** The person's devices: microphone and camera to capture, speaker to play the call on. */
export type DeviceKind = 'microphone' | 'camera' | 'speaker';

export interface CallOptions {
  displays: MediaDisplays;
  video?: boolean;
  visibleName?: string;
  /** Device ids to use (the browser's default when absent). */
  microphone?: string;
  camera?: string;
  speaker?: string;
  /** Output volume, 0-1 (1 when absent). */
  volume?: number;
}

/** A call's media as the page sees it: what is captured here and what arrives. */
export interface CallMedia {
  local: MediaStream | null;
  remote: MediaStream | null;
}

/** Receive statistics of a call's audio, cumulative since the call began. */
export interface CallStats {
  packetsReceived: number;
  packetsLost: number;
  /** Interarrival jitter, in seconds. */
  jitter: number;
  /** Round-trip time to the server's media endpoint, in seconds, when known. */
  roundTripTime?: number;
}

/** A call as the engine reports it. */
export interface EngineCall {
  readonly id: string;
  readonly direction: CallDirection;
  /** The other party's number. */
  readonly remote: string;
  readonly visibleName?: string;
}

export interface EngineFailure {
  code: ErrorCode;
  /**
   * What a person reads, as a message key and its arguments (never a sentence: the phone
   * translates it). The keys of WcsEngine are `engine.*`, in English in `phone-runtime.ts`.
   */
  text: Msg;
  /** The server's own reason phrase, when it gave one ("Forbidden"). */
  reason?: string;
  /** The connection setting at fault (`wcs-url`, `sip-password`), when one is. */
  field?: string;
}

/** Callbacks from the engine to the phone. */
export interface EngineListener {
  sessionStatus(status: SessionStatus, failure?: EngineFailure): void;
  incomingCall(call: EngineCall): void;
  /** `reason` is the server's reason phrase, when it gave one; `failure` explains a local failure. */
  callStatus(call: EngineCall, status: CallStatus, reason?: string, failure?: EngineFailure): void;
  /** A transfer this side asked for failed; the call goes on. */
  transferFailed(call: EngineCall, reason: string): void;
  /** The call's media connection failed (or stayed disconnected) while its signalling is fine. */
  mediaFailed(call: EngineCall): void;
}

export interface Engine {
  connect(options: ConnectOptions, listener: EngineListener): void;
  disconnect(): void;
  /** Places a call and returns it; its statuses arrive through the listener. */
  call(callee: string, options: CallOptions): EngineCall;
  answer(callId: string, options: CallOptions): void;
  /**
   * Ends a call in any state: cancel, decline or hang up. The call's media is released at
   * once and no more statuses are reported for it; the server is told even when the call has
   * not rung yet (the engine waits for the first status it needs to send the request).
   */
  hangup(callId: string): void;
  setMuted(callId: string, muted: boolean): void;
  /** Stops (or resumes) sending the camera's video in a video call. */
  setCameraOff(callId: string, off: boolean): void;
  hold(callId: string): void;
  unhold(callId: string): void;
  sendDtmf(callId: string, digits: string, type: DtmfType): void;
  transfer(callId: string, target: string): void;
  /**
   * Switches a call to another device without renegotiating: a microphone or camera is
   * captured anew and replaces the sent track; a speaker plays the call from now on.
   */
  setDevice(callId: string, kind: DeviceKind, deviceId: string): Promise<void>;
  /** Sets a call's output volume, 0-1. */
  setVolume(callId: string, volume: number): void;
  /** The call's local and remote media, once there is some. */
  media(callId: string): CallMedia;
  /** The call's audio receive statistics, or null when the call has no media connection. */
  stats(callId: string): Promise<CallStats | null>;
  /** The token the server gave this session, for `auth-token` reconnects. */
  readonly authToken?: string;
}

export type DtmfType = 'RFC2833' | 'INFO';

/** Creates an engine; the default one loads the websdk lazily. */
export type EngineFactory = () => Promise<Engine>;
