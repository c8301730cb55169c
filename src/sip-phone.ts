import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import {
  activeCall,
  initialPhoneState,
  isActive,
  ringingCall,
  type PhoneError,
  type PhoneSessionStatus,
  type PhoneState,
} from './call-context.js';
import type { Intent } from './call-state.js';
import type { CallStatus, DtmfType, EngineFactory, ErrorCode } from './engine/engine.js';
import { SipErrorEvent } from './events.js';
import { addMessages, languageOf, loadLanguage, translate, type Msg } from './i18n.js';
import type { PhoneRuntime } from './phone-runtime.js';
import { baseStyles } from './styles.js';

addMessages('en', {
  'session.IDLE': 'Not connected',
  'session.CONNECTING': 'Connecting…',
  'session.ESTABLISHED': 'Connected',
  'session.REGISTERED': 'Registered',
  'session.RECONNECTING': 'Reconnecting…',
  'session.DISCONNECTED': 'Disconnected',
  'session.FAILED': 'Connection failed',
  'phone.name': 'SIP phone',
  'phone.connect': 'Connect',
  'phone.disconnect': 'Disconnect',
  'phone.settings': 'Change settings',
  'phone.reconnectNow': 'Reconnect now',
  'phone.call': 'Call',
  'error.noEngine': (why) => `The phone could not load its call engine (${why}).`,
});

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
 * made by one pure function (`reduce` in `call-state.ts`). This module is the element's
 * shell (attributes, the connection form, rendering); what it needs once it connects (the
 * state model, the children, the engine, tones, reconnecting) is `phone-runtime.ts`,
 * loaded on the first connect.
 *
 * @fires sip-session-status - The session's status changed (RECONNECTING with `attempt` and `delayMs`).
 * @fires sip-call-status - A call's status changed (one event per change).
 * @fires sip-incoming-call - A call is ringing in (also while another call is up: call waiting).
 * @fires sip-error - Something failed; the widget shows the same message.
 * @fires sip-call-request - The person asked to call a number; cancelable.
 * @fires sip-call-quality - Every 2 s in a connected call: its quality rating and figures.
 * @slot - In `mode="click-to-call"`: the content of the call button (its label by default).
 * @csspart base - The phone's frame.
 * @csspart click-to-call-button - The one button of `mode="click-to-call"`.
 * @csspart header - The status line with Connect / Disconnect.
 * @csspart session-text - The session's status sentence ("Registered").
 * @csspart last-call - The line about the last call ("Call ended").
 * @csspart session-status - The session's status name.
 * @csspart connect-button - The Connect / Disconnect button.
 * @csspart reconnect-button - The Reconnect now button (while the phone waits to reconnect).
 * @csspart form - The connection form.
 * @csspart settings-button - Change settings: opens the connection form on a configured phone.
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
        /* The layout follows the phone's own width (a sidebar, a phone screen), not the page's. */
        container-type: inline-size;
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
        flex-wrap: wrap;
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
      @container (max-width: 22rem) {
        .phone {
          padding: 0.75rem;
        }
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
  /**
   * SIP password. Never reflected, logged or put in an event; the `sip-password` attribute is
   * removed as soon as it is read, so the page's DOM does not keep it. Prefer setting the
   * property from script.
   */
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
  /**
   * `phone` (default): the full phone. `click-to-call`: one button that calls `callee` (fixed)
   * with a server-assigned identity (`app-key`), then hangs up and disconnects: no login, no
   * password, no registration.
   */
  @property() mode: 'phone' | 'click-to-call' = 'phone';
  /** The server-side application key (WCS `appKey`) of a click-to-call button. */
  @property({ attribute: 'app-key' }) appKey = '';
  /** The click-to-call button's label (its accessible name too), unless the page slots its own content; "Call" in the phone's language when empty. */
  @property({ attribute: 'button-label' }) buttonLabel = '';
  /** Answer a call ringing in on its own (when no other call is up), for kiosks and intercoms. */
  @property({ type: Boolean, attribute: 'auto-answer' }) autoAnswer = false;
  /** Seconds `auto-answer` waits before answering (0: at once). */
  @property({ type: Number, attribute: 'auto-answer-delay' }) autoAnswerDelay = 0;
  /** Do not reconnect on its own when the connection to the server is lost. */
  @property({ type: Boolean, attribute: 'no-reconnect' }) noReconnect = false;
  /** How many calls the phone holds at once (ringing, connected and held); a call beyond them gets busy. */
  @property({ type: Number, attribute: 'max-calls' }) maxCalls = 2;
  /** The number pre-filled in the dialer. */
  @property() callee = '';
  /** Allows video calls: a Video call button, Answer with video, and the videos in the widget. */
  @property({ type: Boolean }) video = false;
  /**
   * The microphone calls use: a device id, or part of its label (e.g. `USB`). A choice the
   * person made in the widget (remembered per site) wins; the browser's default when neither.
   */
  @property() microphone = '';
  /** The speaker calls play on: a device id or part of its label (as `microphone`). */
  @property() speaker = '';
  /** The camera video calls use: a device id or part of its label (as `microphone`). */
  @property() camera = '';
  /** How DTMF digits are sent: `RFC2833` (in the media) or `INFO` (SIP INFO). */
  @property({ attribute: 'dtmf-type' }) dtmfType: DtmfType = 'RFC2833';

  /** Creates the engine on first connect; replace it to run the phone on another engine. */
  @property({ attribute: false }) engineFactory: EngineFactory = defaultEngineFactory;

  /** The shared state the child elements render from; a new object on every change. */
  @state() protected phoneState: PhoneState = initialPhoneState;

  /** What the live region says now. */
  @state() private announcement = '';

  /**
   * The connection form is open on a configured phone: after a refused login, an unreachable
   * server or a malformed setting (to correct it), or after **Change settings**.
   */
  @state() private editing = false;

  /** The language the phone speaks: its `lang`, or the nearest one above it (see `i18n.ts`). */
  @state() private language = 'en';

  /** Follows `lang` changes on the phone and in the document (a page that switches language). */
  #langObserver?: MutationObserver;

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

  #runtime?: PhoneRuntime;
  #runtimeLoading?: Promise<PhoneRuntime | undefined>;

  /** The ring and ringback tones, once the phone has connected (protected so tests can read the level played). */
  protected get tones() {
    return this.#runtime?.tones;
  }

  /** Set while the phone removes its own `sip-password` attribute. */
  #scrubbing = false;

  override attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    if (name === 'sip-password' && this.#scrubbing) return;
    super.attributeChangedCallback(name, old, value);
    if (name === 'sip-password' && value !== null) {
      // The property has it now: the attribute would leave the password readable in the DOM.
      this.#scrubbing = true;
      this.removeAttribute(name);
      this.#scrubbing = false;
    }
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.addEventListener('keydown', this.#onKeydown);
    this.#langObserver ??= new MutationObserver(() => this.requestUpdate());
    this.#langObserver.observe(document.documentElement, { attributes: true, attributeFilter: ['lang'], subtree: true });
    if (this.hasUpdated && this.autoConnect) this.#autoConnect();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.removeEventListener('keydown', this.#onKeydown);
    this.#langObserver?.disconnect();
    // A phone taken out of the page must not keep a call or a session open, nor come back.
    if (this.phoneState.session !== 'IDLE') this.disconnect();
  }

  protected override firstUpdated(): void {
    // After this update has finished: connecting changes state, which renders again.
    if (this.autoConnect) queueMicrotask(() => this.#autoConnect());
  }

  /**
   * Once connected, the runtime says when to render (PhoneRuntime.renderSlot). A phone that
   * is about to show its connection form loads it first.
   */
  protected override async scheduleUpdate(): Promise<unknown> {
    await this.#runtime?.renderSlot();
    // The phone's language, loaded before the phone first speaks it (Russian ships as a chunk).
    const language = languageOf(this);
    await loadLanguage(language);
    this.language = language;
    const { error, session } = this.phoneState;
    if (error !== this.#seenError) {
      // A setting is at fault: the form comes back with the values, the field marked.
      this.#seenError = error;
      if (error?.field) this.editing = true;
    }
    if (session === 'ESTABLISHED' || session === 'REGISTERED') this.editing = false;
    if (!this.#form && this.#showsForm()) {
      this.#form = await import('./connect-form.js').catch(() => undefined);
      // Its styles come with it (a constructed stylesheet: fine under a strict CSP).
      const sheet = this.#form?.formStyles.styleSheet;
      if (sheet && this.shadowRoot) this.shadowRoot.adoptedStyleSheets = [...this.shadowRoot.adoptedStyleSheets, sheet];
    }
    return super.scheduleUpdate();
  }

  /** The last error the phone has looked at (to open the form once per error). */
  #seenError: PhoneError | null = null;

  /** The connection form's module, once a phone needed it. */
  #form?: typeof import('./connect-form.js');

  /** The phone shows its connection form: no settings, or a person corrects them. */
  #showsForm(): boolean {
    const session = this.phoneState.session;
    const idle = session === 'IDLE' || session === 'DISCONNECTED' || session === 'FAILED';
    return idle && this.mode !== 'click-to-call' && (!this.#configured || this.editing);
  }

  protected override willUpdate(changed: PropertyValues): void {
    const config = ['callee', 'sipLogin', 'video', 'noRegister', 'maxCalls', 'mode', 'language'];
    if (config.some((name) => changed.has(name))) {
      const action = this.#configuration();
      if (this.#runtime) {
        this.#runtime.dispatch(action);
      } else {
        // Nothing to derive before the phone connects: the runtime configures it again then.
        const { type: _type, ...config } = action;
        this.phoneState = { ...this.phoneState, ...config };
      }
    }
    if (changed.has('phoneState')) {
      // Keep the reflected status attributes in step with the state.
      const before = changed.get('phoneState') as PhoneState | undefined;
      if (before?.session !== this.phoneState.session) this.requestUpdate('sessionStatus', before?.session);
      if (before?.call?.status !== this.phoneState.call?.status) this.requestUpdate('callStatus', before?.call?.status);
    }
    // The children render what the phone renders (a configuration above may have changed it).
    this.#runtime?.provide(this.phoneState);
  }

  // ---- public methods ---------------------------------------------------------------

  /** Connects (and registers, unless `no-register`) with the configured attributes; while the phone waits to reconnect, reconnects now. */
  async connect(): Promise<void> {
    // The runtime checks the attributes: a malformed one is reported, and nothing is sent.
    await (await this.#loadRuntime())?.connect();
  }

  /** Ends every call, closes the session and stops reconnecting. */
  disconnect(): void {
    this.#runtime?.disconnect();
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

  /** `key` (with `args`) in the phone's language. */
  #t(...msg: Msg): string {
    return translate(this.language, msg);
  }

  override render() {
    if (this.mode === 'click-to-call') return this.#renderButton();
    const t = (...msg: Msg) => this.#t(...msg);
    const state = this.phoneState;
    const { session, error } = state;
    const runtime = this.#runtime;
    const connected = session === 'ESTABLISHED' || session === 'REGISTERED';
    const busy = session === 'CONNECTING';
    const reconnecting = session === 'RECONNECTING';
    const showForm = this.#showsForm();
    const active = activeCall(state);
    const showDialer = connected && !active && !ringingCall(state);
    // One message at a time: an error replaces the line about the last call.
    const lastCall = state.calls.length === 0 && !error ? state.lastCall : null;
    const sessionText = reconnecting
      ? t('session.reconnectIn', String(runtime?.reconnectSeconds || 1))
      : t(`session.${busy && state.reconnect ? 'RECONNECTING' : session}`);
    return html`
      <div class="phone" part="base">
        <div class="header" part="header">
          <div class="identity">
            <span class="login">${(connected || busy || reconnecting ? runtime?.sessionLogin : undefined) ?? (this.sipLogin || t('phone.name'))}</span>
            <span class="session" part="session-text">
              ${sessionText}
              <span class="badge" part="session-status">${session}</span>
            </span>
          </div>
          ${showForm
            ? nothing
            : html`<div class="row">
                ${connected || busy || reconnecting
                  ? nothing
                  : html`<button part="settings-button" @click=${this.#editSettings}>${t('phone.settings')}</button>`}
                ${reconnecting
                  ? html`<button part="reconnect-button" class="primary" @click=${() => this.connect()}>${t('phone.reconnectNow')}</button>`
                  : nothing}
                <button
                  part="connect-button"
                  class=${connected || reconnecting ? '' : 'primary'}
                  ?disabled=${busy && !state.reconnect}
                  @click=${() => (connected || reconnecting || busy ? this.disconnect() : this.connect())}
                >
                  ${t(connected || busy || reconnecting ? 'phone.disconnect' : 'phone.connect')}
                </button>
              </div>`}
        </div>
        ${showForm
          ? this.#form?.connectForm(this, this.language, error?.field, this.#configured ? () => (this.editing = false) : undefined)
          : nothing}
        ${error ? html`<p class="error" part="error" id="error">${t(...error.text)}</p>` : nothing}
        ${runtime
          ? html`<sip-incoming
                exportparts="alert, status: incoming-status, answer-button, answer-video-button, decline-button"
                @sip-call-action=${runtime.onAction}
              ></sip-incoming>
              <sip-call-controls
                exportparts="status: call-status, call-text, timer, quality, quality-warning, mic-level, mute-button, hold-button, camera-button, transfer-button, keypad-button, keypad, key, dtmf-digits, hangup-button, held-calls, swap-button, resume-button, held-hangup-button"
                @sip-call-action=${runtime.onAction}
                @sip-dtmf=${runtime.onDtmf}
                @sip-transfer=${runtime.onTransfer}
              ></sip-call-controls>
              ${showDialer
                ? html`<sip-dialer exportparts="number, call-button, video-call-button" @sip-dial=${runtime.onDial}></sip-dialer>`
                : nothing}
              ${connected
                ? html`<sip-devices
                    exportparts="devices-button, devices, microphone-select, mic-level, mic-test-button, speaker-select, camera-select, volume"
                    @sip-device-change=${runtime.onDeviceChange}
                    @sip-volume-change=${runtime.onVolumeChange}
                    @sip-mic-test=${runtime.onMicTest}
                  ></sip-devices>`
                : nothing}`
          : nothing}
        ${lastCall && runtime ? html`<p class="last-call" part="last-call">${t(...runtime.callText(lastCall))}</p>` : nothing}
        <div class="media" part="media" ?hidden=${!(active?.video && isActive(active))}>
          <div id="local-media"></div>
          <div id="remote-media"></div>
        </div>
        <div class="visually-hidden" role="status" aria-live="polite">${this.announcement}</div>
      </div>
    `;
  }

  /** mode="click-to-call": the button, or, during its call, the compact call controls. */
  #renderButton() {
    const { calls, session, error } = this.phoneState;
    const runtime = this.#runtime;
    const busy = session === 'CONNECTING' || session === 'ESTABLISHED';
    return html`
      <div class="phone" part="base">
        ${runtime && calls.length > 0
          ? html`<sip-call-controls compact exportparts="status: call-status, call-text, timer, quality, quality-warning, mic-level, mute-button, keypad-button, keypad, key, dtmf-digits, hangup-button"
              @sip-call-action=${runtime.onAction} @sip-dtmf=${runtime.onDtmf}></sip-call-controls>`
          : html`<button class="primary" part="click-to-call-button" ?disabled=${busy} @click=${() => this.#clickToCall()}>
              <slot>${this.buttonLabel || this.#t('phone.call')}</slot>
            </button>`}
        ${error ? html`<p class="error" part="error">${this.#t(...error.text)}</p>` : nothing}
        <div class="media" part="media" hidden><div id="local-media"></div><div id="remote-media"></div></div>
        <div class="visually-hidden" role="status" aria-live="polite">${this.announcement}</div>
      </div>
    `;
  }

  async #clickToCall(): Promise<void> {
    await (await this.#loadRuntime())?.clickToCall();
  }

  async #editSettings(): Promise<void> {
    this.editing = true;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLInputElement>('#wcs-url')?.focus();
  }

  #onKeydown = (e: KeyboardEvent): void => this.#runtime?.onKeydown(e);

  // ---- the runtime ------------------------------------------------------------------

  /** Loads the runtime once; a page that never connects never downloads it. */
  #loadRuntime(): Promise<PhoneRuntime | undefined> {
    this.#runtimeLoading ??= import('./phone-runtime.js').then(
      ({ PhoneRuntime }) => {
        this.#runtime = new PhoneRuntime(this, {
          state: () => this.phoneState,
          setState: (state) => (this.phoneState = state),
          announce: (text) => (this.announcement = text),
          displays: () => ({ local: this.localDisplay, remote: this.remoteDisplay }),
          configuration: () => this.#configuration(),
        });
        return this.#runtime;
      },
      (error: Error) => {
        this.#runtimeLoading = undefined;
        this.#fail({ code: 'engine-unavailable', text: ['error.noEngine', error.message] });
        return undefined;
      },
    );
    return this.#runtimeLoading;
  }

  #intent(intent: Intent): void {
    if (this.#runtime) this.#runtime.intent(intent);
    else void this.#loadRuntime().then((runtime) => runtime?.intent(intent));
  }

  // ---- helpers ----------------------------------------------------------------------

  get #configured(): boolean {
    return !!this.wcsUrl && (!!this.sipLogin || !!this.authToken);
  }

  #autoConnect(): void {
    if (this.#configured && (this.phoneState.session === 'IDLE' || this.phoneState.session === 'DISCONNECTED')) {
      void this.connect();
    }
  }

  #configuration() {
    // A click-to-call button never registers and holds its one call.
    const button = this.mode === 'click-to-call';
    return {
      type: 'configure' as const,
      login: this.sipLogin,
      callee: this.callee,
      videoEnabled: this.video,
      register: !this.noRegister && !button,
      maxCalls: button ? 1 : Number.isInteger(this.maxCalls) && this.maxCalls > 0 ? this.maxCalls : 1,
      lang: this.language,
    };
  }

  /** A failure with no runtime to report it (its chunk could not load): shown, announced and fired. */
  #fail(error: PhoneError): void {
    if (this.#runtime) {
      this.#runtime.dispatch({ type: 'fail', error });
      return;
    }
    this.phoneState = { ...this.phoneState, error };
    const event = SipErrorEvent.of(error, this.language);
    this.announcement = event.detail.message;
    this.dispatchEvent(event);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sip-phone': SipPhone;
  }
}

export type { ErrorCode };
