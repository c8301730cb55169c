/**
 * The connection form of `<sip-phone>` (the fields of Flashphoner's Phone example), loaded
 * only by a phone that shows it: one without settings, or one whose settings a person
 * corrects. A phone configured by attributes never downloads it.
 */
import { css, html, nothing, type TemplateResult } from 'lit';
import { addMessages, translate } from './i18n.js';

addMessages('en', {
  'form.url': 'WCS URL',
  'form.login': 'SIP Login',
  'form.authName': 'SIP Auth Name',
  'form.password': 'SIP Password',
  'form.domain': 'SIP Domain',
  'form.proxy': 'SIP Outbound Proxy',
  'form.port': 'SIP Port',
  'form.register': 'Register required',
  'form.unchanged': 'Unchanged',
  'form.connect': 'Connect',
  'form.cancel': 'Cancel',
});

/** The form's styles, added to the phone's shadow root with the form. */
export const formStyles = css`
  form.connect {
    display: grid;
    grid-template-columns: max-content 1fr;
    gap: 0.4rem 0.6rem;
    align-items: center;
  }
  form.connect .wide {
    grid-column: 1 / -1;
  }
  form.connect input:not([type='checkbox']) {
    min-width: 0;
  }
  .check {
    display: flex;
    align-items: center;
    gap: 0.5rem;
    min-height: 44px;
  }
  @container (max-width: 22rem) {
    form.connect {
      grid-template-columns: minmax(0, 1fr);
    }
    form.connect label:not(.check) {
      margin-top: 0.25rem;
    }
  }
`;

/** The phone's connection settings: what the form edits and the runtime connects with. */
export interface ConnectionSettings {
  wcsUrl: string;
  sipLogin: string;
  sipAuthName: string;
  sipPassword: string;
  sipDomain: string;
  sipOutboundProxy: string;
  sipPort: string;
  noRegister: boolean;
}

/** The phone, as the form sees it: its settings, and what it does with them. */
export interface FormHost extends ConnectionSettings {
  connect(): Promise<void>;
}

/**
 * The form; `invalid` names the field at fault (marked `aria-invalid` and described by the
 * phone's error, `#error`); `cancel`, when given, adds a Cancel button.
 */
export function connectForm(host: FormHost, lang: string, invalid?: string, cancel?: () => void): TemplateResult {
  const t = (key: string) => translate(lang, [key]);
  const field = (id: string, label: string, value: string, type: 'text' | 'url' | 'password' = 'text', required = false) => html`
    <label for=${id}>${t(label)}</label>
    <input id=${id} name=${id} type=${type} .value=${value} ?required=${required} autocomplete="off"
      placeholder=${type === 'password' && host.sipPassword ? t('form.unchanged') : ''}
      aria-invalid=${invalid === id ? 'true' : 'false'} aria-describedby=${invalid === id ? 'error' : nothing} />
  `;
  return html`
    <form class="connect" part="form" @submit=${(e: SubmitEvent) => submit(host, e)}>
      ${field('wcs-url', 'form.url', host.wcsUrl, 'url', true)}
      ${field('sip-login', 'form.login', host.sipLogin, 'text', true)}
      ${field('sip-auth-name', 'form.authName', host.sipAuthName)}
      ${field('sip-password', 'form.password', '', 'password')}
      ${field('sip-domain', 'form.domain', host.sipDomain)}
      ${field('sip-outbound-proxy', 'form.proxy', host.sipOutboundProxy)}
      ${field('sip-port', 'form.port', host.sipPort)}
      <label class="wide check">
        <input name="register" type="checkbox" .checked=${!host.noRegister} />
        ${t('form.register')}
      </label>
      <div class="row wide">
        <button class="primary" part="connect-button" type="submit">${t('form.connect')}</button>
        ${cancel ? html`<button type="button" @click=${cancel}>${t('form.cancel')}</button>` : nothing}
      </div>
    </form>
  `;
}

function submit(host: FormHost, e: SubmitEvent): void {
  e.preventDefault();
  const data = new FormData(e.target as HTMLFormElement);
  const raw = (name: string) => {
    const value = data.get(name);
    return typeof value === 'string' ? value : '';
  };
  const text = (name: string) => raw(name).trim();
  host.wcsUrl = text('wcs-url');
  host.sipLogin = text('sip-login');
  host.sipAuthName = text('sip-auth-name');
  // The password is never put back in the field: left empty, it stays as it was.
  host.sipPassword = raw('sip-password') || host.sipPassword;
  host.sipDomain = text('sip-domain');
  host.sipOutboundProxy = text('sip-outbound-proxy');
  host.sipPort = text('sip-port') || '5060';
  host.noRegister = !data.get('register');
  void host.connect();
}
