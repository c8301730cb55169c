// Calls between registered accounts: each call has a caller leg and a callee leg, each leg
// belongs to one websdk session and has its own callId and its own server-side WebRTC
// endpoint; media is relayed between the two endpoints.
import { randomUUID } from 'node:crypto';
import { MediaLeg, shapeOfSdp, type MediaRegistry } from './media.js';
import {
  DTMF_PATTERN,
  DTMF_TYPES,
  FINAL_STATUSES,
  accountOf,
  statusMessage,
  str,
  strOrNum,
  type CallStatus,
  type CallStatusFrame,
  type TransferStatus,
} from './protocol.js';
import { errorMessage, type Logger, type Timers } from './util.js';

/** What the switchboard needs from a websdk session. */
export interface CallSession {
  readonly id: string;
  readonly login: string | undefined;
  /** True when the session may place calls (its credentials were checked). */
  readonly mayCall: boolean;
  readonly open: boolean;
  readonly legs: Set<Leg>;
  send(message: string, ...data: unknown[]): void;
  fail(payload: Record<string, unknown>): void;
}

export interface SwitchboardOptions {
  noAnswerTimeoutMs: number;
  logger: Logger;
  timers: Timers;
  media: MediaRegistry;
}

type Outcome = { status: CallStatus; info: string };

/** One browser's side of a call. */
export class Leg {
  status: CallStatus;
  media: MediaLeg | undefined;
  hold = false;
  dtmf = '';
  dtmfType: string | undefined;
  /** The websdk knows this callId (always for a caller; after notifyIncomingCall for a callee). */
  notified: boolean;
  ended = false;
  readonly createdAt = Date.now();

  constructor(
    readonly callId: string,
    readonly session: CallSession,
    readonly incoming: boolean,
    readonly caller: string,
    readonly callee: string,
    readonly visibleName: string,
    public call: Call,
  ) {
    this.status = incoming ? 'NEW' : 'PENDING';
    this.notified = !incoming;
  }
}

type CallState = 'setup' | 'ringing' | 'established' | 'ended';

/** Two legs. A transfer attempt is a call whose caller leg still belongs to its parent. */
export class Call {
  readonly id = randomUUID();
  state: CallState = 'setup';
  a!: Leg;
  b: Leg | undefined;
  noAnswerTimer: NodeJS.Timeout | undefined;
  /** On a call being transferred: who asked, and the attempt toward the target. */
  transfer: { from: Leg; attempt: Call } | undefined;
  /** On a transfer attempt while it rings: the call being transferred. */
  parent: Call | undefined;
  establishedAt: number | undefined;
}

export class Switchboard {
  readonly legs = new Map<string, Leg>();
  readonly calls = new Set<Call>();
  /** login -> the session that registered it last (newest registration wins). */
  readonly registrations = new Map<string, CallSession>();
  readonly totals = { calls: 0, established: 0, transfers: 0 };

  constructor(private readonly options: SwitchboardOptions) {}

  private get log(): Logger {
    return this.options.logger;
  }

  register(login: string, session: CallSession): void {
    this.registrations.set(login, session);
  }

  unregister(session: CallSession): void {
    if (session.login && this.registrations.get(session.login) === session) {
      this.registrations.delete(session.login);
    }
  }

  // ---- frames toward the browsers ----------------------------------------------------

  private frame(leg: Leg, status: CallStatus, info: string): CallStatusFrame {
    const shape = leg.media?.shape;
    return {
      callId: leg.callId,
      caller: leg.caller,
      callee: leg.callee,
      visibleName: leg.visibleName,
      incoming: leg.incoming,
      status,
      info,
      hasAudio: shape?.audio ?? true,
      hasVideo: shape?.video ?? false,
    };
  }

  /** Sends a call status to the leg's browser (a `fail` frame first for FAILED/BUSY). */
  private sendStatus(leg: Leg, status: CallStatus, info = ''): void {
    leg.status = status;
    if (!leg.notified || !leg.session.open) return;
    if (status === 'FAILED' || status === 'BUSY') {
      leg.session.fail({ apiMethod: 'call', callId: leg.callId, status, info });
    }
    leg.session.send(statusMessage(status), this.frame(leg, status, info));
    this.log.debug(`call ${leg.callId} (${leg.session.login ?? '-'}): ${status}${info ? ` "${info}"` : ''}`);
  }

