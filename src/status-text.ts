import type { CallSnapshot, PhoneSessionStatus } from './call-context.js';

/** What a person reads (and hears announced) for a call's status. */
export function callStatusText(call: CallSnapshot): string {
  const who = call.remote;
  switch (call.status) {
    case 'NEW':
    case 'PENDING':
    case 'TRYING':
      return call.direction === 'outgoing' ? `Calling ${who}…` : `Call from ${who}`;
    case 'RING':
    case 'RING_MEDIA':
    case 'SESSION_PROGRESS':
      return call.direction === 'outgoing' ? `Ringing ${who}…` : `Incoming call from ${who}`;
    case 'ESTABLISHED':
      return `Connected to ${who}`;
    case 'HOLD':
      return `On hold with ${who}`;
    case 'BUSY':
      return `${who} is busy${call.reason ? ` (${call.reason})` : ''}`;
    case 'FAILED':
      return `Call to ${who} failed${call.reason ? `: ${call.reason}` : ''}`;
    case 'FINISH':
      return call.transfer?.status === 'COMPLETED' ? `Call transferred to ${call.transfer.target}` : 'Call ended';
  }
}

/** What a person reads for the session's status. */
export function sessionStatusText(status: PhoneSessionStatus): string {
  switch (status) {
    case 'IDLE':
      return 'Not connected';
    case 'CONNECTING':
      return 'Connecting…';
    case 'ESTABLISHED':
      return 'Connected';
    case 'REGISTERED':
      return 'Registered';
    case 'RECONNECTING':
      return 'Reconnecting…';
    case 'DISCONNECTED':
      return 'Disconnected';
    case 'FAILED':
      return 'Connection failed';
  }
}
