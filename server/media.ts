// The gateway's media endpoint: one werift RTCPeerConnection per browser call leg, and an
// RTP relay between the two legs of a call. Hold and transfer only change where a leg's
// received RTP goes (see `MediaLeg.setTarget`).
import { networkInterfaces } from 'node:os';
import {
  MediaStreamTrack,
  RTCPeerConnection,
  RtpPacket,
  uint16Add,
  uint32Add,
  useH264,
  useOPUS,
  useVP8,
  type RTCRtpCodecParameters,
  type RTCRtpTransceiver,
} from 'werift';
import type { Logger } from './util.js';
import { errorMessage } from './util.js';

export type Kind = 'audio' | 'video';
export type VideoCodec = 'VP8' | 'H264';

export interface KindFlow {
  /** The browser sends this kind. */
  send: boolean;
  /** The browser receives this kind. */
  recv: boolean;
}

/** What one browser's SDP (offer or answer) says about its media, from its side. */
export interface MediaShape {
  /** An active m-line with Opus / with VP8 or H.264 is present. */
  audio: boolean;
  video: boolean;
  videoCodec: VideoCodec | undefined;
  flows: Record<Kind, KindFlow>;
}

export interface MediaOptions {
  /**
   * The only local address ICE uses and advertises (the gateway's bound host). When
   * undefined (the gateway listens on every interface) werift's own choice is kept.
   */
  iceAddress: string | undefined;
  /** How long to wait for ICE gathering before sending SDP anyway. */
  gatherTimeoutMs: number;
  logger: Logger;
}

/** Where a leg's received RTP goes: another leg, or (SIP side) a plain RTP endpoint. */
export interface RtpSink {
  /** Sends one packet of `kind` on; false when it could not (closed, no such kind). */
  deliver(kind: Kind, packet: RtpPacket): boolean;
}

/** Counts live peer connections for `stats()`. */
export class MediaRegistry {
  readonly live = new Set<MediaLeg>();
  constructor(readonly options: MediaOptions) {}
  get size(): number {
    return this.live.size;
  }
  async closeAll(): Promise<void> {
    await Promise.all([...this.live].map((leg) => leg.close()));
  }
}

const DIRECTIONS: Record<string, KindFlow> = {
  sendrecv: { send: true, recv: true },
  sendonly: { send: true, recv: false },
  recvonly: { send: false, recv: true },
  inactive: { send: false, recv: false },
};

/** Reads the kinds, their directions and the common video codec out of an SDP. */
export function shapeOfSdp(sdp: string): MediaShape {
  const sections = sdp.split(/\r?\n(?=m=)/).slice(1);
  const none = (): KindFlow => ({ send: false, recv: false });
  const shape: MediaShape = { audio: false, video: false, videoCodec: undefined, flows: { audio: none(), video: none() } };
  for (const section of sections) {
    const m = /^m=(\w+) (\d+)/.exec(section);
    if (!m || m[2] === '0' || (m[1] !== 'audio' && m[1] !== 'video')) continue;
    const kind = m[1];
    const direction = /^a=(sendrecv|sendonly|recvonly|inactive)\s*$/m.exec(section)?.[1] ?? 'sendrecv';
    const flow = DIRECTIONS[direction]!;
    if (!flow.send && !flow.recv) continue;
    if (kind === 'audio') {
      if (!/a=rtpmap:\d+ opus\/48000/i.test(section) || shape.audio) continue;
      shape.audio = true;
    } else {
      if (shape.video) continue;
      if (/a=rtpmap:\d+ VP8\/90000/i.test(section)) shape.videoCodec = 'VP8';
      else if (/a=rtpmap:\d+ H264\/90000/i.test(section)) shape.videoCodec = 'H264';
      else continue;
      shape.video = true;
    }
    shape.flows[kind] = { ...flow };
  }
  return shape;
}

function loopbackOrLocal(): Set<string> {
  const addresses = new Set<string>(['127.0.0.1', '::1']);
  for (const list of Object.values(networkInterfaces())) {
    for (const info of list ?? []) addresses.add(info.address);
  }
  return addresses;
}