  private sendTransfer(leg: Leg, status: TransferStatus, info = ''): void {
    if (leg.ended || !leg.session.open) return;
    if (status === 'FAILED') {
      leg.session.fail({ apiMethod: 'transfer', callId: leg.callId, status, info });
    }
    leg.session.send('notifyTransferEvent', { callId: leg.callId, status, info });
  }

  // ---- lookups --------------------------------------------------------------------------

  private isBusy(session: CallSession): boolean {
    for (const leg of session.legs) if (!leg.ended) return true;
    return false;
  }

  /** The leg with this callId owned by this session, or undefined after a `fail` frame. */
  private ownLeg(session: CallSession, apiMethod: string, callId: string | undefined): Leg | undefined {
    const leg = callId ? this.legs.get(callId) : undefined;
    if (!leg || leg.session !== session || leg.ended) {
      this.log.warn(`${apiMethod}: unknown callId ${JSON.stringify(callId ?? null)} from session ${session.id}`);
      session.fail({ apiMethod, callId: callId ?? null, status: 'FAILED', info: 'Call not found' });
      return undefined;
    }
    return leg;
  }

  private addLeg(leg: Leg): void {
    this.legs.set(leg.callId, leg);
    leg.session.legs.add(leg);
  }

  private newCallId(): string {
    let id = randomUUID();
    while (this.legs.has(id)) id = randomUUID();
    return id;
  }

  // ---- client requests -------------------------------------------------------------------

  /** `call`: an outgoing call from a session. */
  async onCall(session: CallSession, p: Record<string, unknown>): Promise<void> {
    const callId = str(p, 'callId');
    const calleeRaw = str(p, 'callee');
    const sdp = str(p, 'sdp');
    if (!callId || callId.length > 128) {
      this.log.warn(`call: missing callId from session ${session.id}`);
      session.fail({ apiMethod: 'call', callId: callId ?? null, status: 'FAILED', info: 'Bad Request' });
      return;
    }
    if (this.legs.has(callId)) {
      this.log.warn(`call: callId ${callId} already in use`);
      session.fail({ apiMethod: 'call', callId, status: 'FAILED', info: 'Call already exists' });
      return;
    }
    const callerLogin = session.login ?? '';
    const call = new Call();
    const a = new Leg(
      callId,
      session,
      false,
      callerLogin,
      calleeRaw ?? '',
      str(p, 'visibleName') || callerLogin,
      call,
    );
    call.a = a;
    this.calls.add(call);
    this.addLeg(a);
    this.totals.calls++;
    // The websdk only sends `hangup` for a call that left PENDING: answer TRYING at once.
    this.sendStatus(a, 'TRYING');

    if (!calleeRaw || !sdp) {
      this.log.warn(`call ${callId}: missing callee or sdp`);
      this.endCall(call, { status: 'FAILED', info: 'Bad Request' });
      return;
    }
    if (!session.mayCall || !session.login) {
      this.log.info(`call ${callId}: refused, session ${session.id} has no valid SIP credentials`);
      this.endCall(call, { status: 'FAILED', info: 'Forbidden' });
      return;
    }
    const calleeLogin = accountOf(calleeRaw);
    const target = this.registrations.get(calleeLogin);
    if (!target || !target.open) {
      this.log.info(`call ${callId}: ${callerLogin} -> ${calleeLogin}: not registered`);
      this.endCall(call, { status: 'FAILED', info: 'Not Found' });
      return;
    }
    if (this.isBusy(target)) {
      this.log.info(`call ${callId}: ${callerLogin} -> ${calleeLogin}: busy`);
      this.endCall(call, { status: 'BUSY', info: 'Busy Here' });
      return;
    }
    const shape = shapeOfSdp(sdp);
    // Reserve the callee now, so that a concurrent call to it finds it busy.
    const b = new Leg(this.newCallId(), target, true, callerLogin, calleeLogin, a.visibleName, call);
    call.b = b;
    this.addLeg(b);
    this.log.info(`call ${callId}: ${callerLogin} -> ${calleeLogin} (callee leg ${b.callId})`);

    const flows = shape.flows;
    const [accepted, offer] = await Promise.allSettled([
      MediaLeg.acceptOffer(this.options.media, sdp, `leg ${callId}`),
      // The callee gets what the caller sends, and is asked for what the caller receives.
      MediaLeg.createOffer(
        this.options.media,
        shape.videoCodec,
        { audio: flows.audio.send, video: flows.video.send },
        { audio: flows.audio.recv, video: flows.video.recv },
        `leg ${b.callId}`,
      ),
    ]);
    if (accepted.status === 'rejected' || offer.status === 'rejected') {
      if (accepted.status === 'fulfilled') void accepted.value.close();
      if (offer.status === 'fulfilled') void offer.value.leg.close();
      const reason = accepted.status === 'rejected' ? accepted.reason : offer.status === 'rejected' ? offer.reason : '';
      this.log.warn(`call ${callId}: media setup failed: ${errorMessage(reason)}`);
      this.endCall(call, { status: 'FAILED', info: 'Not Acceptable Here' }, { status: 'FINISH', info: '' });
      return;
    }
    if (call.state === 'ended') {
      void accepted.value.close();
      void offer.value.leg.close();
      return;
    }
    this.attachMedia(a, accepted.value);
    this.attachMedia(b, offer.value.leg);
    // Callee: setRemoteSDP must come before notifyIncomingCall, or answer() has no remote SDP.
    this.notifyIncoming(b, offer.value.sdp);
    // The caller's SDP answer waits for the callee's: it sends the caller only what the
    // callee sends (a video track that never plays would keep its <video> from playing).
    call.state = 'ringing';
    this.sendStatus(a, 'RING');
    this.sendStatus(b, 'RING');
    this.startNoAnswerTimer(call);
  }

