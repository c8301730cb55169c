import type { Context } from '@lit/context';
import {
  FINAL_CALL_STATUSES,
  type CallDirection,
  type CallStatus,
  type ErrorCode,
  type SessionStatus,
} from './engine/engine.js';
import type { Msg } from './i18n.js';

/**
 * The phone's session status: the engine's statuses, plus RECONNECTING while the phone
 * waits to make a lost session again.
 */
export type PhoneSessionStatus = SessionStatus | 'RECONNECTING';

/** A call the phone is handling, as an immutable snapshot. */
export interface CallSnapshot {
  readonly id: string;
  readonly direction: CallDirection;
  /** The other party's number. */
  readonly remote: string;
  readonly visibleName?: string;
  readonly status: CallStatus;
  /** The server's reason phrase for the last status, when it gave one. */
  readonly reason?: string;
  readonly muted: boolean;
  readonly held: boolean;
  /** The call was placed or answered with video. */
  readonly video?: boolean;
  /** The camera is switched off in a video call. */
  readonly cameraOff?: boolean;
  /** A blind transfer this side asked for, and how far it got. */
  readonly transfer?: TransferState;
  /** `performance.now()` when the call was first ESTABLISHED; the timer counts from here. */
  readonly connectedAt?: number;
  /** The latest call-quality estimate (connected calls, every few seconds). */
  readonly quality?: CallQuality;
  /** The DTMF digits sent on this call, in order. */
  readonly dtmf?: string;
  /** A call that rang in and ended before anyone answered or declined it here. */
  readonly missed?: boolean;
  /** Why the call ended, when the phone showed it as an error (the last-call line says the same). */
  readonly endText?: Msg;
}

export type QualityRating = 'good' | 'fair' | 'poor';

/** How a call sounds, estimated from its receive statistics over the last few seconds. */
export interface CallQuality {
  readonly rating: QualityRating;
  /** Mean opinion score, 1-4.5, from a simplified E-model (ITU-T G.107). */
  readonly mos: number;
  /** Packets lost, in percent of those expected. */
  readonly packetLoss: number;
  readonly jitterMs: number;
  /** Round trip to the server's media endpoint, when known. */
  readonly roundTripMs?: number;
  /** `performance.now()` when the rating turned poor (set while it stays poor). */
  readonly poorSince?: number;
  /** The person has been told the connection is poor (it stayed poor for a while). */
  readonly warned?: boolean;
}

/** A device a person can choose. */
export interface DeviceOption {
  readonly id: string;
  readonly label: string;
}

/** The person's devices, and what they chose. */
export interface DevicesState {
  readonly microphones: readonly DeviceOption[];
  readonly speakers: readonly DeviceOption[];
  readonly cameras: readonly DeviceOption[];
  /** The chosen devices' ids; '' is the browser's default. */
  readonly microphone: string;
  readonly speaker: string;
  readonly camera: string;
  /** Output volume of calls, 0-1. */
  readonly volume: number;
  /** The microphone test is on (no call needed). */
  readonly testing: boolean;
}

export interface TransferState {
  readonly target: string;
  /** REQUESTED until the call ends; COMPLETED when it ended after the request. */
  readonly status: 'REQUESTED' | 'COMPLETED';
}

export interface PhoneError {
  readonly code: ErrorCode;
  /** What the phone shows, as a message of its catalog (a key and its arguments). */
  readonly text: Msg;
  /** The connection form's field to correct (`wcs-url`, `sip-login`, `sip-password`, `sip-port`), when one is at fault. */
  readonly field?: string;
}

/** The phone is waiting to make its lost session again. */
export interface ReconnectState {
  /** 1 for the first retry after the loss, 2 for the next, ... */
  readonly attempt: number;
  /** How long the phone waits before this attempt. */
  readonly delayMs: number;
}

/**
 * Everything the child elements render from. `<sip-phone>` replaces the whole object on
 * every change (never mutates it), because context consumers are notified only when the
 * value is a new object. `src/call-state.ts` makes every new state.
 */
