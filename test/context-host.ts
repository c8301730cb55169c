// Provides a PhoneState to child elements without a <sip-phone>, so each child can be
// tested in every state on its own.
import { ContextProvider } from '@lit/context';
import { initialPhoneState, phoneStateContext, type CallSnapshot, type PhoneState } from '../src/call-context.js';

export function provideState(host: HTMLElement, state: Partial<PhoneState>) {
  const provider = new ContextProvider(host, { context: phoneStateContext, initialValue: { ...initialPhoneState, ...state } });
  return (next: Partial<PhoneState>) => provider.setValue({ ...provider.value, ...next });
}

export function callSnapshot(over: Partial<CallSnapshot>): CallSnapshot {
  return { id: 'c1', direction: 'outgoing', remote: '10006', status: 'ESTABLISHED', muted: false, held: false, ...over };
}