  private attachMedia(leg: Leg, media: MediaLeg): void {
    leg.media = media;
    media.onFailed = () => {
      if (leg.ended) return;
      this.log.warn(`call ${leg.callId}: media failed, ending the call`);
      this.dropLeg(leg, 'media');
    };
  }

  private notifyIncoming(b: Leg, sdp: string): void {
    b.session.send('setRemoteSDP', b.callId, sdp);
    b.notified = true;
    const frame = this.frame(b, 'NEW', '');
    b.session.send('notifyIncomingCall', { ...frame, mediaProvider: 'WebRTC' });
  }

  private startNoAnswerTimer(call: Call): void {
    call.noAnswerTimer = this.options.timers.timeout(this.options.noAnswerTimeoutMs, () => {
      call.noAnswerTimer = undefined;
      if (call.state !== 'ringing') return;
      this.log.info(`call ${call.a.callId}: no answer within ${this.options.noAnswerTimeoutMs} ms`);
      if (call.parent) {
        this.endAttempt(call, { status: 'FINISH', info: 'Request Timeout' }, 'Request Timeout');
      } else {
        this.endCall(call, { status: 'FAILED', info: 'Request Timeout' }, { status: 'FINISH', info: 'Request Timeout' });
      }
    });
  }

  /** `answer`: the callee's SDP answer to the server's offer. */
  async onAnswer(session: CallSession, p: Record<string, unknown>): Promise<void> {
    const leg = this.ownLeg(session, 'answer', str(p, 'callId'));
    if (!leg) return;
    const call = leg.call;
    const sdp = str(p, 'sdp');
    if (!leg.incoming || call.b !== leg || call.state !== 'ringing' || !leg.media) {
      this.log.warn(`answer: call ${leg.callId} is not ringing`);
      session.fail({ apiMethod: 'answer', callId: leg.callId, status: 'FAILED', info: 'Invalid call state' });
      return;
    }
    if (!sdp) {
      this.log.warn(`answer: call ${leg.callId} has no sdp`);
      this.failAnswer(call, 'Bad Request');
      return;
    }
    const media = leg.media;
    try {
      await media.acceptAnswer(sdp);
    } catch (error) {
      this.log.warn(`answer: call ${leg.callId}: bad SDP answer: ${errorMessage(error)}`);
      this.failAnswer(call, 'Not Acceptable Here');
      return;
    }
    if (call.state !== 'ringing' || leg.ended) return;
    this.options.timers.clear(call.noAnswerTimer);
    call.noAnswerTimer = undefined;
    if (!call.parent) {
      // Now the caller gets the server's answer (before ESTABLISHED).
      const a = call.a;
      let callerSdp: string;
      try {
        callerSdp = await a.media!.answer({ ...media.browserSends });
      } catch (error) {
        this.log.warn(`answer: call ${a.callId}: cannot answer the caller's offer: ${errorMessage(error)}`);
        this.endCall(call, { status: 'FAILED', info: 'Not Acceptable Here' }, { status: 'FINISH', info: '' });
        return;
      }
      if (call.state !== 'ringing' || leg.ended || a.ended) return;
      a.session.send('setRemoteSDP', a.callId, callerSdp);
    }
    call.state = 'established';
    call.establishedAt = Date.now();
    this.totals.established++;
    const parent = call.parent;
    if (parent) {
      this.completeTransfer(parent, call);
      return;
    }
    this.updateMedia(call);
    this.sendStatus(call.a, 'ESTABLISHED');
    this.sendStatus(leg, 'ESTABLISHED');
  }

