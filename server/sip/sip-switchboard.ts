// The gateway's SIP side: with `--sip-server`, each websdk session signs in to a real SIP
// server (SIP over WebSocket, SIP.js) instead of the local accounts, and each call leg is a
// SIP dialog. Two media modes:
//  - 'relay': the browser's SDP passes through untouched; the SIP server puts media
//    through rtpengine (Kamailio: rtpengine_offer/answer), so the browser talks WebRTC to
//    rtpengine and rtpengine talks plain RTP to the phones.
//  - 'gateway': the SIP server carries signalling only. The browser's WebRTC ends at a
//    werift leg in the gateway (as with local calls); the gateway's plain RTP leg
//    (plain-rtp.ts) carries the same Opus to rtpengine, which the gateway drives over its
//    ng protocol to reach plain-RTP phones (and transcode for G.711-only ones).
import { WebSocket as NodeWebSocket } from 'ws';
import {
  Invitation,
  Inviter,
  Registerer,
  SessionState,
  UserAgent,
  type Notification,
  type Session as SipSession,
  type SessionDescriptionHandler,
  type SessionDescriptionHandlerOptions,
  type URI,
} from 'sip.js';
import { CallLeg, CallSignalling, dropInfo, type CallSession, type DropReason } from '../call-signalling.js';
import { MediaLeg, type MediaRegistry } from '../media.js';
import { str, strOrNum } from '../protocol.js';
import { errorMessage, type Logger, type Timers } from '../util.js';
import { safe } from '../security.js';
import type { RtpengineClient, NgDict } from './rtpengine.js';
import { PlainRtpLeg } from './plain-rtp.js';
import { answerDirection, directions, holdDirection, mapDirections, originVersion, withOriginVersion, type Direction } from './sdp.js';

// SIP.js's WebSocket transport uses the browser's global WebSocket; Node 20 has none.
const globals = globalThis as unknown as { WebSocket?: unknown };
globals.WebSocket ??= NodeWebSocket;

export type SipMediaMode = 'relay' | 'gateway';

export interface SipSideOptions {
  /** ws://host:port of the SIP server's WebSocket listener. */
  server: string;
  /** Domain for accounts whose `connection` names none (default: the server's host). */
  domain: string | undefined;
  media: SipMediaMode;
  /** rtpengine's ng control socket: required for 'gateway', unused by 'relay'. */
  rtpengine: RtpengineClient | undefined;
  registerExpires: number;
  noAnswerTimeoutMs: number;
  logger: Logger;
  timers: Timers;
  mediaRegistry: MediaRegistry;
  /** Local address of the plain RTP legs (mode 'gateway'). */
  mediaAddress: string;
}

export type SignInResult = { ok: true } | { ok: false; info: string };

class Deferred<T> {
  resolve!: (value: T) => void;
  reject!: (error: Error) => void;
  readonly promise = new Promise<T>((resolve, reject) => {
    this.resolve = resolve;
    this.reject = reject;
  });
  constructor() {
    this.promise.catch(() => undefined);
  }
}

/** One websdk session's SIP user agent. */
class SipAccount {
  registered = false;
  constructor(
    /** The websdk session using the account; a parked account keeps its lost session here. */
    public session: CallSession,
    readonly login: string,
    readonly domain: string,
    readonly ua: UserAgent,
    public registerer: Registerer | undefined,
  ) {}
}

/** What a leg's session description handler asks of it. */
interface SdpBridge {
  /** Our offer (the first INVITE, or a re-INVITE for hold and unhold). */
  offer(hold: boolean): Promise<string>;
  /** Our answer to the far end's offer. */
  answer(offer: string): Promise<string>;
  /** The far end's answer to our offer. */
  accepted(answer: string): Promise<void>;
}

/** One browser call leg and its SIP dialog. */
class SipLeg extends CallLeg {
  established = false;
  sip!: Inviter | Invitation;
  bridge!: SdpBridge;
  /** 'relay': the browser's offer (outgoing) or answer (incoming). */
  browserSdp: string | undefined;
  /** 'gateway': the werift leg facing the browser, and the plain RTP leg facing rtpengine. */
  browserMedia: MediaLeg | undefined;
  plain: PlainRtpLeg | undefined;
  /** Resolves with the browser's answer to an incoming call. */
  readonly browserAnswer = new Deferred<void>();
  noAnswerTimer: NodeJS.Timeout | undefined;
  transfer: string | undefined;
  /** Direction of the far end's last SDP (its answer to our hold shows it saw sendonly). */
  remoteDirection: string | undefined;
  /** Why the far end cancelled this incoming call, when it said (another contact answered). */
  cancelInfo: string | undefined;
  /** Mode 'gateway', outgoing: the browser has the gateway's SDP answer already. */
  browserAnswered = false;

