/**
 * Every event `<sip-phone>` fires: one class per event, all bubbling and composed, so a page
 * can listen on the element, on `document` or on `window`, and
 * `addEventListener('sip-call-status', (e) => e.detail.status)` is typed. The child
 * elements' intent events are in `intent-events.ts`, loaded with the children.
 */
import type { PhoneError, PhoneSessionStatus } from './call-context.js';
import type { CallDirection, CallStatus, ErrorCode } from './engine/engine.js';
import { translate } from './i18n.js';

export const init = { bubbles: true, composed: true } as const;

export interface SessionStatusDetail {
  status: Exclude<PhoneSessionStatus, 'IDLE'>;
  reason?: string;
  /** RECONNECTING: which retry the phone is waiting for (1, 2, ...). */
  attempt?: number;
  /** RECONNECTING: how long (ms) until that retry. */
  delayMs?: number;
}
/** The session's status changed (CONNECTING, ESTABLISHED, REGISTERED, RECONNECTING, DISCONNECTED, FAILED). */
export class SipSessionStatusEvent extends CustomEvent<SessionStatusDetail> {
  static readonly eventName = 'sip-session-status';
  constructor(detail: SessionStatusDetail) {
    super(SipSessionStatusEvent.eventName, { ...init, detail });
  }
}

export interface CallStatusDetail {
  status: CallStatus;
  callId: string;
  direction: CallDirection;
  /** The other party's number. */
  remote: string;
  /** The server's reason phrase or a local explanation, when there is one. */
  reason?: string;
  /** The blind transfer this side asked for, on the statuses that follow the request. */
  transfer?: { target: string; status: 'REQUESTED' | 'COMPLETED' };
}
/** A call's status changed: one event per change, with the websdk's status names. */
export class SipCallStatusEvent extends CustomEvent<CallStatusDetail> {
  static readonly eventName = 'sip-call-status';
  constructor(detail: CallStatusDetail) {
    super(SipCallStatusEvent.eventName, { ...init, detail });
  }
}

export interface IncomingCallDetail {
  callId: string;
  caller: string;
  visibleName: string;
}
/** A call is ringing in. */
export class SipIncomingCallEvent extends CustomEvent<IncomingCallDetail> {
  static readonly eventName = 'sip-incoming-call';
  constructor(detail: IncomingCallDetail) {
    super(SipIncomingCallEvent.eventName, { ...init, detail });
  }
}

export interface ErrorDetail {
  code: ErrorCode;
  /** The sentence the widget shows, in the phone's language (use `code` for logic). */
  message: string;
  /** The connection setting at fault (`wcs-url`, `sip-login`, `sip-password`, `sip-port`, `callee`), when one is. */
  field?: string;
}
/** Something failed; the widget shows the same message and stays usable. */
export class SipErrorEvent extends CustomEvent<ErrorDetail> {
  static readonly eventName = 'sip-error';
  constructor(detail: ErrorDetail) {
    super(SipErrorEvent.eventName, { ...init, detail });
  }

  /** The event for `error`: its code and field for the page's logic, its message in the phone's language `lang`. */
  static of({ code, field, text }: PhoneError, lang: string): SipErrorEvent {
    return new SipErrorEvent({ code, message: translate(lang, text), ...(field ? { field } : {}) });
  }
}

export interface CallQualityDetail {
  callId: string;
  /** `good` (MOS 4 and up), `fair` (3.6 and up) or `poor`. */
  rating: 'good' | 'fair' | 'poor';
  /** Mean opinion score (1-4.5), estimated with a simplified E-model. */
  mos: number;
  /** Packets lost over the last interval, in percent. */
  packetLoss: number;
  jitterMs: number;
  /** Round trip to the server's media endpoint, when the browser knows it. */
  roundTripMs?: number;
}
/** A connected call's quality, every 2 s: the rating and the figures it comes from. */
export class SipCallQualityEvent extends CustomEvent<CallQualityDetail> {
  static readonly eventName = 'sip-call-quality';
  constructor(detail: CallQualityDetail) {
    super(SipCallQualityEvent.eventName, { ...init, detail });
  }
}

/**
 * The person asked to call `number` from the widget's dialer. Cancelable: a page that
 * calls `preventDefault()` (to confirm first, say) stops the call. Not fired for `call()`.
 */
export class SipCallRequestEvent extends CustomEvent<{ number: string }> {
  static readonly eventName = 'sip-call-request';
  constructor(number: string) {
    super(SipCallRequestEvent.eventName, { ...init, cancelable: true, detail: { number } });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'sip-session-status': SipSessionStatusEvent;
    'sip-call-status': SipCallStatusEvent;
    'sip-incoming-call': SipIncomingCallEvent;
    'sip-error': SipErrorEvent;
    'sip-call-request': SipCallRequestEvent;
    'sip-call-quality': SipCallQualityEvent;
  }
}
