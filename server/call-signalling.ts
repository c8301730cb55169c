// What the two call handlers share: the local switchboard (call.ts) connects the gateway's
// own accounts, the SIP side (sip/sip-switchboard.ts) turns each call leg into a SIP dialog.
// Both keep the browsers' call legs by callId, check the websdk's call requests the same way
// and answer with the same status, transfer and `fail` frames; each subclass says how a
// request is carried out.
import { randomUUID } from 'node:crypto';
import type { Impairment, MediaLeg } from './media.js';
import {
  DTMF_PATTERN,
  DTMF_TYPES,
  FINAL_STATUSES,
  statusMessage,
  str,
  strOrNum,
  type CallStatus,
  type CallStatusFrame,
  type TransferStatus,
} from './protocol.js';
import type { CallHandler } from './session.js';
import { errorMessage, type Logger } from './util.js';
import { safe } from './security.js';

/** What a call handler needs from a websdk session. */
export interface CallSession {
  readonly id: string;
  readonly login: string | undefined;
  /** True when the session may place calls (its credentials were checked). */
  readonly mayCall: boolean;
  /** True when the session may call `callee` (an app key's sessions only call its callees). */
  mayCallTo(callee: string): boolean;
  readonly open: boolean;
  send(message: string, ...data: unknown[]): void;
  fail(payload: Record<string, unknown>): void;
}

export type Outcome = { status: CallStatus; info: string };

/** Why a leg goes away: its browser hung up, its socket closed, REST terminate, or its media failed. */
export type DropReason = 'hangup' | 'disconnect' | 'terminate' | 'media';

/** The `info` both parties see when a leg goes away for `why` (a decline says more). */
export function dropInfo(why: DropReason): string {
  return why === 'terminate' ? 'Terminated' : why === 'media' ? 'Media Failure' : '';
}

/** One browser's side of a call, as its websdk knows it. */
export abstract class CallLeg {
  status: CallStatus;
  /** The websdk knows this callId (always for a caller; after notifyIncomingCall for a callee). */
  notified: boolean;
  ended = false;
  hold = false;
  /** The digits this leg's browser sent (`sendDtmf`), the last 256. */
  dtmf = '';
  dtmfType: string | undefined;
  readonly createdAt = Date.now();
  /** The call was answered. */
  abstract readonly established: boolean;

  constructor(
    readonly callId: string,
    readonly session: CallSession,
    readonly incoming: boolean,
    readonly caller: string,
    readonly callee: string,
    readonly visibleName: string,
  ) {
    this.status = incoming ? 'NEW' : 'PENDING';
    this.notified = !incoming;
  }

  /** What the status frames say the call carries: audio only, unless the leg knows better. */
  get announced(): { audio: boolean; video: boolean } {
    return { audio: true, video: false };
  }
}

/**
 * Who is registered: every session of a login, as SIP registrars keep several contacts of
 * one account (two tabs, the tag twice on a page). A call to the login rings them all.
 */
export class Registrations {
  private readonly byLogin = new Map<string, Set<CallSession>>();

  add(login: string, session: CallSession): void {
    let sessions = this.byLogin.get(login);
    if (!sessions) this.byLogin.set(login, (sessions = new Set()));
    sessions.add(session);
  }

  remove(login: string | undefined, session: CallSession): void {
    const sessions = login === undefined ? undefined : this.byLogin.get(login);
    if (!sessions?.delete(session)) return;
    if (sessions.size === 0) this.byLogin.delete(login!);
  }

  /** The open sessions registered for `login`, oldest first. */
  of(login: string): CallSession[] {
    return [...(this.byLogin.get(login) ?? [])].filter((s) => s.open);
  }

  /** Registered sessions, all logins together. */
  get size(): number {
    let n = 0;
    for (const sessions of this.byLogin.values()) n += sessions.size;
    return n;
  }
}

/**
 * The websdk side of a call handler: the legs, the request checks, the frames. Subclasses
 * place and answer calls, hold, send DTMF, transfer and drop legs their own way.
 */
export abstract class CallSignalling<L extends CallLeg> implements CallHandler {
  /** Live legs by callId. */
  readonly legs = new Map<string, L>();
  /** login -> every session registered for it. */
  readonly registrations = new Registrations();
  readonly totals = { calls: 0, established: 0, transfers: 0 };