  constructor(
    callId: string,
    session: CallSession,
    readonly account: SipAccount,
    incoming: boolean,
    caller: string,
    callee: string,
    visibleName: string,
  ) {
    super(callId, session, incoming, caller, callee, visibleName);
  }

  get sipCallId(): string {
    return this.sip.request.callId;
  }

  /** Our tag in the dialog: From tag of our INVITE, or To tag of our answer. */
  get ourTag(): string {
    return this.sip instanceof Inviter ? this.sip.request.fromTag : (this.sip.request.toTag ?? '');
  }

  get theirTag(): string {
    if (this.sip instanceof Inviter) return this.sip.dialog?.remoteTag ?? '';
    return this.sip.request.fromTag;
  }
}

/** Hands SDP between SIP.js and a leg's bridge (no media of its own). */
class BridgeSdh implements SessionDescriptionHandler {
  private remoteOffer: string | undefined;
  private offering = false;
  constructor(
    private readonly bridge: () => SdpBridge,
    private readonly seen: (sdp: string) => void,
  ) {}

  async getDescription(options?: SessionDescriptionHandlerOptions & { hold?: boolean }): Promise<{ body: string; contentType: string }> {
    let body: string;
    if (this.remoteOffer !== undefined) {
      const offer = this.remoteOffer;
      this.remoteOffer = undefined;
      body = await this.bridge().answer(offer);
    } else {
      this.offering = true;
      body = await this.bridge().offer(options?.hold === true);
    }
    return { body, contentType: 'application/sdp' };
  }

  hasDescription(contentType: string): boolean {
    return contentType === 'application/sdp';
  }

  async setDescription(sdp: string): Promise<void> {
    this.seen(sdp);
    if (this.offering) {
      this.offering = false;
      await this.bridge().accepted(sdp);
    } else {
      this.remoteOffer = sdp;
    }
  }

  rollbackDescription(): Promise<void> {
    this.offering = false;
    this.remoteOffer = undefined;
    return Promise.resolve();
  }

  sendDtmf(): boolean {
    return false;
  }

  close(): void {}
}

/** Mode 'relay': the browser's own SDP goes to the SIP server, the server's SDP to the browser. */
class RelayBridge implements SdpBridge {
  private version: bigint | undefined;
  constructor(
    private readonly leg: SipLeg,
    private readonly toBrowser: (sdp: string) => void,
  ) {}

  private next(sdp: string): string {
    this.version = (this.version ?? originVersion(this.leg.browserSdp ?? '')) + 1n;
    return withOriginVersion(sdp, this.version);
  }

  offer(hold: boolean): Promise<string> {
    const sdp = this.leg.browserSdp ?? '';
    if (!this.leg.established && !this.leg.incoming) return Promise.resolve(sdp);
    // A re-INVITE: the browser's SDP again, with our side sending only while on hold.
    return Promise.resolve(this.next(hold ? mapDirections(sdp, holdDirection) : sdp));
  }

  async answer(offer: string): Promise<string> {
    if (!this.leg.established) {
      await this.leg.browserAnswer.promise;
      return this.leg.browserSdp ?? '';
    }
    const offered = directions(offer)[0] ?? 'sendrecv';
    return this.next(mapDirections(this.leg.browserSdp ?? '', () => answerDirection(offered)));
  }

  accepted(answer: string): Promise<void> {
    if (!this.leg.established) this.toBrowser(answer);
    return Promise.resolve();
  }
}

/** ng flags for an SDP that leaves rtpengine toward a plain RTP/AVP endpoint. */
const PLAIN: NgDict = {
  ICE: 'remove',
  'transport-protocol': 'RTP/AVP',
  replace: ['origin', 'session-connection'],
};

/**
 * Mode 'gateway': the browser's WebRTC ends at its werift leg, and the gateway's plain RTP
 * leg (PlainRtpLeg) carries the same Opus audio to rtpengine, which anchors it toward the
 * phone and transcodes to G.711 for phones without Opus.
 */
class GatewayBridge implements SdpBridge {
  private version = 1n;
  private opusPt: number | undefined;
  /** In an answer: the offer's telephone-event payload type, null when it had none. */
  private tePt: number | null | undefined;
  constructor(
    private readonly leg: SipLeg,
    private readonly ng: RtpengineClient,
    private readonly address: string,
  ) {}

