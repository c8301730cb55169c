export { SipPhone } from './sip-phone.js';
export { SipDialer } from './sip-dialer.js';
export { SipIncoming } from './sip-incoming.js';
export { SipCallControls } from './sip-call-controls.js';
export * from './events.js';
export * from './call-context.js';
export type * from './engine/engine.js';
export { FINAL_CALL_STATUSES } from './engine/engine.js';