  constructor(protected readonly log: Logger) {}

  abstract onTransfer(session: CallSession, p: Record<string, unknown>): Promise<void>;
  abstract register(login: string, session: CallSession): void;
  abstract sessionClosed(session: CallSession, parkToken?: string): void;

  /** The caller's leg of a `call` request whose callId is new. */
  protected abstract callerLeg(session: CallSession, callId: string, visibleName: string, p: Record<string, unknown>): L;
  /** Goes on with a `call` request after TRYING. */
  protected abstract placeCall(leg: L, p: Record<string, unknown>): Promise<void>;
  /** True while an incoming leg may take the browser's answer. */
  protected abstract mayAnswer(leg: L): boolean;
  /** Takes the browser's SDP answer to an incoming call. */
  protected abstract answer(leg: L, sdp: string): Promise<void>;
  /** Ends an incoming call whose answer the gateway cannot take. */
  protected abstract failAnswer(leg: L, info: string): void | Promise<void>;
  /** True while the leg may be put on hold or taken off it. */
  protected abstract mayHold(leg: L): boolean;
  /** Tells the far end about hold or unhold; the reason when it refused. */
  protected abstract offerHold(leg: L, hold: boolean): Promise<string | undefined> | undefined;
  /** Starts or stops the leg's media relay after a change of state. */
  protected abstract updateMedia(leg: L): void;
  /** Sends DTMF digits on an established leg (throws when they cannot be sent). */
  protected abstract playDtmf(leg: L, digits: string, type: string): Promise<void> | void;
  /** A leg goes away: decides what each party sees. */
  protected abstract dropLeg(leg: L, why: DropReason): void;
  /** Releases what a leg holds once it has ended. */
  protected abstract release(leg: L): void;
  /** REST `call/find_all` fields that only this handler knows. */
  protected abstract describe(leg: L): Record<string, unknown>;
  /** The leg's WebRTC endpoint in the gateway, when the leg's media ends here. */
  protected abstract mediaOf(leg: L): MediaLeg | undefined;

  // ---- frames toward the browsers ----------------------------------------------------

  private frame(leg: L, status: CallStatus, info: string): CallStatusFrame {
    const media = leg.announced;
    return {
      callId: leg.callId,
      caller: leg.caller,
      callee: leg.callee,
      visibleName: leg.visibleName,
      incoming: leg.incoming,
      status,
      info,
      hasAudio: media.audio,
      hasVideo: media.video,
    };
  }

  /**
   * Sends a call status to the leg's browser; before FAILED and BUSY, and before a FINISH
   * with a reason ("Answered elsewhere", "Media Failure"), a `fail` frame with the reason: the
   * websdk drops a status frame's `info`, but hands `fail` frames to the page (WARN).
   */
  protected sendStatus(leg: L, status: CallStatus, info = ''): void {
    leg.status = status;
    if (!leg.notified || !leg.session.open) return;
    if (status === 'FAILED' || status === 'BUSY' || (status === 'FINISH' && info)) {
      leg.session.fail({ apiMethod: 'call', callId: leg.callId, status, info });
    }
    leg.session.send(statusMessage(status), this.frame(leg, status, info));
    this.log.debug(`call ${safe(leg.callId)} (${safe(leg.session.login ?? '-')}): ${status}${info ? ` "${safe(info)}"` : ''}`);
  }

  protected sendTransfer(leg: L, status: TransferStatus, info = ''): void {
    if (leg.ended || !leg.session.open) return;
    if (status === 'FAILED') {
      leg.session.fail({ apiMethod: 'transfer', callId: leg.callId, status, info });
    }
    leg.session.send('notifyTransferEvent', { callId: leg.callId, status, info });
  }

  /** An incoming call: setRemoteSDP must come before notifyIncomingCall, or answer() has no remote SDP. */
  protected notifyIncoming(leg: L, sdp: string): void {
    leg.session.send('setRemoteSDP', leg.callId, sdp);
    leg.notified = true;
    leg.session.send('notifyIncomingCall', { ...this.frame(leg, 'NEW', ''), mediaProvider: 'WebRTC' });
  }