  /**
   * The gateway's own leg id names the call in rtpengine, not the SIP Call-ID: both ends of
   * a call between two of this gateway's sessions share one Call-ID and one rtpengine.
   */
  private params(extra: NgDict): NgDict {
    return { 'call-id': this.leg.callId, ...PLAIN, ...extra };
  }

  private async plain(): Promise<PlainRtpLeg> {
    this.leg.plain ??= await PlainRtpLeg.open(this.address);
    return this.leg.plain;
  }

  private ourSdp(plain: PlainRtpLeg, direction: Direction): string {
    this.version++;
    return plain.sdp(direction, this.version, this.opusPt, this.tePt);
  }

  async offer(hold: boolean): Promise<string> {
    const leg = this.leg;
    const plain = await this.plain();
    const sdp = this.ourSdp(plain, hold ? 'sendonly' : 'sendrecv');
    // Phones without Opus get G.711 (rtpengine transcodes).
    const codec: NgDict = leg.established ? {} : { codec: { transcode: ['PCMU'] } };
    return this.ng.sdp('offer', this.params({ 'from-tag': leg.ourTag, sdp, ...codec }));
  }

  async answer(offer: string): Promise<string> {
    const leg = this.leg;
    const plain = await this.plain();
    const first = !leg.established;
    // What rtpengine offers us: Opus added for phones that offered only G.711.
    const rewritten = await this.ng.sdp(
      'offer',
      this.params({ 'from-tag': leg.theirTag, sdp: offer, ...(first ? { codec: { transcode: ['opus'] } } : {}) }),
    );
    ({ opusPt: this.opusPt, tePt: this.tePt } = plain.applyRemote(rewritten));
    if (first) await leg.browserAnswer.promise;
    const offered = directions(rewritten)[0] ?? 'sendrecv';
    const sdp = this.ourSdp(plain, answerDirection(offered));
    return this.ng.sdp('answer', this.params({ 'from-tag': leg.theirTag, 'to-tag': leg.ourTag, sdp }));
  }

  async accepted(answer: string): Promise<void> {
    const leg = this.leg;
    const plain = await this.plain();
    const rewritten = await this.ng.sdp('answer', this.params({ 'from-tag': leg.ourTag, 'to-tag': leg.theirTag, sdp: answer }));
    plain.applyRemote(rewritten);
    // rtpengine drops telephone-event/8000 from the answer it gives us when it also offered
    // the phone G.711 for transcoding; when the phone took Opus the events pass through
    // untouched, so use the phone's own payload type for them.
    plain.takeTelephoneEvent(answer);
  }
}

/** `10006`, `sip:10006@host`, `10006@host` as a SIP URI in `domain` unless it names one. */
export function targetUri(target: string, domain: string): URI | undefined {
  let t = target.trim();
  const angle = /<([^>]*)>/.exec(t);
  if (angle) t = angle[1] ?? '';
  if (!t) return undefined;
  if (!/^sips?:/i.test(t)) t = `sip:${t}`;
  if (!t.includes('@')) t = `${t}@${domain}`;
  return UserAgent.makeURI(t);
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '127.0.0.1';
  }
}

function code(response: { message: { statusCode?: number; reasonPhrase?: string } }): { status: number; reason: string } {
  return { status: response.message.statusCode ?? 0, reason: response.message.reasonPhrase ?? '' };
}

export class SipSwitchboard extends CallSignalling<SipLeg> {
  private readonly accounts = new Map<CallSession, SipAccount>();
  /** User agents of lost keepAlive sessions, still registered, by token (see sessionClosed). */
  private readonly parked = new Map<string, SipAccount>();
  private readonly legOfSession = new WeakMap<SipSession, SipLeg>();
  private readonly stopping = new Set<Promise<void>>();

  constructor(private readonly options: SipSideOptions) {
    super(options.logger);
    if (options.media === 'gateway' && !options.rtpengine) {
      throw new Error("SIP media mode 'gateway' needs rtpengine's ng address");
    }
  }

  /** Counted like the local switchboard's calls: one per live leg. */
  get calls(): { size: number } {
    return { size: this.legs.size };
  }

  // ---- sign-in ---------------------------------------------------------------------------

