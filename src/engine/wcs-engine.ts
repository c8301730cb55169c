/**
 * The websdk adapter: the only module that imports `@flashphoner/websdk`. `<sip-phone>`
 * imports this module lazily, on the first connect, so a page that never connects never
 * downloads the websdk.
 */
import Flashphoner, {
  type SessionOptions,
  type WebsdkCall,
  type WebsdkLogger,
  type WebsdkSession,
} from '@flashphoner/websdk/flashphoner-webrtc-only.js';
import type {
  CallOptions,
  CallStatus,
  ConnectOptions,
  DtmfType,
  Engine,
  EngineCall,
  EngineFailure,
  EngineListener,
} from './engine.js';

const { SESSION_STATUS, CALL_STATUS, ERROR_INFO } = Flashphoner.constants;

/** The call statuses the adapter forwards (the websdk fires each as an event). */
const FORWARDED: CallStatus[] = [
  'TRYING',
  'RING',
  'RING_MEDIA',
  'SESSION_PROGRESS',
  'ESTABLISHED',
  'HOLD',
  'BUSY',
  'FINISH',
  'FAILED',
];

let initialized: Promise<void> | undefined;
/** Initialises the websdk once per page (it is a singleton), quietly. */
function initWebsdk(): Promise<void> {
  // createMicGainNode: by default the websdk keeps one microphone gain node per page, and
  // ending any call silences the newest capture: with two phones (or a transfer) on one
  // page, the other call would go mute.
  initialized ??= Promise.resolve(Flashphoner.init({ logger: { severity: 'WARN' }, createMicGainNode: false })).then(
    stopLogBuffering,
  );
  return initialized;
}

/**
 * The websdk's logger keeps every line it logs, at every level (debug included, whatever
 * severity is shown), in an array it only empties when it pushes its logs to the server
 * (`session.startDebug()`, which the phone never calls). Every call adds its lines (each
 * frame received, the device lists, ...): the page grew by about 6 KB per call without
 * bound (endurance bench: +1.46 MB of heap after 200 calls, still rising linearly).
 * Lines are now dropped unless pushing is on; what the console shows is unchanged.
 */
export function stopLogBuffering(): void {
  const logger = Flashphoner.getLogger();
  const push = logger?.pushLogs;
  if (!logger || typeof push !== 'function') return;
  logger.pushLogs = function (this: WebsdkLogger, line: string) {
    if (this.enablePushLogs && this.wsConnection) push.call(this, line);
  };
}

/** Turns a local media error from the websdk into a sentence and a code. */
export function mediaFailure(message: string): EngineFailure {
  if (/denied|not ?allowed|permission/i.test(message)) {
    return { code: 'media-denied', message: 'Microphone access was denied. Allow the microphone and try again.' };
  }
  if (/not ?found|no device|requested device/i.test(message)) {
    return { code: 'media-denied', message: 'No microphone was found. Connect one and try again.' };
  }
  return { code: 'call-failed', message: `The call failed in this browser: ${message}` };
}

interface Tracked {
  info: EngineCall;
  call: WebsdkCall;
}

export class WcsEngine implements Engine {
  #session?: WebsdkSession;
  #calls = new Map<string, Tracked>();
  /** Reason phrases the server sent in `fail` frames, by call id. */
  #reasons = new Map<string, string>();
  #authToken?: string;
  #listener?: EngineListener;

  get authToken(): string | undefined {
    return this.#authToken;
  }

