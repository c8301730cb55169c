// Browser-side helpers shared by the bench pages (bundled into each page by esbuild).

/**
 * Keeps a weak list of every RTCPeerConnection the page creates, by any library, so the
 * bench can count the open ones. Weak: a closed connection the page dropped must still be
 * collectable, or the bench itself would be the leak it looks for.
 */
const created: WeakRef<RTCPeerConnection>[] = [];
const ids = new WeakMap<RTCPeerConnection, number>();

export function trackPeerConnections(): void {
  const Original = window.RTCPeerConnection;
  window.RTCPeerConnection = new Proxy(Original, {
    construct(target, args: ConstructorParameters<typeof RTCPeerConnection>, newTarget) {
      const pc = Reflect.construct(target, args, newTarget) as RTCPeerConnection;
      created.push(new WeakRef(pc));
      ids.set(pc, created.length);
      return pc;
    },
  });
}

/** Peer connections that still exist and are not closed. */
export function openPeerConnections(): RTCPeerConnection[] {
  const open: RTCPeerConnection[] = [];
  for (const ref of created) {
    const pc = ref.deref();
    if (pc && pc.signalingState !== 'closed' && pc.connectionState !== 'closed') open.push(pc);
  }
  return open;
}

/** How many peer connections the page ever created. */
export function createdPeerConnections(): number {
  return created.length;
}

/** The peer connections created after the first `count` ones that still exist, oldest first. */
export function peerConnectionsSince(count: number): RTCPeerConnection[] {
  return created
    .slice(count)
    .map((ref) => ref.deref())
    .filter((pc): pc is RTCPeerConnection => !!pc);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `predicate` until true; rejects with `message` after `timeoutMs`. */
export async function waitFor(predicate: () => boolean, timeoutMs: number, message: () => string, intervalMs = 5): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!predicate()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${message()}`);
    await sleep(intervalMs);
  }
}

/**
 * Resolves after the next frame has been produced: a task queued from a rAF callback runs
 * after that frame's style, layout and paint. `frameStart` is when the rAF callback ran,
 * `painted` when that task ran.
 */
export function afterNextPaint(): Promise<{ frameStart: number; painted: number }> {
  return new Promise((resolve) => {
    requestAnimationFrame(() => {
      const frameStart = performance.now();
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve({ frameStart, painted: performance.now() });
      };
      channel.port2.postMessage(null);
    });
  });
}

export interface InboundAudioStats {
  packetsReceived: number;
  packetsLost: number;
  /** RFC 3550 interarrival jitter, seconds. */
  jitter: number;
  bytesReceived: number;
  concealedSamples: number;
  totalSamplesReceived: number;
}

export interface PeerAudioStats {
  /** The connection's number in this page (1 = the first created). */
  id: number;
  inbound: InboundAudioStats;
  bytesSent: number;
}

/** The audio RTP statistics of one peer connection (summed over its audio streams). */
export async function audioStats(pc: RTCPeerConnection): Promise<PeerAudioStats> {
  const inbound: InboundAudioStats = {
    packetsReceived: 0,
    packetsLost: 0,
    jitter: 0,
    bytesReceived: 0,
    concealedSamples: 0,
    totalSamplesReceived: 0,
  };
  let bytesSent = 0;
  const report = await pc.getStats();
  report.forEach((value: Record<string, unknown>) => {
    if (value['kind'] !== 'audio') return;
    const n = (key: string) => (typeof value[key] === 'number' ? (value[key] as number) : 0);
    if (value['type'] === 'inbound-rtp') {
      inbound.packetsReceived += n('packetsReceived');
      inbound.packetsLost += n('packetsLost');
      inbound.jitter = Math.max(inbound.jitter, n('jitter'));
      inbound.bytesReceived += n('bytesReceived');
      inbound.concealedSamples += n('concealedSamples');
      inbound.totalSamplesReceived += n('totalSamplesReceived');
    } else if (value['type'] === 'outbound-rtp') {
      bytesSent += n('bytesSent');
    }
  });
  return { id: ids.get(pc) ?? 0, inbound, bytesSent };
}
