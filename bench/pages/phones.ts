// The "plain websdk" bench page: SIP phones written directly against @flashphoner/websdk
// (loaded as the package's own prebuilt classic script, window.Flashphoner), with no widget.
// Node drives it through `window.bench` (puppeteer page.evaluate).
import type FlashphonerApi from '@flashphoner/websdk/flashphoner-webrtc-only.js';
import type { WebsdkCall, WebsdkSession } from '@flashphoner/websdk/flashphoner-webrtc-only.js';
import { audioStats, openPeerConnections, createdPeerConnections, trackPeerConnections, waitFor, type PeerAudioStats } from './common.js';

declare global {
  interface Window {
    Flashphoner: typeof FlashphonerApi;
  }
}

trackPeerConnections();

interface Phone {
  login: string;
  session: WebsdkSession;
  sessionStatus: string;
  /** The current call and its last status. */
  call?: WebsdkCall;
  callStatus: string;
  autoAnswer: boolean;
  local: HTMLElement;
  remote: HTMLElement;
  /** Calls that reached ESTABLISHED. */
  established: number;
}

const phones = new Map<string, Phone>();
/** Microphone constraints of every call placed or answered in this page (the widget's). */
const audio = true;
const FINAL = new Set(['FINISH', 'FAILED', 'BUSY']);

function display(): HTMLElement {
  const div = document.createElement('div');
  div.style.cssText = 'width:40px;height:30px;display:inline-block';
  document.body.append(div);
  return div;
}

function phone(login: string): Phone {
  const p = phones.get(login);
  if (!p) throw new Error(`no phone ${login}`);
  return p;
}

/** Follows a call's statuses (the websdk keeps one callback per event: this is the only one). */
function track(p: Phone, call: WebsdkCall, onEstablished?: () => void): void {
  p.call = call;
  p.callStatus = 'NEW';
  for (const status of ['TRYING', 'RING', 'ESTABLISHED', 'FINISH', 'FAILED', 'BUSY']) {
    call.on(status, () => {
      if (status === 'ESTABLISHED') onEstablished?.();
      if (p.call !== call) return;
      p.callStatus = status;
      if (status === 'ESTABLISHED') p.established++;
      if (FINAL.has(status)) p.call = undefined;
    });
  }
}

let initialized: Promise<void> | undefined;

export const bench = {
  /** Creates one session per account and waits until every one is REGISTERED. */
  async connect(url: string, accounts: { login: string; password: string }[], timeoutMs = 30_000): Promise<void> {
    // Same websdk options as the widget's adapter (src/engine/wcs-engine.ts).
    initialized ??= Promise.resolve(window.Flashphoner.init({ logger: { severity: 'WARN' }, createMicGainNode: false }));
    await initialized;
    for (const { login, password } of accounts) {
      const session = window.Flashphoner.createSession({
        urlServer: url,
        timeout: 10_000,
        sipOptions: { login, authenticationName: login, password, domain: '127.0.0.1', outboundProxy: '127.0.0.1', port: 5060, registerRequired: true },
      });
      const p: Phone = { login, session, sessionStatus: 'PENDING', callStatus: '', autoAnswer: false, local: display(), remote: display(), established: 0 };
      phones.set(login, p);
      for (const status of ['ESTABLISHED', 'REGISTERED', 'DISCONNECTED', 'FAILED']) {
        session.on(status, () => {
          p.sessionStatus = status;
        });
      }
      session.on('INCOMING_CALL', (call: WebsdkCall) => {
        track(p, call);
        if (p.autoAnswer) {
          call.answer({
            localVideoDisplay: p.local,
            remoteVideoDisplay: p.remote,
            receiveAudio: true,
            receiveVideo: false,
            constraints: { audio, video: false },
          });
        }
      });
    }
    await waitFor(
      () => accounts.every(({ login }) => phone(login).sessionStatus === 'REGISTERED'),
      timeoutMs,
      () => `registration: ${accounts.map(({ login }) => `${login}=${phone(login).sessionStatus}`).join(' ')}`,
      20,
    );
  },

  /** Answers every incoming call of these logins at once. */
  autoAnswer(logins: string[]): void {
    for (const login of logins) phone(login).autoAnswer = true;
  },

  /** Places one call and resolves with the milliseconds from `call()` to ESTABLISHED. */
  async call(login: string, callee: string, timeoutMs = 15_000): Promise<number> {
    const p = phone(login);
    const start = performance.now();
    let end = 0;
    const call = p.session.createCall({
      callee,
      visibleName: login,
      localVideoDisplay: p.local,
      remoteVideoDisplay: p.remote,
      constraints: { audio, video: false },
      receiveAudio: true,
      receiveVideo: false,
    });
    track(p, call, () => (end ||= performance.now()));
    call.call();
    await waitFor(() => end > 0 || FINAL.has(p.callStatus), timeoutMs, () => `${login} -> ${callee}: ${p.callStatus}`, 1);
    if (!end) throw new Error(`${login} -> ${callee} ended with ${p.callStatus}`);
    return end - start;
  },

  /** Hangs up the phone's call and waits until it is over. */
  async hangup(login: string, timeoutMs = 10_000): Promise<void> {
    const p = phone(login);
    p.call?.hangup();
    await bench.idle([login], timeoutMs);
  },

  /** Waits until none of these phones has a call. */
  async idle(logins: string[], timeoutMs = 10_000): Promise<void> {
    await waitFor(
      () => logins.every((login) => !phone(login).call),
      timeoutMs,
      () => `idle: ${logins.map((l) => `${l}=${phone(l).callStatus}`).join(' ')}`,
      5,
    );
  },

  /**
   * Places calls `caller -> callee` for every pair, `batch` at a time, and waits until all
   * are ESTABLISHED. Resolves with the setup time of each call.
   */
  async callMany(pairs: [string, string][], batch = 5): Promise<number[]> {
    const times: number[] = [];
    for (let i = 0; i < pairs.length; i += batch) {
      const slice = pairs.slice(i, i + batch);
      times.push(...(await Promise.all(slice.map(([caller, callee]) => bench.call(caller, callee, 30_000)))));
    }
    return times;
  },

  /**
   * Hangs up every call, `batch` at a time, and waits until all phones are idle. In batches:
   * closing dozens of peer connections at once blocks the page long enough (each close
   * waits for WebRTC's threads) that, on a loaded machine, its sessions miss the server's
   * pings and get closed.
   */
  async hangupAll(batch = 5, timeoutMs = 20_000): Promise<void> {
    const busy = [...phones.values()].filter((p) => p.call);
    for (let i = 0; i < busy.length; i += batch) {
      const slice = busy.slice(i, i + batch);
      for (const p of slice) p.call?.hangup();
      await bench.idle(slice.map((p) => p.login), timeoutMs);
    }
    await bench.idle([...phones.keys()], timeoutMs);
  },

  /** Audio statistics of every open peer connection of the page. */
  async stats(): Promise<PeerAudioStats[]> {
    return Promise.all(openPeerConnections().map((pc) => audioStats(pc)));
  },

  openPeerConnections(): number {
    return openPeerConnections().length;
  },

  createdPeerConnections,

  disconnectAll(): void {
    for (const p of phones.values()) p.session.disconnect();
  },
};

(window as unknown as { bench: typeof bench }).bench = bench;
