/**
 * The phone's call-state model, as one pure function: `reduce(state, action, now)` takes
 * the current state and what happened (an engine report or a person's intent) and returns
 * the next state and what to do about it (events to fire, engine commands, a sentence to
 * announce). No DOM, no engine, no clock: `<sip-phone>` feeds it and carries out its
 * effects, and unit tests drive every transition directly.
 *
 * An intent that is not possible now is rejected: the state comes back unchanged, and
 * `rejected` says why (an `error` effect too, when a person asked for it by name).
 */
import {
  isActive,
  isRingingIn,
  type CallSnapshot,
  type DevicesState,
  type PhoneError,
  type PhoneState,
} from './call-context.js';
import { POOR_WARNING_MS, QUALITY_POLL_MS, type QualityFigures } from './call-quality.js';
import {
  FINAL_CALL_STATUSES,
  type CallStatus,
  type EngineCall,
  type EngineFailure,
  type SessionStatus,
} from './engine/engine.js';
import type { CallQualityDetail, CallStatusDetail, IncomingCallDetail, SessionStatusDetail } from './events.js';
import { CONNECTION_LOST, callStatusText, endedText } from './call-text.js';
import { addMessages, type Msg } from './i18n.js';

/** What a person reads for the session's status (the English is in `sip-phone.ts`). */
const sessionStatusText = (status: PhoneState['session']): Msg => [`session.${status}`];

addMessages('en', {
  'session.reconnectIn': (s) => `Reconnecting in ${s} s…`,
  'error.noRoom': 'The phone cannot take another call now.',
  'error.badNumber': (n) => `"${n}" is not a number that can be called.`,
  'error.noNumber': 'Enter a number to call.',
  'error.notConnected': 'Connect the phone before calling.',
  'error.finishCall': 'Finish the current call first.',
  'error.tooManyCalls': 'End a call before placing another.',
  'error.noRinging': 'No call is ringing.',
  'error.noCall': 'There is no call to hang up.',
  'error.noMute': 'There is no call to mute.',
  'error.noHold': 'Only a connected call can be held or resumed.',
  'error.noHeld': 'There is no held call to resume.',
  'error.waitConnected': 'Wait until the current call is connected.',
  'error.noVideo': 'There is no video call.',
  'error.badDtmf': (d) => `"${d}" cannot be sent as tones: use 0-9, *, # or A-D.`,
  'error.dtmfNotConnected': 'Tones can only be sent during a connected call.',
  'error.badTransfer': (n) => `"${n}" is not a number a call can be transferred to.`,
  'error.noTransferTarget': 'Enter a number to transfer to.',
  'error.transferNotConnected': 'Only a connected call can be transferred.',
  'error.transferFailed': (to, reason) => `The transfer to ${to} failed: ${reason}. The call goes on.`,
  'say.muted': 'Microphone muted',
  'say.unmuted': 'Microphone on',
  'say.cameraOff': 'Camera off',
  'say.cameraOn': 'Camera on',
  'say.resuming': (who) => `Resuming the call with ${who}`,
  'say.sent': (d) => `Sent ${d}`,
  'say.transferring': (to) => `Transferring to ${to}`,
  'say.poor': (who) => `Poor connection with ${who}: you may be hard to hear.`,
  'say.better': (who) => `The connection with ${who} is better again.`,
});

