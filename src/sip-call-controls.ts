import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { isActive, isRinging, phoneStateContext, type PhoneState } from './call-context.js';
import { CallTimerController } from './controllers/call-timer.js';
import { SipCallActionEvent, type CallAction } from './events.js';
import { callStatusText } from './status-text.js';
import { baseStyles } from './styles.js';

/**
 * The call in progress: who, its status, a running timer once connected, and the Mute,
 * Hold and Hangup buttons. Renders nothing when there is no call (or one still ringing in,
 * which `<sip-incoming>` shows).
 *
 * @fires sip-call-action - `mute`, `unmute`, `hold`, `unhold` or `hangup`.
 * @csspart status - The call status (the websdk's status name).
 * @csspart timer - The call duration.
 * @csspart mute-button - The Mute / Unmute toggle.
 * @csspart hold-button - The Hold / Unhold toggle.
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
      .badge {
        font-size: 0.75rem;
        letter-spacing: 0.04em;
        padding: 0.1rem 0.45rem;
        border-radius: 999px;
        border: 1px solid currentColor;
      }
      [role='timer'] {
        font-variant-numeric: tabular-nums;
      }
    `,
  ];

  @consume({ context: phoneStateContext, subscribe: true })
  @state()
  phone?: PhoneState;

  #timer = new CallTimerController(this, () => this.phone?.call?.connectedAt);

  override render() {
    const call = this.phone?.call;
    if (!call || !isActive(call) || (call.direction === 'incoming' && isRinging(call))) return nothing;
    const connected = call.status === 'ESTABLISHED' || call.status === 'HOLD';
    return html`
      <p class="summary">
        <span class="who">${callStatusText(call)}</span>
        <span class="badge" part="status">${call.status}</span>
        ${call.connectedAt !== undefined
          ? html`<span role="timer" part="timer" aria-label="Call duration">${this.#timer.text}</span>`
          : nothing}
      </p>
      <div class="row">
        ${connected
          ? html`
              <button part="mute-button" aria-pressed=${call.muted ? 'true' : 'false'}
                @click=${() => this.#act(call.muted ? 'unmute' : 'mute')}>
                ${call.muted ? 'Unmute' : 'Mute'}
              </button>
              <button part="hold-button" aria-pressed=${call.held ? 'true' : 'false'}
                @click=${() => this.#act(call.held ? 'unhold' : 'hold')}>
                ${call.held ? 'Unhold' : 'Hold'}
              </button>
            `
          : nothing}
        <button class="danger" part="hangup-button" @click=${() => this.#act('hangup')}>Hangup</button>
      </div>
    `;
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
