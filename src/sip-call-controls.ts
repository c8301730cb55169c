import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { activeCall, otherCalls, phoneStateContext, type CallSnapshot, type PhoneState } from './call-context.js';
import { CallTimerController } from './controllers/call-timer.js';
import { SipCallActionEvent, SipDtmfEvent, SipTransferEvent, type CallAction } from './intent-events.js';
import { callStatusText } from './call-text.js';
import { addMessages, translate } from './i18n.js';
import { baseStyles } from './styles.js';
import './sip-level-meter.js';

addMessages('en', {
  'controls.held': 'Calls on hold',
  'controls.swap': 'Swap',
  'controls.swapTo': (who) => `Swap to ${who}`,
  'controls.resume': 'Resume',
  'controls.resumeWho': (who) => `Resume ${who}`,
  'controls.end': 'End',
  'controls.endWho': (who) => `End the call with ${who}`,
  'controls.duration': 'Call duration',
  'controls.transferring': (to) => `Transferring to ${to}…`,
  'controls.mute': 'Mute',
  'controls.unmute': 'Unmute',
  'controls.hold': 'Hold',
  'controls.unhold': 'Unhold',
  'controls.cameraOff': 'Camera off',
  'controls.cameraOn': 'Camera on',
  'controls.keypad': 'Keypad',
  'controls.transfer': 'Transfer',
  'controls.hangup': 'Hangup',
  'controls.poor': 'Poor connection: you may be hard to hear.',
  'controls.sent': 'Sent',
  'controls.star': 'star',
  'controls.pound': 'pound',
  'controls.quality': (rating) => `Quality: ${rating}`,
  'rating.good': 'good',
  'rating.fair': 'fair',
  'rating.poor': 'poor',
  'controls.figures': (loss, jitter) => `Packet loss ${loss} %, jitter ${jitter} ms`,
  'controls.roundTrip': (rtt) => `, round trip ${rtt} ms`,
  'controls.transferTo': 'Transfer to',
  'controls.transferCall': 'Transfer call',
  'controls.cancel': 'Cancel',
});

/** The keypad's keys, row by row, with the names a screen reader says. */
const KEYS: [key: string, name?: string][] = [
  ['1'], ['2'], ['3'],
  ['4'], ['5'], ['6'],
  ['7'], ['8'], ['9'],
  ['*', 'controls.star'], ['0'], ['#', 'controls.pound'],
];

/**
 * The call in progress: who, its status, a running timer once connected, and the Mute,
 * Hold, Transfer and Hangup buttons, a DTMF keypad, and a camera toggle in video calls.
 * Below it, the other calls that are up (held): each with Swap (or Resume, when no call is
 * active) and its own Hangup. Renders nothing when there is no call (or only one still
 * ringing in, which `<sip-incoming>` shows).
 *
 * @fires sip-call-action - `mute`, `unmute`, `hold`, `unhold`, `camera-off`, `camera-on` or `hangup`; `swap`, `resume` or `hangup` with the `callId` of a held call.
 * @fires sip-dtmf - A keypad key was pressed.
 * @fires sip-transfer - The person asked to transfer the call to a number.
 * @csspart status - The call status (the websdk's status name).
 * @csspart timer - The call duration.
 * @csspart mute-button - The Mute / Unmute toggle.
 * @csspart hold-button - The Hold / Unhold toggle.
 * @csspart camera-button - The camera toggle (video calls).
 * @csspart transfer-button - The Transfer button that opens the transfer field.
 * @csspart keypad - The DTMF keypad.
 * @csspart hangup-button - The Hangup button.
 * @csspart held-calls - The list of other calls on hold.
 * @csspart swap-button - Swap to a held call (the current one goes on hold).
 * @csspart resume-button - Resume a held call when no other call is active.
 * @csspart held-hangup-button - Hang up a held call.
 * @csspart keypad-button - Keypad: folds and unfolds the keypad.
 * @csspart dtmf-digits - The digits sent on this call ("Sent 1234#").
 * @csspart mic-level - The microphone level meter.
 * @csspart quality - The call quality (good, fair, poor), with its figures as a tooltip.
 * @csspart quality-warning - The warning shown while the connection stays poor.
 * @csspart call-text - The call's status sentence ("Connected to 10006").
 * @csspart key - Each key of the keypad.
 * @cssprop --sip-phone-font - Font family.
 * @cssprop --sip-phone-fg - Text colour.
 * @cssprop --sip-phone-border - Border colour of buttons and fields.
 * @cssprop --sip-phone-radius - Corner radius.
 * @cssprop --sip-phone-button-bg - Background of buttons.
 * @cssprop --sip-phone-focus - Focus ring colour.
 * @cssprop --sip-phone-accent - Background of the main action (Call, Answer).
 * @cssprop --sip-phone-on-accent - Text on accent and danger buttons.
 * @cssprop --sip-phone-danger - Background of Hangup and Decline, and warnings.
 * @cssprop --sip-phone-pressed-bg - Background of pressed toggles.
 * @cssprop --sip-phone-input-bg - Background of text fields.
 */