/** Numbers a person can dial: digits, letters, and the usual SIP URI characters. */
export const DIALABLE = /^[\w.+*#@:-]{1,64}$/;
/** What DTMF can carry. */
export const DTMF_DIGITS = /^[0-9*#A-D]{1,32}$/i;

const MEDIA_FAILED: PhoneError = { code: 'media-failed', text: ['end.media'] };

/** What a person (or the page, through a method) asks the phone to do. */
export type Intent =
  | { type: 'dial'; number: string; video: boolean }
  | { type: 'answer'; callId?: string; video: boolean }
  | { type: 'decline'; callId?: string }
  | { type: 'hangup'; callId?: string }
  | { type: 'mute'; muted: boolean }
  | { type: 'hold'; held: boolean }
  | { type: 'resume'; callId?: string }
  | { type: 'camera'; off: boolean }
  | { type: 'dtmf'; digits: string }
  | { type: 'transfer'; target: string };

/** Everything that changes the phone's state. */
export type PhoneAction =
  | { type: 'configure'; login: string; callee: string; videoEnabled: boolean; register: boolean; maxCalls: number; lang: string }
  /** The phone starts to connect (asked by a person or the page, or a reconnect attempt). */
  | { type: 'connect' }
  /** The phone closes its session on purpose (disconnect(), or removed from the page). */
  | { type: 'disconnect' }
  /** The phone will try to make its lost session again in `delayMs`. */
  | { type: 'reconnect-scheduled'; attempt: number; delayMs: number }
  | { type: 'session'; status: SessionStatus; failure?: EngineFailure }
  | { type: 'incoming'; call: EngineCall }
  /** The engine placed the call a `dial` intent asked for. */
  | { type: 'placed'; call: EngineCall; video: boolean }
  | { type: 'call-status'; callId: string; status: CallStatus; reason?: string; failure?: EngineFailure }
  | { type: 'transfer-failed'; callId: string; reason: string }
  /** The call's media connection failed while its signalling is fine. */
  | { type: 'media-failed'; callId: string }
  /** Something the phone tried failed locally (bad input, the engine threw). */
  | { type: 'fail'; error: PhoneError }
  /** A new quality estimate of a connected call. */
  | { type: 'quality'; callId: string; quality: QualityFigures }
  /** The device lists or the person's choices changed. */
  | { type: 'devices'; devices: Partial<DevicesState> }
  /** What the microphone level meter shows changed. */
  | { type: 'mic-stream'; stream: MediaStream | null }
  | { type: 'intent'; intent: Intent };

/** What the phone asks of its engine. */
export type EngineCommand =
  | { op: 'call'; number: string; video: boolean }
  | { op: 'answer'; callId: string; video: boolean }
  | { op: 'hangup'; callId: string }
  | { op: 'mute'; callId: string; muted: boolean }
  | { op: 'hold'; callId: string; held: boolean }
  | { op: 'camera'; callId: string; off: boolean }
  | { op: 'dtmf'; callId: string; digits: string }
  | { op: 'transfer'; callId: string; target: string };

export type PhoneEffect =
  | { kind: 'engine'; command: EngineCommand }
  | { kind: 'session-status'; detail: SessionStatusDetail }
  | { kind: 'call-status'; detail: CallStatusDetail }
  | { kind: 'incoming-call'; detail: IncomingCallDetail }
  | { kind: 'call-quality'; detail: CallQualityDetail }
  | { kind: 'error'; error: PhoneError }
  | { kind: 'announce'; text: Msg };

export interface Reduction {
  readonly state: PhoneState;
  readonly effects: readonly PhoneEffect[];
  /** Set when the action was not possible now; `state` is then the state given. */
  readonly rejected?: PhoneError;
}

type Draft = Omit<PhoneState, 'call'>;

/** The derived `call` field, from the others. */
function withFocus(draft: Draft): PhoneState {
  const { calls, activeCallId } = draft;
  const active = calls.find((c) => c.id === activeCallId);
  const ringing = [...calls].reverse().find(isRingingIn);
  const call = active ?? ringing ?? calls.at(-1) ?? draft.lastCall;
  return Object.freeze({ ...draft, call });
}

class Reducer {
  readonly effects: PhoneEffect[] = [];
  draft: Draft;

  constructor(
    readonly before: PhoneState,
    readonly now: number,
  ) {
    const { call: _derived, ...rest } = before;
    this.draft = rest;
  }

  set(patch: Partial<Draft>): void {
    this.draft = { ...this.draft, ...patch };
  }

  emit(effect: PhoneEffect): void {
    this.effects.push(effect);
  }

  engine(command: EngineCommand): void {
    this.emit({ kind: 'engine', command });
  }

  announce(text: Msg): void {
    this.emit({ kind: 'announce', text });
  }

  error(error: PhoneError): void {
    this.set({ error });
    this.emit({ kind: 'error', error });
  }

  find(callId: string | undefined): CallSnapshot | undefined {
    return callId === undefined ? undefined : this.draft.calls.find((c) => c.id === callId);
  }

  get active(): CallSnapshot | undefined {
    return this.find(this.draft.activeCallId ?? undefined);
  }

  replace(call: CallSnapshot): void {
    this.set({ calls: this.draft.calls.map((c) => (c.id === call.id ? call : c)) });
  }

  /**
   * Sets a call's new status: one `sip-call-status`; a final status takes it off the list.
   * `local` is true when this side ended the call (not the server).
   */
  status(call: CallSnapshot, status: CallStatus, reason?: string, error?: PhoneError | null, local = false): CallSnapshot {
    const final = FINAL_CALL_STATUSES.has(status);
    // Rang in and ended before this side answered or declined it (not taken on another device).
    const missed =
      final && !local && call.direction === 'incoming' && call.connectedAt === undefined && call.status !== 'PENDING' &&
      status === 'FINISH' && reason !== 'Answered elsewhere';
    // The websdk reports no transfer progress; the server ending the call after the request is the sign it went through.
    const transfer =
      call.transfer && status === 'FINISH' && !local ? { ...call.transfer, status: 'COMPLETED' as const } : call.transfer;
    const next: CallSnapshot = {
      ...call,
      status,
      transfer,
      reason,
      held: status === 'HOLD',
      ...(missed ? { missed } : {}),
      ...(final && error ? { endText: error.text } : {}),
      // ESTABLISHED comes again after every unhold: the timer keeps its first start.
      connectedAt: status === 'ESTABLISHED' && call.connectedAt === undefined ? this.now : call.connectedAt,
    };
    if (final) {
      this.set({
        calls: this.draft.calls.filter((c) => c.id !== call.id),
        activeCallId: this.draft.activeCallId === call.id ? null : this.draft.activeCallId,
        lastCall: next,
      });
    } else {
      this.replace(next);
    }
    this.emit({
      kind: 'call-status',
      detail: {
        status,
        callId: next.id,
        direction: next.direction,
        remote: next.remote,
        ...(next.reason ? { reason: next.reason } : {}),
        ...(next.transfer ? { transfer: { ...next.transfer } } : {}),
      },
    });
    if (error) this.error(error);
    this.announce(error ? error.text : callStatusText(next));
    return next;
  }

  /** Ends a call at once on this side (the engine is told separately). */
  end(call: CallSnapshot, status: 'FINISH' | 'FAILED', reason?: string, error?: PhoneError): void {
    this.status(call, status, reason, error, true);
  }

  result(): Reduction {
    return { state: withFocus(this.draft), effects: this.effects };
  }
}

function rejected(state: PhoneState, error: PhoneError, surface: boolean): Reduction {
  if (!surface) return { state, effects: [], rejected: error };
  // A person asked for it by name: say why, without changing anything else.
  const next = withFocus({ ...state, error });
  return {
    state: next,
    effects: [
      { kind: 'error', error },
      { kind: 'announce', text: error.text },
    ],
    rejected: error,
  };
}

const invalidState = (key: string): PhoneError => ({ code: 'invalid-state', text: [key] });

/** What a call that ended with `status` means for the person, as an error (or null): one plain sentence per reason. */
function callError(call: CallSnapshot, status: CallStatus, reason: string | undefined, failure?: EngineFailure): PhoneError | null {
  if (failure) return failure;
  const text = status === 'BUSY' || status === 'FAILED' || /^media failure$/i.test(reason ?? '') ? endedText(call, status, reason) : null;
  if (!text) return null;
  return { code: text[0] === 'end.media' ? 'media-failed' : status === 'BUSY' ? 'busy' : 'call-failed', text };
}

function canCallIn(session: PhoneState['session'], register: boolean): boolean {
  return session === 'REGISTERED' || (session === 'ESTABLISHED' && !register);
}

/** The next state, and what to do, after `action`; `now` is `performance.now()` at the time. */
export function reduce(state: PhoneState, action: PhoneAction, now = 0): Reduction {
  const r = new Reducer(state, now);
  switch (action.type) {
    case 'configure': {
      const { login, callee, videoEnabled, register, maxCalls, lang } = action;
      r.set({ login, callee, videoEnabled, register, maxCalls, lang, canCall: canCallIn(state.session, register) });
      return r.result();
    }

    case 'connect':
      // A reconnect attempt keeps showing why the phone is reconnecting.
      r.set({ session: 'CONNECTING', canCall: false, error: state.reconnect ? state.error : null });
      r.emit({ kind: 'session-status', detail: { status: 'CONNECTING' } });
      r.announce(sessionStatusText('CONNECTING'));
      return r.result();

    case 'disconnect': {
      for (const call of state.calls) r.engine({ op: 'hangup', callId: call.id });
      for (const call of state.calls) r.end(call, 'FINISH');
      r.set({ reconnect: null, canCall: false });
      if (state.session !== 'IDLE' && state.session !== 'DISCONNECTED') {
        r.set({ session: 'DISCONNECTED' });
        r.emit({ kind: 'session-status', detail: { status: 'DISCONNECTED' } });
        r.announce(sessionStatusText('DISCONNECTED'));
      }
      return r.result();
    }

    case 'reconnect-scheduled': {
      const { attempt, delayMs } = action;
      r.set({ session: 'RECONNECTING', canCall: false, reconnect: { attempt, delayMs } });
      r.emit({ kind: 'session-status', detail: { status: 'RECONNECTING', attempt, delayMs } });
      r.announce(['session.reconnectIn', String(Math.max(1, Math.round(delayMs / 1000)))]);
      return r.result();
    }

    case 'session': {
      const { status, failure } = action;
      if (status === state.session && !failure) return { state, effects: [] };
      const ended = status === 'DISCONNECTED' || status === 'FAILED';
      const canCall = canCallIn(status, state.register);
      // A reconnect attempt that fails is reported as a status, not as another error: the
      // loss was reported once, and the phone keeps trying (a refused login still counts).
      const retrying = state.reconnect !== null && failure?.code !== 'registration-failed';
      r.set({
        session: status,
        canCall,
        error: ended ? ((retrying ? undefined : failure) ?? state.error) : (failure ?? null),
        reconnect: canCall || failure?.code === 'registration-failed' ? null : state.reconnect,
      });
      if (ended) {
        // The session is gone, and its calls with it.
        for (const call of state.calls) r.end(call, 'FAILED', CONNECTION_LOST);
      }
      if (status !== 'IDLE') {
        // Language-neutral: the server's reason phrase, else the failure's code.
        r.emit({ kind: 'session-status', detail: { status, ...(failure ? { reason: failure.reason ?? failure.code } : {}) } });
      }
      if (failure && !retrying) r.error(failure);
      r.announce(failure && !retrying ? failure.text : sessionStatusText(status));
      return r.result();
    }

    case 'incoming': {
      const { call } = action;
      if (r.find(call.id)) return { state, effects: [] };
      if (state.calls.length >= state.maxCalls || !canCallIn(state.session, state.register)) {
        // No room for another call: the caller hears busy.
        r.engine({ op: 'hangup', callId: call.id });
        return { state, effects: r.effects, rejected: invalidState('error.noRoom') };
      }
      const waiting = state.calls.length > 0;
      const snapshot: CallSnapshot = {
        id: call.id,
        direction: 'incoming',
        remote: call.remote,
        visibleName: call.visibleName,
        status: 'NEW',
        muted: false,
        held: false,
      };
      r.set({ calls: [...state.calls, snapshot], error: waiting ? state.error : null });
      r.emit({
        kind: 'incoming-call',
        detail: { callId: call.id, caller: call.remote, visibleName: call.visibleName ?? call.remote },
      });
      r.announce([waiting ? 'call.waiting' : 'call.incoming', call.remote]);
      return r.result();
    }

    case 'placed': {
      const { call, video } = action;
      const snapshot: CallSnapshot = {
        id: call.id,
        direction: 'outgoing',
        remote: call.remote,
        status: 'PENDING',
        muted: false,
        held: false,
        video,
      };
      r.set({ calls: [...state.calls, snapshot], activeCallId: call.id, error: null, lastDialed: call.remote });
      r.announce(callStatusText(snapshot));
      return r.result();
    }

    case 'call-status': {
      const { callId, status, reason, failure } = action;
      const call = r.find(callId);
      if (!call || (call.status === status && reason === call.reason && !failure)) return { state, effects: [] };
      const final = FINAL_CALL_STATUSES.has(status);
      r.status(call, status, reason ?? failure?.reason ?? failure?.code, final ? callError(call, status, reason, failure) : null);
      return r.result();
    }

    case 'transfer-failed': {
      const call = r.find(action.callId);
      if (!call?.transfer) return { state, effects: [] };
      const error: PhoneError = { code: 'transfer-failed', text: ['error.transferFailed', call.transfer.target, action.reason] };
      r.replace({ ...call, transfer: undefined });
      r.error(error);
      r.announce(error.text);
      return r.result();
    }

    case 'media-failed': {
      const call = r.find(action.callId);
      if (!call) return { state, effects: [] };
      r.engine({ op: 'hangup', callId: call.id });
      r.end(call, 'FAILED', 'Media failure', MEDIA_FAILED);
      return r.result();
    }

    case 'fail':
      r.error(action.error);
      r.announce(action.error.text);
      return r.result();

    case 'quality': {
      const call = r.find(action.callId);
      if (call?.status !== 'ESTABLISHED') return { state, effects: [] };
      const { quality } = action;
      const before = call.quality;
      const poorSince = quality.rating === 'poor' ? (before?.poorSince ?? r.now) : undefined;
      // Told once when it stays poor, and once when it is better again. Poor for POOR_WARNING_MS
      // is poor at as many polls in a row: the polls' times drift by the few ms a reading of the
      // statistics takes, so the last may come a little short of it.
      const warned = poorSince !== undefined && (before?.warned || r.now - poorSince >= POOR_WARNING_MS - QUALITY_POLL_MS / 2);
      r.replace({ ...call, quality: { ...quality, ...(poorSince !== undefined ? { poorSince } : {}), ...(warned ? { warned } : {}) } });
      r.emit({ kind: 'call-quality', detail: { callId: call.id, ...quality } });
      if (warned && !before?.warned) r.announce(['say.poor', call.remote]);
      else if (before?.warned && !warned) r.announce(['say.better', call.remote]);
      return r.result();
    }

    case 'devices':
      r.set({ devices: { ...state.devices, ...action.devices } });
      return r.result();

    case 'mic-stream':
      if (action.stream === state.micStream) return { state, effects: [] };
      r.set({ micStream: action.stream });
      return r.result();

    case 'intent':
      return intent(r, action.intent);
  }
}

function intent(r: Reducer, intent: Intent): Reduction {
  const state = r.before;
  const active = r.active;
  switch (intent.type) {
    case 'dial': {
      const number = String(intent.number ?? '').trim();
      if (!DIALABLE.test(number)) {
        const text: Msg = number ? ['error.badNumber', number] : ['error.noNumber'];
        return rejected(state, { code: 'invalid-number', text }, true);
      }
      if (!state.canCall) return rejected(state, invalidState('error.notConnected'), true);
      if (active && active.status !== 'HOLD') return rejected(state, invalidState('error.finishCall'), true);
      if (state.calls.length >= state.maxCalls) return rejected(state, invalidState('error.tooManyCalls'), true);
      r.engine({ op: 'call', number, video: intent.video && state.videoEnabled });
      return r.result();
    }

    case 'answer': {
      const call = intent.callId ? r.find(intent.callId) : [...state.calls].reverse().find(isRingingIn);
      if (!call || !isRingingIn(call)) return rejected(state, invalidState('error.noRinging'), false);
      if (active) makeRoomFor(r, active);
      const video = intent.video && state.videoEnabled;
      r.replace({ ...call, status: 'PENDING', video });
      r.set({ activeCallId: call.id, error: null });
      r.engine({ op: 'answer', callId: call.id, video });
      return r.result();
    }

    case 'decline': {
      const call = intent.callId ? r.find(intent.callId) : [...state.calls].reverse().find(isRingingIn);
      if (!call || !isRingingIn(call)) return rejected(state, invalidState('error.noRinging'), false);
      r.engine({ op: 'hangup', callId: call.id });
      r.end(call, 'FINISH');
      return r.result();
    }

    case 'hangup': {
      // Without a callId: the active call, else the call ringing in (hangup() declines it).
      const call = intent.callId ? r.find(intent.callId) : (active ?? [...state.calls].reverse().find(isRingingIn));
      if (!call) return rejected(state, invalidState('error.noCall'), false);
      r.engine({ op: 'hangup', callId: call.id });
      // Hangup always ends the call here, whatever the server does (or fails to answer).
      r.end(call, 'FINISH');
      return r.result();
    }

    case 'mute': {
      if (!active || active.muted === intent.muted || isRingingIn(active)) {
        return rejected(state, invalidState('error.noMute'), false);
      }
      r.engine({ op: 'mute', callId: active.id, muted: intent.muted });
      r.replace({ ...active, muted: intent.muted });
      r.announce([intent.muted ? 'say.muted' : 'say.unmuted']);
      return r.result();
    }

    case 'hold': {
      const wanted: CallStatus = intent.held ? 'ESTABLISHED' : 'HOLD';
      if (active?.status !== wanted) return rejected(state, invalidState('error.noHold'), false);
      r.engine({ op: 'hold', callId: active.id, held: intent.held });
      return r.result();
    }

    case 'resume': {
      // A held call that is not the active one: it becomes active (swap, or resume when alone).
      const held = r.draft.calls.filter((c) => c.id !== state.activeCallId && c.status === 'HOLD');
      const call = intent.callId ? held.find((c) => c.id === intent.callId) : held.at(-1);
      if (!call) return rejected(state, invalidState('error.noHeld'), false);
      if (active && active.status !== 'ESTABLISHED' && active.status !== 'HOLD') {
        return rejected(state, invalidState('error.waitConnected'), false);
      }
      if (active?.status === 'ESTABLISHED') r.engine({ op: 'hold', callId: active.id, held: true });
      r.engine({ op: 'hold', callId: call.id, held: false });
      r.set({ activeCallId: call.id });
      r.announce(['say.resuming', call.remote]);
      return r.result();
    }

    case 'camera': {
      if (!active?.video || !isActive(active) || !!active.cameraOff === intent.off) {
        return rejected(state, invalidState('error.noVideo'), false);
      }
      r.engine({ op: 'camera', callId: active.id, off: intent.off });
      r.replace({ ...active, cameraOff: intent.off });
      r.announce([intent.off ? 'say.cameraOff' : 'say.cameraOn']);
      return r.result();
    }

    case 'dtmf': {
      const text = String(intent.digits ?? '');
      if (!DTMF_DIGITS.test(text)) {
        return rejected(state, { code: 'invalid-dtmf', text: ['error.badDtmf', text] }, true);
      }
      if (active?.status !== 'ESTABLISHED') {
        return rejected(state, invalidState('error.dtmfNotConnected'), true);
      }
      const digits = text.toUpperCase();
      r.engine({ op: 'dtmf', callId: active.id, digits });
      r.replace({ ...active, dtmf: (active.dtmf ?? '') + digits });
      r.announce(['say.sent', text]);
      return r.result();
    }

    case 'transfer': {
      const target = String(intent.target ?? '').trim();
      if (!DIALABLE.test(target)) {
        const text: Msg = target ? ['error.badTransfer', target] : ['error.noTransferTarget'];
        return rejected(state, { code: 'invalid-number', text }, true);
      }
      if (active?.status !== 'ESTABLISHED' && active?.status !== 'HOLD') {
        return rejected(state, invalidState('error.transferNotConnected'), true);
      }
      r.engine({ op: 'transfer', callId: active.id, target });
      r.replace({ ...active, transfer: { target, status: 'REQUESTED' } });
      r.announce(['say.transferring', target]);
      return r.result();
    }
  }
}

/**
 * Before answering another call: a connected active call is put on hold; one still being
 * placed is cancelled (a person answering a waiting call gives up the one that rings out).
 */
function makeRoomFor(r: Reducer, active: CallSnapshot): void {
  if (active.status === 'ESTABLISHED') {
    r.engine({ op: 'hold', callId: active.id, held: true });
  } else if (active.status !== 'HOLD') {
    r.engine({ op: 'hangup', callId: active.id });
    r.end(active, 'FINISH');
  }
}

/** Runs several actions in turn (handy in tests); effects are concatenated. */
export function reduceAll(state: PhoneState, actions: readonly PhoneAction[], now = 0): Reduction {
  let current: Reduction = { state, effects: [] };
  const effects: PhoneEffect[] = [];
  for (const action of actions) {
    current = reduce(current.state, action, now);
    effects.push(...current.effects);
  }
  return { ...current, effects };
}