  /** `connection`: a user agent for the account, registered when the session asks for it. */
  async signIn(session: CallSession, p: Record<string, unknown>): Promise<SignInResult> {
    const login = str(p, 'sipLogin')?.trim() ?? '';
    const password = str(p, 'sipPassword') ?? '';
    const authName = str(p, 'sipAuthenticationName')?.trim() || login;
    const domain = str(p, 'sipDomain')?.trim() || this.options.domain || hostOf(this.options.server);
    const proxy = str(p, 'sipOutboundProxy')?.trim();
    const port = strOrNum(p, 'sipPort')?.trim();
    const register = p['sipRegisterRequired'] !== false;
    const uri = UserAgent.makeURI(`sip:${login}@${domain}`);
    if (!login || !uri) return { ok: false, info: 'Bad Request' };
    // An outbound proxy other than the domain (host or port: the widget always sends a
    // port, 5060 by default) is the first hop of every request outside a dialog.
    const withPort = (hostPort: string) => (/:\d+$/.test(hostPort) ? hostPort : `${hostPort}:5060`);
    const hop = proxy ? withPort(`${proxy}${port ? `:${port}` : ''}`) : undefined;
    const preloadedRouteSet = hop && hop !== withPort(domain) ? [`<sip:${hop};lr>`] : [];
    // The user agent's INVITE handler needs the account, which exists once the UA started.
    const owner: { account?: SipAccount } = {};
    const ua = new UserAgent({
      uri,
      displayName: login,
      authorizationUsername: authName,
      authorizationPassword: password,
      transportOptions: { server: this.options.server, connectionTimeout: 5 },
      preloadedRouteSet,
      noAnswerTimeout: Math.max(1, Math.round(this.options.noAnswerTimeoutMs / 1000)),
      userAgentString: 'sip-phone gateway',
      logBuiltinEnabled: false,
      logLevel: 'warn',
      logConnector: (level, category, _label, content) => {
        const line = `sip ${safe(login)} ${category}: ${safe(content, 512)}`;
        if (level === 'error' || level === 'warn') this.log.warn(line);
        else this.log.debug(line);
      },
      sessionDescriptionHandlerFactory: (sipSession) => {
        const legOf = (): SipLeg => {
          const leg = this.legOfSession.get(sipSession);
          if (!leg) throw new Error('no call leg for this SIP session');
          return leg;
        };
        return new BridgeSdh(
          () => legOf().bridge,
          (sdp) => {
            legOf().remoteDirection = directions(sdp)[0];
          },
        );
      },
      delegate: {
        onInvite: (invitation) => {
          if (owner.account) void this.onIncoming(owner.account, invitation);
          else void invitation.reject({ statusCode: 480 });
        },
      },
    });
    try {
      await ua.start();
    } catch (error) {
      this.log.warn(`sip ${safe(login)}: cannot reach ${this.options.server}: ${safe(errorMessage(error))}`);
      this.stopUa(ua);
      return { ok: false, info: 'Service Unavailable' };
    }
    const account = new SipAccount(session, login, domain, ua, undefined);
    owner.account = account;
    this.accounts.set(session, account);
    if (!register) return { ok: true };

    const registerer = new Registerer(ua, { expires: this.options.registerExpires, registrar: UserAgent.makeURI(`sip:${domain}`) });
    account.registerer = registerer;
    const result = await new Promise<SignInResult>((resolve) => {
      const timer = this.options.timers.timeout(10_000, () => resolve({ ok: false, info: 'Request Timeout' }));
      registerer
        .register({
          requestDelegate: {
            onAccept: () => {
              this.options.timers.clear(timer);
              resolve({ ok: true });
            },
            onReject: (response) => {
              this.options.timers.clear(timer);
              const { status, reason } = code(response);
              this.log.info(`sip ${safe(login)}: REGISTER refused: ${safe(status)} ${safe(reason)}`);
              resolve({ ok: false, info: status === 401 || status === 407 ? 'Unauthorized' : reason || 'Forbidden' });
            },
          },
        })
        .catch((error: unknown) => {
          this.options.timers.clear(timer);
          resolve({ ok: false, info: errorMessage(error) });
        });
    });
    if (!result.ok || !session.open) {
      this.accounts.delete(session);
      this.stopUa(ua);
      return result.ok ? { ok: false, info: 'Gone' } : result;
    }
    account.registered = true;
    this.registrations.add(login, session);
    this.log.info(`sip ${safe(login)}: registered at ${this.options.server}`);
    return { ok: true };
  }

  /** The local switchboard's hook; with a SIP server, signIn() registered already. */
  register(): void {}

  private stopUa(ua: UserAgent): void {
    const stop = ua
      .stop()
      .catch((error: unknown) => this.log.debug(`sip: stop: ${safe(errorMessage(error))}`))
      .finally(() => this.stopping.delete(stop));
    this.stopping.add(stop);
  }

  // ---- call legs and their dialogs --------------------------------------------------------

