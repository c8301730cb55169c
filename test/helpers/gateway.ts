// Browser-side handle on a local gateway started by the test runner (test/gateway-plugin.ts).
// Each test file starts its own gateway on a free 127.0.0.1 port and stops it afterwards.
import { executeServerCommand } from '@web/test-runner-commands';
import type { GatewayStats } from '../../server/gateway.js';

/** Options passed to `startGateway` (server/gateway.ts); all JSON. */
export interface TestGatewayOptions {
  accounts?: Record<string, string>;
  /** Relative to the project root, e.g. 'test/fixtures/accounts.json'. */
  accountsFile?: string;
  noAnswerTimeoutMs?: number;
  /** Console log level of the gateway in the test runner's terminal. Default 'warn'. */
  logger?: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  pingIntervalMs?: number;
  keepaliveTimeoutMs?: number;
  maxPayload?: number;
  refuseMode?: 'fail' | 'close';
  /** In front of a SIP server (test/sip/): its WebSocket URL, domain, media mode, rtpengine. */
  sipServer?: string;
  sipDomain?: string;
  sipMedia?: 'relay' | 'gateway';
  rtpengine?: string;
  /** Lets `impair()` drop and delay a leg's media (a test hook of the gateway). */
  allowImpairment?: boolean;
  /** Origins allowed besides loopback ones (the test page's own is added). */
  allowOrigins?: string[];
  /** App keys for click-to-call buttons (server/apps.ts). */
  apps?: Record<string, { account: string; callees: string[]; password?: string }>;
  /** Login throttling: failures that start a block, and how long it lasts. */
  throttle?: { maxFailures?: number; windowMs?: number; blockMs?: number };
  tokenTtlMs?: number;
}

/** What the gateway counts (`stats()`), as the server defines it. */
export type GatewayCounters = GatewayStats;

/** One leg as REST `call/find_all` reports it. */
export interface CallLegInfo {
  callId: string;
  caller: string;
  callee: string;
  visibleName: string;
  status: string;
  incoming: boolean;
  login: string;
  otherCallId: string | null;
  hold: boolean;
  dtmf: string;
  dtmfType: string | null;
  hasAudio: boolean;
  hasVideo: boolean;
  mediaConnected: boolean;
  rtp: { received: { audio: number; video: number }; forwarded: { audio: number; video: number } } | null;
}

export interface TestGateway {
  id: string;
  /** `ws://127.0.0.1:PORT`, the websdk's `urlServer`. */
  url: string;
  /** `http://127.0.0.1:PORT/rest-api`. */
  restUrl: string;
  stop(): Promise<void>;
  stats(): Promise<GatewayCounters>;
  /** REST `POST /call/find_all`. */
  findAll(): Promise<CallLegInfo[]>;
  /** REST `POST /call/terminate`; resolves with the HTTP status. */
  terminate(callId: string): Promise<number>;
  /**
   * Drops `loss` (0-1) of a leg's media datagrams both ways and delays the rest by up to
   * `jitterMs`; null restores the path. Needs `allowImpairment`.
   */
  impair(callId: string, impairment: { loss: number; jitterMs: number } | null): Promise<boolean>;
}

export async function startTestGateway(options: TestGatewayOptions = {}): Promise<TestGateway> {
  const started = await executeServerCommand<{ id: string; url: string; restUrl: string; restToken: string }, TestGatewayOptions>(
    'gateway-start',
    // The page's origin may call the REST API (CORS answers only origins given).
    { logger: 'warn', ...options, allowOrigins: [location.origin, ...(options.allowOrigins ?? [])] },
  );
  if (!started || !started.url) throw new Error('the test runner did not start a gateway (is gatewayPlugin() configured?)');
  const { id, url, restUrl, restToken } = started;
  const post = (to: string, body: unknown): Promise<Response> =>
    fetch(to, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${restToken}` },
      body: JSON.stringify(body),
    });
  return {
    id,
    url,
    restUrl,
    async stop() {
      await executeServerCommand('gateway-stop', { id });
    },
    async stats() {
      const stats = await executeServerCommand<GatewayCounters | null, { id: string }>('gateway-stats', { id });
      if (!stats) throw new Error(`gateway ${id} is not running`);
      return stats;
    },
    async findAll() {
      const res = await post(`${restUrl}/call/find_all`, {});
      if (!res.ok) throw new Error(`find_all: HTTP ${res.status}`);
      return (await res.json()) as CallLegInfo[];
    },
    async terminate(callId: string) {
      const res = await post(`${restUrl}/call/terminate`, { callId });
      return res.status;
    },
    async impair(callId, impairment) {
      return !!(await executeServerCommand('gateway-impair', { id, callId, impairment }));
    },
  };
}

/** True when every live-object counter is zero (sessions, legs, calls, media, timers). */
export function isIdle(stats: GatewayCounters): boolean {
  return (
    stats.sessions === 0 &&
    stats.registrations === 0 &&
    stats.legs === 0 &&
    stats.calls === 0 &&
    stats.peerConnections === 0 &&
    stats.timers === 0
  );
}

/**
 * Starts a gateway with `options` before this file's (or describe block's) tests and stops it
 * after them; the returned function gives the running gateway inside tests.
 */
export function useTestGateway(options: TestGatewayOptions = {}): () => TestGateway {
  return useGateway(() => startTestGateway(options));
}

/** `useTestGateway` for any way of starting one (e.g. in front of a SIP server). */
export function useGateway(start: () => Promise<TestGateway>): () => TestGateway {
  let gateway: TestGateway | undefined;
  before(async () => {
    gateway = await start();
  });
  after(async () => {
    await gateway?.stop();
  });
  return () => {
    if (!gateway) throw new Error('the test gateway is not running');
    return gateway;
  };
}