function isLoopback(address: string): boolean {
  return address.startsWith('127.') || address === '::1' || address === 'localhost';
}

/** Keeps only the ICE candidates on `address` (and drops IPv6 and TCP ones). */
export function keepCandidates(sdp: string, address: string | undefined): string {
  if (!address) return sdp;
  const lines = sdp.split(/\r\n/);
  const kept = lines.filter((line) => {
    if (!line.startsWith('a=candidate:')) return true;
    const parts = line.split(' ');
    return parts[2]?.toLowerCase() === 'udp' && parts[4] === address;
  });
  // The connection line names the default candidate: point it at the kept address.
  return kept.map((line) => (line.startsWith('c=IN IP4 ') ? `c=IN IP4 ${address}` : line)).join('\r\n');
}

/**
 * werift gives every ICE connection a STUN server when the configuration names none
 * (stun.l.google.com:19302, even with `iceServers: []`; werift-webrtc issue #691), and asks
 * it for a server-reflexive candidate while gathering. So each leg looked that name up and
 * sent it a request from the bound address, to a host the gateway must not talk to; and
 * when the lookup hung, the SDP waited for werift's 5 s gathering timeout (the bench's calls
 * that took 5.2 s to set up). Call it once the transports exist (a transceiver added or a
 * remote offer set) and before setLocalDescription, which gathers.
 */
export function withoutPublicStun(pc: RTCPeerConnection): void {
  for (const transport of pc.iceTransports) transport.connection.stunServer = undefined;
}

/**
 * werift's DTLS handshake retransmits each flight up to 10 times (about 33 s of timers)
 * and close() does not cancel that loop, which stops only once the handshake has moved
 * past the flight. Marking the handshake as finished ends the loop at its next wake-up.
 */
export function stopDtlsRetransmissions(pc: RTCPeerConnection): void {
  for (const transport of pc.dtlsTransports) {
    const context = (transport as unknown as { dtls?: { dtls?: { flight?: unknown } } }).dtls?.dtls;
    if (context && typeof context.flight === 'number') context.flight = Number.MAX_SAFE_INTEGER;
  }
}

/** A test's impairment of one leg's network path: UDP datagrams dropped and delayed, both ways. */
export interface Impairment {
  /** Share of datagrams dropped, 0-1 (1: the path is cut, ICE consent fails). */
  loss: number;
  /** Each datagram kept is delayed by up to this many ms (random, so they also reorder). */
  jitterMs: number;
}

interface UdpPath {
  send: (data: Buffer, addr?: readonly [string, number]) => Promise<void> | void;
  onData: (data: Buffer, addr: readonly [string, number]) => void;
}

interface Outbound {
  track: MediaStreamTrack;
  clockRate: number;
  /** SSRC of the source last forwarded; a change (transfer, resume) rebases seq/timestamps. */
  sourceSsrc: number | undefined;
  lastWriteAt: number | undefined;
  rebase: boolean;
}

interface Inbound {
  track: MediaStreamTrack;
  transceiver: RTCRtpTransceiver;
}

/** One browser leg's WebRTC endpoint on the server. */
export class MediaLeg implements RtpSink {
  readonly pc: RTCPeerConnection;
  readonly shape: MediaShape;
  private readonly out = new Map<Kind, Outbound>();
  private readonly inbound = new Map<Kind, Inbound>();
  private target: RtpSink | null = null;
  private closing: Promise<void> | undefined;
  /** Packets received from the browser and forwarded to the other leg, per kind. */
  readonly counters = { received: { audio: 0, video: 0 }, forwarded: { audio: 0, video: 0 } };
  /** Called once when ICE/DTLS fails or the transport disconnects for good. */
  onFailed: (() => void) | undefined;
  connected = false;
  private impairment: Impairment | null = null;
  private readonly impaired = new WeakSet<object>();