export interface PhoneState {
  readonly session: PhoneSessionStatus;
  /** The phone's own login, when it has one. */
  readonly login: string;
  /** True when the session may place calls. */
  readonly canCall: boolean;
  /** Every call that is not over, oldest first. */
  readonly calls: readonly CallSnapshot[];
  /** The call the controls act on (being placed, answered, connected or held by this side); null when none. */
  readonly activeCallId: string | null;
  /**
   * The call the phone shows first: the active call, else the newest call ringing in, else
   * another call still up (held), else the last call that ended. Derived from the fields above.
   */
  readonly call: CallSnapshot | null;
  /** The last call that ended. */
  readonly lastCall: CallSnapshot | null;
  /** The last thing that went wrong, shown until the next action. */
  readonly error: PhoneError | null;
  /** The number pre-filled in the dialer (the `callee` attribute). */
  readonly callee: string;
  /** The last number this phone called (the dialer offers it again, for redial). */
  readonly lastDialed: string;
  /** The language the phone speaks (`lang` of the phone or the nearest element above it). */
  readonly lang: string;
  /** Video calls are allowed (the phone's `video` attribute). */
  readonly videoEnabled: boolean;
  /** The session registers its login (it can be called). */
  readonly register: boolean;
  /** How many calls the phone holds at once (ringing, connected and held); more ring busy. */
  readonly maxCalls: number;
  /** Set while the phone waits to reconnect (session RECONNECTING). */
  readonly reconnect: ReconnectState | null;
  readonly devices: DevicesState;
  /** What the microphone level meter shows: the active call's capture, or the microphone test's. */
  readonly micStream: MediaStream | null;
}

export const initialPhoneState: PhoneState = Object.freeze({
  session: 'IDLE',
  login: '',
  canCall: false,
  calls: [],
  activeCallId: null,
  call: null,
  lastCall: null,
  error: null,
  callee: '',
  lastDialed: '',
  lang: 'en',
  videoEnabled: false,
  register: true,
  maxCalls: 2,
  reconnect: null,
  devices: {
    microphones: [],
    speakers: [],
    cameras: [],
    microphone: '',
    speaker: '',
    camera: '',
    volume: 1,
    testing: false,
  },
  micStream: null,
});

/**
 * The context key of the phone's state. (`createContext()` returns its argument; a key made
 * without it keeps the element's shell from importing @lit/context, whose index would bring
 * the provider and consumer into the code a page loads before connecting.)
 */
export const phoneStateContext = Symbol('sip-phone-state') as Context<symbol, PhoneState>;

/** Statuses of a call that is ringing, not yet answered. */
export function isRinging(call: CallSnapshot | null | undefined): boolean {
  return !!call && (call.status === 'NEW' || call.status === 'RING' || call.status === 'RING_MEDIA');
}

/** A call ringing in, not yet answered or declined. */
export function isRingingIn(call: CallSnapshot | null | undefined): boolean {
  return !!call && call.direction === 'incoming' && isRinging(call);
}

/** True while a call exists and is not over. */
export function isActive(call: CallSnapshot | null | undefined): boolean {
  return !!call && !FINAL_CALL_STATUSES.has(call.status);
}

/** The call the controls act on, if any. */
export function activeCall(state: PhoneState): CallSnapshot | null {
  return state.calls.find((c) => c.id === state.activeCallId) ?? null;
}

/** The newest call ringing in (a waiting call when another call is up), if any. */
export function ringingCall(state: PhoneState): CallSnapshot | null {
  for (let i = state.calls.length - 1; i >= 0; i--) {
    const call = state.calls[i];
    if (isRingingIn(call) && call.id !== state.activeCallId) return call;
  }
  return null;
}

/** Calls that are up but not the active one and not ringing in: held calls waiting to be resumed. */
export function otherCalls(state: PhoneState): CallSnapshot[] {
  return state.calls.filter((c) => c.id !== state.activeCallId && !isRingingIn(c));
}
