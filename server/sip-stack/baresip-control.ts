// A client for baresip's ctrl_tcp module: netstring-framed JSON commands
// (`{"command", "params", "token"}`) and responses, plus the events baresip pushes on the
// same connection (`{"event": true, "type": "CALL_ESTABLISHED", ...}`).
import { createConnection, type Socket } from 'node:net';

export interface BaresipEvent {
  event: true;
  class?: string;
  type: string;
  param?: string;
  peeruri?: string;
  accountaor?: string;
  direction?: string;
  [key: string]: unknown;
}

export interface BaresipResponse {
  response: true;
  ok: boolean;
  data: string;
  token?: string;
}

export class BaresipControl {
  private socket: Socket | undefined;
  private buffer = Buffer.alloc(0);
  private next = 0;
  private readonly pending = new Map<string, (response: BaresipResponse) => void>();
  /** Every event received since the connection opened (tests read and clear it). */
  readonly events: BaresipEvent[] = [];
  /** Called with each event as it arrives, and `Date.now()` then (benchmarks time them). */
  onEvent: ((event: BaresipEvent, at: number) => void) | undefined;

  constructor(
    readonly host: string,
    readonly port: number,
  ) {}

  connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = createConnection({ host: this.host, port: this.port });
      socket.once('connect', () => {
        this.socket = socket;
        resolve();
      });
      socket.once('error', reject);
      socket.on('data', (chunk) => this.onData(chunk));
      socket.on('close', () => {
        this.socket = undefined;
      });
    });
  }

  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const colon = this.buffer.indexOf(0x3a);
      if (colon < 0) return;
      const length = Number(this.buffer.subarray(0, colon).toString('ascii'));
      if (!Number.isInteger(length)) {
        this.buffer = Buffer.alloc(0);
        return;
      }
      const end = colon + 1 + length;
      if (this.buffer.length < end + 1) return;
      const text = this.buffer.subarray(colon + 1, end).toString('utf8');
      this.buffer = this.buffer.subarray(end + 1);
      let message: BaresipEvent | BaresipResponse;
      try {
        message = JSON.parse(text) as BaresipEvent | BaresipResponse;
      } catch {
        continue;
      }
      if ('event' in message) {
        this.events.push(message);
        this.onEvent?.(message, Date.now());
      }
      else {
        const token = String(message.token ?? '');
        const resolve = this.pending.get(token);
        this.pending.delete(token);
        resolve?.(message);
      }
    }
  }

  /** Sends one command (e.g. `dial`, `hangup`, `hold`) and resolves with baresip's response. */
  command(command: string, params = '', timeoutMs = 5000): Promise<BaresipResponse> {
    const socket = this.socket;
    if (!socket) return Promise.reject(new Error(`baresip ctrl_tcp ${this.port}: not connected`));
    const token = `t${++this.next}`;
    const body = Buffer.from(JSON.stringify({ command, params, token }), 'utf8');
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(token);
        reject(new Error(`baresip ctrl_tcp ${this.port}: no response to ${command}`));
      }, timeoutMs);
      this.pending.set(token, (response) => {
        clearTimeout(timer);
        resolve(response);
      });
      socket.write(Buffer.concat([Buffer.from(`${body.length}:`), body, Buffer.from(',')]));
    });
  }

  close(): void {
    this.socket?.destroy();
    this.socket = undefined;
    for (const resolve of this.pending.values()) resolve({ response: true, ok: false, data: 'closed' });
    this.pending.clear();
  }
}