  connect(options: ConnectOptions, listener: EngineListener): void {
    this.disconnect();
    let established = false;
    let refusal: string | undefined;
    this.#listener = listener;
    const sessionOptions: SessionOptions = {
      urlServer: options.url,
      timeout: 10_000,
      ...(options.authToken
        ? { authToken: options.authToken }
        : {
            sipOptions: {
              login: options.login,
              authenticationName: options.authName,
              password: options.password,
              domain: options.domain,
              outboundProxy: options.outboundProxy,
              port: options.port,
              registerRequired: options.register,
            },
          }),
    };
    void initWebsdk()
      .then(() => {
        const session = Flashphoner.createSession(sessionOptions);
        this.#session = session;
        // After disconnect() (or a new connect()) this session's callbacks are stale.
        const current = () => this.#session === session;
        session
          .on(SESSION_STATUS.ESTABLISHED, (_s: WebsdkSession, connection?: { authToken?: string }) => {
            established = true;
            this.#authToken = connection?.authToken;
            if (current()) listener.sessionStatus('ESTABLISHED');
          })
          .on(SESSION_STATUS.REGISTERED, () => current() && listener.sessionStatus('REGISTERED'))
          .on(SESSION_STATUS.WARN, (obj: { apiMethod?: string; callId?: string; info?: string } = {}) => {
            const tracked = obj.callId ? this.#calls.get(obj.callId) : undefined;
            if (obj.apiMethod === 'transfer' && tracked) listener.transferFailed(tracked.info, obj.info || 'refused');
            else if (obj.callId && obj.info) this.#reasons.set(obj.callId, obj.info);
            else if (obj.apiMethod === 'connection' || obj.apiMethod === 'registration') refusal = obj.info ?? 'refused';
          })
          .on(SESSION_STATUS.DISCONNECTED, () => {
            if (!current()) return;
            this.#session = undefined;
            if (refusal) {
              listener.sessionStatus('FAILED', {
                code: 'registration-failed',
                message: `The server refused the login for ${options.login ?? 'this account'}: ${refusal}. Check the login and password.`,
              });
            } else {
              listener.sessionStatus('DISCONNECTED', {
                code: established ? 'connection-lost' : 'server-unreachable',
                message: established
                  ? 'The connection to the call server was lost.'
                  : `The call server at ${options.url} closed the connection.`,
              });
            }
          })
          .on(SESSION_STATUS.FAILED, () => {
            if (!current()) return;
            this.#session = undefined;
            listener.sessionStatus(
              'FAILED',
              refusal
                ? {
                    code: 'registration-failed',
                    message: `The server refused the login for ${options.login ?? 'this account'}: ${refusal}. Check the login and password.`,
                  }
                : established
                  ? { code: 'connection-lost', message: 'The connection to the call server was lost.' }
                  : { code: 'server-unreachable', message: `Could not reach the call server at ${options.url}.` },
            );
          })
          .on(SESSION_STATUS.INCOMING_CALL, (call: WebsdkCall) => {
            if (!current()) return;
            const info: EngineCall = {
              id: call.id(),
              direction: 'incoming',
              remote: call.caller(),
              visibleName: call.visibleName() || call.caller(),
            };
            this.#track(info, call);
            listener.incomingCall(info);
          });
      })
      .catch((error: Error) => {
        listener.sessionStatus('FAILED', {
          code: 'engine-unavailable',
          message: `The phone could not start a session: ${error.message}`,
        });
      });
  }

  disconnect(): void {
    const session = this.#session;
    this.#session = undefined;
    for (const { call } of this.#calls.values()) call.hangup();
    this.#calls.clear();
    session?.disconnect();
  }

  call(callee: string, options: CallOptions): EngineCall {
    if (!this.#session) throw new Error('the phone is not connected');
    const video = !!options.video;
    const call = this.#session.createCall({
      callee,
      visibleName: options.visibleName,
      localVideoDisplay: options.displays.local,
      remoteVideoDisplay: options.displays.remote,
      constraints: { audio: true, video },
      receiveAudio: true,
      receiveVideo: video,
    });
    const info: EngineCall = { id: call.id(), direction: 'outgoing', remote: callee };
    this.#track(info, call);
    call.call();
    return info;
  }

  answer(callId: string, options: CallOptions): void {
    const tracked = this.#calls.get(callId);
    if (!tracked) return;
    const video = !!options.video;
    try {
      tracked.call.answer({
        localVideoDisplay: options.displays.local,
        remoteVideoDisplay: options.displays.remote,
        receiveAudio: true,
        receiveVideo: video,
        constraints: { audio: true, video },
      });
    } catch (error) {
      this.#calls.delete(callId);
      this.#listener?.callStatus(tracked.info, 'FAILED', undefined, {
        code: 'call-failed',
        message: `The call could not be answered: ${(error as Error).message}`,
      });
      tracked.call.hangup();
    }
  }

  hangup(callId: string): void {
    this.#calls.get(callId)?.call.hangup();
  }

  setMuted(callId: string, muted: boolean): void {
    const call = this.#calls.get(callId)?.call;
    if (muted) call?.muteAudio();
    else call?.unmuteAudio();
  }

  setCameraOff(callId: string, off: boolean): void {
    const call = this.#calls.get(callId)?.call;
    if (off) call?.muteVideo();
    else call?.unmuteVideo();
  }

  hold(callId: string): void {
    this.#calls.get(callId)?.call.hold();
  }

  unhold(callId: string): void {
    this.#calls.get(callId)?.call.unhold();
  }

  sendDtmf(callId: string, digits: string, type: DtmfType): void {
    this.#calls.get(callId)?.call.sendDTMF(digits, type);
  }

  transfer(callId: string, target: string): void {
    this.#calls.get(callId)?.call.transfer(target);
  }

  #track(info: EngineCall, call: WebsdkCall): void {
    const listener = this.#listener;
    if (!listener) return;
    this.#calls.set(info.id, { info, call });
    for (const status of FORWARDED) {
      call.on(CALL_STATUS[status] ?? status, () => {
        let failure: EngineFailure | undefined;
        if (status === 'FAILED' && call.getInfo() === ERROR_INFO.LOCAL_ERROR) {
          failure = mediaFailure(call.getErrorInfo() ?? 'unknown error');
        }
        const reason = this.#reasons.get(info.id);
        // Like FINAL_CALL_STATUSES; not imported, so that this lazy chunk shares no module
        // with the main bundle (see rollup.config.mjs).
        if (status === 'FINISH' || status === 'FAILED' || status === 'BUSY') {
          this.#calls.delete(info.id);
          this.#reasons.delete(info.id);
        }
        listener.callStatus(info, status, reason, failure);
      });
    }
  }
}
