// Browser-side handles on the fault tools of the test runner (test/gateway-plugin.ts): a
// TCP proxy between a phone and its gateway, and gateways running as processes of their
// own that a test can kill. Plus a record of every track the page captured.
import { executeServerCommand } from '@web/test-runner-commands';

export interface TestProxy {
  /** `ws://127.0.0.1:PORT`: give this to a phone instead of the gateway's URL. */
  url: string;
  /** Resets every open connection (new ones go through). */
  cut(): Promise<void>;
  /** Resets every connection and refuses new ones until `restore()`. */
  refuse(): Promise<void>;
  /** Lets nothing through, either way, without closing anything (a half-open path). */
  blackhole(): Promise<void>;
  restore(): Promise<void>;
  stop(): Promise<void>;
}

/** A TCP proxy toward the gateway at `targetUrl` (ws://127.0.0.1:PORT). */
export async function startProxy(targetUrl: string): Promise<TestProxy> {
  const port = Number(new URL(targetUrl).port);
  const started = await executeServerCommand<{ id: string; url: string }, { port: number }>('proxy-start', { port });
  if (!started) throw new Error('the test runner has no TCP proxy (is gatewayPlugin() configured?)');
  const command = (name: string) => async () => {
    await executeServerCommand(name, { id: started.id });
  };
  return {
    url: started.url,
    cut: command('proxy-cut'),
    refuse: command('proxy-refuse'),
    blackhole: command('proxy-blackhole'),
    restore: command('proxy-restore'),
    stop: command('proxy-stop'),
  };
}

export interface GatewayProcess {
  url: string;
  port: number;
  /** SIGKILL: the process dies at once, its sockets with it. */
  kill(): Promise<void>;
}

/** A gateway in a process of its own (`server/cli.ts`), on `port` (0: any free port). */
export async function spawnGateway(port = 0, args: string[] = []): Promise<GatewayProcess> {
  const started = await executeServerCommand<{ id: string; url: string; port: number }, { port: number; args: string[] }>(
    'gateway-spawn',
    { port, args },
  );
  if (!started) throw new Error('the test runner could not start a gateway process');
  return {
    url: started.url,
    port: started.port,
    async kill() {
      await executeServerCommand('gateway-kill', { id: started.id });
    },
  };
}

const captured: MediaStreamTrack[] = [];
let capturing = false;

/**
 * Records every track the page captures from now on (call before any call is placed, and
 * before the websdk loads): through `navigator.mediaDevices.getUserMedia`, and through
 * Chromium's legacy `navigator.webkitGetUserMedia`, which the websdk's bundled WebRTC
 * adapter calls in Chromium.
 */
export function trackCapturedTracks(): void {
  if (capturing) return;
  capturing = true;
  const devices = navigator.mediaDevices;
  const original = devices.getUserMedia.bind(devices);
  devices.getUserMedia = async (constraints?: MediaStreamConstraints) => {
    const stream = await original(constraints);
    captured.push(...stream.getTracks());
    return stream;
  };
  type Legacy = (c: MediaStreamConstraints, ok: (s: MediaStream) => void, fail: (e: unknown) => void) => void;
  const nav = navigator as Navigator & { webkitGetUserMedia?: Legacy };
  const legacy = nav.webkitGetUserMedia?.bind(navigator);
  if (legacy) {
    nav.webkitGetUserMedia = (constraints, ok, fail) =>
      legacy(
        constraints,
        (stream) => {
          captured.push(...stream.getTracks());
          ok(stream);
        },
        fail,
      );
  }
}

/** Every captured track so far (oldest first), ended ones too. */
export function capturedTracks(): MediaStreamTrack[] {
  return [...captured];
}