  private constructor(
    private readonly registry: MediaRegistry,
    shape: MediaShape,
    readonly label: string,
  ) {
    this.shape = shape;
    const { iceAddress } = registry.options;
    const allowedRemote = iceAddress && isLoopback(iceAddress) ? loopbackOrLocal() : undefined;
    const codecs: { audio: RTCRtpCodecParameters[]; video: RTCRtpCodecParameters[] } = {
      audio: [useOPUS()],
      // werift names H.264 'h264'; Chrome then negotiates but never creates an encoder.
      video: shape.videoCodec === 'H264' ? [useH264({ mimeType: 'video/H264' })] : [useVP8()],
    };
    this.pc = new RTCPeerConnection({
      iceServers: [],
      iceUseIpv6: false,
      iceAdditionalHostAddresses: iceAddress ? [iceAddress] : undefined,
      iceInterfaceAddresses: iceAddress ? { udp4: iceAddress } : undefined,
      // Media stays on the bound address: no checks toward, and no answers to, other hosts.
      iceFilterCandidatePair: (pair) =>
        !iceAddress ||
        (pair.localCandidate.host === iceAddress &&
          (!allowedRemote || allowedRemote.has(pair.remoteCandidate.host))),
      iceFilterStunResponse: (_message, addr) => !allowedRemote || allowedRemote.has(addr[0]),
      codecs,
      headerExtensions: { audio: [], video: [] },
    });
    registry.live.add(this);
    this.pc.onTransceiverAdded.subscribe((transceiver) => {
      transceiver.onTrack.subscribe((track) => this.onRemoteTrack(track, transceiver));
    });
    this.pc.connectionStateChange.subscribe((state) => {
      if (state === 'connected') {
        this.connected = true;
        // A leg that starts receiving needs a keyframe from the sender on the other side.
        if (this.target instanceof MediaLeg) this.target.requestKeyframe();
        this.sourceOf()?.requestKeyframe();
      }
      if (state === 'failed' || state === 'closed') {
        if (state === 'failed') registry.options.logger.warn(`${this.label}: media connection failed`);
        const cb = this.onFailed;
        this.onFailed = undefined;
        if (state === 'failed') cb?.();
      }
    });
  }

  private addOutbound(kind: Kind): MediaStreamTrack {
    const track = new MediaStreamTrack({ kind });
    this.out.set(kind, {
      track,
      clockRate: kind === 'audio' ? 48000 : 90000,
      sourceSsrc: undefined,
      lastWriteAt: undefined,
      rebase: false,
    });
    return track;
  }

  /** Kinds this leg's browser sends to the server (after negotiation). */
  readonly browserSends: Record<Kind, boolean> = { audio: false, video: false };
  /** Kinds the server sends to this leg's browser (after negotiation). */
  readonly serverSends: Record<Kind, boolean> = { audio: false, video: false };

  /**
   * The browser offered (outgoing call): takes its offer now; the answer comes later
   * (`answer()`), once the server knows what it will send back.
   */
  static async acceptOffer(registry: MediaRegistry, offerSdp: string, label: string): Promise<MediaLeg> {
    const shape = shapeOfSdp(offerSdp);
    if (!shape.audio && !shape.video) throw new Error('the offer has no Opus audio or VP8/H264 video');
    const leg = new MediaLeg(registry, shape, label);
    try {
      await leg.pc.setRemoteDescription({ type: 'offer', sdp: offerSdp });
      return leg;
    } catch (error) {
      await leg.close();
      throw error;
    }
  }

  /**
   * Answers the browser's offer, sending it the kinds in `send` (when it wants them): a
   * kind the server will not send is answered recvonly, so the browser's remote stream
   * has no track that never plays.
   */
  async answer(send: Record<Kind, boolean>): Promise<string> {
    for (const kind of ['audio', 'video'] as const) {
      const flow = this.shape.flows[kind];
      const present = kind === 'audio' ? this.shape.audio : this.shape.video;
      if (!present) continue;
      this.browserSends[kind] = flow.send;
      if (send[kind] && flow.recv) {
        this.serverSends[kind] = true;
        this.pc.addTrack(this.addOutbound(kind));
      }
    }
    this.wireSenders();
    const answer = await this.pc.createAnswer();
    withoutPublicStun(this.pc);
    await this.pc.setLocalDescription(answer);
    return this.localSdp();
  }

