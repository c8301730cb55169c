import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { phoneStateContext, ringingCall, type PhoneState } from './call-context.js';
import { SipCallActionEvent } from './events.js';
import { baseStyles } from './styles.js';

/**
 * An incoming call: "You have a new call from ...", Answer and Decline; "Call waiting
 * from ..." when another call is up (Answer then holds that one). Renders nothing unless a
 * call is ringing in. When one starts ringing it is announced (role="alert") and focus moves
 * to Answer.
 *
 * @fires sip-call-action - `answer`, `answer-video` or `decline`.
 * @csspart alert - The "You have a new call" text.
 * @csspart answer-button - The Answer button.
 * @csspart answer-video-button - The Answer with video button (when the phone allows video).
 * @csspart decline-button - The Decline button.
 * @csspart status - The call status (the websdk's status name).
 */
@customElement('sip-incoming')
export class SipIncoming extends LitElement {
  static override shadowRootOptions = { ...LitElement.shadowRootOptions, delegatesFocus: true };

  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }
      .alert {
        font-weight: 600;
        margin: 0 0 0.5rem;
      }
      .status {
        font-size: 0.85rem;
        opacity: 0.8;
      }
    `,
  ];

  @consume({ context: phoneStateContext, subscribe: true })
  @state()
  phone?: PhoneState;

  @query('#answer') private answerButton?: HTMLButtonElement;

  get #ringing() {
    return this.phone ? ringingCall(this.phone) : null;
  }

  override render() {
    const call = this.#ringing;
    if (!call) return nothing;
    const from = call.visibleName && call.visibleName !== call.remote ? `${call.visibleName} (${call.remote})` : call.remote;
    const waiting = (this.phone?.calls.length ?? 0) > 1;
    return html`
      <p class="alert" part="alert" role="alert">${waiting ? 'Call waiting from' : 'You have a new call from'} ${from}</p>
      <p class="status">Status: <span part="status">${call.status}</span></p>
      <div class="row">
        <button id="answer" class="primary" part="answer-button" @click=${() => this.#act('answer', call.id)}>
          Answer
        </button>
        ${this.phone?.videoEnabled
          ? html`<button part="answer-video-button" @click=${() => this.#act('answer-video', call.id)}>Answer with video</button>`
          : nothing}
        <button class="danger" part="decline-button" @click=${() => this.#act('decline', call.id)}>
          Decline
        </button>
      </div>
    `;
  }

  protected override updated(changed: PropertyValues): void {
    const before = changed.get('phone') as PhoneState | undefined;
    const ringing = this.#ringing;
    if (ringing && (!before || ringingCall(before)?.id !== ringing.id)) {
      this.answerButton?.focus();
    }
  }

  #act(action: 'answer' | 'answer-video' | 'decline', callId: string): void {
    this.dispatchEvent(new SipCallActionEvent(action, callId));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sip-incoming': SipIncoming;
  }
}
