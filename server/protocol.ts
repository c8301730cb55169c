// The websdk 2.0 wire protocol as this gateway speaks it: every frame, in both directions,
// is a JSON text frame `{"message": NAME, "data": [ ... ]}`; the websdk reads `data[0]` of
// every server frame (`setRemoteSDP` is the exception: `data` is `[callId, sdp]`).

/** Call statuses, with the websdk's names (`Flashphoner.constants.CALL_STATUS`). */
export type CallStatus =
  | 'NEW'
  | 'PENDING'
  | 'TRYING'
  | 'RING'
  | 'RING_MEDIA'
  | 'SESSION_PROGRESS'
  | 'ESTABLISHED'
  | 'HOLD'
  | 'BUSY'
  | 'FINISH'
  | 'FAILED';

/** Statuses after which the websdk releases the call. */
export const FINAL_STATUSES: ReadonlySet<CallStatus> = new Set<CallStatus>(['FINISH', 'FAILED', 'BUSY']);

/** Transfer statuses sent in `notifyTransferEvent`. */
export type TransferStatus = 'TRYING' | 'ACCEPTED' | 'COMPLETED' | 'FAILED';

/**
 * The server frame that carries each call status. The websdk routes every one of these
 * frames the same way (by `callId`, firing the event named by `status`), so the name only
 * mirrors what real WCS sends.
 */
export function statusMessage(status: CallStatus): string {
  switch (status) {
    case 'TRYING':
      return 'notifyTryingResponse';
    case 'RING':
    case 'RING_MEDIA':
    case 'SESSION_PROGRESS':
      return 'ring';
    case 'ESTABLISHED':
      return 'talk';
    case 'HOLD':
      return 'hold';
    default:
      return 'finish';
  }
}

/** What a call status frame carries. */
export interface CallStatusFrame {
  callId: string;
  caller: string;
  callee: string;
  visibleName: string;
  incoming: boolean;
  status: CallStatus;
  /** The reason phrase (SIP-style: "Not Found", "Busy Here", "Request Timeout"), or ''. */
  info: string;
  hasAudio: boolean;
  hasVideo: boolean;
}

/** A parsed client frame. `payload` is `data[0]` when it is an object, else `{}`. */
export interface ClientFrame {
  message: string;
  payload: Record<string, unknown>;
}

export type ParseResult = { ok: true; frame: ClientFrame } | { ok: false; error: string };

/** Parses one text frame from a client; never throws. */
export function parseClientFrame(text: string): ParseResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, error: 'Malformed JSON' };
  }
  if (!isRecord(value)) return { ok: false, error: 'Frame is not a JSON object' };
  const { message, data } = value;
  if (typeof message !== 'string' || message.length === 0 || message.length > 64) {
    return { ok: false, error: 'Frame has no message name' };
  }
  if (data !== undefined && data !== null && !Array.isArray(data)) {
    return { ok: false, error: 'Frame data is not an array' };
  }
  const first = Array.isArray(data) ? data[0] : undefined;
  return { ok: true, frame: { message, payload: isRecord(first) ? first : {} } };
}

/** Serialises one server frame: `{message, data: [payload]}`. */
export function serverFrame(message: string, ...data: unknown[]): string {
  return JSON.stringify({ message, data });
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A string field, or undefined when absent or not a string. */
export function str(payload: Record<string, unknown>, key: string): string | undefined {
  const value = payload[key];
  return typeof value === 'string' ? value : undefined;
}

/** A string or number field as a string (the websdk sends `sipPort` and DTMF either way). */
export function strOrNum(payload: Record<string, unknown>, key: string): string | undefined {
  const value = payload[key];
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/**
 * The account part of a SIP address the websdk may be given as a callee or transfer
 * target: `10006`, `sip:10006@host`, `10006@host:5060` all name account `10006`.
 */
export function accountOf(address: string): string {
  let s = address.trim();
  const angle = /<([^>]*)>/.exec(s);
  if (angle) s = angle[1] ?? '';
  s = s.replace(/^sips?:/i, '');
  const at = s.indexOf('@');
  if (at >= 0) s = s.slice(0, at);
  const semi = s.indexOf(';');
  if (semi >= 0) s = s.slice(0, semi);
  return s;
}

/** DTMF characters accepted in `sendDtmf` (RFC 4733 events 0-15). */
export const DTMF_PATTERN = /^[0-9A-Da-d*#]{1,32}$/;
export const DTMF_TYPES = ['RFC2833', 'INFO', 'INFO_RELAY'] as const;