  private attach(leg: SipLeg, sip: Inviter | Invitation): void {
    leg.sip = sip;
    this.legOfSession.set(sip, leg);
    if (sip instanceof Invitation) {
      // A forked INVITE another contact of the account answered: the proxy cancels this
      // one with `Reason: SIP;cause=200` (RFC 3326), and the browser is told why.
      sip.delegate = {
        ...sip.delegate,
        onCancel: (cancel) => {
          if (/cause=200\b/.test(cancel.request.getHeader('Reason') ?? '')) leg.cancelInfo = 'Answered elsewhere';
        },
      };
    }
    leg.bridge =
      this.options.media === 'relay'
        ? new RelayBridge(leg, (sdp) => leg.session.send('setRemoteSDP', leg.callId, sdp))
        : new GatewayBridge(leg, this.options.rtpengine!, this.options.mediaAddress);
    sip.stateChange.addListener((state) => {
      if (state !== SessionState.Terminated || leg.ended) return;
      // The far end hung up (BYE), cancelled (CANCEL), or the dialog failed. SIP.js reports
      // Terminated before it hands a final response to onReject, which knows better (BUSY,
      // FAILED with the reason): let that run first.
      setImmediate(() => {
        if (leg.ended) return;
        const info = leg.established ? '' : leg.incoming ? (leg.cancelInfo ?? 'Request Terminated') : '';
        this.finish(leg, { status: 'FINISH', info });
      });
    });
  }

  // ---- client requests -------------------------------------------------------------------

  protected callerLeg(session: CallSession, callId: string, visibleName: string, p: Record<string, unknown>): SipLeg {
    const login = session.login ?? '';
    const account = this.accounts.get(session) ?? new SipAccount(session, login, '', undefined as unknown as UserAgent, undefined);
    return new SipLeg(callId, session, account, false, login, strOrNum(p, 'callee') ?? '', visibleName);
  }

  protected async placeCall(leg: SipLeg, p: Record<string, unknown>): Promise<void> {
    const { callId, caller: login } = leg;
    const calleeRaw = strOrNum(p, 'callee');
    const sdp = str(p, 'sdp');
    if (!calleeRaw || !sdp) return this.finish(leg, { status: 'FAILED', info: 'Bad Request' });
    const account = this.accounts.get(leg.session);
    if (!account || !leg.session.mayCallTo(calleeRaw)) return this.finish(leg, { status: 'FAILED', info: 'Forbidden' });
    const target = targetUri(calleeRaw, account.domain);
    if (!target) return this.finish(leg, { status: 'FAILED', info: 'Bad Request' });

    if (this.options.media === 'gateway') {
      try {
        leg.browserMedia = await MediaLeg.acceptOffer(this.options.mediaRegistry, sdp, `leg ${safe(callId)}`);
        // Answer the browser now, not when the far end answers: its ICE and DTLS complete
        // while the far end rings, and the first words after the answer are not clipped.
        // Nothing is relayed until the dialog is confirmed (updateMedia).
        const answer = await leg.browserMedia.answer({ audio: true, video: false });
        if (leg.ended) return;
        leg.session.send('setRemoteSDP', leg.callId, answer);
        leg.browserAnswered = true;
      } catch (error) {
        this.log.warn(`call ${safe(callId)}: media setup failed: ${safe(errorMessage(error))}`);
        return this.finish(leg, { status: 'FAILED', info: 'Not Acceptable Here' });
      }
      this.watchMedia(leg, leg.browserMedia);
      if (leg.ended) return;
    } else {
      leg.browserSdp = sdp;
    }
    const inviter = new Inviter(account.ua, target, { earlyMedia: false });
    this.attach(leg, inviter);
    this.log.info(`call ${safe(callId)}: ${safe(login)} -> ${safe(target.toString())} (${this.options.media})`);
    try {
      await inviter.invite({
        requestDelegate: {
          onProgress: (response) => {
            const { status } = code(response);
            if ((status === 180 || status === 183) && !leg.ended && leg.status !== 'RING') this.sendStatus(leg, 'RING');
          },
          onAccept: () => void this.established(leg),
          onReject: (response) => {
            const { status, reason } = code(response);
            this.log.info(`call ${safe(callId)}: ${safe(status)} ${safe(reason)}`);
            if (leg.ended) return;
            if (status === 486 || status === 600 || status === 603) this.finish(leg, { status: 'BUSY', info: reason });
            else if (status === 487) this.finish(leg, { status: 'FINISH', info: reason });
            else this.finish(leg, { status: 'FAILED', info: reason });
          },
        },
      });
    } catch (error) {
      this.log.warn(`call ${safe(callId)}: INVITE failed: ${safe(errorMessage(error))}`);
      this.finish(leg, { status: 'FAILED', info: 'Service Unavailable' });
    }
  }

