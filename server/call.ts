// Calls between registered accounts: each call has a caller leg and a callee leg, each leg
// belongs to one websdk session and has its own callId and its own server-side WebRTC
// endpoint; media is relayed between the two endpoints. The request checks and the frames
// toward the browsers are shared with the SIP side (call-signalling.ts).
import { randomUUID } from 'node:crypto';
import { CallLeg, CallSignalling, dropInfo, type CallSession, type DropReason, type Outcome } from './call-signalling.js';
import { MediaLeg, shapeOfSdp, type MediaRegistry } from './media.js';
import { accountOf, str, strOrNum } from './protocol.js';
import { errorMessage, type Logger, type Timers } from './util.js';
import { safe } from './security.js';

export interface SwitchboardOptions {
  noAnswerTimeoutMs: number;
  logger: Logger;
  timers: Timers;
  media: MediaRegistry;
}

/** One browser's side of a call. */
export class Leg extends CallLeg {
  media: MediaLeg | undefined;

  constructor(
    callId: string,
    session: CallSession,
    incoming: boolean,
    caller: string,
    callee: string,
    visibleName: string,
    public call: Call,
  ) {
    super(callId, session, incoming, caller, callee, visibleName);
  }

  get established(): boolean {
    return this.call.state === 'established';
  }

  override get announced(): { audio: boolean; video: boolean } {
    const shape = this.media?.shape;
    return { audio: shape?.audio ?? true, video: shape?.video ?? false };
  }
}

type CallState = 'setup' | 'ringing' | 'established' | 'ended';

/**
 * A caller leg and the callee leg that answered. While it rings, the callee is every session
 * registered for the callee's login: one leg each (`forks`); the first to answer becomes `b`
 * and the others end ("Answered elsewhere"). A transfer attempt is a call whose caller leg
 * still belongs to its parent.
 */
export class Call {
  readonly id = randomUUID();
  state: CallState = 'setup';
  a!: Leg;
  b: Leg | undefined;
  /** The callee's legs while it rings. */
  forks: Leg[] = [];
  /** A fork declined (its browser hung up while it rang): busy, if none is left. */
  declined = false;
  noAnswerTimer: NodeJS.Timeout | undefined;
  /** On a call being transferred: who asked, and the attempt toward the target. */
  transfer: { from: Leg; attempt: Call } | undefined;
  /** On a transfer attempt while it rings: the call being transferred. */
  parent: Call | undefined;
  establishedAt: number | undefined;
}

export class Switchboard extends CallSignalling<Leg> {
  readonly calls = new Set<Call>();

  constructor(private readonly options: SwitchboardOptions) {
    super(options.logger);
  }

  register(login: string, session: CallSession): void {
    this.registrations.add(login, session);
  }

  unregister(session: CallSession): void {
    this.registrations.remove(session.login, session);
  }

  // ---- placing a call ----------------------------------------------------------------------

  protected callerLeg(session: CallSession, callId: string, visibleName: string, p: Record<string, unknown>): Leg {
    const call = new Call();
    call.a = new Leg(callId, session, false, session.login ?? '', str(p, 'callee') ?? '', visibleName, call);
    this.calls.add(call);
    return call.a;
  }

