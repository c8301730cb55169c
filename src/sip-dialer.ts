import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { phoneStateContext, type PhoneState } from './call-context.js';
import { addMessages, languageOf, translate } from './i18n.js';
import { SipDialEvent } from './intent-events.js';
import { baseStyles } from './styles.js';

addMessages('en', {
  'dialer.number': 'Number to call',
  'dialer.call': 'Call',
  'dialer.video': 'Video call',
});

/**
 * The number field and the Call button (and Video call, when the phone allows video).
 *
 * Reads the phone's state from context when inside `<sip-phone>`; on its own it is always
 * enabled and only fires `sip-dial`.
 *
 * @fires sip-dial - The person pressed Call (or Enter) or Video call with a number.
 * @csspart number - The number input.
 * @csspart call-button - The Call button.
 * @csspart video-call-button - The Video call button.
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
@customElement('sip-dialer')
export class SipDialer extends LitElement {
  static override shadowRootOptions = { ...LitElement.shadowRootOptions, delegatesFocus: true };

  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }
      label {
        display: block;
        font-size: 0.85rem;
        margin-bottom: 0.25rem;
      }
      input {
        flex: 1 1 8rem;
        min-width: 0;
      }
    `,
  ];

  @consume({ context: phoneStateContext, subscribe: true })
  @state()
  phone?: PhoneState;

  /** The number in the field. */
  @property() value = '';

  /** Disables the field and the buttons (the phone also disables them while it cannot call). */
  @property({ type: Boolean, reflect: true }) disabled = false;

  /** Offers a Video call button (inside `<sip-phone>`, its `video` attribute decides). */
  @property({ type: Boolean }) video = false;

  @query('input') private input!: HTMLInputElement;

  #prefilled?: string;

  override willUpdate(): void {
    // Take the phone's pre-filled number once, and again whenever it changes: the last number
    // called (redial), else the page's callee.
    const callee = this.phone && (this.phone.lastDialed || this.phone.callee);
    if (callee !== undefined && callee !== this.#prefilled) {
      this.#prefilled = callee;
      if (callee) this.value = callee;
    }
  }

  override render() {
    const disabled = this.disabled || (this.phone ? !this.phone.canCall : false);
    const video = this.phone ? this.phone.videoEnabled : this.video;
    const t = (key: string) => translate(this.phone?.lang ?? languageOf(this), [key]);
    return html`
      <form @submit=${this.#submit}>
        <label for="number">${t('dialer.number')}</label>
        <div class="row">
          <input
            id="number"
            part="number"
            type="tel"
            inputmode="tel"
            autocomplete="off"
            .value=${this.value}
            ?disabled=${disabled}
            @input=${(e: Event) => (this.value = (e.target as HTMLInputElement).value)}
          />
          <button class="primary" part="call-button" type="submit" ?disabled=${disabled}>${t('dialer.call')}</button>
          ${video
            ? html`<button part="video-call-button" type="button" ?disabled=${disabled} @click=${() => this.#dial(true)}>
                ${t('dialer.video')}
              </button>`
            : nothing}
        </div>
      </form>
    `;
  }

  #submit(e: Event): void {
    e.preventDefault();
    this.#dial(false);
  }

  #dial(video: boolean): void {
    const number = this.value.trim();
    if (!number) {
      this.input.focus();
      return;
    }
    this.dispatchEvent(new SipDialEvent(number, video));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sip-dialer': SipDialer;
  }
}
