// Media mode 'gateway': the gateway's own plain RTP/AVP endpoint toward rtpengine. The
// browser's WebRTC ends at its werift leg (server/media.ts); this leg sends and receives
// the same Opus audio as plain RTP on one UDP socket, and rtpengine (driven over ng)
// anchors it and transcodes for phones without Opus.
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { RtpPacket, uint16Add, uint32Add } from 'werift';
import type { Kind, RtpSink } from '../media.js';
import type { Direction } from './sdp.js';

const OPUS_PT = 111;
const TELEPHONE_EVENT_PT = 101;
const DTMF_CODES: Record<string, number> = { '*': 10, '#': 11, A: 12, B: 13, C: 14, D: 15 };

export class PlainRtpLeg implements RtpSink {
  private target: RtpSink | null = null;
  private remote: { address: string; port: number } | undefined;
  /** Payload type the far end uses for Opus (from its SDP). */
  private remotePt = OPUS_PT;
  /** Payload type of telephone-event/8000 in the far end's SDP, if it takes RFC 4733 events. */
  private remoteTePt: number | undefined;
  private readonly ssrc = randomBytes(4).readUInt32BE();
  private sourceSsrc: number | undefined;
  private seqDelta = 0;
  private tsDelta = 0;
  private lastSeq = randomBytes(2).readUInt16BE();
  private lastTs = randomBytes(4).readUInt32BE();
  private lastWriteAt: number | undefined;
  private closed = false;
  readonly counters = { received: 0, sent: 0 };

  private constructor(
    private readonly socket: Socket,
    readonly address: string,
    readonly port: number,
  ) {
    socket.on('message', (message, from) => this.onMessage(message, from.address, from.port));
    socket.on('error', () => undefined);
  }

