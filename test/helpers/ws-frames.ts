// Records the JSON frames each WebSocket of the page receives, so a test can assert what
// the server sent on the wire (things the websdk does not surface, like notifyTransferEvent).
// Call `recordWebSocketFrames()` before the sockets are created.

export interface WireFrame {
  message: string;
  data: unknown[];
}

const sockets: WebSocket[] = [];
const frames = new WeakMap<WebSocket, WireFrame[]>();
const sentFrames = new WeakMap<WebSocket, WireFrame[]>();
let installed = false;

export function recordWebSocketFrames(): void {
  if (installed) return;
  installed = true;
  const Original = window.WebSocket;
  class RecordingWebSocket extends Original {
    override send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
      if (typeof data === 'string') {
        try {
          sentFrames.get(this)?.push(JSON.parse(data) as WireFrame);
        } catch {
          sentFrames.get(this)?.push({ message: '(unparsable)', data: [data] });
        }
      }
      super.send(data);
    }

    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      const list: WireFrame[] = [];
      frames.set(this, list);
      sentFrames.set(this, []);
      sockets.push(this);
      this.addEventListener('message', (event: MessageEvent) => {
        if (typeof event.data !== 'string') return;
        try {
          list.push(JSON.parse(event.data) as WireFrame);
        } catch {
          list.push({ message: '(unparsable)', data: [event.data] });
        }
      });
    }
  }
  Object.defineProperty(window, 'WebSocket', { value: RecordingWebSocket, writable: true, configurable: true });
}

/** The most recently created WebSocket (the websdk opens it inside `createSession`). */
export function lastWebSocket(): WebSocket | undefined {
  return sockets.at(-1);
}

/** The frames a socket received so far. */
export function framesOf(socket: WebSocket | undefined): WireFrame[] {
  return socket ? [...(frames.get(socket) ?? [])] : [];
}

/** The frames a socket sent so far (what the page put on the wire). */
export function sentFramesOf(socket: WebSocket | undefined): WireFrame[] {
  return socket ? [...(sentFrames.get(socket) ?? [])] : [];
}

/** Every WebSocket the page opened since recording started, oldest first. */
export function allWebSockets(): WebSocket[] {
  return [...sockets];
}
