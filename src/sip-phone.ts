import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { provide } from '@lit/context';
import {
  initialPhoneState,
  isActive,
  isRinging,
  phoneStateContext,
  type CallSnapshot,
  type PhoneError,
  type PhoneState,
} from './call-context.js';
import { ToneController } from './controllers/tones.js';
import {
  FINAL_CALL_STATUSES,
  type CallStatus,
  type ConnectOptions,
  type DtmfType,
  type Engine,
  type EngineCall,
  type EngineFactory,
  type EngineFailure,
  type EngineListener,
  type ErrorCode,
  type SessionStatus,
} from './engine/engine.js';
import {
  SipCallRequestEvent,
  SipCallStatusEvent,
  SipErrorEvent,
  SipIncomingCallEvent,
  SipSessionStatusEvent,
  type CallAction,
  type SipCallActionEvent,
  type SipDialEvent,
  type SipDtmfEvent,
  type SipTransferEvent,
} from './events.js';
import { callStatusText, sessionStatusText } from './status-text.js';
import { baseStyles } from './styles.js';
import './sip-dialer.js';
import './sip-incoming.js';
import './sip-call-controls.js';

/** The websdk adapter, loaded only when the phone first connects. */
const defaultEngineFactory: EngineFactory = async () => {
  const { WcsEngine } = await import('./engine/wcs-engine.js');
  return new WcsEngine();
};