  /**
   * The server offers (incoming call to a browser): per kind, it sends what `send` says
   * and receives what `recv` says.
   */
  static async createOffer(
    registry: MediaRegistry,
    videoCodec: VideoCodec | undefined,
    send: Record<Kind, boolean>,
    recv: Record<Kind, boolean>,
    label: string,
  ): Promise<{ leg: MediaLeg; sdp: string }> {
    const flows = {
      audio: { send: recv.audio, recv: send.audio },
      video: { send: recv.video, recv: send.video },
    };
    const shape: MediaShape = {
      audio: send.audio || recv.audio,
      video: (send.video || recv.video) && videoCodec !== undefined,
      videoCodec,
      flows,
    };
    if (!shape.audio && !shape.video) throw new Error('nothing to offer');
    const leg = new MediaLeg(registry, shape, label);
    try {
      for (const kind of ['audio', 'video'] as const) {
        if (!shape[kind]) continue;
        if (send[kind]) {
          leg.serverSends[kind] = true;
          leg.pc.addTransceiver(leg.addOutbound(kind), { direction: recv[kind] ? 'sendrecv' : 'sendonly' });
        } else {
          leg.pc.addTransceiver(kind, { direction: 'recvonly' });
        }
      }
      leg.wireSenders();
      const offer = await leg.pc.createOffer();
      withoutPublicStun(leg.pc);
      await leg.pc.setLocalDescription(offer);
      return { leg, sdp: await leg.localSdp() };
    } catch (error) {
      await leg.close();
      throw error;
    }
  }

  /** Relays keyframe requests from this leg's browser to the browser that sends the video. */
  private wireSenders(): void {
    const video = this.out.get('video');
    for (const sender of this.pc.getSenders()) {
      if (video && sender.track === video.track) {
        sender.onPictureLossIndication.subscribe(() => this.sourceOf()?.requestKeyframe());
      }
    }
  }

  /** Applies the browser's answer to the server's offer; returns what the browser said. */
  async acceptAnswer(sdp: string): Promise<MediaShape> {
    const answered = shapeOfSdp(sdp);
    if (!answered.audio && !answered.video) throw new Error('the answer accepts no Opus audio and no video');
    await this.pc.setRemoteDescription({ type: 'answer', sdp });
    for (const kind of ['audio', 'video'] as const) {
      this.browserSends[kind] = answered.flows[kind].send && this.shape.flows[kind].send;
      this.serverSends[kind] = this.serverSends[kind] && answered.flows[kind].recv;
    }
    return answered;
  }

