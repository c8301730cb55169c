// Records the JSON frames each WebSocket of the page receives, so a test can assert what
// the server sent on the wire (things the websdk does not surface, like notifyTransferEvent).
// Call `recordWebSocketFrames()` before the sockets are created.

export interface WireFrame {
  message: string;
  data: unknown[];
}

const sockets: WebSocket[] = [];
const frames = new WeakMap<WebSocket, WireFrame[]>();
let installed = false;

export function recordWebSocketFrames(): void {
  if (installed) return;
  installed = true;
  const Original = window.WebSocket;
  class RecordingWebSocket extends Original {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      const list: WireFrame[] = [];
      frames.set(this, list);
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
