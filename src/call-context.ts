import { createContext } from '@lit/context';
import {
  FINAL_CALL_STATUSES,
  type CallDirection,
  type CallStatus,
  type ErrorCode,
  type SessionStatus,
} from './engine/engine.js';

/** The call a phone is handling, as an immutable snapshot. */
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
}

export interface TransferState {
  readonly target: string;
  /** REQUESTED until the call ends; COMPLETED when it ended after the request. */
  readonly status: 'REQUESTED' | 'COMPLETED';
}

export interface PhoneError {
  readonly code: ErrorCode;
  readonly message: string;
}

/**
 * Everything the child elements render from. `<sip-phone>` replaces the whole object on
 * every change (never mutates it), because context consumers are notified only when the
 * value is a new object.
 */
export interface PhoneState {
  readonly session: SessionStatus;
  /** The phone's own login, when it has one. */
  readonly login: string;
  /** True when the session may place calls. */
  readonly canCall: boolean;
  readonly call: CallSnapshot | null;
  /** The last thing that went wrong, shown until the next action. */
  readonly error: PhoneError | null;
  /** The number pre-filled in the dialer. */
  readonly callee: string;
  /** Video calls are allowed (the phone's `video` attribute). */
  readonly videoEnabled: boolean;
}

export const initialPhoneState: PhoneState = Object.freeze({
  session: 'IDLE',
  login: '',
  canCall: false,
  call: null,
  error: null,
  callee: '',
  videoEnabled: false,
});

export const phoneStateContext = createContext<PhoneState>(Symbol('sip-phone-state'));

/** Statuses of a call that is ringing, not yet answered. */
export function isRinging(call: CallSnapshot | null): boolean {
  return !!call && (call.status === 'NEW' || call.status === 'RING' || call.status === 'RING_MEDIA');
}

/** True while a call exists and is not over. */
export function isActive(call: CallSnapshot | null): boolean {
  return !!call && !FINAL_CALL_STATUSES.has(call.status);
}