@customElement('sip-call-controls')
export class SipCallControls extends LitElement {
  static override shadowRootOptions = { ...LitElement.shadowRootOptions, delegatesFocus: true };

  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }
      .summary {
        display: flex;
        flex-wrap: wrap;
        gap: 0.25rem 0.75rem;
        align-items: baseline;
        margin: 0 0 0.5rem;
      }
      .who {
        font-weight: 600;
      }
      [role='timer'] {
        font-variant-numeric: tabular-nums;
      }
      .keypad {
        display: grid;
        grid-template-columns: repeat(3, minmax(44px, 4rem));
        gap: 0.35rem;
        margin-top: 0.6rem;
      }
      .keypad button {
        padding: 0;
        font-size: 1.1rem;
        font-variant-numeric: tabular-nums;
      }
      form.transfer {
        margin-top: 0.6rem;
      }
      form.transfer input {
        flex: 1 1 7rem;
        min-width: 0;
      }
      .quality[data-rating='poor'],
      .warning {
        color: var(--sip-phone-danger, light-dark(#b3261e, #ff8a80));
      }
      .warning,
      .digits {
        margin: 0.5rem 0 0;
      }
      output {
        font-variant-numeric: tabular-nums;
        letter-spacing: 0.1em;
      }
      ul.held {
        list-style: none;
        margin: 0.75rem 0 0;
        padding: 0.5rem 0 0;
        border-top: 1px solid var(--sip-phone-border, light-dark(#c3c8cf, #4a4f57));
      }
    `,
  ];

  @consume({ context: phoneStateContext, subscribe: true })
  @state()
  phone?: PhoneState;

  /** The transfer field is open. */
  @state() private transferring = false;

  /**
   * Only what a one-call "Call us" button needs: Mute, Keypad and Hangup; no Hold, Transfer
   * or held calls.
   */
  @property({ type: Boolean }) compact = false;

  /** The keypad is unfolded (it is folded behind the Keypad button until asked for). */
  @state() private keypadOpen = false;

  @query('#transfer-target') private transferInput?: HTMLInputElement;

  #timer = new CallTimerController(this, () => (this.phone ? activeCall(this.phone)?.connectedAt : undefined));

  #t(key: string, ...args: string[]): string {
    return translate(this.phone?.lang ?? 'en', [key, ...args]);
  }

  override render() {
    if (!this.phone) return nothing;
    const call = activeCall(this.phone);
    const held = otherCalls(this.phone);
    if (!call && held.length === 0) return nothing;
    return html`${call ? this.#renderCall(call) : nothing}${held.length && !this.compact ? this.#renderHeld(held, !!call) : nothing}`;
  }

  #renderHeld(calls: CallSnapshot[], swap: boolean) {
    const t = (key: string, ...args: string[]) => this.#t(key, ...args);
    return html`<ul class="held" part="held-calls" aria-label=${t('controls.held')}>
      ${calls.map(
        (c) => html`<li class="row">
          <span class="who">${translate(this.phone!.lang, callStatusText(c))}</span>
          <button part=${swap ? 'swap-button' : 'resume-button'} aria-label=${t(swap ? 'controls.swapTo' : 'controls.resumeWho', c.remote)}
            @click=${() => this.#act(swap ? 'swap' : 'resume', c.id)}>${t(swap ? 'controls.swap' : 'controls.resume')}</button>
          <button class="danger" part="held-hangup-button" aria-label=${t('controls.endWho', c.remote)}
            @click=${() => this.#act('hangup', c.id)}>${t('controls.end')}</button>
        </li>`,
      )}
    </ul>`;
  }

  #renderCall(call: CallSnapshot) {
    const connected = call.status === 'ESTABLISHED' || call.status === 'HOLD';
    const transfer = call.transfer;
    const t = (key: string, ...args: string[]) => this.#t(key, ...args);
    return html`
      <p class="summary">
        <span class="who" part="call-text">${translate(this.phone!.lang, callStatusText(call))}</span>
        <span class="badge" part="status">${call.status}</span>
        ${call.connectedAt !== undefined
          ? html`<span role="timer" part="timer" aria-label=${t('controls.duration')}>${this.#timer.text}</span>`
          : nothing}
        ${call.quality && connected ? this.#renderQuality(call) : nothing}
      </p>
      ${transfer ? html`<p class="transfer-status">${t('controls.transferring', transfer.target)}</p>` : nothing}
      <div class="row">
        ${connected
          ? html`
              ${this.#toggle('mute-button', call.muted, 'controls.mute', 'controls.unmute', 'mute', 'unmute')}
              ${this.compact ? nothing : this.#toggle('hold-button', call.held, 'controls.hold', 'controls.unhold', 'hold', 'unhold')}
              ${call.video && !this.compact
                ? this.#toggle('camera-button', !!call.cameraOff, 'controls.cameraOff', 'controls.cameraOn', 'camera-off', 'camera-on')
                : nothing}
              <button part="keypad-button" aria-expanded=${this.keypadOpen ? 'true' : 'false'} aria-controls="keypad"
                @click=${() => (this.keypadOpen = !this.keypadOpen)}>${t('controls.keypad')}</button>
              ${this.compact
                ? nothing
                : html`<button part="transfer-button" aria-expanded=${this.transferring ? 'true' : 'false'} aria-controls="transfer"
                    @click=${this.#toggleTransfer}>${t('controls.transfer')}</button>`}
            `
          : nothing}
        <button class="danger" part="hangup-button" @click=${() => this.#act('hangup')}>${t('controls.hangup')}</button>
        ${connected
          ? html`<sip-level-meter part="mic-level" .stream=${this.phone!.micStream} .label=${t('meter.label')}></sip-level-meter>`
          : nothing}
      </div>
      ${call.quality?.warned && call.status === 'ESTABLISHED'
        ? html`<p class="warning" part="quality-warning">${t('controls.poor')}</p>`
        : nothing}
      ${connected && this.transferring ? this.#renderTransfer() : nothing}
      ${call.status === 'ESTABLISHED' && this.keypadOpen
        ? html`<div id="keypad" class="keypad" part="keypad" role="group" aria-label=${t('controls.keypad')}>
            ${KEYS.map(([key, name]) => html`<button part="key" aria-label=${name ? t(name) : key} @click=${() => this.#key(key)}>${key}</button>`)}
          </div>`
        : nothing}
      ${call.dtmf && connected
        ? html`<p class="digits" part="dtmf-digits">${t('controls.sent')} <output aria-live="off">${call.dtmf}</output></p>`
        : nothing}
    `;
  }

  #renderQuality(call: CallSnapshot) {
    const q = call.quality!;
    const t = (key: string, ...args: string[]) => this.#t(key, ...args);
    const figures =
      t('controls.figures', String(q.packetLoss), String(q.jitterMs)) +
      (q.roundTripMs !== undefined ? t('controls.roundTrip', String(q.roundTripMs)) : '');
    const rating = t(`rating.${q.rating}`);
    return html`<span class="quality" part="quality" data-rating=${q.rating} title=${figures}>${t('controls.quality', rating)}</span>`;
  }

  #renderTransfer() {
    const t = (key: string) => this.#t(key);
    return html`<form id="transfer" class="transfer" @submit=${this.#submitTransfer}>
      <label for="transfer-target">${t('controls.transferTo')}</label>
      <div class="row">
        <input id="transfer-target" type="tel" inputmode="tel" autocomplete="off" />
        <button type="submit">${t('controls.transferCall')}</button>
        <button type="button" @click=${this.#toggleTransfer}>${t('controls.cancel')}</button>
      </div>
    </form>`;
  }

  /** A toggle button: its text says what pressing it does, `aria-pressed` says the state. */
  #toggle(part: string, pressed: boolean, off: string, on: string, press: CallAction, release: CallAction) {
    return html`<button part=${part} aria-pressed=${pressed ? 'true' : 'false'} @click=${() => this.#act(pressed ? release : press)}>
      ${this.#t(pressed ? on : off)}
    </button>`;
  }

  async #toggleTransfer(): Promise<void> {
    this.transferring = !this.transferring;
    if (this.transferring) {
      await this.updateComplete;
      this.transferInput?.focus();
    }
  }

  #submitTransfer(e: Event): void {
    e.preventDefault();
    const target = this.transferInput?.value.trim() ?? '';
    if (!target) {
      this.transferInput?.focus();
      return;
    }
    this.transferring = false;
    this.dispatchEvent(new SipTransferEvent(target));
  }

  #key(key: string): void {
    this.dispatchEvent(new SipDtmfEvent(key));
  }

  #act(action: CallAction, callId?: string): void {
    this.dispatchEvent(new SipCallActionEvent(action, callId));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sip-call-controls': SipCallControls;
  }
}
