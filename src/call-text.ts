/**
 * What a person reads (and hears announced) about a call: its status while it is up, and,
 * once it is over, why, in plain words. Servers end calls with SIP reason phrases ("Request
 * Timeout", "Busy Here", "Temporarily Unavailable"); `endedText` turns the usual ones into a
 * sentence a caller understands and keeps the phrase only for the rare ones.
 */
import type { CallSnapshot } from './call-context.js';
import type { CallStatus } from './engine/engine.js';
import { addMessages, type Msg } from './i18n.js';

addMessages('en', {
  'call.calling': (who) => `Calling ${who}…`,
  'call.from': (who) => `Call from ${who}`,
  'call.ringing': (who) => `Ringing ${who}…`,
  'call.incoming': (who) => `Incoming call from ${who}`,
  'call.waiting': (who) => `Call waiting from ${who}`,
  'call.connected': (who) => `Connected to ${who}`,
  'call.held': (who) => `On hold with ${who}`,
  'call.ended': 'Call ended',
  'call.missed': (who) => `Missed call from ${who}`,
  'call.answeredElsewhere': 'Answered on another device',
  'call.transferred': (to) => `Call transferred to ${to}`,
  'end.busy': (who) => `${who} is busy.`,
  'end.busyOrDeclined': (who) => `${who} is busy or declined the call.`,
  'end.declined': (who) => `${who} declined the call.`,
  'end.noAnswer': (who) => `${who} did not answer.`,
  'end.unavailable': (who) => `${who} cannot be reached right now.`,
  'end.notFound': (who) => `There is no ${who}: check the number.`,
  'end.forbidden': (who) => `This phone may not call ${who}.`,
  'end.server': 'The call server could not connect the call. Try again later.',
  'end.lost': (who) => `The connection was lost during the call with ${who}.`,
  'end.media': 'No audio connection: check the network.',
  'end.failed': (who, reason) => `The call with ${who} failed${reason ? ` (${reason})` : ''}.`,
});

/** The reason a call ends with when its session is lost. */
export const CONNECTION_LOST = 'Connection lost';

/**
 * Plain words for the reason phrases (and SIP codes) servers end calls with, first match
 * wins. "Busy Here" is also what a phone that declines a call sends (this widget's Decline,
 * most desk phones), so it cannot tell busy from declined and says both.
 */
const REASONS: [RegExp, string][] = [
  [/^busy here$|\b486\b/i, 'end.busyOrDeclined'],
  [/busy|\b600\b/i, 'end.busy'],
  [/declin|\b603\b/i, 'end.declined'],
  [/time ?out|no answer|\b408\b|\b487\b/i, 'end.noAnswer'],
  [/temporarily unavailable|offline|not registered|\b480\b/i, 'end.unavailable'],
  [/not found|does not exist|address incomplete|\b40[4]\b|\b484\b|\b604\b/i, 'end.notFound'],
  [/forbidden|not allowed|\b403\b/i, 'end.forbidden'],
  [/service unavailable|server (internal )?error|bad gateway|\b50[0-4]\b/i, 'end.server'],
  [/^connection lost$/i, 'end.lost'],
  [/^media failure$/i, 'end.media'],
];

/**
 * Why a call that ended with `status` (and the server's `reason`) ended, as a message; null
 * when it simply ended (a hangup, on either side).
 */
export function endedText(call: Pick<CallSnapshot, 'remote'>, status: CallStatus, reason = ''): Msg | null {
  const key = REASONS.find(([pattern]) => pattern.test(reason))?.[1];
  if (key) return [key, call.remote];
  if (status === 'BUSY') return ['end.busy', call.remote];
  if (status === 'FAILED') return ['end.failed', call.remote, reason];
  return null;
}

/** What a person reads (and hears announced) for a call's status. */
export function callStatusText(call: CallSnapshot): Msg {
  const who = call.remote;
  const out = call.direction === 'outgoing';
  switch (call.status) {
    case 'NEW':
    case 'PENDING':
    case 'TRYING':
      return [out ? 'call.calling' : 'call.from', who];
    case 'RING':
    case 'RING_MEDIA':
    case 'SESSION_PROGRESS':
      return [out ? 'call.ringing' : 'call.incoming', who];
    case 'ESTABLISHED':
      return ['call.connected', who];
    case 'HOLD':
      return ['call.held', who];
    case 'BUSY':
    case 'FAILED':
      return call.endText ?? endedText(call, call.status, call.reason) ?? ['call.ended'];
    case 'FINISH':
      if (call.endText) return call.endText;
      if (call.transfer?.status === 'COMPLETED') return ['call.transferred', call.transfer.target];
      if (call.reason === 'Answered elsewhere') return ['call.answeredElsewhere'];
      return call.missed ? ['call.missed', who] : ['call.ended'];
  }
}
