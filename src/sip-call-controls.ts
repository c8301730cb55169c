import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { activeCall, otherCalls, phoneStateContext, type CallSnapshot, type PhoneState } from './call-context.js';
import { CallTimerController } from './controllers/call-timer.js';
import { SipCallActionEvent, SipDtmfEvent, SipTransferEvent, type CallAction } from './intent-events.js';
import { callStatusText } from './status-text.js';
import { baseStyles } from './styles.js';
import './sip-level-meter.js';

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
 * @csspart keypad-button - Keypad: folds and unfolds the keypad (`compact`).
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
      .warning {
        margin: 0.5rem 0 0;
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
   * Only what a one-call "Call us" button needs: Mute, Keypad (the keypad folded until asked
   * for) and Hangup; no Hold, Transfer or held calls.
   */
  @property({ type: Boolean }) compact = false;

  /** The keypad is unfolded (compact). */
  @state() private keypadOpen = false;

  @query('#transfer-target') private transferInput?: HTMLInputElement;

  #timer = new CallTimerController(this, () => (this.phone ? activeCall(this.phone)?.connectedAt : undefined));

  override render() {
    if (!this.phone) return nothing;
    const call = activeCall(this.phone);
    const held = otherCalls(this.phone);
    if (!call && held.length === 0) return nothing;
    return html`${call ? this.#renderCall(call) : nothing}${held.length && !this.compact ? this.#renderHeld(held, !!call) : nothing}`;
  }

  #renderHeld(calls: CallSnapshot[], swap: boolean) {
    return html`<ul class="held" part="held-calls" aria-label="Calls on hold">
      ${calls.map(
        (c) => html`<li class="row">
          <span class="who">${callStatusText(c)}</span>
          <button part=${swap ? 'swap-button' : 'resume-button'} aria-label=${`${swap ? 'Swap to' : 'Resume'} ${c.remote}`}
            @click=${() => this.#act(swap ? 'swap' : 'resume', c.id)}>${swap ? 'Swap' : 'Resume'}</button>
          <button class="danger" part="held-hangup-button" aria-label=${`End the call with ${c.remote}`}
            @click=${() => this.#act('hangup', c.id)}>End</button>
        </li>`,
      )}
    </ul>`;
  }

  #renderCall(call: CallSnapshot) {
    const connected = call.status === 'ESTABLISHED' || call.status === 'HOLD';
    const transfer = call.transfer;
    return html`
      <p class="summary">
        <span class="who" part="call-text">${callStatusText(call)}</span>
        <span class="badge" part="status">${call.status}</span>
        ${call.connectedAt !== undefined
          ? html`<span role="timer" part="timer" aria-label="Call duration">${this.#timer.text}</span>`
          : nothing}
        ${call.quality && connected ? this.#renderQuality(call) : nothing}
      </p>
      ${transfer ? html`<p class="transfer-status">Transferring to ${transfer.target}…</p>` : nothing}
      <div class="row">
        ${connected && this.compact
          ? html`
              ${this.#toggle('mute-button', call.muted, 'Mute', 'Unmute', 'mute', 'unmute')}
              <button part="keypad-button" aria-expanded=${this.keypadOpen ? 'true' : 'false'} aria-controls="keypad"
                @click=${() => (this.keypadOpen = !this.keypadOpen)}>Keypad</button>
            `
          : nothing}
        ${connected && !this.compact
          ? html`
              ${this.#toggle('mute-button', call.muted, 'Mute', 'Unmute', 'mute', 'unmute')}
              ${this.#toggle('hold-button', call.held, 'Hold', 'Unhold', 'hold', 'unhold')}
              ${call.video ? this.#toggle('camera-button', !!call.cameraOff, 'Camera off', 'Camera on', 'camera-off', 'camera-on') : nothing}
              <button part="transfer-button" aria-expanded=${this.transferring ? 'true' : 'false'} aria-controls="transfer"
                @click=${this.#toggleTransfer}>Transfer</button>
            `
          : nothing}
        <button class="danger" part="hangup-button" @click=${() => this.#act('hangup')}>Hangup</button>
        ${connected ? html`<sip-level-meter part="mic-level" .stream=${this.phone!.micStream}></sip-level-meter>` : nothing}
      </div>
      ${call.quality?.warned && call.status === 'ESTABLISHED'
        ? html`<p class="warning" part="quality-warning">Poor connection: you may be hard to hear.</p>`
        : nothing}
      ${connected && this.transferring ? this.#renderTransfer() : nothing}
      ${call.status === 'ESTABLISHED' && (!this.compact || this.keypadOpen)
        ? html`<div id="keypad" class="keypad" part="keypad" role="group" aria-label="Keypad">
            ${KEYS.map(([key, name]) => html`<button part="key" aria-label=${name} @click=${() => this.#key(key)}>${key}</button>`)}
          </div>`
        : nothing}
    `;
  }

  #renderQuality(call: CallSnapshot) {
    const q = call.quality!;
    const figures = `Packet loss ${q.packetLoss} %, jitter ${q.jitterMs} ms${q.roundTripMs !== undefined ? `, round trip ${q.roundTripMs} ms` : ''}`;
    return html`<span class="quality" part="quality" data-rating=${q.rating} title=${figures}>Quality: ${q.rating}</span>`;
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

  #act(action: CallAction, callId?: string): void {
    this.dispatchEvent(new SipCallActionEvent(action, callId));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sip-call-controls': SipCallControls;
  }
}
