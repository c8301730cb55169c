// A TCP proxy for fault tests (runs in the test runner's Node process, driven through
// test/gateway-plugin.ts): a phone connects to the proxy instead of the gateway, and a test
// cuts, refuses or blackholes that path for real, as a network would.
import { createServer, connect, type Server, type Socket } from 'node:net';

export type ProxyMode = 'open' | 'blackhole';

interface Pair {
  client: Socket;
  upstream: Socket;
}

export class TcpProxy {
  private readonly pairs = new Set<Pair>();
  private server: Server;
  private mode: ProxyMode = 'open';
  private listening = false;

  private constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {
    this.server = this.makeServer();
  }

  /** Starts a proxy on a free 127.0.0.1 port toward `targetPort`. */
  static async start(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
    const probe = createServer();
    const port = await new Promise<number>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen(0, '127.0.0.1', () => resolve((probe.address() as { port: number }).port));
    });
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const proxy = new TcpProxy(port, { host: targetHost, port: targetPort });
    await proxy.listen();
    return proxy;
  }

  /** Connections open now (each a client and its upstream). */
  get connections(): number {
    return this.pairs.size;
  }

  /** Resets every open connection (TCP RST both ways); new ones are still accepted. */
  cut(): void {
    for (const { client, upstream } of this.pairs) {
      client.resetAndDestroy();
      upstream.resetAndDestroy();
    }
    this.pairs.clear();
  }

  /** Cuts every connection and stops listening: connecting is refused until `restore()`. */
  async refuse(): Promise<void> {
    this.cut();
    if (!this.listening) return;
    this.listening = false;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    await closed;
    this.server = this.makeServer();
  }

  /**
   * Nothing gets through any more, either way, on open or new connections, and nobody is
   * told: TCP stays up (a half-open path, like a dead Wi-Fi or a sleeping NAT).
   */
  blackhole(): void {
    this.mode = 'blackhole';
  }

  /** Back to normal: listening, and forwarding both ways (connections one end gave up on meanwhile are reset). */
  async restore(): Promise<void> {
    this.mode = 'open';
    for (const pair of [...this.pairs]) {
      if (pair.client.destroyed || pair.upstream.destroyed) {
        pair.client.resetAndDestroy();
        pair.upstream.resetAndDestroy();
        this.pairs.delete(pair);
      }
    }
    await this.listen();
  }

  async close(): Promise<void> {
    await this.refuse();
  }

  private listen(): Promise<void> {
    if (this.listening) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.port, '127.0.0.1', () => {
        this.server.off('error', reject);
        this.listening = true;
        resolve();
      });
    });
  }

  private makeServer(): Server {
    return createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      const pair: Pair = { client, upstream };
      this.pairs.add(pair);
      // One end closing is passed on to the other, unless the path is a blackhole.
      const end = (): void => {
        if (this.mode !== 'open') return;
        this.pairs.delete(pair);
        client.destroy();
        upstream.destroy();
      };
      client.on('data', (data) => {
        if (this.mode === 'open') upstream.write(data);
      });
      upstream.on('data', (data) => {
        if (this.mode === 'open') client.write(data);
      });
      for (const socket of [client, upstream]) {
        socket.on('error', end);
        socket.on('close', end);
      }
    });
  }
}