  private failAnswer(call: Call, info: string): void {
    if (call.parent) this.endAttempt(call, { status: 'FAILED', info }, info);
    else this.endCall(call, { status: 'FAILED', info }, { status: 'FAILED', info });
  }

  /** `hangup`: cancel, decline or end, depending on who and when. */
  onHangup(session: CallSession, p: Record<string, unknown>): void {
    const callId = str(p, 'callId');
    const known = callId ? this.legs.get(callId) : undefined;
    if (!known || known.session !== session || known.ended) {
      // The websdk sends `hangup` for calls that failed locally (no microphone) before any
      // `call` frame, and again for calls already ended: nothing to do, nothing to report.
      this.log.info(`hangup: no live call ${JSON.stringify(callId ?? null)} in session ${session.id}, ignored`);
      return;
    }
    const leg = known;
    this.dropLeg(leg, 'hangup');
  }

  /**
   * A leg goes away: its browser hung up, its socket closed, the operator terminated it,
   * or its media failed. Decides what each party sees.
   */
  dropLeg(leg: Leg, why: 'hangup' | 'disconnect' | 'terminate' | 'media'): void {
    if (leg.ended) return;
    const call = leg.call;
    const info = why === 'terminate' ? 'Terminated' : why === 'media' ? 'Media Failure' : '';
    if (call.parent) {
      // The transfer target declines (or vanishes) while ringing.
      const declined = why === 'hangup';
      this.endAttempt(call, { status: 'FINISH', info }, declined ? 'Busy Here' : info || 'Request Terminated');
      return;
    }
    if (call.transfer && call.transfer.from === leg && why !== 'terminate') {
      // The transferring side leaves before the target answered: the transfer goes on.
      this.finishLeg(leg, { status: 'FINISH', info });
      return;
    }
    if (call.state === 'setup' || call.state === 'ringing') {
      if (leg === call.a) {
        // Caller cancels (or is gone) before an answer.
        const calleeInfo = why === 'hangup' ? 'Request Terminated' : info;
        this.endCall(call, { status: 'FINISH', info }, { status: 'FINISH', info: calleeInfo });
      } else if (why === 'hangup') {
        // Callee declines.
        this.endCall(call, { status: 'BUSY', info: 'Busy Here' }, { status: 'FINISH', info: '' });
      } else {
        this.endCall(call, { status: 'FINISH', info }, { status: 'FINISH', info });
      }
      return;
    }
    this.endCall(call, { status: 'FINISH', info }, { status: 'FINISH', info });
  }

  /** Ends a whole call (and any transfer attempt hanging off it). */
  endCall(call: Call, callerOutcome: Outcome, calleeOutcome: Outcome = callerOutcome): void {
    if (call.state === 'ended') return;
    if (call.parent) {
      this.endAttempt(call, calleeOutcome, calleeOutcome.info || 'Request Terminated');
      return;
    }
    call.state = 'ended';
    this.options.timers.clear(call.noAnswerTimer);
    call.noAnswerTimer = undefined;
    const transfer = call.transfer;
    call.transfer = undefined;
    if (transfer) {
      const attempt = transfer.attempt;
      attempt.state = 'ended';
      this.options.timers.clear(attempt.noAnswerTimer);
      attempt.noAnswerTimer = undefined;
      if (attempt.b) this.finishLeg(attempt.b, { status: 'FINISH', info: 'Request Terminated' });
      this.calls.delete(attempt);
      this.sendTransfer(transfer.from, 'FAILED', 'Request Terminated');
    }
    this.finishLeg(call.a, callerOutcome);
    if (call.b) this.finishLeg(call.b, calleeOutcome);
    this.calls.delete(call);
  }

  private finishLeg(leg: Leg, outcome: Outcome): void {
    if (leg.ended) return;
    if (!FINAL_STATUSES.has(outcome.status)) throw new Error(`not a final status: ${outcome.status}`);
    this.sendStatus(leg, outcome.status, outcome.info);
    leg.ended = true;
    this.legs.delete(leg.callId);
    leg.session.legs.delete(leg);
    const media = leg.media;
    leg.media = undefined;
    if (media) void media.close();
  }

