// Helpers for the gateway's Node tests: a raw WebSocket client that speaks the websdk
// protocol frame by frame, and a werift peer connection standing in for a browser.
import { once } from 'node:events';
import { createServer } from 'node:net';
import WebSocket from 'ws';
import {
  MediaStreamTrack,
  RTCPeerConnection,
  RtpHeader,
  RtpPacket,
  useOPUS,
  useVP8,
} from 'werift';
import { keepCandidates, stopDtlsRetransmissions, withoutPublicStun } from './media.js';
import type { Logger } from './util.js';

export interface Frame {
  message: string;
  data: unknown[];
}

/** The object in a frame's `data[0]`. */
export function payload(frame: Frame): Record<string, unknown> {
  return (frame.data[0] ?? {}) as Record<string, unknown>;
}

/** A websdk-like client: send frames, await the frames the server sends. */
export class WsClient {
  readonly frames: Frame[] = [];
  readonly ws: WebSocket;
  closeCode: number | undefined;
  errors: Error[] = [];
  private cursor = 0;
  private waiters: Array<() => void> = [];
  readonly closed: Promise<number>;

  private constructor(url: string, headers?: Record<string, string>) {
    this.ws = new WebSocket(url, headers ? { headers } : undefined);
    this.ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      let frame: Frame;
      try {
        frame = JSON.parse(data.toString()) as Frame;
      } catch {
        frame = { message: '(unparsable)', data: [data.toString()] };
      }
      this.frames.push(frame);
      this.wake();
    });
    this.ws.on('error', (error) => {
      this.errors.push(error);
      this.wake();
    });
    this.closed = new Promise((resolve) => {
      this.ws.on('close', (code) => {
        this.closeCode = code;
        this.wake();
        resolve(code);
      });
    });
  }

  /** Opens a client; `headers` are sent with the upgrade (Origin, Host). */
  static async open(url: string, headers?: Record<string, string>): Promise<WsClient> {
    const client = new WsClient(url, headers);
    await once(client.ws, 'open');
    return client;
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  send(message: string, data?: unknown): void {
    this.ws.send(JSON.stringify({ message, data: [data ?? null] }));
  }

  sendRaw(text: string | Buffer): void {
    this.ws.send(text);
  }

  /**
   * The next frame (after the last one returned) matching `match`; frames skipped on the
   * way are kept in `frames`. Rejects after `timeoutMs` or when the socket closes.
   */
  async next(match: string | ((f: Frame) => boolean), timeoutMs = 3000): Promise<Frame> {
    const test = typeof match === 'string' ? (f: Frame) => f.message === match : match;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.cursor < this.frames.length) {
        const frame = this.frames[this.cursor++]!;
        if (test(frame)) return frame;
      }
      if (this.closeCode !== undefined) {
        throw new Error(`socket closed (${this.closeCode}) before the expected frame; got ${this.describe()}`);
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for a frame; got ${this.describe()}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** The next call status frame for `callId` (any of the status frame names). */
  nextStatus(callId: string, timeoutMs = 3000): Promise<Frame> {
    return this.next(
      (f) =>
        ['notifyTryingResponse', 'ring', 'talk', 'hold', 'finish'].includes(f.message) &&
        payload(f)['callId'] === callId,
      timeoutMs,
    );
  }

  /** Statuses received so far for `callId`, in order. */
  statuses(callId: string): string[] {
    return this.frames
      .filter((f) => ['notifyTryingResponse', 'ring', 'talk', 'hold', 'finish'].includes(f.message))
      .map(payload)
      .filter((p) => p['callId'] === callId)
      .map((p) => String(p['status']));
  }

  /** Waits for a round trip (ping -> pong): every frame sent before has been handled. */
  async sync(): Promise<void> {
    this.send('ping');
    await this.next('pong');
  }

  private describe(): string {
    return JSON.stringify(this.frames.map((f) => `${f.message}:${String(payload(f)['status'] ?? '')}`));
  }

  close(): Promise<number> {
    if (this.closeCode === undefined) this.ws.close();
    return this.closed;
  }

  terminate(): Promise<number> {
    if (this.closeCode === undefined) this.ws.terminate();
    return this.closed;
  }
}

/** Connects and registers (or not) an account. */
export async function login(
  url: string,
  sipLogin: string,
  sipPassword = `pass${sipLogin}`,
  extra: Record<string, unknown> = {},
): Promise<WsClient> {
  const client = await WsClient.open(url);
  client.send('connection', { appKey: 'defaultApp', sipLogin, sipPassword, ...extra });
  await client.next('getUserData');
  if (extra['sipRegisterRequired'] !== false) await client.next('registered');
  return client;
}

/** A werift peer connection playing a browser's part (audio, optionally video). */
export class FakeBrowser {
  readonly pc = new RTCPeerConnection({
    iceServers: [],
    iceUseIpv6: false,
    iceAdditionalHostAddresses: ['127.0.0.1'],
    iceInterfaceAddresses: { udp4: '127.0.0.1' },
    codecs: { audio: [useOPUS()], video: [useVP8()] },
  });
  readonly audio = new MediaStreamTrack({ kind: 'audio' });
  received = 0;
  private sending: NodeJS.Timeout | undefined;
  private seq = 1;
  private ts = 1000;

  constructor() {
    this.pc.onTrack.subscribe((track) => {
      track.onReceiveRtp.subscribe(() => {
        this.received++;
      });
    });
  }

  private async localSdp(): Promise<string> {
    if (this.pc.iceGatheringState !== 'complete') {
      await new Promise<void>((resolve) => {
        const { unSubscribe } = this.pc.iceGatheringStateChange.subscribe((state) => {
          if (state === 'complete') {
            unSubscribe();
            resolve();
          }
        });
      });
    }
    return keepCandidates(this.pc.localDescription!.sdp, '127.0.0.1');
  }

  async offer(): Promise<string> {
    this.pc.addTransceiver(this.audio, { direction: 'sendrecv' });
    withoutPublicStun(this.pc);
    await this.pc.setLocalDescription(await this.pc.createOffer());
    return this.localSdp();
  }

  async acceptAnswer(sdp: string): Promise<void> {
    await this.pc.setRemoteDescription({ type: 'answer', sdp });
  }

  async answer(offerSdp: string): Promise<string> {
    await this.pc.setRemoteDescription({ type: 'offer', sdp: offerSdp });
    this.pc.addTrack(this.audio);
    withoutPublicStun(this.pc);
    await this.pc.setLocalDescription(await this.pc.createAnswer());
    return this.localSdp();
  }

  async connected(timeoutMs = 5000): Promise<void> {
    if (this.pc.connectionState === 'connected') return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not connected: ${this.pc.connectionState}`)), timeoutMs);
      const { unSubscribe } = this.pc.connectionStateChange.subscribe((state) => {
        if (state === 'connected') {
          clearTimeout(timer);
          unSubscribe();
          resolve();
        }
      });
    });
  }

  /** Sends a 20 ms Opus-sized packet every 20 ms. */
  startSending(): void {
    this.sending ??= setInterval(() => {
      const header = new RtpHeader({
        payloadType: 96,
        sequenceNumber: this.seq++ & 0xffff,
        timestamp: (this.ts += 960) >>> 0,
        ssrc: 1234,
        marker: false,
      });
      this.audio.writeRtp(new RtpPacket(header, Buffer.alloc(60, 1)));
    }, 20);
  }

  /** Closes the peer connection (and werift's DTLS retransmission loop, see media.ts). */
  async close(): Promise<void> {
    if (this.sending) clearInterval(this.sending);
    this.sending = undefined;
    stopDtlsRetransmissions(this.pc);
    await this.pc.close();
  }
}

/** Resolves when `predicate` is true; polls every 20 ms. */
export async function until(predicate: () => boolean, timeoutMs: number, message: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${message}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A logger that keeps every line, for asserting what was logged. */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const push = (level: string) => (message: string) => {
    lines.push(`${level}: ${message}`);
  };
  return { lines, debug: push('debug'), info: push('info'), warn: push('warn'), error: push('error') };
}