  /** The dialog is confirmed: the browser has the far end's SDP (or its media is bridged). */
  private async established(leg: SipLeg): Promise<void> {
    if (leg.ended || leg.established) return;
    if (this.options.media === 'gateway' && !leg.incoming && leg.browserMedia && !leg.browserAnswered) {
      try {
        const sdp = await leg.browserMedia.answer({ audio: true, video: false });
        if (leg.ended) return;
        leg.session.send('setRemoteSDP', leg.callId, sdp);
      } catch (error) {
        this.log.warn(`call ${safe(leg.callId)}: cannot answer the browser: ${safe(errorMessage(error))}`);
        this.hangupSip(leg);
        this.finish(leg, { status: 'FAILED', info: 'Not Acceptable Here' });
        return;
      }
    }
    leg.established = true;
    this.totals.established++;
    this.updateMedia(leg);
    this.sendStatus(leg, 'ESTABLISHED');
  }

  /** Mode 'gateway': relays RTP between the browser's leg and the plain leg facing rtpengine. */
  protected updateMedia(leg: SipLeg): void {
    const { browserMedia, plain } = leg;
    if (!browserMedia || !plain) return;
    const flowing = leg.established && !leg.hold && !leg.ended;
    browserMedia.setTarget(flowing ? plain : null);
    plain.setTarget(flowing ? browserMedia : null);
  }

  /** An INVITE from the SIP server for this session's account. */
  private async onIncoming(account: SipAccount, invitation: Invitation): Promise<void> {
    const session = account.session;
    const offer = invitation.body;
    if (!session.open) {
      await invitation.reject({ statusCode: 480 }).catch(() => undefined);
      return;
    }
    if (!offer) {
      await invitation.reject({ statusCode: 488 }).catch(() => undefined);
      return;
    }
    const remote = invitation.remoteIdentity;
    const caller = remote.uri.user ?? remote.uri.toString();
    const leg = new SipLeg(this.newCallId(), session, account, true, caller, account.login, remote.displayName || caller);
    this.legs.set(leg.callId, leg);
    this.totals.calls++;
    this.attach(leg, invitation);
    this.log.info(`incoming call ${safe(leg.callId)}: ${safe(caller)} -> ${safe(account.login)} (${this.options.media})`);
    let browserOffer: string;
    if (this.options.media === 'relay') {
      browserOffer = offer;
    } else {
      try {
        const created = await MediaLeg.createOffer(
          this.options.mediaRegistry,
          undefined,
          { audio: true, video: false },
          { audio: true, video: false },
          `leg ${leg.callId}`,
        );
        leg.browserMedia = created.leg;
        this.watchMedia(leg, created.leg);
        browserOffer = created.sdp;
      } catch (error) {
        this.log.warn(`incoming call ${safe(leg.callId)}: media setup failed: ${safe(errorMessage(error))}`);
        await invitation.reject({ statusCode: 488 }).catch(() => undefined);
        this.finish(leg, { status: 'FINISH', info: 'Not Acceptable Here' });
        return;
      }
      if (leg.ended) return;
    }
    await invitation.progress().catch(() => undefined);
    if (leg.ended) return;
    this.notifyIncoming(leg, browserOffer);
    this.sendStatus(leg, 'RING');
    leg.noAnswerTimer = this.options.timers.timeout(this.options.noAnswerTimeoutMs, () => {
      leg.noAnswerTimer = undefined;
      if (leg.ended || leg.established) return;
      void invitation.reject({ statusCode: 480, reasonPhrase: 'Temporarily Unavailable' }).catch(() => undefined);
      this.finish(leg, { status: 'FINISH', info: 'Request Timeout' });
    });
  }

  protected mayAnswer(leg: SipLeg): boolean {
    return !leg.established && leg.sip instanceof Invitation;
  }

  protected async answer(leg: SipLeg, sdp: string): Promise<void> {
    const invitation = leg.sip as Invitation;
    this.options.timers.clear(leg.noAnswerTimer);
    leg.noAnswerTimer = undefined;
    try {
      if (leg.browserMedia) await leg.browserMedia.acceptAnswer(sdp);
      else leg.browserSdp = sdp;
      leg.browserAnswer.resolve();
      await invitation.accept();
    } catch (error) {
      this.log.warn(`answer ${safe(leg.callId)}: ${safe(error instanceof Error ? (error.stack ?? error.message) : String(error), 512)}`);
      await this.failAnswer(leg, 'Not Acceptable Here');
      return;
    }
    await this.established(leg);
  }

