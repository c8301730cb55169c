import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { phoneStateContext, ringingCall, type PhoneState } from './call-context.js';
import { addMessages, translate } from './i18n.js';
import { SipCallActionEvent } from './intent-events.js';
import { baseStyles } from './styles.js';

addMessages('en', {
  'incoming.alert': (from) => `You have a new call from ${from}`,
  'incoming.waiting': (from) => `Call waiting from ${from}`,
  'incoming.answer': 'Answer',
  'incoming.answerVideo': 'Answer with video',
  'incoming.decline': 'Decline',
});

/** Keys held down now, with when each went down (auto-repeats keep the first time). */
const held = new Map<string, number>();
/** The key released in this task (a Space's click comes with its keyup), with when it went down. */
let released: number | undefined;
let tracking = false;

function trackKeys(): void {
  if (tracking) return;
  tracking = true;
  addEventListener('keydown', (e) => held.has(e.key) || held.set(e.key, performance.now()), true);
  addEventListener(
    'keyup',
    (e) => {
      released = held.get(e.key);
      held.delete(e.key);
      setTimeout(() => (released = undefined));
    },
    true,
  );
  addEventListener('blur', () => held.clear());
}

/** When the oldest key that is down (or was released just now) went down; Infinity when none. */
function keyDownSince(): number {
  return Math.min(released ?? Infinity, ...held.values());
}

/**
 * An incoming call: "You have a new call from ...", Answer and Decline; "Call waiting
 * from ..." when another call is up (Answer then holds that one). Renders nothing unless a
 * call is ringing in. When one starts ringing it is announced (role="alert"); `<sip-phone>`
 * moves focus to Answer when the person was using the phone. A key that was already down
 * when the call arrived (a visitor typing) never answers or declines it.
 *
 * @fires sip-call-action - `answer`, `answer-video` or `decline`.
 * @csspart alert - The "You have a new call" text.
 * @csspart answer-button - The Answer button.
 * @csspart answer-video-button - The Answer with video button (when the phone allows video).
 * @csspart decline-button - The Decline button.
 * @csspart status - The call status (the websdk's status name).
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
    `,
  ];

  @consume({ context: phoneStateContext, subscribe: true })
  @state()
  phone?: PhoneState;

  /** When the call shown began ringing. */
  #ringSince = 0;
  #ringingId?: string;

  get #ringing() {
    return this.phone ? ringingCall(this.phone) : null;
  }

  override render() {
    const call = this.#ringing;
    if (!call) return nothing;
    const from = call.visibleName && call.visibleName !== call.remote ? `${call.visibleName} (${call.remote})` : call.remote;
    const waiting = (this.phone?.calls.length ?? 0) > 1;
    const t = (key: string, ...args: string[]) => translate(this.phone?.lang ?? 'en', [key, ...args]);
    return html`
      <p class="alert" part="alert" role="alert">${t(waiting ? 'incoming.waiting' : 'incoming.alert', from)}</p>
      <span class="badge" part="status">${call.status}</span>
      <div class="row">
        <button id="answer" class="primary" part="answer-button" @click=${(e: MouseEvent) => this.#act(e, 'answer', call.id)}>
          ${t('incoming.answer')}
        </button>
        ${this.phone?.videoEnabled
          ? html`<button part="answer-video-button" @click=${(e: MouseEvent) => this.#act(e, 'answer-video', call.id)}>${t('incoming.answerVideo')}</button>`
          : nothing}
        <button class="danger" part="decline-button" @click=${(e: MouseEvent) => this.#act(e, 'decline', call.id)}>
          ${t('incoming.decline')}
        </button>
      </div>
    `;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    trackKeys();
  }

  protected override willUpdate(_changed: PropertyValues): void {
    const id = this.#ringing?.id;
    if (id !== this.#ringingId) {
      this.#ringingId = id;
      this.#ringSince = performance.now();
    }
  }

  #act(e: MouseEvent, action: 'answer' | 'answer-video' | 'decline', callId: string): void {
    // A click from the keyboard (detail 0) whose key went down before the call rang: the
    // person was typing something else when focus came here. Pointer clicks, and clicks
    // from script or assistive technology with no key down, count.
    if (e.detail === 0 && keyDownSince() < this.#ringSince) return;
    this.dispatchEvent(new SipCallActionEvent(action, callId));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sip-incoming': SipIncoming;
  }
}