  /** Stops or starts the relay between the two legs of a call. */
  private updateMedia(call: Call): void {
    const { a, b } = call;
    if (!b || !a.media || !b.media) return;
    const flowing =
      call.state === 'established' && !a.hold && !b.hold && !a.ended && !b.ended && call.transfer === undefined;
    a.media.setTarget(flowing ? b.media : null);
    b.media.setTarget(flowing ? a.media : null);
  }

  onHold(session: CallSession, p: Record<string, unknown>, hold: boolean): void {
    const method = hold ? 'hold' : 'unhold';
    const leg = this.ownLeg(session, method, str(p, 'callId'));
    if (!leg) return;
    const call = leg.call;
    if (call.state !== 'established' || call.parent) {
      this.log.warn(`${method}: call ${leg.callId} is not established`);
      session.fail({ apiMethod: method, callId: leg.callId, status: 'FAILED', info: 'Invalid call state' });
      return;
    }
    leg.hold = hold;
    this.updateMedia(call);
    // The websdk fires HOLD, and ESTABLISHED again after every unhold.
    this.sendStatus(leg, hold ? 'HOLD' : 'ESTABLISHED');
  }

  onDtmf(session: CallSession, p: Record<string, unknown>): void {
    const leg = this.ownLeg(session, 'sendDtmf', str(p, 'callId'));
    if (!leg) return;
    const digits = strOrNum(p, 'dtmf');
    const type = str(p, 'type') ?? 'RFC2833';
    if (!digits || !DTMF_PATTERN.test(digits) || !(DTMF_TYPES as readonly string[]).includes(type)) {
      this.log.warn(`sendDtmf: call ${leg.callId}: bad DTMF ${JSON.stringify(p['dtmf'])} type ${JSON.stringify(type)}`);
      session.fail({ apiMethod: 'sendDtmf', callId: leg.callId, status: 'FAILED', info: 'Bad DTMF' });
      return;
    }
    if (leg.call.state !== 'established') {
      this.log.warn(`sendDtmf: call ${leg.callId} is not established`);
      session.fail({ apiMethod: 'sendDtmf', callId: leg.callId, status: 'FAILED', info: 'Invalid call state' });
      return;
    }
    leg.dtmf = (leg.dtmf + digits.toUpperCase()).slice(-256);
    leg.dtmfType = type;
    this.log.info(`call ${leg.callId}: DTMF ${digits} (${type})`);
  }

  /** `transfer`: blind transfer of the other party to `target`. */
  async onTransfer(session: CallSession, p: Record<string, unknown>): Promise<void> {
    const leg = this.ownLeg(session, 'transfer', str(p, 'callId'));
    if (!leg) return;
    const call = leg.call;
    const other = call.a === leg ? call.b : call.a;
    const targetRaw = strOrNum(p, 'target');
    if (call.state !== 'established' || call.parent || call.transfer || !other || !other.media) {
      this.log.warn(`transfer: call ${leg.callId} cannot be transferred now`);
      session.fail({ apiMethod: 'transfer', callId: leg.callId, status: 'FAILED', info: 'Invalid call state' });
      return;
    }
    this.sendTransfer(leg, 'TRYING');
    const targetLogin = targetRaw ? accountOf(targetRaw) : '';
    const target = this.registrations.get(targetLogin);
    if (!target || !target.open) {
      this.log.info(`transfer ${leg.callId} -> ${targetLogin}: not registered`);
      this.sendTransfer(leg, 'FAILED', 'Not Found');
      return;
    }
    if (this.isBusy(target)) {
      this.log.info(`transfer ${leg.callId} -> ${targetLogin}: busy`);
      this.sendTransfer(leg, 'FAILED', 'Busy Here');
      return;
    }
    this.sendTransfer(leg, 'ACCEPTED');
    this.totals.transfers++;
    const party = other.session.login ?? (call.a === other ? other.caller : other.callee);
    const attempt = new Call();
    attempt.a = other;
    attempt.parent = call;
    const t = new Leg(this.newCallId(), target, true, party, targetLogin, party, attempt);
    attempt.b = t;
    this.calls.add(attempt);
    this.addLeg(t);
    call.transfer = { from: leg, attempt };
    this.updateMedia(call);
    this.log.info(`transfer ${leg.callId}: ${party} -> ${targetLogin} (leg ${t.callId})`);
    let offer: { leg: MediaLeg; sdp: string };
    try {
      // The target gets what the other party sends, and is asked for what it receives.
      offer = await MediaLeg.createOffer(
        this.options.media,
        other.media.shape.videoCodec,
        { ...other.media.browserSends },
        { ...other.media.serverSends },
        `leg ${t.callId}`,
      );
    } catch (error) {
      this.log.warn(`transfer ${leg.callId}: media setup failed: ${errorMessage(error)}`);
      this.endAttempt(attempt, { status: 'FINISH', info: '' }, 'Service Unavailable');
      return;
    }
    if (attempt.state === 'ended') {
      void offer.leg.close();
      return;
    }
    this.attachMedia(t, offer.leg);
    this.notifyIncoming(t, offer.sdp);
    attempt.state = 'ringing';
    this.sendStatus(t, 'RING');
    this.startNoAnswerTimer(attempt);
  }

