// werift routes incoming RTP only by the SSRCs the remote SDP announced (a=ssrc). Plain
// SIP phones often announce none, and rtpengine's transcoder sends with SSRCs of its own,
// so on the leg that faces rtpengine an unknown SSRC is latched onto the audio receiver
// (as a SIP phone would): the first one creates the remote track, later ones feed it.
import { MediaStreamTrack, type RTCPeerConnection, type RtpPacket } from 'werift';

interface RouterInternals {
  ssrcTable: Record<number, unknown>;
  routeRtp: (packet: RtpPacket) => void;
  registerRtpReceiver(receiver: unknown, ssrc: number): void;
}

interface ReceiverInternals {
  tracks: MediaStreamTrack[];
  trackBySSRC: Record<number, MediaStreamTrack>;
}

export function latchUnknownSsrc(pc: RTCPeerConnection): void {
  const router = (pc as unknown as { router?: RouterInternals }).router;
  if (!router || typeof router.routeRtp !== 'function') throw new Error('werift internals changed: no RTP router');
  const route = router.routeRtp;
  router.routeRtp = (packet: RtpPacket) => {
    const ssrc = packet.header.ssrc;
    if (!router.ssrcTable[ssrc]) {
      const transceiver = pc
        .getTransceivers()
        .find((t) => t.kind === 'audio' && (t.currentDirection ?? t.direction).includes('recv'));
      if (transceiver) {
        const receiver = transceiver.receiver as unknown as ReceiverInternals;
        router.registerRtpReceiver(transceiver.receiver, ssrc);
        const existing = receiver.tracks[0];
        if (existing) receiver.trackBySSRC[ssrc] = existing;
        else {
          transceiver.addTrack(
            new MediaStreamTrack({ ssrc, kind: 'audio', id: transceiver.sender.trackId, remote: true, codec: transceiver.codecs[0] }),
          );
        }
      }
    }
    route(packet);
  };
}