  /** A `fail` frame for a request about `leg` that cannot be carried out. */
  protected refuse(leg: L, apiMethod: string, info = 'Invalid call state'): void {
    leg.session.fail({ apiMethod, callId: leg.callId, status: 'FAILED', info });
  }

  // ---- legs --------------------------------------------------------------------------

  /** The leg with this callId owned by this session, or undefined after a `fail` frame. */
  protected ownLeg(session: CallSession, apiMethod: string, callId: string | undefined): L | undefined {
    const leg = callId ? this.legs.get(callId) : undefined;
    if (!leg || leg.session !== session || leg.ended) {
      this.log.warn(`${apiMethod}: unknown callId "${safe(callId ?? null)}" from session ${session.id}`);
      session.fail({ apiMethod, callId: callId ?? null, status: 'FAILED', info: 'Call not found' });
      return undefined;
    }
    return leg;
  }

  /** The session's live legs (a copy: dropping them is safe while iterating). */
  protected legsOf(session: CallSession): L[] {
    return [...this.legs.values()].filter((leg) => leg.session === session && !leg.ended);
  }

  protected isBusy(session: CallSession): boolean {
    return this.legsOf(session).length > 0;
  }

  protected newCallId(): string {
    let id = randomUUID();
    while (this.legs.has(id)) id = randomUUID();
    return id;
  }

  /** Ends a leg with a final status, then releases what it holds. */
  protected finish(leg: L, outcome: Outcome): void {
    if (leg.ended) return;
    if (!FINAL_STATUSES.has(outcome.status)) throw new Error(`not a final status: ${outcome.status}`);
    this.sendStatus(leg, outcome.status, outcome.info);
    leg.ended = true;
    this.legs.delete(leg.callId);
    this.release(leg);
  }

  /** Ends the call when the leg's media fails. */
  protected watchMedia(leg: L, media: MediaLeg): void {
    media.onFailed = () => {
      if (leg.ended) return;
      this.log.warn(`call ${safe(leg.callId)}: media failed, ending the call`);
      this.dropLeg(leg, 'media');
    };
  }

  // ---- client requests -------------------------------------------------------------------

  /** `call`: an outgoing call from a session. */
  async onCall(session: CallSession, p: Record<string, unknown>): Promise<void> {
    const callId = str(p, 'callId');
    if (!callId || callId.length > 128) {
      this.log.warn(`call: missing callId from session ${session.id}`);
      session.fail({ apiMethod: 'call', callId: callId ?? null, status: 'FAILED', info: 'Bad Request' });
      return;
    }
    if (this.legs.has(callId)) {
      this.log.warn(`call: callId ${safe(callId)} already in use`);
      session.fail({ apiMethod: 'call', callId, status: 'FAILED', info: 'Call already exists' });
      return;
    }
    const leg = this.callerLeg(session, callId, str(p, 'visibleName') || (session.login ?? ''), p);
    this.legs.set(callId, leg);
    this.totals.calls++;
    // The websdk only sends `hangup` for a call that left PENDING: answer TRYING at once.
    this.sendStatus(leg, 'TRYING');
    await this.placeCall(leg, p);
  }

  /** `answer`: the callee's SDP answer. */
  async onAnswer(session: CallSession, p: Record<string, unknown>): Promise<void> {
    const leg = this.ownLeg(session, 'answer', str(p, 'callId'));
    if (!leg) return;
    if (!leg.incoming || !this.mayAnswer(leg)) {
      this.log.warn(`answer: call ${safe(leg.callId)} is not ringing`);
      this.refuse(leg, 'answer');
      return;
    }
    const sdp = str(p, 'sdp');
    if (!sdp) {
      this.log.warn(`answer: call ${safe(leg.callId)} has no sdp`);
      await this.failAnswer(leg, 'Bad Request');
      return;
    }
    await this.answer(leg, sdp);
  }

  /** `hangup`: cancel, decline or end, depending on who and when. */
  onHangup(session: CallSession, p: Record<string, unknown>): void {
    const callId = str(p, 'callId');
    const leg = callId ? this.legs.get(callId) : undefined;
    if (!leg || leg.session !== session || leg.ended) {
      // The websdk sends `hangup` for calls that failed locally (no microphone) before any
      // `call` frame, and again for calls already ended: nothing to do, nothing to report.
      this.log.info(`hangup: no live call "${safe(callId ?? null)}" in session ${session.id}, ignored`);
      return;
    }
    this.dropLeg(leg, 'hangup');
  }