  protected async placeCall(a: Leg, p: Record<string, unknown>): Promise<void> {
    const { call, callId, session } = a;
    const callerLogin = a.caller;
    const calleeRaw = str(p, 'callee');
    const sdp = str(p, 'sdp');
    if (!calleeRaw || !sdp) {
      this.log.warn(`call ${safe(callId)}: missing callee or sdp`);
      this.endCall(call, { status: 'FAILED', info: 'Bad Request' });
      return;
    }
    if (!session.mayCall || !session.login) {
      this.log.info(`call ${safe(callId)}: refused, session ${session.id} has no valid SIP credentials`);
      this.endCall(call, { status: 'FAILED', info: 'Forbidden' });
      return;
    }
    if (!session.mayCallTo(calleeRaw)) {
      this.log.info(`call ${safe(callId)}: ${safe(calleeRaw)} is not a callee of the session's app key`);
      this.endCall(call, { status: 'FAILED', info: 'Forbidden' });
      return;
    }
    const calleeLogin = accountOf(calleeRaw);
    // Every session of the callee rings, one already in a call too (call waiting: busy is
    // then that phone's answer), except the caller's own.
    const targets = this.registrations.of(calleeLogin).filter((target) => target !== session);
    if (targets.length === 0) {
      this.log.info(`call ${safe(callId)}: ${safe(callerLogin)} -> ${safe(calleeLogin)}: not registered`);
      this.endCall(call, { status: 'FAILED', info: 'Not Found' });
      return;
    }
    const shape = shapeOfSdp(sdp);
    const forks = targets.map((target) => new Leg(this.newCallId(), target, true, callerLogin, calleeLogin, a.visibleName, call));
    call.forks = forks;
    for (const fork of forks) this.legs.set(fork.callId, fork);
    this.log.info(`call ${safe(callId)}: ${safe(callerLogin)} -> ${safe(calleeLogin)} (callee legs ${forks.map((f) => f.callId).join(', ')})`);

    const flows = shape.flows;
    const [accepted, ...offers] = await Promise.allSettled([
      MediaLeg.acceptOffer(this.options.media, sdp, `leg ${safe(callId)}`),
      // Each callee gets what the caller sends, and is asked for what the caller receives.
      ...forks.map((fork) =>
        MediaLeg.createOffer(
          this.options.media,
          shape.videoCodec,
          { audio: flows.audio.send, video: flows.video.send },
          { audio: flows.audio.recv, video: flows.video.recv },
          `leg ${fork.callId}`,
        ),
      ),
    ]);
    const made = offers.flatMap((offer, i) => (offer.status === 'fulfilled' ? [{ fork: forks[i]!, ...offer.value }] : []));
    if (accepted.status === 'rejected' || made.length === 0 || call.state === 'ended') {
      if (accepted.status === 'fulfilled') void accepted.value.close();
      for (const { leg } of made) void leg.close();
      if (call.state === 'ended') return;
      const failed = accepted.status === 'rejected' ? accepted : offers.find((o) => o.status === 'rejected');
      this.log.warn(`call ${safe(callId)}: media setup failed: ${safe(errorMessage(failed?.status === 'rejected' ? failed.reason : ''))}`);
      this.endCall(call, { status: 'FAILED', info: 'Not Acceptable Here' }, { status: 'FINISH', info: '' });
      return;
    }
    this.attachMedia(a, accepted.value);
    for (const fork of forks) {
      const offer = made.find((m) => m.fork === fork);
      if (offer && !fork.ended) {
        this.attachMedia(fork, offer.leg);
        this.notifyIncoming(fork, offer.sdp);
      } else if (offer) {
        void offer.leg.close();
      } else {
        this.dropFork(fork, { status: 'FINISH', info: '' });
      }
    }
    // Every fork may have gone meanwhile (dropFork then ended the call).
    if ((call.state as CallState) === 'ended') return;
    // The caller's SDP answer waits for the callee's: it sends the caller only what the
    // callee sends (a video track that never plays would keep its <video> from playing).
    call.state = 'ringing';
    this.sendStatus(a, 'RING');
    for (const fork of call.forks) this.sendStatus(fork, 'RING');
    this.startNoAnswerTimer(call);
  }

  /** Ends one callee leg of a ringing call; the caller's call ends when no leg is left. */
  private dropFork(fork: Leg, outcome: Outcome, callerOutcome?: Outcome): void {
    const call = fork.call;
    call.forks = call.forks.filter((f) => f !== fork);
    this.finish(fork, outcome);
    if (call.forks.length > 0 || call.state === 'ended' || call.b) return;
    this.endCall(call, callerOutcome ?? (call.declined ? { status: 'BUSY', info: 'Busy Here' } : { status: 'FINISH', info: outcome.info }));
  }

  private attachMedia(leg: Leg, media: MediaLeg): void {
    leg.media = media;
    this.watchMedia(leg, media);
  }

  private startNoAnswerTimer(call: Call): void {
    call.noAnswerTimer = this.options.timers.timeout(this.options.noAnswerTimeoutMs, () => {
      call.noAnswerTimer = undefined;
      if (call.state !== 'ringing') return;
      this.log.info(`call ${safe(call.a.callId)}: no answer within ${this.options.noAnswerTimeoutMs} ms`);
      if (call.parent) {
        this.endAttempt(call, { status: 'FINISH', info: 'Request Timeout' }, 'Request Timeout');
      } else {
        this.endCall(call, { status: 'FAILED', info: 'Request Timeout' }, { status: 'FINISH', info: 'Request Timeout' });
      }
    });
  }