  private async localSdp(): Promise<string> {
    if (this.pc.iceGatheringState !== 'complete') {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, this.registry.options.gatherTimeoutMs);
        const { unSubscribe } = this.pc.iceGatheringStateChange.subscribe((state) => {
          if (state === 'complete') done();
        });
        function done(): void {
          clearTimeout(timer);
          unSubscribe();
          resolve();
        }
      });
    }
    const sdp = this.pc.localDescription?.sdp;
    if (!sdp) throw new Error('no local description');
    return keepCandidates(sdp, this.registry.options.iceAddress);
  }

  private onRemoteTrack(track: MediaStreamTrack, transceiver: RTCRtpTransceiver): void {
    const kind = track.kind as Kind;
    this.inbound.set(kind, { track, transceiver });
    track.onReceiveRtp.subscribe((packet) => {
      this.counters.received[kind]++;
      const target = this.target;
      if (target && target.deliver(kind, packet)) this.counters.forwarded[kind]++;
    });
    if (kind === 'video') {
      // Keyframe requests from the other browser reach its sender on the other leg.
      this.requestKeyframe();
    }
  }

  /** Writes one packet from the other leg toward this leg's browser. */
  deliver(kind: Kind, packet: RtpPacket): boolean {
    const out = this.out.get(kind);
    if (!out || this.closing) return false;
    const header = packet.header;
    const now = Date.now();
    if (out.rebase || out.sourceSsrc !== header.ssrc) {
      if (out.lastWriteAt !== undefined) {
        // Continue this leg's RTP stream where it stopped, with the time that passed.
        const elapsed = Math.max(1, Math.round(((now - out.lastWriteAt) * out.clockRate) / 1000));
        out.track.onSourceChanged.execute({
          sequenceNumber: uint16Add(header.sequenceNumber, -1),
          timestamp: uint32Add(header.timestamp, -elapsed),
        });
      }
      out.sourceSsrc = header.ssrc;
      out.rebase = false;
    }
    out.lastWriteAt = now;
    const copy = RtpPacket.deSerialize(packet.serialize());
    copy.header.extensions = [];
    copy.header.extension = false;
    out.track.writeRtp(copy);
    return true;
  }

  /**
   * Sends this leg's received media to `target` (or nowhere with null). Media flows both
   * ways only when each leg targets the other.
   */
  setTarget(target: RtpSink | null): void {
    if (this.target === target) return;
    this.target = target;
    if (target instanceof MediaLeg) {
      for (const out of target.out.values()) out.rebase = true;
      this.requestKeyframe();
    }
  }

  /**
   * Test hook (the gateway's `allowImpairment` option): from now on, drops and delays this
   * leg's UDP datagrams both ways (STUN, DTLS, RTP), as a bad network would; null restores
   * the path. Works on werift's ICE sockets, below WebRTC, so both ends see real loss.
   */
  impair(impairment: Impairment | null): void {
    this.impairment = impairment && (impairment.loss > 0 || impairment.jitterMs > 0) ? { ...impairment } : null;
    type IceInternals = { connection: { protocols: { transport?: UdpPath }[] } };
    for (const ice of this.pc.iceTransports as unknown as IceInternals[]) {
      for (const protocol of ice.connection.protocols) {
        const path = protocol.transport;
        if (!path || this.impaired.has(path)) continue;
        this.impaired.add(path);
        const send = path.send.bind(path);
        const onData = path.onData;
        path.send = (data, addr) => this.through(() => send(data, addr));
        path.onData = (data, addr) => this.through(() => onData(data, addr));
      }
    }
  }

  /** Runs `deliver` now, later, or never, as the impairment says. */
  private through(deliver: () => unknown): void {
    const run = (): void => {
      try {
        void Promise.resolve(deliver()).catch(() => undefined);
      } catch {
        // A datagram for a socket that closed meanwhile.
      }
    };
    const impairment = this.impairment;
    if (!impairment) return run();
    if (Math.random() < impairment.loss) return;
    const delay = Math.random() * impairment.jitterMs;
    if (delay < 1) run();
    else setTimeout(run, delay);
  }

  /** Asks this leg's browser for a video keyframe (RTCP PLI). */
  requestKeyframe(): void {
    const video = this.inbound.get('video');
    if (!video || this.closing) return;
    const ssrc = video.track.ssrc;
    if (ssrc === undefined) return;
    video.transceiver.receiver.sendRtcpPLI(ssrc).catch(() => undefined);
  }

  private sourceOf(): MediaLeg | undefined {
    for (const leg of this.registry.live) if (leg.target === this) return leg;
    return undefined;
  }

  get closed(): boolean {
    return this.closing !== undefined;
  }

  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.onFailed = undefined;
    this.target = null;
    for (const leg of this.registry.live) if (leg.target === this) leg.target = null;
    for (const out of this.out.values()) out.track.stop();
    stopDtlsRetransmissions(this.pc);
    this.closing = (async () => {
      try {
        await this.pc.close();
      } catch (error) {
        this.registry.options.logger.debug(`${this.label}: close: ${errorMessage(error)}`);
      } finally {
        this.registry.live.delete(this);
      }
    })();
    return this.closing;
  }
}
