import { LitElement, css, html, nothing } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { isActive, isRinging, phoneStateContext, type PhoneState } from './call-context.js';
import { CallTimerController } from './controllers/call-timer.js';
import { SipCallActionEvent, SipDtmfEvent, SipTransferEvent, type CallAction } from './events.js';
import { callStatusText } from './status-text.js';
import { baseStyles } from './styles.js';

/** The keypad's keys, row by row, with the names a screen reader says. */
const KEYS: [string, string][] = [
  ['1', '1'], ['2', '2'], ['3', '3'],
  ['4', '4'], ['5', '5'], ['6', '6'],
  ['7', '7'], ['8', '8'], ['9', '9'],
  ['*', 'star'], ['0', '0'], ['#', 'pound'],
];

/**
 * The call in progress: who, its status, a running timer once connected, and the Mute,
 * Hold, Transfer and Hangup buttons, a DTMF keypad, and a camera toggle in video calls.
 * Renders nothing when there is no call (or one still ringing in, which `<sip-incoming>`
 * shows).
 *
 * @fires sip-call-action - `mute`, `unmute`, `hold`, `unhold`, `camera-off`, `camera-on` or `hangup`.
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
    `,
  ];

  @consume({ context: phoneStateContext, subscribe: true })
  @state()
  phone?: PhoneState;

  /** The transfer field is open. */
  @state() private transferring = false;

  @query('#transfer-target') private transferInput?: HTMLInputElement;

  #timer = new CallTimerController(this, () => this.phone?.call?.connectedAt);

  override render() {
    const call = this.phone?.call;
    if (!call || !isActive(call) || (call.direction === 'incoming' && isRinging(call))) return nothing;
    const connected = call.status === 'ESTABLISHED' || call.status === 'HOLD';
    const transfer = call.transfer;
    return html`
      <p class="summary">
        <span class="who">${callStatusText(call)}</span>
        <span class="badge" part="status">${call.status}</span>
        ${call.connectedAt !== undefined
          ? html`<span role="timer" part="timer" aria-label="Call duration">${this.#timer.text}</span>`
          : nothing}
      </p>
      ${transfer ? html`<p class="transfer-status">Transferring to ${transfer.target}…</p>` : nothing}
      <div class="row">
        ${connected
          ? html`
              ${this.#toggle('mute-button', call.muted, 'Mute', 'Unmute', 'mute', 'unmute')}
              ${this.#toggle('hold-button', call.held, 'Hold', 'Unhold', 'hold', 'unhold')}
              ${call.video ? this.#toggle('camera-button', !!call.cameraOff, 'Camera off', 'Camera on', 'camera-off', 'camera-on') : nothing}
              <button part="transfer-button" aria-expanded=${this.transferring ? 'true' : 'false'} aria-controls="transfer"
                @click=${this.#toggleTransfer}>Transfer</button>
            `
          : nothing}
        <button class="danger" part="hangup-button" @click=${() => this.#act('hangup')}>Hangup</button>
      </div>
      ${connected && this.transferring ? this.#renderTransfer() : nothing}
      ${call.status === 'ESTABLISHED'
        ? html`<div class="keypad" part="keypad" role="group" aria-label="Keypad">
            ${KEYS.map(([key, name]) => html`<button aria-label=${name} @click=${() => this.#key(key)}>${key}</button>`)}
          </div>`
        : nothing}
    `;
  }

  #renderTransfer() {
    return html`<form id="transfer" class="transfer" @submit=${this.#submitTransfer}>
      <label for="transfer-target">Transfer to</label>
      <div class="row">
        <input id="transfer-target" type="tel" inputmode="tel" autocomplete="off" />
        <button type="submit">Transfer call</button>
        <button type="button" @click=${this.#toggleTransfer}>Cancel</button>
      </div>
    </form>`;
  }

  /** A toggle button: its text says what pressing it does, `aria-pressed` says the state. */
  #toggle(part: string, pressed: boolean, off: string, on: string, press: CallAction, release: CallAction) {
    return html`<button part=${part} aria-pressed=${pressed ? 'true' : 'false'} @click=${() => this.#act(pressed ? release : press)}>
      ${pressed ? on : off}
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

  #act(action: CallAction): void {
    this.dispatchEvent(new SipCallActionEvent(action));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sip-call-controls': SipCallControls;
  }
}
