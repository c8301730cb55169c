import { css } from 'lit';

/**
 * Shared look of the `sip-*` elements. Every colour and size is a `--sip-phone-*` custom
 * property with a `light-dark()` fallback: the widget follows the colour scheme the page
 * declares (CSS `color-scheme`), so it matches light and dark pages, and a site can retheme
 * it without touching parts.
 */
export const baseStyles = css`
  :host {
    font-family: var(--sip-phone-font, system-ui, sans-serif);
    color: var(--sip-phone-fg, light-dark(#1b1f24, #e8eaed));
  }
  :host([hidden]) {
    display: none !important;
  }
  button {
    min-height: 44px;
    min-width: 44px;
    padding: 0 1rem;
    border-radius: var(--sip-phone-radius, 8px);
    border: 1px solid var(--sip-phone-border, light-dark(#c3c8cf, #4a4f57));
    background: var(--sip-phone-button-bg, light-dark(#f4f5f7, #2b2f36));
    color: inherit;
    font: inherit;
    cursor: pointer;
  }
  button:focus-visible,
  input:focus-visible {
    outline: 3px solid var(--sip-phone-focus, light-dark(#1a5fd0, #8ab4f8));
    outline-offset: 2px;
  }
  button:disabled {
    opacity: 0.55;
    cursor: not-allowed;
  }
  button.primary {
    background: var(--sip-phone-accent, light-dark(#13743b, #1d7a44));
    border-color: transparent;
    color: var(--sip-phone-on-accent, #fff);
  }
  button.danger {
    background: var(--sip-phone-danger, light-dark(#b3261e, #c0362c));
    border-color: transparent;
    color: var(--sip-phone-on-accent, #fff);
  }
  button[aria-pressed='true'] {
    background: var(--sip-phone-pressed-bg, light-dark(#dbe4f3, #3a4a66));
  }
  input,
  select {
    min-height: 44px;
    max-width: 100%;
    box-sizing: border-box;
    padding: 0 0.6rem;
    border-radius: var(--sip-phone-radius, 8px);
    border: 1px solid var(--sip-phone-border, light-dark(#8a9099, #6b717a));
    background: var(--sip-phone-input-bg, light-dark(#fff, #15181c));
    color: inherit;
    font: inherit;
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    align-items: center;
  }
  /* A status name from the websdk (REGISTERED, RING, ...). The sentence beside it says the
     same in words, so it is hidden; a page shows it with ::part(session-status) { display: inline }. */
  .badge {
    display: none;
    font-size: 0.7rem;
    letter-spacing: 0.04em;
    padding: 0.05rem 0.45rem;
    border-radius: 999px;
    border: 1px solid currentColor;
    white-space: nowrap;
  }
  input[type='checkbox'] {
    min-height: 0;
    inline-size: 1.25rem;
    block-size: 1.25rem;
    margin: 0;
    accent-color: var(--sip-phone-accent, light-dark(#13743b, #1d7a44));
  }
  /* Forced colours (Windows high contrast): the system draws every button alike, so pressed
     toggles and the call's danger and accent buttons get the system's highlight and borders. */
  @media (forced-colors: active) {
    button {
      border: 1px solid ButtonText;
    }
    button[aria-pressed='true'] {
      background: Highlight;
      color: HighlightText;
      forced-color-adjust: none;
    }
    button.danger,
    button.primary {
      border: 3px double ButtonText;
    }
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
`;
