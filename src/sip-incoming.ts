import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { isRinging, phoneStateContext, type PhoneState } from './call-context.js';
import { SipCallActionEvent } from './events.js';
import { baseStyles } from './styles.js';

/**
 * An incoming call: "You have a new call from ...", Answer and Decline. Renders nothing
 * unless a call is ringing in. When one starts ringing it is announced (role="alert") and
 * focus moves to Answer.
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
    const call = this.phone?.call ?? null;
    return call?.direction === 'incoming' && isRinging(call) ? call : null;
  }

  override render() {
    const call = this.#ringing;
    if (!call) return nothing;
    const from = call.visibleName && call.visibleName !== call.remote ? `${call.visibleName} (${call.remote})` : call.remote;
    return html`
      <p class="alert" part="alert" role="alert">You have a new call from ${from}</p>
      <p class="status">Status: <span part="status">${call.status}</span></p>
      <div class="row">
        <button id="answer" class="primary" part="answer-button" @click=${() => this.#act('answer')}>
          Answer
        </button>
        ${this.phone?.videoEnabled
          ? html`<button part="answer-video-button" @click=${() => this.#act('answer-video')}>Answer with video</button>`
          : nothing}
        <button class="danger" part="decline-button" @click=${() => this.#act('decline')}>
          Decline
        </button>
      </div>
    `;
  }

  protected override updated(changed: PropertyValues): void {
    const before = changed.get('phone') as PhoneState | undefined;
    const wasRinging = !!before?.call && before.call.direction === 'incoming' && isRinging(before.call);
    if (this.#ringing && (!wasRinging || before?.call?.id !== this.#ringing.id)) {
      this.answerButton?.focus();
    }
  }

  #act(action: 'answer' | 'answer-video' | 'decline'): void {
    this.dispatchEvent(new SipCallActionEvent(action));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sip-incoming': SipIncoming;
  }
}
