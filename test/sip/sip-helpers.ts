// Browser-side helpers for the SIP suites: the stack's addresses, the baresip phones'
// control sockets (through server/sip-stack/wtr-plugin.ts), and gateways in front of
// Kamailio in either media mode.
import { executeServerCommand } from '@web/test-runner-commands';
import { startTestGateway, useGateway, type TestGateway, type TestGatewayOptions } from '../helpers/gateway.js';

export interface StackInfo {
  domain: string;
  rtpengineNg: { host: string; port: number };
  relay: { udpPort: number; wsUrl: string };
  signalling: { udpPort: number; wsUrl: string };
  phones: { login: string; password: string; sipPort: number; ctrlPort: number; registrar: string }[];
  echo: { number: string; sipPort: number; mediaPort: number };
}

export interface BaresipEvent {
  type: string;
  class?: string;
  param?: string;
  peeruri?: string;
  [key: string]: unknown;
}

let cached: StackInfo | undefined;

export async function stackInfo(): Promise<StackInfo> {
  cached ??= (await executeServerCommand<StackInfo | null, object>('sip-stack-info', {})) ?? undefined;
  if (!cached) throw new Error('no SIP stack: run these tests with `npm run test:sip`');
  return cached;
}

/** Sends a ctrl_tcp command to the baresip phone `login`; resolves with its text answer. */
export async function baresip(login: string, command: string, params = ''): Promise<string> {
  const response = await executeServerCommand<{ ok: boolean; data: string }, object>('baresip', { login, command, params });
  if (!response?.ok) throw new Error(`baresip ${login} ${command} ${params}: ${response?.data ?? 'no answer'}`);
  return response.data;
}

/** Events the phone pushed since the last `clear`. */
export async function baresipEvents(login: string, clear = false): Promise<BaresipEvent[]> {
  return (await executeServerCommand<BaresipEvent[], object>('baresip-events', { login, clear })) ?? [];
}

export type MediaMode = 'relay' | 'gateway';

/** A gateway in front of the Kamailio of that mode: 'relay' (media via rtpengine) or 'gateway'. */
export async function startSipGateway(mode: MediaMode, extra: TestGatewayOptions = {}): Promise<TestGateway> {
  const info = await stackInfo();
  const kamailio = mode === 'relay' ? info.relay : info.signalling;
  return startTestGateway({
    ...extra,
    sipServer: kamailio.wsUrl,
    sipDomain: info.domain,
    sipMedia: mode,
    rtpengine: `${info.rtpengineNg.host}:${info.rtpengineNg.port}`,
    logger: 'warn',
  });
}

/** A gateway in front of the stack's Kamailio for `mode`, for this describe block's tests (useGateway). */
export function useSipGateway(mode: MediaMode, extra: TestGatewayOptions = {}): () => TestGateway {
  return useGateway(() => startSipGateway(mode, extra));
}

/** RTP packets baresip sent and received in its last ended call (`calls`: how many ended). */
export async function baresipRtpStats(login: string): Promise<{ calls: number; tx: number; rx: number }> {
  const stats = await executeServerCommand<{ calls: number; tx: number; rx: number } | null, object>('baresip-rtp-stats', { login });
  if (!stats) throw new Error('no SIP stack');
  return stats;
}
