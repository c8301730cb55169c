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

export class PlainRtpLeg implements RtpSink {
  private target: RtpSink | null = null;
  private remote: { address: string; port: number } | undefined;
  /** Payload type the far end uses for Opus (from its SDP). */
  private remotePt = OPUS_PT;
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

  /** Our SDP (offer or answer): Opus on this socket, RTCP on the same port. */
  sdp(direction: Direction, version: bigint, opusPt = OPUS_PT): string {
    return [
      'v=0',
      `o=- ${this.ssrc} ${version} IN IP4 ${this.address}`,
      's=sip-phone gateway',
      `c=IN IP4 ${this.address}`,
      't=0 0',
      `m=audio ${this.port} RTP/AVP ${opusPt}`,
      `a=rtpmap:${opusPt} opus/48000/2`,
      `a=fmtp:${opusPt} minptime=10;useinbandfec=1`,
      'a=ptime:20',
      'a=rtcp-mux',
      `a=${direction}`,
      '',
    ].join('\r\n');
  }

  /** Takes the far end's address and Opus payload type from its SDP (via rtpengine). */
  applyRemote(sdp: string): { opusPt: number } {
    const audio = sdp.split(/\r?\n(?=m=)/).find((section) => section.startsWith('m=audio'));
    if (!audio) throw new Error('the SDP has no audio');
    const port = Number(/^m=audio (\d+)/.exec(audio)?.[1]);
    const address = /^c=IN IP4 (\S+)/m.exec(audio)?.[1] ?? /^c=IN IP4 (\S+)/m.exec(sdp)?.[1];
    const pt = /^a=rtpmap:(\d+) opus\/48000/im.exec(audio)?.[1];
    if (!address || !port) throw new Error('the SDP has no audio address');
    if (!pt) throw new Error('the SDP offers no Opus');
    this.remote = { address, port };
    this.remotePt = Number(pt);
    return { opusPt: this.remotePt };
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