  /** 488 to the INVITE, FAILED to the browser. */
  protected async failAnswer(leg: SipLeg, info: string): Promise<void> {
    if (leg.ended) return;
    await (leg.sip as Invitation).reject({ statusCode: 488 }).catch(() => undefined);
    this.finish(leg, { status: 'FAILED', info });
  }

  /** The dialog ends with BYE, CANCEL or a decline (486 when the browser hung up on a ringing call). */
  protected dropLeg(leg: SipLeg, why: DropReason): void {
    this.hangupSip(leg, why === 'hangup' ? 486 : 480);
    this.finish(leg, { status: 'FINISH', info: dropInfo(why) });
  }

  /** BYE, CANCEL, or a final response that declines (`declineCode`) an unanswered incoming call. */
  private hangupSip(leg: SipLeg, declineCode = 480): void {
    const sip = leg.sip as Inviter | Invitation | undefined;
    if (!sip) return;
    const ignore = (error: unknown): void => this.log.debug(`call ${safe(leg.callId)}: hangup: ${safe(errorMessage(error))}`);
    switch (sip.state) {
      case SessionState.Established:
        void sip.bye().catch(ignore);
        break;
      case SessionState.Initial:
      case SessionState.Establishing:
        if (sip instanceof Inviter) void sip.cancel().catch(ignore);
        else void sip.reject({ statusCode: declineCode }).catch(ignore);
        break;
      default:
        break;
    }
  }

  protected mayHold(leg: SipLeg): boolean {
    return leg.established && leg.sip.state === SessionState.Established;
  }

  /** A re-INVITE with our side sending only (hold) or sending and receiving (unhold). */
  protected offerHold(leg: SipLeg, hold: boolean): Promise<string | undefined> {
    return new Promise((resolve) => {
      leg.sip
        .invite({
          sessionDescriptionHandlerOptions: { hold } as SessionDescriptionHandlerOptions,
          requestDelegate: {
            onAccept: () => resolve(undefined),
            onReject: (response) => resolve(code(response).reason),
          },
        })
        .catch((error: unknown) => resolve(errorMessage(error)));
    });
  }

  /**
   * Sends DTMF the way `type` asks. RFC 2833 events need an RTP stream of the gateway's: mode
   * 'gateway' has one (the plain leg toward rtpengine), as long as the far end negotiated
   * telephone-event. Mode 'relay' has none (the browser's media goes straight to the SIP
   * server's relay), and rtpengine's `play DTMF` is no way out: without the call marked
   * inject-DTMF it answers "ok" and sends nothing, and with it rtpengine 10.5 silenced the
   * transcoded audio (docs/sip-server.md, limits). Where the events cannot go, the digits go
   * as SIP INFO, which SIP phones and PBXs take: the widget's default type still reaches the
   * far end. The fallback is logged and shows in REST `dtmfType`.
   */
  protected async playDtmf(leg: SipLeg, digits: string, type: string): Promise<void> {
    for (const digit of digits) {
      if (type === 'RFC2833') {
        try {
          if (!leg.plain) throw new Error("media mode 'relay' has no RTP stream of the gateway's");
          await leg.plain.sendDtmf(digit);
          continue;
        } catch (error) {
          this.log.warn(`call ${safe(leg.callId)}: no RFC 2833 DTMF (${safe(errorMessage(error))}); sending SIP INFO instead`);
          type = leg.dtmfType = 'INFO';
        }
      }
      await this.sendInfo(leg, digit);
    }
  }