  // ---- answering ---------------------------------------------------------------------------

  protected mayAnswer(leg: Leg): boolean {
    const call = leg.call;
    return call.forks.includes(leg) && call.b === undefined && call.state === 'ringing' && leg.media !== undefined;
  }

  /** The callee's SDP answer to the server's offer: the first leg to answer takes the call. */
  protected async answer(leg: Leg, sdp: string): Promise<void> {
    const call = leg.call;
    const media = leg.media!;
    call.b = leg;
    for (const other of call.forks.filter((f) => f !== leg)) this.finish(other, { status: 'FINISH', info: 'Answered elsewhere' });
    call.forks = [leg];
    try {
      await media.acceptAnswer(sdp);
    } catch (error) {
      this.log.warn(`answer: call ${leg.callId}: bad SDP answer: ${safe(errorMessage(error))}`);
      this.failAnswer(leg, 'Not Acceptable Here');
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
        this.log.warn(`answer: call ${safe(a.callId)}: cannot answer the caller's offer: ${safe(errorMessage(error))}`);
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
    this.updateRelay(call);
    this.sendStatus(call.a, 'ESTABLISHED');
    this.sendStatus(leg, 'ESTABLISHED');
  }

  protected failAnswer(leg: Leg, info: string): void {
    const call = leg.call;
    if (call.parent) this.endAttempt(call, { status: 'FAILED', info }, info);
    else this.endCall(call, { status: 'FAILED', info }, { status: 'FAILED', info });
  }

  // ---- ending ------------------------------------------------------------------------------

  /**
   * A leg goes away: its browser hung up, its socket closed, the operator terminated it,
   * or its media failed. Decides what each party sees.
   */
  protected dropLeg(leg: Leg, why: DropReason): void {
    if (leg.ended) return;
    const call = leg.call;
    const info = dropInfo(why);
    if (call.parent) {
      // The transfer target declines (or vanishes) while ringing.
      const declined = why === 'hangup';
      this.endAttempt(call, { status: 'FINISH', info }, declined ? 'Busy Here' : info || 'Request Terminated');
      return;
    }
    if (call.transfer && call.transfer.from === leg && why !== 'terminate') {
      // The transferring side leaves before the target answered: the transfer goes on.
      this.finish(leg, { status: 'FINISH', info });
      return;
    }
    if (call.state === 'setup' || call.state === 'ringing') {
      if (leg === call.a) {
        // Caller cancels (or is gone) before an answer.
        const calleeInfo = why === 'hangup' ? 'Request Terminated' : info;
        this.endCall(call, { status: 'FINISH', info }, { status: 'FINISH', info: calleeInfo });
      } else if (call.b !== leg) {
        // One of the callee's sessions declines (or goes): the others ring on; when none is
        // left, the caller hears busy if one declined.
        if (why === 'hangup') call.declined = true;
        this.dropFork(leg, { status: 'FINISH', info: why === 'hangup' ? '' : info });
      } else if (why === 'hangup') {
        // The callee declines.
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
      for (const leg of attempt.forks) this.finish(leg, { status: 'FINISH', info: 'Request Terminated' });
      this.calls.delete(attempt);
      this.sendTransfer(transfer.from, 'FAILED', 'Request Terminated');
    }
    this.finish(call.a, callerOutcome);
    for (const leg of new Set([...call.forks, ...(call.b ? [call.b] : [])])) this.finish(leg, calleeOutcome);
    this.calls.delete(call);
  }

  protected release(leg: Leg): void {
    const media = leg.media;
    leg.media = undefined;
    if (media) void media.close();
  }

  // ---- hold, DTMF --------------------------------------------------------------------------

  protected mayHold(leg: Leg): boolean {
    return leg.call.state === 'established' && !leg.call.parent;
  }

  /** Nobody else to tell: the relay stops (updateMedia). */
  protected offerHold(): undefined {
    return undefined;
  }

  protected updateMedia(leg: Leg): void {
    this.updateRelay(leg.call);
  }

  /** Stops or starts the relay between the two legs of a call. */
  private updateRelay(call: Call): void {
    const { a, b } = call;
    if (!b || !a.media || !b.media) return;
    const flowing =
      call.state === 'established' && !a.hold && !b.hold && !a.ended && !b.ended && call.transfer === undefined;
    a.media.setTarget(flowing ? b.media : null);
    b.media.setTarget(flowing ? a.media : null);
  }

  /** The digits are only recorded (REST find_all shows them): no party here listens for them. */
  protected playDtmf(): void {}

  // ---- transfer ----------------------------------------------------------------------------

  /** `transfer`: blind transfer of the other party to `target`. */
  async onTransfer(session: CallSession, p: Record<string, unknown>): Promise<void> {
    const leg = this.ownLeg(session, 'transfer', str(p, 'callId'));
    if (!leg) return;
    const call = leg.call;
    const other = call.a === leg ? call.b : call.a;
    const targetRaw = strOrNum(p, 'target');
    if (call.state !== 'established' || call.parent || call.transfer || !other || !other.media) {
      this.log.warn(`transfer: call ${safe(leg.callId)} cannot be transferred now`);
      this.refuse(leg, 'transfer');
      return;
    }
    this.sendTransfer(leg, 'TRYING');
    const targetLogin = targetRaw ? accountOf(targetRaw) : '';
    // A transfer rings one session of the target: the newest one not in a call.
    const sessions = this.registrations.of(targetLogin);
    const target = sessions.filter((s) => !this.isBusy(s)).at(-1);
    if (sessions.length === 0) {
      this.log.info(`transfer ${safe(leg.callId)} -> ${safe(targetLogin)}: not registered`);
      this.sendTransfer(leg, 'FAILED', 'Not Found');
      return;
    }
    if (!target) {
      this.log.info(`transfer ${safe(leg.callId)} -> ${safe(targetLogin)}: busy`);
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
    attempt.forks = [t];
    this.calls.add(attempt);
    this.legs.set(t.callId, t);
    call.transfer = { from: leg, attempt };
    this.updateRelay(call);
    this.log.info(`transfer ${safe(leg.callId)}: ${safe(party)} -> ${safe(targetLogin)} (leg ${t.callId})`);
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
      this.log.warn(`transfer ${safe(leg.callId)}: media setup failed: ${safe(errorMessage(error))}`);
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
      this.finish(transfer.from, { status: 'FINISH', info: 'Transferred' });
    }
    this.updateRelay(attempt);
    this.sendStatus(t, 'ESTABLISHED');
    this.log.info(`transfer completed: ${safe(other.callId)} <-> ${t.callId}`);
  }

  /** A transfer attempt ends before an answer: the transferring side is told, or the other party hung up on. */
  private endAttempt(attempt: Call, targetOutcome: Outcome, reason: string): void {
    if (attempt.state === 'ended') return;
    attempt.state = 'ended';
    this.options.timers.clear(attempt.noAnswerTimer);
    attempt.noAnswerTimer = undefined;
    for (const leg of new Set([...attempt.forks, ...(attempt.b ? [attempt.b] : [])])) this.finish(leg, targetOutcome);
    this.calls.delete(attempt);
    const parent = attempt.parent;
    attempt.parent = undefined;
    if (!parent || parent.transfer?.attempt !== attempt) return;
    const from = parent.transfer.from;
    parent.transfer = undefined;
    if (!from.ended) {
      this.sendTransfer(from, 'FAILED', reason);
      this.updateRelay(parent);
    } else {
      // Nobody is left on the other end.
      this.endCall(parent, { status: 'FINISH', info: reason }, { status: 'FINISH', info: reason });
    }
  }

  // ---- sessions, REST ----------------------------------------------------------------------

  /** A session's socket closed: its legs go away, the other parties get FINISH. */
  sessionClosed(session: CallSession): void {
    for (const leg of this.legsOf(session)) this.dropLeg(leg, 'disconnect');
    this.unregister(session);
  }

  protected mediaOf(leg: Leg): MediaLeg | undefined {
    return leg.media;
  }

  protected describe(leg: Leg): Record<string, unknown> {
    const call = leg.call;
    const other = call.a === leg ? call.b : call.a;
    return {
      otherCallId: other?.callId ?? null,
      hold: leg.hold,
      dtmf: leg.dtmf,
      dtmfType: leg.dtmfType ?? null,
      hasAudio: leg.media?.shape.audio ?? false,
      hasVideo: leg.media?.shape.video ?? false,
      mediaConnected: leg.media?.connected ?? false,
      rtp: leg.media ? structuredClone(leg.media.counters) : null,
    };
  }
}