/** Numbers a person can dial: digits, letters, and the usual SIP URI characters. */
const DIALABLE = /^[\w.+*#@:-]{1,64}$/;
/** What DTMF can carry. */
const DTMF_DIGITS = /^[0-9*#A-D]{1,32}$/i;

/**
 * A SIP phone in one tag: connects to a Flashphoner Web Call Server (WCS) with
 * `@flashphoner/websdk`, registers a SIP account, places and receives calls.
 *
 * Configure it with attributes; without a WCS URL and a login it shows a connection form.
 * It shares its state with `<sip-dialer>`, `<sip-incoming>` and `<sip-call-controls>`
 * through Lit context and reports everything as `sip-*` DOM events.
 *
 * @fires sip-session-status - The session's status changed.
 * @fires sip-call-status - A call's status changed (one event per change).
 * @fires sip-incoming-call - A call is ringing in.
 * @fires sip-error - Something failed; the widget shows the same message.
 * @fires sip-call-request - The person asked to call a number; cancelable.
 * @csspart base - The phone's frame.
 * @csspart header - The status line with Connect / Disconnect.
 * @csspart session-status - The session's status name.
 * @csspart connect-button - The Connect / Disconnect button.
 * @csspart form - The connection form.
 * @csspart error - The error message.
 * @csspart media - The box holding the call's media elements.
 * @cssprop --sip-phone-bg - Background of the phone.
 * @cssprop --sip-phone-fg - Text colour.
 * @cssprop --sip-phone-border - Border colour of the frame, buttons and fields.
 * @cssprop --sip-phone-accent - Background of Call, Answer and Connect.
 * @cssprop --sip-phone-danger - Background of Hangup and Decline, and error text.
 * @cssprop --sip-phone-radius - Corner radius.
 * @cssprop --sip-phone-font - Font family.
 * @cssprop --sip-phone-focus - Focus ring colour.
 * @cssprop --sip-phone-on-accent - Text on accent and danger buttons.
 * @cssprop --sip-phone-button-bg - Background of the other buttons.
 * @cssprop --sip-phone-pressed-bg - Background of pressed toggles (Mute, Hold).
 * @cssprop --sip-phone-input-bg - Background of text fields.
 */
@customElement('sip-phone')
export class SipPhone extends LitElement {
  static override shadowRootOptions = { ...LitElement.shadowRootOptions, delegatesFocus: true };

  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
        max-width: 26rem;
      }
      .phone {
        display: grid;
        gap: 0.75rem;
        padding: 1rem;
        border: 1px solid var(--sip-phone-border, light-dark(#c3c8cf, #4a4f57));
        border-radius: calc(var(--sip-phone-radius, 8px) * 1.5);
        background: var(--sip-phone-bg, light-dark(#fff, #1e2227));
      }
      .header {
        display: flex;
        gap: 0.5rem;
        align-items: center;
        justify-content: space-between;
      }
      .identity {
        display: grid;
      }
      .login {
        font-weight: 600;
      }
      .session {
        font-size: 0.85rem;
      }
      .error {
        margin: 0;
        color: var(--sip-phone-danger, light-dark(#b3261e, #ff8a80));
      }
      .last-call {
        margin: 0;
        font-size: 0.9rem;
      }
      form.connect {
        display: grid;
        grid-template-columns: max-content 1fr;
        gap: 0.4rem 0.6rem;
        align-items: center;
      }
      form.connect .wide {
        grid-column: 1 / -1;
      }
      .media {
        display: grid;
        grid-template-columns: 1fr 1fr;
        gap: 0.5rem;
      }
      .media[hidden] {
        display: none;
      }
      .media > div {
        aspect-ratio: 4 / 3;
        background: #000;
        border-radius: var(--sip-phone-radius, 8px);
        overflow: hidden;
      }
      .media video {
        width: 100%;
        height: 100%;
        object-fit: cover;
      }
    `,
  ];

  /** WCS WebSocket URL, e.g. `wss://host:8443`. */
  @property({ attribute: 'wcs-url' }) wcsUrl = '';
  /** SIP login. */
  @property({ attribute: 'sip-login' }) sipLogin = '';
  /** SIP auth name; the login when empty. */
  @property({ attribute: 'sip-auth-name' }) sipAuthName = '';
  /** SIP password. Never reflected, logged or put in an event. */
  @property({ attribute: 'sip-password' }) sipPassword = '';
  /** SIP domain. */
  @property({ attribute: 'sip-domain' }) sipDomain = '';
  /** SIP outbound proxy. */
  @property({ attribute: 'sip-outbound-proxy' }) sipOutboundProxy = '';
  /** SIP port (1-65535); the attribute is parsed and checked when the phone connects. */
  @property({ attribute: 'sip-port' }) sipPort = '5060';
  /** Connect without SIP registration: the phone can call but not be called. */
  @property({ type: Boolean, attribute: 'no-register' }) noRegister = false;
  /** Connect with a token from an earlier session instead of credentials. */
  @property({ attribute: 'auth-token' }) authToken = '';
  /** Connect as soon as the element is attached and configured. */
  @property({ type: Boolean, attribute: 'auto-connect' }) autoConnect = false;
  /** The number pre-filled in the dialer. */
  @property() callee = '';
  /** Allows video calls: a Video call button, Answer with video, and the videos in the widget. */
  @property({ type: Boolean }) video = false;
  /** How DTMF digits are sent: `RFC2833` (in the media) or `INFO` (SIP INFO). */
  @property({ attribute: 'dtmf-type' }) dtmfType: DtmfType = 'RFC2833';

  /** Creates the engine on first connect; replace it to run the phone on another engine. */
  @property({ attribute: false }) engineFactory: EngineFactory = defaultEngineFactory;

  /** The shared state the child elements render from; a new object on every change. */
  @provide({ context: phoneStateContext })
  @state()
  protected phoneState: PhoneState = initialPhoneState;

  /** What the live region says now. */
  @state() private announcement = '';

  /** The session's status, reflected for CSS (`sip-phone[session-status=REGISTERED]`). */
  @property({ attribute: 'session-status', reflect: true, noAccessor: true })
  get sessionStatus(): SessionStatus {
    return this.phoneState.session;
  }

  /** The current (or last) call's status, reflected for CSS; empty when there has been none. */
  @property({ attribute: 'call-status', reflect: true, noAccessor: true })
  get callStatus(): CallStatus | '' {
    return this.phoneState.call?.status ?? '';
  }

  @query('#local-media') private localDisplay!: HTMLElement;
  @query('#remote-media') private remoteDisplay!: HTMLElement;

  #engine?: Engine;
  #enginePromise?: Promise<Engine>;
  /** Bumped on every connect/disconnect, so callbacks from an older session are ignored. */
  #generation = 0;
  /** The ring and ringback tones (protected so tests can read the level played). */
  protected readonly tones = new ToneController(this);
  /** Where focus was before a call rang in, to give it back afterwards. */
  #focusBeforeRing: HTMLElement | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    this.addEventListener('keydown', this.#onKeydown);
    if (this.hasUpdated && this.autoConnect) this.#autoConnect();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.removeEventListener('keydown', this.#onKeydown);
    // A phone taken out of the page must not keep a call or a session open.
    if (this.#engine && this.phoneState.session !== 'IDLE') this.disconnect();
  }

  protected override firstUpdated(): void {
    // After this update has finished: connecting changes state, which renders again.
    if (this.autoConnect) queueMicrotask(() => this.#autoConnect());
  }

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('callee') || changed.has('sipLogin') || changed.has('video')) {
      this.phoneState = { ...this.phoneState, callee: this.callee, login: this.sipLogin, videoEnabled: this.video };
    }
    if (changed.has('phoneState')) {
      // Keep the reflected status attributes in step with the state.
      const before = changed.get('phoneState') as PhoneState | undefined;
      if (before?.session !== this.phoneState.session) this.requestUpdate('sessionStatus', before?.session);
      if (before?.call?.status !== this.phoneState.call?.status) this.requestUpdate('callStatus', before?.call?.status);
    }
  }

  // ---- public methods ---------------------------------------------------------------

  /** Connects (and registers, unless `no-register`) with the configured attributes. */
  async connect(): Promise<void> {
    if (this.phoneState.session === 'CONNECTING' || this.#connected) return;
    this.tones.unlock();
    const options = this.#connectOptions();
    if ('code' in options) {
      this.#fail(options);
      return;
    }
    const generation = ++this.#generation;
    this.#setState({ session: 'CONNECTING', canCall: false, error: null });
    this.#announce(sessionStatusText('CONNECTING'));
    this.dispatchEvent(new SipSessionStatusEvent({ status: 'CONNECTING' }));
    let engine: Engine;
    try {
      engine = await this.#loadEngine();
    } catch (error) {
      if (generation !== this.#generation) return;
      this.#sessionChanged('FAILED', {
        code: 'engine-unavailable',
        message: `The phone could not load its call engine (${(error as Error).message}).`,
      });
      return;
    }
    if (generation !== this.#generation) return;
    engine.connect(options, this.#listener(generation));
  }

  /** Ends any call and closes the session. */
  disconnect(): void {
    const call = this.phoneState.call;
    if (call && isActive(call)) this.#engine?.hangup(call.id);
    this.#engine?.disconnect();
    if (this.phoneState.session !== 'DISCONNECTED' && this.phoneState.session !== 'IDLE') {
      this.#sessionChanged('DISCONNECTED');
    }
    this.#generation++;
  }

  /**
   * Calls `number`, with video when `options.video` is true (and the `video` attribute is
   * set). Fails with a `sip-error` when the phone cannot call now.
   */
  call(number: string, options: { video?: boolean } = {}): void {
    const callee = String(number ?? '').trim();
    if (!DIALABLE.test(callee)) {
      this.#fail({
        code: 'invalid-number',
        message: callee ? `"${callee}" is not a number that can be called.` : 'Enter a number to call.',
      });
      return;
    }
    if (!this.#engine || !this.phoneState.canCall) {
      this.#fail({ code: 'invalid-state', message: 'Connect the phone before calling.' });
      return;
    }
    if (isActive(this.phoneState.call)) {
      this.#fail({ code: 'invalid-state', message: 'Finish the current call first.' });
      return;
    }
    const video = !!options.video && this.video;
    let call: EngineCall;
    try {
      call = this.#engine.call(callee, { displays: this.#displays(), video, visibleName: this.sipLogin || undefined });
    } catch (error) {
      this.#fail({ code: 'call-failed', message: `The call could not be placed: ${(error as Error).message}` });
      return;
    }
    this.#setState({
      error: null,
      call: { id: call.id, direction: 'outgoing', remote: call.remote, status: 'PENDING', muted: false, held: false, video },
    });
    this.#announce(callStatusText(this.phoneState.call!));
  }

  /** Answers the call ringing in, with video when `options.video` is true (and the `video` attribute is set). */
  answer(options: { video?: boolean } = {}): void {
    const call = this.#ringingIn();
    if (!call) return;
    const video = !!options.video && this.video;
    this.tones.play(null);
    this.#setState({ error: null, call: { ...call, status: 'PENDING', video } });
    this.#engine!.answer(call.id, { displays: this.#displays(), video });
  }

  /** Declines the call ringing in (the caller hears busy). */
  decline(): void {
    const call = this.#ringingIn();
    if (call) this.#engine?.hangup(call.id);
  }

  /** Ends the current call: cancels it while it rings out, hangs it up once connected. */
  hangup(): void {
    const call = this.phoneState.call;
    if (call && isActive(call)) this.#engine?.hangup(call.id);
  }

  /** Stops sending the microphone's audio. */
  mute(): void {
    this.#setMuted(true);
  }

  /** Sends the microphone's audio again. */
  unmute(): void {
    this.#setMuted(false);
  }

  /** Puts the connected call on hold. */
  hold(): void {
    const call = this.phoneState.call;
    if (call?.status === 'ESTABLISHED') this.#engine?.hold(call.id);
  }

  /** Resumes a held call. */
  unhold(): void {
    const call = this.phoneState.call;
    if (call?.status === 'HOLD') this.#engine?.unhold(call.id);
  }

  /**
   * Sends DTMF `digits` (0-9, `*`, `#`, A-D) on the connected call, as `dtmf-type` says.
   * Anything else fires `sip-error` with code `invalid-dtmf` and sends nothing.
   */
  sendDtmf(digits: string): void {
    const call = this.phoneState.call;
    const text = String(digits ?? '');
    if (!DTMF_DIGITS.test(text)) {
      this.#fail({ code: 'invalid-dtmf', message: `"${text}" cannot be sent as tones: use 0-9, *, # or A-D.` });
      return;
    }
    if (call?.status !== 'ESTABLISHED' || !this.#engine) {
      this.#fail({ code: 'invalid-state', message: 'Tones can only be sent during a connected call.' });
      return;
    }
    const type: DtmfType = this.dtmfType === 'INFO' ? 'INFO' : 'RFC2833';
    this.#engine.sendDtmf(call.id, text.toUpperCase(), type);
    this.tones.key(text[text.length - 1]);
    this.#announce(`Sent ${text}`);
  }

  /** Blind-transfers the connected call to `target`: the other party is connected to it and this side's call ends. */
  transfer(target: string): void {
    const call = this.phoneState.call;
    const to = String(target ?? '').trim();
    if (!DIALABLE.test(to)) {
      this.#fail({ code: 'invalid-number', message: to ? `"${to}" is not a number a call can be transferred to.` : 'Enter a number to transfer to.' });
      return;
    }
    if (!call || (call.status !== 'ESTABLISHED' && call.status !== 'HOLD') || !this.#engine) {
      this.#fail({ code: 'invalid-state', message: 'Only a connected call can be transferred.' });
      return;
    }
    this.#engine.transfer(call.id, to);
    this.#setState({ call: { ...call, transfer: { target: to, status: 'REQUESTED' } } });
    this.#announce(`Transferring to ${to}`);
  }

  /** Switches the camera off (or on again) in a video call. */
  setCameraOff(off: boolean): void {
    const call = this.phoneState.call;
    if (!call?.video || !isActive(call) || !!call.cameraOff === off) return;
    this.#engine?.setCameraOff(call.id, off);
    this.#setState({ call: { ...call, cameraOff: off } });
    this.#announce(off ? 'Camera off' : 'Camera on');
  }

  // ---- rendering --------------------------------------------------------------------

  override render() {
    const { session, call, error } = this.phoneState;
    const connected = this.#connected;
    const busy = session === 'CONNECTING';
    const showForm = !connected && !busy && !this.#configured;
    const showDialer = connected && !isActive(call);
    const lastCall = call && !isActive(call) ? call : null;
    return html`
      <div class="phone" part="base">
        <div class="header" part="header">
          <div class="identity">
            <span class="login">${this.sipLogin || 'SIP phone'}</span>
            <span class="session">
              ${sessionStatusText(session)}
              <span class="badge" part="session-status">${session}</span>
            </span>
          </div>
          ${showForm
            ? nothing
            : html`<button
                part="connect-button"
                class=${connected ? '' : 'primary'}
                ?disabled=${busy}
                @click=${() => (connected ? this.disconnect() : this.connect())}
              >
                ${connected || busy ? 'Disconnect' : 'Connect'}
              </button>`}
        </div>
        ${showForm ? this.#renderForm() : nothing}
        ${error ? html`<p class="error" part="error">${error.message}</p>` : nothing}
        <sip-incoming
          exportparts="alert, answer-button, answer-video-button, decline-button"
          @sip-call-action=${this.#onAction}
        ></sip-incoming>
        <sip-call-controls
          exportparts="status: call-status, timer, mute-button, hold-button, camera-button, transfer-button, keypad, hangup-button"
          @sip-call-action=${this.#onAction}
          @sip-dtmf=${this.#onDtmf}
          @sip-transfer=${this.#onTransfer}
        ></sip-call-controls>
        ${showDialer
          ? html`<sip-dialer exportparts="number, call-button, video-call-button" @sip-dial=${this.#onDial}></sip-dialer>`
          : nothing}
        ${lastCall ? html`<p class="last-call">${callStatusText(lastCall)}</p>` : nothing}
        <div class="media" part="media" ?hidden=${!(call?.video && isActive(call))}>
          <div id="local-media"></div>
          <div id="remote-media"></div>
        </div>
        <div class="visually-hidden" role="status" aria-live="polite">${this.announcement}</div>
      </div>
    `;
  }

  #renderForm() {
    const field = (id: string, label: string, value: string, type: 'text' | 'url' | 'password' = 'text', required = false) => html`
      <label for=${id}>${label}</label>
      <input id=${id} name=${id} type=${type} .value=${value} ?required=${required} autocomplete="off" />
    `;
    return html`
      <form class="connect" part="form" @submit=${this.#onFormSubmit}>
        ${field('wcs-url', 'WCS URL', this.wcsUrl, 'url', true)}
        ${field('sip-login', 'SIP Login', this.sipLogin, 'text', true)}
        ${field('sip-auth-name', 'SIP Auth Name', this.sipAuthName)}
        ${field('sip-password', 'SIP Password', this.sipPassword, 'password')}
        ${field('sip-domain', 'SIP Domain', this.sipDomain)}
        ${field('sip-outbound-proxy', 'SIP Outbound Proxy', this.sipOutboundProxy)}
        ${field('sip-port', 'SIP Port', this.sipPort)}
        <label class="wide">
          <input name="register" type="checkbox" .checked=${!this.noRegister} />
          Register required
        </label>
        <button class="primary wide" part="connect-button" type="submit">Connect</button>
      </form>
    `;
  }

  #onFormSubmit(e: SubmitEvent): void {
    e.preventDefault();
    const data = new FormData(e.target as HTMLFormElement);
    const raw = (name: string) => {
      const value = data.get(name);
      return typeof value === 'string' ? value : '';
    };
    const text = (name: string) => raw(name).trim();
    this.wcsUrl = text('wcs-url');
    this.sipLogin = text('sip-login');
    this.sipAuthName = text('sip-auth-name');
    this.sipPassword = raw('sip-password');
    this.sipDomain = text('sip-domain');
    this.sipOutboundProxy = text('sip-outbound-proxy');
    this.sipPort = text('sip-port') || '5060';
    this.noRegister = !data.get('register');
    void this.connect();
  }

  #onDial(e: SipDialEvent): void {
    e.stopPropagation();
    if (!this.dispatchEvent(new SipCallRequestEvent(e.detail.number))) return;
    this.call(e.detail.number, { video: e.detail.video });
  }

  #onDtmf(e: SipDtmfEvent): void {
    e.stopPropagation();
    this.sendDtmf(e.detail.digits);
  }

  #onTransfer(e: SipTransferEvent): void {
    e.stopPropagation();
    this.transfer(e.detail.target);
  }

  /** Digits typed while the phone has focus (outside a text field) are sent as DTMF in a call. */
  #onKeydown = (e: KeyboardEvent): void => {
    if (this.phoneState.call?.status !== 'ESTABLISHED' || e.ctrlKey || e.metaKey || e.altKey) return;
    if (!/^[0-9*#]$/.test(e.key)) return;
    if (e.composedPath().some((node) => node instanceof HTMLInputElement)) return;
    e.preventDefault();
    this.sendDtmf(e.key);
  };

  #onAction(e: SipCallActionEvent): void {
    e.stopPropagation();
    const actions: Record<CallAction, () => void> = {
      answer: () => this.answer(),
      'answer-video': () => this.answer({ video: true }),
      'camera-off': () => this.setCameraOff(true),
      'camera-on': () => this.setCameraOff(false),
      decline: () => this.decline(),
      hangup: () => this.hangup(),
      mute: () => this.mute(),
      unmute: () => this.unmute(),
      hold: () => this.hold(),
      unhold: () => this.unhold(),
    };
    actions[e.detail.action]();
  }

  // ---- engine callbacks -------------------------------------------------------------

  #listener(generation: number): EngineListener {
    const live = () => generation === this.#generation;
    return {
      sessionStatus: (status, failure) => live() && this.#sessionChanged(status, failure),
      incomingCall: (call) => live() && this.#incoming(call),
      callStatus: (call, status, reason, failure) => live() && this.#callChanged(call, status, reason, failure),
      transferFailed: (call, reason) => live() && this.#transferFailed(call, reason),
    };
  }

  #sessionChanged(status: SessionStatus, failure?: EngineFailure): void {
    if (status === this.phoneState.session && !failure) return;
    const canCall = status === 'REGISTERED' || (status === 'ESTABLISHED' && this.noRegister);
    const call = this.phoneState.call;
    const ended = status === 'DISCONNECTED' || status === 'FAILED';
    this.#setState({ session: status, canCall, error: failure ?? (ended ? this.phoneState.error : null) });
    if (ended && call && isActive(call)) {
      // The session is gone, and its call with it.
      this.#callChanged(call, 'FINISH', 'Connection lost');
    }
    if (status !== 'IDLE') {
      this.dispatchEvent(new SipSessionStatusEvent({ status, ...(failure ? { reason: failure.message } : {}) }));
    }
    this.#announce(failure ? failure.message : sessionStatusText(status));
    if (failure) this.dispatchEvent(new SipErrorEvent(failure));
  }

  #incoming(call: EngineCall): void {
    if (isActive(this.phoneState.call)) {
      // One call at a time: a second caller hears busy.
      this.#engine?.hangup(call.id);
      return;
    }
    const active = this.#deepActiveElement();
    this.#focusBeforeRing = active && !this.shadowRoot?.contains(active) ? active : null;
    this.#setState({
      error: null,
      call: {
        id: call.id,
        direction: 'incoming',
        remote: call.remote,
        visibleName: call.visibleName,
        status: 'NEW',
        muted: false,
        held: false,
      },
    });
    this.tones.play('ring');
    this.dispatchEvent(
      new SipIncomingCallEvent({ callId: call.id, caller: call.remote, visibleName: call.visibleName ?? call.remote }),
    );
  }

  #callChanged(engineCall: EngineCall, status: CallStatus, reason?: string, failure?: EngineFailure): void {
    const call = this.phoneState.call;
    if (!call || call.id !== engineCall.id) return;
    if (call.status === status && reason === call.reason) return;
    if (FINAL_CALL_STATUSES.has(call.status)) return;
    const final = FINAL_CALL_STATUSES.has(status);
    // The websdk reports no transfer progress; the call ending after the request is the sign it went through.
    const transfer =
      call.transfer && status === 'FINISH' ? { ...call.transfer, status: 'COMPLETED' as const } : call.transfer;
    const next: CallSnapshot = {
      ...call,
      status,
      transfer,
      reason: reason ?? failure?.message,
      held: status === 'HOLD',
      // ESTABLISHED comes again after every unhold: the timer keeps its first start.
      connectedAt: status === 'ESTABLISHED' && call.connectedAt === undefined ? performance.now() : call.connectedAt,
    };
    const error = final ? this.#callError(next, failure) : null;
    this.#setState({ call: next, error: error ?? this.phoneState.error });
    this.#updateTones(next);
    this.dispatchEvent(
      new SipCallStatusEvent({
        status,
        callId: next.id,
        direction: next.direction,
        remote: next.remote,
        ...(next.reason ? { reason: next.reason } : {}),
        ...(next.transfer ? { transfer: { ...next.transfer } } : {}),
      }),
    );
    this.#announce(error ? error.message : callStatusText(next));
    if (error) this.dispatchEvent(new SipErrorEvent(error));
    if (final) this.#restoreFocus();
  }

  #transferFailed(engineCall: EngineCall, reason: string): void {
    const call = this.phoneState.call;
    if (!call?.transfer || call.id !== engineCall.id) return;
    const error: PhoneError = {
      code: 'transfer-failed',
      message: `The transfer to ${call.transfer.target} failed: ${reason}. The call goes on.`,
    };
    this.#setState({ call: { ...call, transfer: undefined }, error });
    this.#announce(error.message);
    this.dispatchEvent(new SipErrorEvent(error));
  }

  #callError(call: CallSnapshot, failure?: EngineFailure): PhoneError | null {
    if (failure) return failure;
    if (call.status === 'BUSY') {
      return { code: 'busy', message: `${call.remote} is busy${call.reason ? ` (${call.reason})` : ''}.` };
    }
    if (call.status === 'FAILED') {
      return { code: 'call-failed', message: `The call to ${call.remote} failed${call.reason ? `: ${call.reason}` : ''}.` };
    }
    return null;
  }

  #updateTones(call: CallSnapshot): void {
    if (call.direction === 'incoming') {
      this.tones.play(isRinging(call) ? 'ring' : null);
    } else {
      this.tones.play(call.status === 'RING' ? 'ringback' : null);
    }
  }

  // ---- helpers ----------------------------------------------------------------------

  get #connected(): boolean {
    const s = this.phoneState.session;
    return s === 'ESTABLISHED' || s === 'REGISTERED';
  }

  get #configured(): boolean {
    return !!this.wcsUrl && (!!this.sipLogin || !!this.authToken);
  }

  #autoConnect(): void {
    if (this.#configured && (this.phoneState.session === 'IDLE' || this.phoneState.session === 'DISCONNECTED')) {
      void this.connect();
    }
  }

  /** Checks the attributes and turns them into engine options, or says what is wrong. */
  #connectOptions(): ConnectOptions | PhoneError {
    const invalid = (message: string): PhoneError => ({ code: 'invalid-config', message });
    const url = this.wcsUrl.trim();
    if (!url) return invalid('Set the WCS URL (the wcs-url attribute) before connecting.');
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return invalid(`The WCS URL "${url}" is not a valid address; it should look like wss://host:8443.`);
    }
    if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') {
      return invalid(`The WCS URL "${url}" must start with ws:// or wss://.`);
    }
    if (!this.authToken && !this.sipLogin.trim()) {
      return invalid('Set the SIP login (the sip-login attribute) before connecting.');
    }
    const portText = String(this.sipPort ?? '').trim();
    const port = portText === '' ? 5060 : Number(portText);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      return invalid(`The SIP port "${portText}" is not a port number (1-65535).`);
    }
    return {
      url,
      login: this.sipLogin.trim() || undefined,
      authName: this.sipAuthName.trim() || this.sipLogin.trim() || undefined,
      password: this.sipPassword,
      domain: this.sipDomain.trim() || parsed.hostname,
      outboundProxy: this.sipOutboundProxy.trim() || parsed.hostname,
      port,
      register: !this.noRegister,
      authToken: this.authToken || undefined,
    };
  }

  async #loadEngine(): Promise<Engine> {
    if (this.#engine) return this.#engine;
    this.#enginePromise ??= this.engineFactory();
    try {
      this.#engine = await this.#enginePromise;
    } catch (error) {
      this.#enginePromise = undefined;
      throw error;
    }
    return this.#engine;
  }

  #ringingIn(): CallSnapshot | null {
    const call = this.phoneState.call;
    return call?.direction === 'incoming' && isRinging(call) && this.#engine ? call : null;
  }

  #setMuted(muted: boolean): void {
    const call = this.phoneState.call;
    if (!call || !isActive(call) || call.muted === muted) return;
    this.#engine?.setMuted(call.id, muted);
    this.#setState({ call: { ...call, muted } });
    this.#announce(muted ? 'Microphone muted' : 'Microphone on');
  }

  #displays() {
    return { local: this.localDisplay, remote: this.remoteDisplay };
  }

  #setState(patch: Partial<PhoneState>): void {
    this.phoneState = { ...this.phoneState, ...patch };
  }

  #fail(error: PhoneError): void {
    this.#setState({ error });
    this.#announce(error.message);
    this.dispatchEvent(new SipErrorEvent(error));
  }

  #announce(text: string): void {
    this.announcement = text;
  }

  #deepActiveElement(): HTMLElement | null {
    let active = document.activeElement;
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
    return active instanceof HTMLElement ? active : null;
  }

  #restoreFocus(): void {
    const target = this.#focusBeforeRing;
    this.#focusBeforeRing = null;
    if (target?.isConnected && this.matches(':focus-within')) target.focus();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sip-phone': SipPhone;
  }
}

export type { ErrorCode };