  /** One digit as a SIP INFO `application/dtmf-relay`. */
  private sendInfo(leg: SipLeg, digit: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      leg.sip
        .info({
          requestOptions: {
            body: { contentDisposition: 'render', contentType: 'application/dtmf-relay', content: `Signal=${digit}\r\nDuration=160\r\n` },
          },
          requestDelegate: {
            onAccept: () => resolve(),
            onReject: (response) => reject(new Error(code(response).reason)),
          },
        })
        .catch(reject);
    });
  }

  /** `transfer`: a REFER to the far end, which calls the target itself. */
  async onTransfer(session: CallSession, p: Record<string, unknown>): Promise<void> {
    const leg = this.ownLeg(session, 'transfer', str(p, 'callId'));
    if (!leg) return;
    const targetRaw = strOrNum(p, 'target');
    const target = targetRaw ? targetUri(targetRaw, leg.account.domain) : undefined;
    if (!leg.established || leg.transfer !== undefined || leg.sip.state !== SessionState.Established || !target) {
      this.refuse(leg, 'transfer', target ? 'Invalid call state' : 'Bad Request');
      return;
    }
    leg.transfer = target.toString();
    this.totals.transfers++;
    this.sendTransfer(leg, 'TRYING');
    const done = (status: 'COMPLETED' | 'FAILED', info: string): void => {
      if (leg.transfer === undefined || leg.ended) return;
      leg.transfer = undefined;
      this.sendTransfer(leg, status, info);
      if (status === 'COMPLETED') {
        this.hangupSip(leg);
        this.finish(leg, { status: 'FINISH', info: 'Transferred' });
      }
    };
    try {
      await leg.sip.refer(target, {
        requestDelegate: {
          onAccept: () => this.sendTransfer(leg, 'ACCEPTED'),
          onReject: (response) => done('FAILED', code(response).reason),
        },
        onNotify: (notification: Notification) => {
          void notification.accept().catch(() => undefined);
          // message/sipfrag: "SIP/2.0 200 OK" once the far end reached the target.
          const match = /^SIP\/2\.0 (\d{3}) ?(.*)$/m.exec(notification.request.body ?? '');
          if (!match) return;
          const status = Number(match[1]);
          if (status >= 200 && status < 300) done('COMPLETED', '');
          else if (status >= 300) done('FAILED', (match[2] ?? '').trim());
        },
      });
    } catch (error) {
      done('FAILED', errorMessage(error));
    }
  }

  // ---- ending ------------------------------------------------------------------------------

  protected release(leg: SipLeg): void {
    leg.browserAnswer.reject(new Error('call ended'));
    this.options.timers.clear(leg.noAnswerTimer);
    if (leg.browserMedia) void leg.browserMedia.close();
    leg.plain?.close();
    leg.browserMedia = undefined;
    leg.plain = undefined;
    if (this.options.media === 'gateway' && leg.sip) {
      this.options.rtpengine
        ?.request('delete', { 'call-id': leg.callId })
        .catch((error: unknown) => this.log.debug(`call ${safe(leg.callId)}: rtpengine delete: ${safe(errorMessage(error))}`));
    }
  }

  /**
   * A websdk session closed: its calls end and its user agent unregisters, unless the
   * session was a keepAlive one whose connection was lost (`parkToken`): then its user agent
   * stays registered (calls to it get 480 meanwhile) until the session resumes the token, or
   * the token expires. No gap in the registration for a client that comes back.
   */
  sessionClosed(session: CallSession, parkToken?: string): void {
    for (const leg of this.legsOf(session)) this.dropLeg(leg, 'disconnect');
    const account = this.accounts.get(session);
    if (!account) return;
    this.accounts.delete(session);
    this.registrations.remove(account.login, session);
    if (parkToken && account.registered) {
      this.parked.set(parkToken, account);
      this.log.info(`sip ${safe(account.login)}: connection lost, registration kept for its session to resume`);
      return;
    }
    this.stopUa(account.ua);
  }

  /** A session resumes a parked keepAlive token: it takes over the user agent, still registered. */
  resume(session: CallSession, token: string): boolean {
    const account = this.parked.get(token);
    if (!account) return false;
    this.parked.delete(token);
    account.session = session;
    this.accounts.set(session, account);
    this.registrations.add(account.login, session);
    this.log.info(`sip ${safe(account.login)}: session resumed, registration kept`);
    return true;
  }

  /** A parked token expired: its user agent unregisters. */
  tokenExpired(token: string): void {
    const account = this.parked.get(token);
    if (!account) return;
    this.parked.delete(token);
    this.stopUa(account.ua);
  }

  protected mediaOf(leg: SipLeg): MediaLeg | undefined {
    return leg.browserMedia;
  }

  protected describe(leg: SipLeg): Record<string, unknown> {
    return {
      otherCallId: null,
      hold: leg.hold,
      remoteDirection: leg.remoteDirection ?? null,
      dtmf: leg.dtmf,
      dtmfType: leg.dtmfType ?? null,
      hasAudio: true,
      hasVideo: false,
      mediaConnected: leg.browserMedia?.connected ?? leg.established,
      rtp: leg.browserMedia ? structuredClone(leg.browserMedia.counters) : null,
      plainRtp: leg.plain ? { ...leg.plain.counters } : null,
      sipCallId: (leg.sip as SipSession | undefined) ? leg.sipCallId : null,
    };
  }

  /** Waits for user agents that are still unregistering. */
  async close(): Promise<void> {
    for (const session of [...this.accounts.keys()]) this.sessionClosed(session);
    for (const token of [...this.parked.keys()]) this.tokenExpired(token);
    await Promise.all([...this.stopping]);
    this.options.rtpengine?.close();
  }
}
