// A caller that speaks the websdk's WebSocket protocol itself, with a real WebRTC offer whose
// audio comes from an oscillator: it needs no microphone, so it can call a phone in a
// browser that denies the microphone (test/*.mic-denied.test.ts).
import { waitFor } from './media-stats.js';

interface Frame {
  message: string;
  data: unknown[];
}

export interface RawCall {
  /** Call statuses the server sent for the call, in order. */
  readonly statuses: string[];
  /** Waits for a final status (FINISH, FAILED or BUSY) and returns it. */
  final(timeoutMs: number): Promise<string>;
  close(): void;
}

/** Signs in as `login` (without registering) and calls `callee`. */
export async function rawCall(url: string, login: string, password: string, callee: string): Promise<RawCall> {
  const ws = new WebSocket(url);
  const frames: Frame[] = [];
  ws.addEventListener('message', (e: MessageEvent<string>) => frames.push(JSON.parse(e.data) as Frame));
  await new Promise((resolve, reject) => {
    ws.addEventListener('open', resolve, { once: true });
    ws.addEventListener('error', reject, { once: true });
  });
  const send = (message: string, data: unknown) => ws.send(JSON.stringify({ message, data: [data] }));
  send('connection', { appKey: 'defaultApp', sipLogin: login, sipPassword: password, sipRegisterRequired: false });
  await waitFor(() => frames.some((f) => f.message === 'getUserData'), 5000, 'getUserData');

  const ctx = new AudioContext();
  const oscillator = ctx.createOscillator();
  const destination = ctx.createMediaStreamDestination();
  oscillator.connect(destination);
  oscillator.start();
  const pc = new RTCPeerConnection();
  const [track] = destination.stream.getAudioTracks();
  pc.addTrack(track!, destination.stream);
  await pc.setLocalDescription(await pc.createOffer());
  await waitFor(() => pc.iceGatheringState === 'complete', 5000, 'ICE gathering');
  const callId = `raw-${Math.random().toString(36).slice(2)}`;
  send('call', { callId, callee, caller: login, sdp: pc.localDescription!.sdp, hasAudio: true, hasVideo: false, incoming: false });

  const statuses = () =>
    frames
      .map((f) => f.data[0] as { callId?: string; status?: string } | undefined)
      .filter((d) => d?.callId === callId && typeof d.status === 'string' && frames.length > 0)
      .map((d) => d!.status!);
  return {
    get statuses() {
      return [...new Set(statuses())];
    },
    async final(timeoutMs) {
      const isFinal = (s: string) => s === 'FINISH' || s === 'FAILED' || s === 'BUSY';
      await waitFor(() => statuses().some(isFinal), timeoutMs, `a final status for the raw call (saw ${statuses().join(', ')})`);
      return statuses().find(isFinal)!;
    },
    close() {
      ws.close();
      pc.close();
      oscillator.stop();
      void ctx.close();
    },
  };
}
