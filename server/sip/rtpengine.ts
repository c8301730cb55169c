// A client for rtpengine's ng control protocol over UDP: each request is
// `COOKIE <bencoded dictionary>`, each reply `COOKIE <bencoded dictionary>` with a
// `result` of "ok" (or "error" with an `error-reason`).
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { bdecode, bencode, type BValue } from './bencode.js';

export type NgDict = { [key: string]: BValue };

export class NgError extends Error {}

export class RtpengineClient {
  private socket: Socket | undefined;
  private readonly pending = new Map<string, { resolve: (reply: NgDict) => void; reject: (error: Error) => void }>();

  constructor(
    readonly host: string,
    readonly port: number,
    private readonly timeoutMs = 2000,
  ) {}

  private open(): Socket {
    if (this.socket) return this.socket;
    const socket = createSocket('udp4');
    socket.on('message', (message) => {
      const space = message.indexOf(0x20);
      if (space < 0) return;
      const cookie = message.subarray(0, space).toString('ascii');
      const waiter = this.pending.get(cookie);
      if (!waiter) return;
      this.pending.delete(cookie);
      try {
        const reply = bdecode(message.subarray(space + 1));
        if (typeof reply !== 'object' || Array.isArray(reply)) throw new NgError('reply is not a dictionary');
        waiter.resolve(reply);
      } catch (error) {
        waiter.reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    socket.on('error', () => undefined);
    socket.unref();
    this.socket = socket;
    return socket;
  }

  /** Sends one command; resolves with the reply, rejects on `result: error` or no reply. */
  request(command: string, params: NgDict): Promise<NgDict> {
    const socket = this.open();
    const cookie = randomBytes(8).toString('hex');
    const body = bencode({ ...params, command });
    const packet = Buffer.concat([Buffer.from(`${cookie} `), body]);
    return new Promise<NgDict>((resolve, reject) => {
      let tries = 0;
      const send = (): void => {
        tries++;
        socket.send(packet, this.port, this.host);
      };
      // UDP: resend a few times before giving up (rtpengine answers duplicates from its cache).
      const retry = setInterval(() => {
        if (tries >= 3) return;
        send();
      }, this.timeoutMs / 3);
      const timer = setTimeout(() => {
        clearInterval(retry);
        this.pending.delete(cookie);
        reject(new NgError(`rtpengine ${this.host}:${this.port}: no reply to ${command}`));
      }, this.timeoutMs);
      this.pending.set(cookie, {
        resolve: (reply) => {
          clearTimeout(timer);
          clearInterval(retry);
          if (reply['result'] === 'error') {
            reject(new NgError(`rtpengine ${command}: ${String(reply['error-reason'] ?? 'error')}`));
          } else resolve(reply);
        },
        reject: (error) => {
          clearTimeout(timer);
          clearInterval(retry);
          reject(error);
        },
      });
      send();
    });
  }

  /** `offer`/`answer`: returns the rewritten SDP. */
  async sdp(command: 'offer' | 'answer', params: NgDict): Promise<string> {
    const reply = await this.request(command, params);
    const sdp = reply['sdp'];
    if (typeof sdp !== 'string') throw new NgError(`rtpengine ${command}: no sdp in the reply`);
    return sdp;
  }

  close(): void {
    this.socket?.close();
    this.socket = undefined;
    for (const waiter of this.pending.values()) waiter.reject(new NgError('rtpengine client closed'));
    this.pending.clear();
  }
}

/** `host:port` (default port 2223) to its parts. */
export function parseNgAddress(text: string): { host: string; port: number } {
  const match = /^([^:]+)(?::(\d+))?$/.exec(text.trim());
  if (!match) throw new Error(`not an rtpengine ng address (host:port): ${text}`);
  const port = match[2] ? Number(match[2]) : 2223;
  if (port < 1 || port > 65535) throw new Error(`bad port in ${text}`);
  return { host: match[1]!, port };
}
