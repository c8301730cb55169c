/**
 * Defines the child elements `<sip-dialer>`, `<sip-incoming>`, `<sip-call-controls>`,
 * `<sip-devices>` and `<sip-level-meter>`.
 * `<sip-phone>` loads them with its runtime when it first connects; a page that lays the
 * children out itself imports this module (`dist/sip-phone-parts.js` in the bundle).
 */
export { SipDialer } from './sip-dialer.js';
export { SipIncoming } from './sip-incoming.js';
export { SipCallControls } from './sip-call-controls.js';
export { SipDevices } from './sip-devices.js';
export { SipLevelMeter } from './sip-level-meter.js';
// The runtime takes its context provider from here, so that @lit/context (the children's
// consumers, the runtime's provider) is bundled once, in this file, with no chunk of its own.
export { ContextProvider } from '@lit/context';
export * from './intent-events.js';
