// Media measurements for browser tests: tracks every RTCPeerConnection the page creates
// and reads what WebRTC statistics say was received and sent.
//
// Call `trackPeerConnections()` before any call is placed (e.g. in `before`): it wraps
// `window.RTCPeerConnection` so that every connection created afterwards, by any library,
// is kept in a list (`trackedPeerConnections()`).

const tracked: RTCPeerConnection[] = [];
let installed = false;

/** Wraps `window.RTCPeerConnection` once; later calls do nothing. */
export function trackPeerConnections(): void {
  if (installed) return;
  installed = true;
  const Original = window.RTCPeerConnection;
  class TrackedPeerConnection extends Original {
    constructor(...args: ConstructorParameters<typeof RTCPeerConnection>) {
      super(...args);
      tracked.push(this);
    }
  }
  Object.defineProperty(window, 'RTCPeerConnection', {
    value: TrackedPeerConnection,
    writable: true,
    configurable: true,
  });
}

/** Every peer connection created since tracking started (oldest first, closed ones too). */
export function trackedPeerConnections(): RTCPeerConnection[] {
  return [...tracked];
}

/** Peer connections that are not closed. */
export function openPeerConnections(): RTCPeerConnection[] {
  return tracked.filter((pc) => pc.signalingState !== 'closed' && pc.connectionState !== 'closed');
}

/** Forgets the tracked connections (not closing them). */
export function clearTrackedPeerConnections(): void {
  tracked.length = 0;
}

/** Peer connections created after the first `since` ones. */
export function peerConnectionsSince(since: number): RTCPeerConnection[] {
  return tracked.slice(since);
}

type StatsEntry = Record<string, unknown> & { type: string; kind?: string; mediaType?: string };

async function entries(pc: RTCPeerConnection, type: string, kind: 'audio' | 'video'): Promise<StatsEntry[]> {
  if (pc.signalingState === 'closed') return [];
  const report = await pc.getStats();
  const out: StatsEntry[] = [];
  report.forEach((value: StatsEntry) => {
    if (value.type === type && (value.kind ?? value.mediaType) === kind) out.push(value);
  });
  return out;
}

async function sum(pc: RTCPeerConnection, type: string, kind: 'audio' | 'video', field: string): Promise<number> {
  let total = 0;
  for (const entry of await entries(pc, type, kind)) {
    const value = entry[field];
    if (typeof value === 'number') total += value;
  }
  return total;
}

/** Audio payload bytes received (`inbound-rtp` `bytesReceived`). */
export function inboundAudioBytes(pc: RTCPeerConnection): Promise<number> {
  return sum(pc, 'inbound-rtp', 'audio', 'bytesReceived');
}

/** Audio payload bytes sent (`outbound-rtp` `bytesSent`). */
export function outboundAudioBytes(pc: RTCPeerConnection): Promise<number> {
  return sum(pc, 'outbound-rtp', 'audio', 'bytesSent');
}

/** Audio packets received. */
export function inboundAudioPackets(pc: RTCPeerConnection): Promise<number> {
  return sum(pc, 'inbound-rtp', 'audio', 'packetsReceived');
}

/**
 * Energy of the received audio (`inbound-rtp` `totalAudioEnergy`, reported by Chromium and by
 * Firefox): grows only with sound, so silence (mute, hold) stops it.
 */
export function audioEnergy(pc: RTCPeerConnection): Promise<number> {
  return sum(pc, 'inbound-rtp', 'audio', 'totalAudioEnergy');
}

/** Video bytes received. */
export function inboundVideoBytes(pc: RTCPeerConnection): Promise<number> {
  return sum(pc, 'inbound-rtp', 'video', 'bytesReceived');
}

/** Video frames decoded (`inbound-rtp` `framesDecoded`). */
export function framesDecoded(pc: RTCPeerConnection): Promise<number> {
  return sum(pc, 'inbound-rtp', 'video', 'framesDecoded');
}

/** Video frames sent (`outbound-rtp` `framesEncoded`). */
export function framesEncoded(pc: RTCPeerConnection): Promise<number> {
  return sum(pc, 'outbound-rtp', 'video', 'framesEncoded');
}

/** MIME types of the codecs the received streams of `kind` use (e.g. ['video/H264']). */
export async function inboundCodecs(pc: RTCPeerConnection, kind: 'audio' | 'video'): Promise<string[]> {
  if (pc.signalingState === 'closed') return [];
  const report = await pc.getStats();
  const codecIds = new Set<string>();
  report.forEach((value: StatsEntry) => {
    if (value.type === 'inbound-rtp' && (value.kind ?? value.mediaType) === kind && typeof value['codecId'] === 'string') {
      codecIds.add(value['codecId']);
    }
  });
  const types: string[] = [];
  report.forEach((value: StatsEntry) => {
    if (value.type === 'codec' && codecIds.has(String(value['id'])) && typeof value['mimeType'] === 'string') {
      types.push(value['mimeType']);
    }
  });
  return types;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Polls `predicate` every `intervalMs` until it returns true; rejects with `message` (a
 * function: what it says at that moment) and the predicate's last error after `timeoutMs`.
 */
export async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  timeoutMs = 5000,
  message: string | (() => string) = 'condition not met',
  intervalMs = 50,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      if (await predicate()) return;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (performance.now() >= deadline) {
      const detail = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms: ${typeof message === 'string' ? message : message()}${detail}`);
    }
    await sleep(intervalMs);
  }
}

/** How much `read()` grows over `ms` milliseconds. */
export async function growth(read: () => Promise<number>, ms: number): Promise<number> {
  const before = await read();
  await sleep(ms);
  return (await read()) - before;
}

/** Waits until `read()` has grown by more than `minimum` since the call; resolves with the growth. */
export async function waitForGrowth(
  read: () => Promise<number>,
  minimum: number,
  timeoutMs: number,
  message: string,
): Promise<number> {
  const start = await read();
  let last = start;
  await waitFor(
    async () => {
      last = await read();
      return last - start > minimum;
    },
    timeoutMs,
    message,
  ).catch(() => {
    throw new Error(`timed out after ${timeoutMs} ms: ${message} (grew by ${last - start}, wanted > ${minimum})`);
  });
  return last - start;
}