  static open(address: string): Promise<PlainRtpLeg> {
    const socket = createSocket('udp4');
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, address, () => {
        socket.off('error', reject);
        resolve(new PlainRtpLeg(socket, address, socket.address().port));
      });
    });
  }

  /**
   * Our SDP (offer or answer): Opus and RFC 4733 telephone events on this socket, RTCP on
   * the same port. An answer uses the offer's payload types (`opusPt`, `tePt`; no `tePt`:
   * the offer had no telephone-event).
   */
  sdp(direction: Direction, version: bigint, opusPt = OPUS_PT, tePt: number | null = TELEPHONE_EVENT_PT): string {
    const te = tePt === null ? [] : [`a=rtpmap:${tePt} telephone-event/8000`, `a=fmtp:${tePt} 0-15`];
    return [
      'v=0',
      `o=- ${this.ssrc} ${version} IN IP4 ${this.address}`,
      's=sip-phone gateway',
      `c=IN IP4 ${this.address}`,
      't=0 0',
      `m=audio ${this.port} RTP/AVP ${opusPt}${tePt === null ? '' : ` ${tePt}`}`,
      `a=rtpmap:${opusPt} opus/48000/2`,
      `a=fmtp:${opusPt} minptime=10;useinbandfec=1`,
      ...te,
      'a=ptime:20',
      'a=rtcp-mux',
      `a=${direction}`,
      '',
    ].join('\r\n');
  }

  /** Takes the far end's address and Opus payload type from its SDP (via rtpengine). */
  applyRemote(sdp: string): { opusPt: number; tePt: number | null } {
    const audio = sdp.split(/\r?\n(?=m=)/).find((section) => section.startsWith('m=audio'));
    if (!audio) throw new Error('the SDP has no audio');
    const port = Number(/^m=audio (\d+)/.exec(audio)?.[1]);
    const address = /^c=IN IP4 (\S+)/m.exec(audio)?.[1] ?? /^c=IN IP4 (\S+)/m.exec(sdp)?.[1];
    const pt = /^a=rtpmap:(\d+) opus\/48000/im.exec(audio)?.[1];
    if (!address || !port) throw new Error('the SDP has no audio address');
    if (!pt) throw new Error('the SDP offers no Opus');
    const te = /^a=rtpmap:(\d+) telephone-event\/8000/im.exec(audio)?.[1];
    this.remote = { address, port };
    this.remotePt = Number(pt);
    this.remoteTePt = te ? Number(te) : undefined;
    return { opusPt: this.remotePt, tePt: this.remoteTePt ?? null };
  }

  /** Takes telephone-event/8000 from `sdp` when the far end's SDP (via rtpengine) had none. */
  takeTelephoneEvent(sdp: string): void {
    if (this.remoteTePt !== undefined) return;
    const te = /^a=rtpmap:(\d+) telephone-event\/8000/im.exec(sdp)?.[1];
    const opus = /^a=rtpmap:(\d+) opus\/48000/im.exec(sdp)?.[1];
    // Only when the phone sends Opus like us (no transcoding in between).
    if (te && opus && Number(opus) === this.remotePt) this.remoteTePt = Number(te);
  }

  /**
   * Sends one DTMF digit as RFC 4733 telephone events (every 20 ms for `durationMs`, the
   * last packet three times), in this leg's RTP stream; resolves when it is sent.
   */
  async sendDtmf(digit: string, durationMs = 160): Promise<void> {
    const remote = this.remote;
    if (!remote || this.closed) throw new Error('no media toward the far end');
    if (this.remoteTePt === undefined) throw new Error('the far end takes no telephone-event');
    const code = /^[0-9]$/.test(digit) ? Number(digit) : DTMF_CODES[digit.toUpperCase()];
    if (code === undefined) throw new Error(`not a DTMF digit: ${digit}`);
    const elapsed = this.lastWriteAt === undefined ? 960 : Math.max(1, Math.round(((Date.now() - this.lastWriteAt) * 48000) / 1000));
    const timestamp = uint32Add(this.lastTs, elapsed);
    const steps = Math.max(1, Math.round(durationMs / 20));
    for (let i = 1; i <= steps + 2; i++) {
      const end = i >= steps;
      const duration = Math.min(i, steps) * 160; // telephone-event/8000: 160 per 20 ms
      const payload = Buffer.from([code, (end ? 0x80 : 0) | 10, (duration >> 8) & 0xff, duration & 0xff]);
      // Audio packets of the browser's stream keep their own numbers after these.
      this.lastSeq = uint16Add(this.lastSeq, 1);
      this.seqDelta = uint16Add(this.seqDelta, 1);
      const header = Buffer.alloc(12);
      header[0] = 0x80;
      header[1] = (i === 1 ? 0x80 : 0) | this.remoteTePt;
      header.writeUInt16BE(this.lastSeq, 2);
      header.writeUInt32BE(timestamp, 4);
      header.writeUInt32BE(this.ssrc, 8);
      if (this.closed) return;
      this.socket.send(Buffer.concat([header, payload]), remote.port, remote.address);
      if (i <= steps) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    this.lastTs = timestamp;
  }

  setTarget(target: RtpSink | null): void {
    this.target = target;
  }

  private onMessage(message: Buffer, _address: string, _port: number): void {
    if (this.closed || message.length < 12) return;
    const pt = message[1]! & 0x7f;
    if (pt >= 72 && pt <= 79) return; // RTCP on the muxed port
    if (pt !== this.remotePt) return; // only Opus goes to the browser
    let packet: RtpPacket;
    try {
      packet = RtpPacket.deSerialize(message);
    } catch {
      return;
    }
    this.counters.received++;
    this.target?.deliver('audio', packet);
  }

  /** A packet from the browser's leg: same payload, our SSRC, a continuous sequence. */
  deliver(kind: Kind, packet: RtpPacket): boolean {
    if (kind !== 'audio' || this.closed || !this.remote) return false;
    const header = packet.header;
    if (this.sourceSsrc !== header.ssrc) {
      // A new source (first packet, or the browser's stream restarted): continue ours.
      const elapsed = this.lastWriteAt === undefined ? 960 : Math.max(1, Math.round(((Date.now() - this.lastWriteAt) * 48000) / 1000));
      this.seqDelta = uint16Add(this.lastSeq, 1) - header.sequenceNumber;
      this.tsDelta = uint32Add(this.lastTs, elapsed) - header.timestamp;
      this.sourceSsrc = header.ssrc;
    }
    const copy = RtpPacket.deSerialize(packet.serialize());
    copy.header.ssrc = this.ssrc;
    copy.header.payloadType = this.remotePt;
    copy.header.sequenceNumber = uint16Add(header.sequenceNumber, this.seqDelta);
    copy.header.timestamp = uint32Add(header.timestamp, this.tsDelta);
    copy.header.extensions = [];
    copy.header.extension = false;
    this.lastSeq = copy.header.sequenceNumber;
    this.lastTs = copy.header.timestamp;
    this.lastWriteAt = Date.now();
    this.socket.send(copy.serialize(), this.remote.port, this.remote.address);
    this.counters.sent++;
    return true;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.target = null;
    this.socket.close();
  }
}
