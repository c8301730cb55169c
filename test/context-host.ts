// Provides a PhoneState to child elements without a <sip-phone>, so each child can be
// tested in every state on its own.
import { ContextProvider } from '@lit/context';
import { initialPhoneState, isActive, isRingingIn, phoneStateContext, type CallSnapshot, type PhoneState } from '../src/call-context.js';

/**
 * A state as `<sip-phone>` would make it. Setting only `call` stands for a phone with that
 * one call: in `calls` while it is up, and active unless it is still ringing in.
 */
function complete(state: Partial<PhoneState>): Partial<PhoneState> {
  if (!('call' in state) || 'calls' in state) return state;
  const call = state.call ?? null;
  const up = !!call && isActive(call);
  return {
    ...state,
    calls: up ? [call] : [],
    activeCallId: up && !isRingingIn(call) ? call.id : null,
    lastCall: up ? null : call,
  };
}

export function provideState(host: HTMLElement, state: Partial<PhoneState>) {
  const provider = new ContextProvider(host, { context: phoneStateContext, initialValue: { ...initialPhoneState, ...complete(state) } });
  return (next: Partial<PhoneState>) => provider.setValue({ ...provider.value, ...complete(next) });
}

export function callSnapshot(over: Partial<CallSnapshot>): CallSnapshot {
  return { id: 'c1', direction: 'outgoing', remote: '10006', status: 'ESTABLISHED', muted: false, held: false, ...over };
}