  /** The transfer target answered: the other party now talks to it. */
  private completeTransfer(parent: Call, attempt: Call): void {
    const transfer = parent.transfer;
    attempt.parent = undefined;
    const other = attempt.a;
    const t = attempt.b!;
    other.call = attempt;
    parent.transfer = undefined;
    parent.state = 'ended';
    this.options.timers.clear(parent.noAnswerTimer);
    this.calls.delete(parent);
    if (transfer && !transfer.from.ended) {
      this.sendTransfer(transfer.from, 'COMPLETED');
      this.finishLeg(transfer.from, { status: 'FINISH', info: 'Transferred' });
    }
    this.updateMedia(attempt);
    this.sendStatus(t, 'ESTABLISHED');
    this.log.info(`transfer completed: ${other.callId} <-> ${t.callId}`);
  }

  /** A transfer attempt ends before an answer: the transferring side is told, or the other party hung up on. */
  private endAttempt(attempt: Call, targetOutcome: Outcome, reason: string): void {
    if (attempt.state === 'ended') return;
    attempt.state = 'ended';
    this.options.timers.clear(attempt.noAnswerTimer);
    attempt.noAnswerTimer = undefined;
    if (attempt.b) this.finishLeg(attempt.b, targetOutcome);
    this.calls.delete(attempt);
    const parent = attempt.parent;
    attempt.parent = undefined;
    if (!parent || parent.transfer?.attempt !== attempt) return;
    const from = parent.transfer.from;
    parent.transfer = undefined;
    if (!from.ended) {
      this.sendTransfer(from, 'FAILED', reason);
      this.updateMedia(parent);
    } else {
      // Nobody is left on the other end.
      this.endCall(parent, { status: 'FINISH', info: reason }, { status: 'FINISH', info: reason });
    }
  }

  /** REST `call/terminate`. */
  terminate(callId: string): boolean {
    const leg = this.legs.get(callId);
    if (!leg || leg.ended) return false;
    this.log.info(`terminate ${callId}`);
    const call = leg.call;
    if (call.parent) this.endAttempt(call, { status: 'FINISH', info: 'Terminated' }, 'Terminated');
    else this.endCall(call, { status: 'FINISH', info: 'Terminated' });
    return true;
  }

  /** A session's socket closed: its legs go away, the other parties get FINISH. */
  sessionClosed(session: CallSession): void {
    for (const leg of [...session.legs]) this.dropLeg(leg, 'disconnect');
    this.unregister(session);
  }

  /** REST `call/find_all`: one object per live leg. */
  findAll(): Record<string, unknown>[] {
    return [...this.legs.values()].map((leg) => {
      const call = leg.call;
      const other = call.a === leg ? call.b : call.a;
      return {
        callId: leg.callId,
        caller: leg.caller,
        callee: leg.callee,
        visibleName: leg.visibleName,
        status: leg.status,
        incoming: leg.incoming,
        login: leg.session.login ?? '',
        otherCallId: other?.callId ?? null,
        hold: leg.hold,
        dtmf: leg.dtmf,
        dtmfType: leg.dtmfType ?? null,
        hasAudio: leg.media?.shape.audio ?? false,
        hasVideo: leg.media?.shape.video ?? false,
        mediaConnected: leg.media?.connected ?? false,
        rtp: leg.media ? structuredClone(leg.media.counters) : null,
        createdAt: new Date(leg.createdAt).toISOString(),
      };
    });
  }
}
