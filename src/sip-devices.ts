import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { activeCall, phoneStateContext, type DeviceOption, type PhoneState } from './call-context.js';
import type { DeviceKind } from './engine/engine.js';
import { addMessages, translate } from './i18n.js';
import { SipDeviceChangeEvent, SipMicTestEvent, SipVolumeChangeEvent } from './intent-events.js';
import { baseStyles } from './styles.js';
import './sip-level-meter.js';

addMessages('en', {
  'devices.button': 'Devices',
  'devices.microphone': 'Microphone',
  'devices.speaker': 'Speaker',
  'devices.camera': 'Camera',
  'devices.level': 'Level',
  'devices.test': 'Test microphone',
  'devices.stopTest': 'Stop test',
  'devices.volume': 'Volume',
  'devices.default': 'Default',
  'devices.unnamed': (kind, n) => `${kind} ${n}`,
});

/** Browsers that can play a call on a chosen speaker (`HTMLMediaElement.setSinkId`). */
const canChooseSpeaker = typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;

/**
 * The person's devices, behind a **Devices** toggle: microphone (with a level meter and,
 * outside calls, a microphone test), speaker (where the browser can choose one), camera (video
 * phones) and the calls' volume. Changes apply to the calls up at once.
 *
 * @fires sip-device-change - The person chose a device (`kind`, `deviceId`; '' is the default).
 * @fires sip-volume-change - The person moved the volume slider (`volume`, 0-1).
 * @fires sip-mic-test - The person started or stopped the microphone test (`on`).
 * @csspart devices-button - The Devices toggle.
 * @csspart devices - The panel with the device choices.
 * @csspart microphone-select - The microphone list.
 * @csspart mic-level - The microphone level meter.
 * @csspart mic-test-button - Test microphone / Stop test.
 * @csspart speaker-select - The speaker list.
 * @csspart camera-select - The camera list.
 * @csspart volume - The volume slider.
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
@customElement('sip-devices')
export class SipDevices extends LitElement {
  static override shadowRootOptions = { ...LitElement.shadowRootOptions, delegatesFocus: true };

  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
        container-type: inline-size;
      }
      @container (max-width: 20rem) {
        .devices {
          grid-template-columns: minmax(0, 1fr);
        }
      }
      .devices {
        display: grid;
        grid-template-columns: max-content minmax(0, 1fr);
        gap: 0.4rem 0.6rem;
        align-items: center;
        margin-top: 0.6rem;
      }
      select,
      input[type='range'] {
        min-width: 0;
        min-height: 44px;
      }
      .level {
        display: flex;
        gap: 0.5rem;
        align-items: center;
        flex-wrap: wrap;
      }
    `,
  ];

  @consume({ context: phoneStateContext, subscribe: true })
  @state()
  phone?: PhoneState;

  /** The panel is open. */
  @state() private open = false;

  #t(key: string, ...args: string[]): string {
    return translate(this.phone?.lang ?? 'en', [key, ...args]);
  }

  override render() {
    const phone = this.phone;
    if (!phone) return nothing;
    return html`
      <button part="devices-button" aria-expanded=${this.open ? 'true' : 'false'} aria-controls="devices" @click=${() => (this.open = !this.open)}>
        ${this.#t('devices.button')}
      </button>
      ${this.open ? this.#renderPanel(phone) : nothing}
    `;
  }

  #renderPanel(phone: PhoneState) {
    const { devices } = phone;
    const inCall = activeCall(phone) !== null;
    return html`<div id="devices" class="devices" part="devices" role="group" aria-label=${this.#t('devices.button')}>
      ${this.#select('microphone', devices.microphones, devices.microphone)}
      <span>${this.#t('devices.level')}</span>
      <div class="level">
        <sip-level-meter part="mic-level" .stream=${phone.micStream} .label=${this.#t('meter.label')}></sip-level-meter>
        ${inCall
          ? nothing
          : html`<button part="mic-test-button" aria-pressed=${devices.testing ? 'true' : 'false'}
              @click=${() => this.dispatchEvent(new SipMicTestEvent(!devices.testing))}>
              ${this.#t(devices.testing ? 'devices.stopTest' : 'devices.test')}
            </button>`}
      </div>
      ${canChooseSpeaker && devices.speakers.length > 0 ? this.#select('speaker', devices.speakers, devices.speaker) : nothing}
      ${phone.videoEnabled ? this.#select('camera', devices.cameras, devices.camera) : nothing}
      <label for="volume">${this.#t('devices.volume')}</label>
      <input id="volume" part="volume" type="range" min="0" max="100" step="5" .value=${String(Math.round(devices.volume * 100))}
        aria-valuetext=${`${Math.round(devices.volume * 100)} %`}
        @input=${(e: Event) => this.dispatchEvent(new SipVolumeChangeEvent(Number((e.target as HTMLInputElement).value) / 100))} />
    </div>`;
  }

  #select(kind: DeviceKind, options: readonly DeviceOption[], chosen: string) {
    const name = this.#t(`devices.${kind}`);
    return html`<label for=${kind}>${name}</label>
      <select id=${kind} part=${`${kind}-select`}
        @change=${(e: Event) => this.dispatchEvent(new SipDeviceChangeEvent(kind, (e.target as HTMLSelectElement).value))}>
        <option value="" ?selected=${chosen === ''}>${this.#t('devices.default')}</option>
        ${options.map(
          (o, i) => html`<option value=${o.id} ?selected=${o.id === chosen}>${o.label || this.#t('devices.unnamed', name, String(i + 1))}</option>`,
        )}
      </select>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sip-devices': SipDevices;
  }
}
