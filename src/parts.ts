/**
 * Defines the child elements `<sip-dialer>`, `<sip-incoming>` and `<sip-call-controls>`.
 * `<sip-phone>` loads them with its runtime when it first connects; a page that lays the
 * children out itself imports this module (`dist/sip-phone-parts.js` in the bundle).
 */
export { SipDialer } from './sip-dialer.js';
export { SipIncoming } from './sip-incoming.js';
export { SipCallControls } from './sip-call-controls.js';