  /** `hold` and `unhold`. */
  async onHold(session: CallSession, p: Record<string, unknown>, hold: boolean): Promise<void> {
    const method = hold ? 'hold' : 'unhold';
    const leg = this.ownLeg(session, method, str(p, 'callId'));
    if (!leg) return;
    if (!this.mayHold(leg)) {
      this.log.warn(`${method}: call ${safe(leg.callId)} is not established`);
      this.refuse(leg, method);
      return;
    }
    const refused = await this.offerHold(leg, hold);
    if (leg.ended) return;
    if (refused !== undefined) {
      this.log.warn(`${method} ${safe(leg.callId)}: refused: ${safe(refused)}`);
      this.refuse(leg, method, refused);
      return;
    }
    leg.hold = hold;
    this.updateMedia(leg);
    // The websdk fires HOLD, and ESTABLISHED again after every unhold.
    this.sendStatus(leg, hold ? 'HOLD' : 'ESTABLISHED');
  }

  /** `sendDtmf`: the digits are recorded on the leg (REST find_all), then sent on. */
  async onDtmf(session: CallSession, p: Record<string, unknown>): Promise<void> {
    const leg = this.ownLeg(session, 'sendDtmf', str(p, 'callId'));
    if (!leg) return;
    const digits = strOrNum(p, 'dtmf');
    const type = str(p, 'type') ?? 'RFC2833';
    if (!digits || !DTMF_PATTERN.test(digits) || !(DTMF_TYPES as readonly string[]).includes(type)) {
      this.log.warn(`sendDtmf: call ${safe(leg.callId)}: bad DTMF "${safe(p['dtmf'])}" type "${safe(type)}"`);
      this.refuse(leg, 'sendDtmf', 'Bad DTMF');
      return;
    }
    if (!leg.established) {
      this.log.warn(`sendDtmf: call ${safe(leg.callId)} is not established`);
      this.refuse(leg, 'sendDtmf');
      return;
    }
    leg.dtmf = (leg.dtmf + digits.toUpperCase()).slice(-256);
    leg.dtmfType = type;
    try {
      await this.playDtmf(leg, digits.toUpperCase(), type);
      this.log.info(`call ${safe(leg.callId)}: DTMF ${safe(digits)} (${safe(leg.dtmfType)})`);
    } catch (error) {
      this.log.warn(`sendDtmf ${safe(leg.callId)}: ${safe(errorMessage(error))}`);
      // A call that ended meanwhile (hangup does not wait for DTMF) needs no refusal.
      if (!leg.ended) this.refuse(leg, 'sendDtmf', errorMessage(error));
    }
  }

  /** Test hook: impairs (or, with null, restores) the network path of a leg's media; false when there is none. */
  impair(callId: string, impairment: Impairment | null): boolean {
    const leg = this.legs.get(callId);
    const media = leg && !leg.ended ? this.mediaOf(leg) : undefined;
    if (!media) return false;
    this.log.warn(`call ${safe(callId)}: media ${impairment ? `impaired (loss ${impairment.loss}, jitter ${impairment.jitterMs} ms)` : 'restored'} by a test hook`);
    media.impair(impairment);
    return true;
  }

  /** REST `call/terminate`. */
  terminate(callId: string): boolean {
    const leg = this.legs.get(callId);
    if (!leg || leg.ended) return false;
    this.log.info(`terminate ${safe(callId)}`);
    this.dropLeg(leg, 'terminate');
    return true;
  }

  /** REST `call/find_all`: one object per live leg. */
  findAll(): Record<string, unknown>[] {
    return [...this.legs.values()].map((leg) => ({
      callId: leg.callId,
      caller: leg.caller,
      callee: leg.callee,
      visibleName: leg.visibleName,
      status: leg.status,
      incoming: leg.incoming,
      login: leg.session.login ?? '',
      ...this.describe(leg),
      createdAt: new Date(leg.createdAt).toISOString(),
    }));
  }
}
