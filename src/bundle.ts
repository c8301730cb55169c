/**
 * The bundle's entry, `dist/sip-phone.js`: defines `<sip-phone>` and exports its class, the
 * event classes and the state types. The child elements (`dist/sip-phone-parts.js`), the
 * phone's runtime, the websdk adapter and the tone synthesis are separate files beside it,
 * fetched when a phone first connects. npm users import `index.ts` (lib/index.js) instead.
 */
export { SipPhone } from './sip-phone.js';
export * from './events.js';
export * from './call-context.js';
export type * from './engine/engine.js';
export { FINAL_CALL_STATUSES } from './engine/engine.js';
export { addMessages, type Message, type Messages, type Msg } from './i18n.js';
