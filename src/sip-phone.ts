import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { provide } from '@lit/context';
import {
  activeCall,
  initialPhoneState,
  isActive,
  phoneStateContext,
  ringingCall,
  type PhoneError,
  type PhoneSessionStatus,
  type PhoneState,
} from './call-context.js';
import { reduce, type EngineCommand, type Intent, type PhoneAction, type PhoneEffect } from './call-state.js';
import { ReconnectController } from './controllers/reconnect.js';
import { ToneController, type Tone } from './controllers/tones.js';
import type {
  CallStatus,
  ConnectOptions,
  DtmfType,
  Engine,
  EngineFactory,
  EngineListener,
  ErrorCode,
  SessionStatus,
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

/**
 * A SIP phone in one tag: connects to a Flashphoner Web Call Server (WCS) with
 * `@flashphoner/websdk`, registers a SIP account, places and receives calls.
 *
 * Configure it with attributes; without a WCS URL and a login it shows a connection form.
 * It shares its state with `<sip-dialer>`, `<sip-incoming>` and `<sip-call-controls>`
 * through Lit context and reports everything as `sip-*` DOM events. Its state changes are
 * made by one pure function (`reduce` in `call-state.ts`); the element feeds it what the
 * engine reports and what a person asks, and carries out what it returns.
 *
 * @fires sip-session-status - The session's status changed (RECONNECTING with `attempt` and `delayMs`).
 * @fires sip-call-status - A call's status changed (one event per change).
 * @fires sip-incoming-call - A call is ringing in (also while another call is up: call waiting).
 * @fires sip-error - Something failed; the widget shows the same message.
 * @fires sip-call-request - The person asked to call a number; cancelable.
 * @csspart base - The phone's frame.
 * @csspart header - The status line with Connect / Disconnect.
 * @csspart session-status - The session's status name.
 * @csspart connect-button - The Connect / Disconnect button.
 * @csspart reconnect-button - The Reconnect now button (while the phone waits to reconnect).
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
  /** Do not reconnect on its own when the connection to the server is lost. */
  @property({ type: Boolean, attribute: 'no-reconnect' }) noReconnect = false;
  /** How many calls the phone holds at once (ringing, connected and held); a call beyond them gets busy. */
  @property({ type: Number, attribute: 'max-calls' }) maxCalls = 2;
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
  get sessionStatus(): PhoneSessionStatus {
    return this.phoneState.session;
  }

  /** The status of the call the phone shows (or of the last call); empty when there has been none. */
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
  /** The session came up since the last connect(): losing it now means reconnecting. */
  #wasUp = false;
  /** The ring, call-waiting and ringback tones (protected so tests can read the level played). */
  protected readonly tones = new ToneController(this);
  readonly #reconnect = new ReconnectController(this, {
    scheduled: (attempt, delayMs) => this.#dispatch({ type: 'reconnect-scheduled', attempt, delayMs }),
    retry: () => void this.#open(true),
  });
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
    // A phone taken out of the page must not keep a call or a session open, nor come back.
    if (this.phoneState.session !== 'IDLE') this.disconnect();
  }

  protected override firstUpdated(): void {
    // After this update has finished: connecting changes state, which renders again.
    if (this.autoConnect) queueMicrotask(() => this.#autoConnect());
  }

  protected override willUpdate(changed: PropertyValues): void {
    const config = ['callee', 'sipLogin', 'video', 'noRegister', 'maxCalls'];
    if (config.some((name) => changed.has(name))) {
      this.#dispatch({
        type: 'configure',
        login: this.sipLogin,
        callee: this.callee,
        videoEnabled: this.video,
        register: !this.noRegister,
        maxCalls: Number.isInteger(this.maxCalls) && this.maxCalls > 0 ? this.maxCalls : 1,
      });
    }
    if (changed.has('phoneState')) {
      // Keep the reflected status attributes in step with the state.
      const before = changed.get('phoneState') as PhoneState | undefined;
      if (before?.session !== this.phoneState.session) this.requestUpdate('sessionStatus', before?.session);
      if (before?.call?.status !== this.phoneState.call?.status) this.requestUpdate('callStatus', before?.call?.status);
    }
  }

  // ---- public methods ---------------------------------------------------------------

  /** Connects (and registers, unless `no-register`) with the configured attributes; while the phone waits to reconnect, reconnects now. */
  async connect(): Promise<void> {
    if (this.#reconnect.pending) {
      this.#reconnect.now();
      return;
    }
    if (this.phoneState.session === 'CONNECTING' || this.#connected) return;
    this.#wasUp = false;
    this.tones.unlock();
    await this.#open(false);
  }

  /** Ends every call, closes the session and stops reconnecting. */
  disconnect(): void {
    this.#reconnect.reset();
    this.#wasUp = false;
    this.#dispatch({ type: 'disconnect' });
    this.#engine?.disconnect();
    this.#generation++;
  }

  /**
   * Calls `number`, with video when `options.video` is true (and the `video` attribute is
   * set). Fails with a `sip-error` when the phone cannot call now.
   */
  call(number: string, options: { video?: boolean } = {}): void {
    this.#intent({ type: 'dial', number, video: !!options.video });
  }

  /** Answers the call ringing in (holding the current call, if any), with video when `options.video` is true (and the `video` attribute is set). */
  answer(options: { video?: boolean } = {}): void {
    this.#intent({ type: 'answer', video: !!options.video });
  }

  /** Declines the call ringing in (the caller hears busy). */
  decline(): void {
    this.#intent({ type: 'decline' });
  }

  /** Ends the current call: cancels it while it rings out, hangs it up once connected, declines one ringing in. */
  hangup(): void {
    this.#intent({ type: 'hangup' });
  }

  /** Stops sending the microphone's audio. */
  mute(): void {
    this.#intent({ type: 'mute', muted: true });
  }

  /** Sends the microphone's audio again. */
  unmute(): void {
    this.#intent({ type: 'mute', muted: false });
  }

  /** Puts the connected call on hold. */
  hold(): void {
    this.#intent({ type: 'hold', held: true });
  }

  /** Resumes the held call. */
  unhold(): void {
    this.#intent({ type: 'hold', held: false });
  }

  /** Swaps to the other call: the current one goes on hold, the held one resumes. */
  swap(): void {
    this.#intent({ type: 'resume' });
  }

  /**
   * Sends DTMF `digits` (0-9, `*`, `#`, A-D) on the connected call, as `dtmf-type` says.
   * Anything else fires `sip-error` with code `invalid-dtmf` and sends nothing.
   */
  sendDtmf(digits: string): void {
    this.#intent({ type: 'dtmf', digits });
  }

  /** Blind-transfers the connected call to `target`: the other party is connected to it and this side's call ends. */
  transfer(target: string): void {
    this.#intent({ type: 'transfer', target });
  }

  /** Switches the camera off (or on again) in a video call. */
  setCameraOff(off: boolean): void {
    this.#intent({ type: 'camera', off });
  }

  // ---- rendering --------------------------------------------------------------------

  override render() {
    const state = this.phoneState;
    const { session, error } = state;
    const connected = this.#connected;
    const busy = session === 'CONNECTING';
    const reconnecting = session === 'RECONNECTING';
    const showForm = !connected && !busy && !reconnecting && !this.#configured;
    const active = activeCall(state);
    const showDialer = connected && !active && !ringingCall(state);
    const lastCall = state.calls.length === 0 ? state.lastCall : null;
    const sessionText = reconnecting
      ? `Reconnecting in ${this.#reconnect.secondsLeft || 1} s…`
      : session === 'CONNECTING' && state.reconnect
        ? 'Reconnecting…'
        : sessionStatusText(session);
    return html`
      <div class="phone" part="base">
        <div class="header" part="header">
          <div class="identity">
            <span class="login">${this.sipLogin || 'SIP phone'}</span>
            <span class="session">
              ${sessionText}
              <span class="badge" part="session-status">${session}</span>
            </span>
          </div>
          ${showForm
            ? nothing
            : html`<div class="row">
                ${reconnecting
                  ? html`<button part="reconnect-button" class="primary" @click=${() => this.connect()}>Reconnect now</button>`
                  : nothing}
                <button
                  part="connect-button"
                  class=${connected || reconnecting ? '' : 'primary'}
                  ?disabled=${busy && !state.reconnect}
                  @click=${() => (connected || reconnecting || busy ? this.disconnect() : this.connect())}
                >
                  ${connected || busy || reconnecting ? 'Disconnect' : 'Connect'}
                </button>
              </div>`}
        </div>
        ${showForm ? this.#renderForm() : nothing}
        ${error ? html`<p class="error" part="error">${error.message}</p>` : nothing}
        <sip-incoming
          exportparts="alert, answer-button, answer-video-button, decline-button"
          @sip-call-action=${this.#onAction}
        ></sip-incoming>
        <sip-call-controls
          exportparts="status: call-status, timer, mute-button, hold-button, camera-button, transfer-button, keypad, hangup-button, held-calls, swap-button, resume-button"
          @sip-call-action=${this.#onAction}
          @sip-dtmf=${this.#onDtmf}
          @sip-transfer=${this.#onTransfer}
        ></sip-call-controls>
        ${showDialer
          ? html`<sip-dialer exportparts="number, call-button, video-call-button" @sip-dial=${this.#onDial}></sip-dialer>`
          : nothing}
        ${lastCall ? html`<p class="last-call">${callStatusText(lastCall)}</p>` : nothing}
        <div class="media" part="media" ?hidden=${!(active?.video && isActive(active))}>
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
    if (activeCall(this.phoneState)?.status !== 'ESTABLISHED' || e.ctrlKey || e.metaKey || e.altKey) return;
    if (!/^[0-9*#]$/.test(e.key)) return;
    if (e.composedPath().some((node) => node instanceof HTMLInputElement)) return;
    e.preventDefault();
    this.sendDtmf(e.key);
  };

  #onAction(e: SipCallActionEvent): void {
    e.stopPropagation();
    const { callId } = e.detail;
    const intents: Record<CallAction, Intent> = {
      answer: { type: 'answer', callId, video: false },
      'answer-video': { type: 'answer', callId, video: true },
      'camera-off': { type: 'camera', off: true },
      'camera-on': { type: 'camera', off: false },
      decline: { type: 'decline', callId },
      hangup: { type: 'hangup', callId },
      mute: { type: 'mute', muted: true },
      unmute: { type: 'mute', muted: false },
      hold: { type: 'hold', held: true },
      unhold: { type: 'hold', held: false },
      swap: { type: 'resume', callId },
      resume: { type: 'resume', callId },
    };
    this.#intent(intents[e.detail.action]);
  }

  // ---- the state model and its effects -----------------------------------------------

  #intent(intent: Intent): void {
    this.#dispatch({ type: 'intent', intent });
  }

  #dispatch(action: PhoneAction): void {
    const before = this.phoneState;
    const { state, effects } = reduce(before, action, performance.now());
    this.phoneState = state;
    for (const effect of effects) this.#run(effect);
    this.#afterChange(before, this.phoneState);
  }

  #run(effect: PhoneEffect): void {
    switch (effect.kind) {
      case 'engine':
        this.#command(effect.command);
        return;
      case 'session-status':
        this.dispatchEvent(new SipSessionStatusEvent(effect.detail));
        return;
      case 'call-status':
        this.dispatchEvent(new SipCallStatusEvent(effect.detail));
        return;
      case 'incoming-call':
        this.dispatchEvent(new SipIncomingCallEvent(effect.detail));
        return;
      case 'error':
        this.dispatchEvent(new SipErrorEvent(effect.error));
        return;
      case 'announce':
        this.announcement = effect.text;
        return;
    }
  }

  #command(command: EngineCommand): void {
    const engine = this.#engine;
    if (!engine) return;
    switch (command.op) {
      case 'call': {
        const { number, video } = command;
        try {
          const call = engine.call(number, { displays: this.#displays(), video, visibleName: this.sipLogin || undefined });
          this.#dispatch({ type: 'placed', call, video });
        } catch (error) {
          this.#fail({ code: 'call-failed', message: `The call could not be placed: ${(error as Error).message}` });
        }
        return;
      }
      case 'answer':
        engine.answer(command.callId, { displays: this.#displays(), video: command.video });
        return;
      case 'hangup':
        engine.hangup(command.callId);
        return;
      case 'mute':
        engine.setMuted(command.callId, command.muted);
        return;
      case 'hold':
        if (command.held) engine.hold(command.callId);
        else engine.unhold(command.callId);
        return;
      case 'camera':
        engine.setCameraOff(command.callId, command.off);
        return;
      case 'dtmf':
        engine.sendDtmf(command.callId, command.digits, this.dtmfType === 'INFO' ? 'INFO' : 'RFC2833');
        this.tones.key(command.digits.at(-1)!);
        return;
      case 'transfer':
        engine.transfer(command.callId, command.target);
        return;
    }
  }

  /** Tones and focus follow the calls: ring, call waiting, ringback; focus back after the last call. */
  #afterChange(before: PhoneState, after: PhoneState): void {
    if (before.calls === after.calls && before.activeCallId === after.activeCallId) return;
    const ringing = ringingCall(after);
    const active = activeCall(after);
    let tone: Tone | null = null;
    if (ringing) tone = after.calls.length > 1 ? 'waiting' : 'ring';
    else if (active?.direction === 'outgoing' && active.status === 'RING') tone = 'ringback';
    this.tones.play(tone);
    if (before.calls.length === 0 && after.calls.length > 0 && ringing) {
      const focused = this.#deepActiveElement();
      this.#focusBeforeRing = focused && !this.shadowRoot?.contains(focused) ? focused : null;
    } else if (after.calls.length === 0 && before.calls.length > 0) {
      this.#restoreFocus();
    }
  }

  // ---- engine callbacks -------------------------------------------------------------

  /** Opens a session: a person's or the page's connect(), or a reconnect (`resume`). */
  async #open(resume: boolean): Promise<void> {
    const options = this.#connectOptions();
    if ('code' in options) {
      this.#reconnect.reset();
      this.#fail(options);
      return;
    }
    const generation = ++this.#generation;
    this.#dispatch({ type: 'connect' });
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
    const resumeToken = resume && !options.authToken ? engine.authToken : undefined;
    engine.connect({ ...options, keepAlive: true, resumeToken }, this.#listener(generation));
  }

  #listener(generation: number): EngineListener {
    const live = () => generation === this.#generation;
    return {
      sessionStatus: (status, failure) => live() && this.#sessionChanged(status, failure),
      incomingCall: (call) => live() && this.#dispatch({ type: 'incoming', call }),
      callStatus: (call, status, reason, failure) =>
        live() && this.#dispatch({ type: 'call-status', callId: call.id, status, reason, failure }),
      transferFailed: (call, reason) => live() && this.#dispatch({ type: 'transfer-failed', callId: call.id, reason }),
      mediaFailed: (call) => live() && this.#dispatch({ type: 'media-failed', callId: call.id }),
    };
  }

  #sessionChanged(status: SessionStatus, failure?: PhoneError): void {
    if (status === 'ESTABLISHED') this.#wasUp = true;
    this.#dispatch({ type: 'session', status, failure });
    if (this.#connected) {
      this.#reconnect.reset();
      return;
    }
    const lost = status === 'DISCONNECTED' || status === 'FAILED';
    // A refused login is not retried: the same credentials would be refused again.
    const retry = lost && this.#wasUp && !this.noReconnect && failure?.code !== 'registration-failed';
    if (retry) this.#reconnect.schedule();
    else if (lost) this.#reconnect.reset();
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

  #displays() {
    return { local: this.localDisplay, remote: this.remoteDisplay };
  }

  #fail(error: PhoneError): void {
    this.#dispatch({ type: 'fail', error });
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
