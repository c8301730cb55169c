// The parts of @flashphoner/websdk 2.0 the adapter uses, typed as they really behave (the
// package's own .d.ts is wrong in places: init() returns a Promise, answer's constraints
// is an object, sendDTMF takes strings).
declare module '@flashphoner/websdk/flashphoner-webrtc-only.js' {
  export interface WebsdkCall {
    call(): void;
    answer(options: {
      localVideoDisplay: HTMLElement;
      remoteVideoDisplay: HTMLElement;
      receiveAudio?: boolean;
      receiveVideo?: boolean;
      constraints?: { audio: boolean | object; video: boolean | object };
    }): void;
    hangup(): void;
    id(): string;
    caller(): string;
    callee(): string;
    visibleName(): string;
    status(): string;
    getInfo(): string | undefined;
    getErrorInfo(): string | undefined;
    muteAudio(): void;
    unmuteAudio(): void;
    isAudioMuted(): boolean;
    muteVideo(): void;
    unmuteVideo(): void;
    hold(): void;
    unhold(): void;
    sendDTMF(digits: string, type?: string): void;
    transfer(target: string): void;
    /** Captures the microphone `deviceId` and replaces the sent audio track; rejects (with an ERROR_INFO string) when there is one microphone or none. */
    switchMic(deviceId: string): Promise<string>;
    /** Captures the camera `deviceId` and replaces the sent video track. */
    switchCam(deviceId: string): Promise<string>;
    /** With `native`, the browser's own report grouped by type (`{transport: [...], ...}`); nothing while the call has no media. */
    getStats(callback: (stats: Record<string, Record<string, unknown>[] | undefined>) => void, native?: boolean): void;
    on(event: string, callback: (call: WebsdkCall) => void): WebsdkCall;
  }
  export interface WebsdkSession {
    id(): string;
    status(): string;
    disconnect(): void;
    createCall(options: {
      callee: string;
      visibleName?: string;
      localVideoDisplay: HTMLElement;
      remoteVideoDisplay: HTMLElement;
      constraints: { audio: boolean | object; video: boolean | object };
      receiveAudio?: boolean;
      receiveVideo?: boolean;
    }): WebsdkCall;
    on(event: string, callback: (...args: never[]) => void): WebsdkSession;
  }
  export interface SessionOptions {
    urlServer: string;
    /** The server-side application (WCS's REST hook decides what its sessions may do). */
    appKey?: string;
    authToken?: string;
    keepAlive?: boolean;
    timeout?: number;
    /** Sends `ping` to the server every this many ms (0: never). */
    pingInterval?: number;
    /** Fails the session after this many `probesInterval` checks in a row without a frame. */
    receiveProbes?: number;
    probesInterval?: number;
    sipOptions?: {
      login?: string;
      authenticationName?: string;
      password?: string;
      domain?: string;
      outboundProxy?: string;
      port?: number | string;
      registerRequired?: boolean;
    };
  }
  /** The websdk's logger object (shared by the core, its sessions and calls unless they get their own options). */
  export interface WebsdkLogger {
    /** Called with every line logged, at any level; buffers it unless pushing to the server is on. */
    pushLogs?: (line: string) => void;
    enablePushLogs?: boolean;
    wsConnection?: { send(data: string): void };
    debug(src: string, text: unknown): void;
    setConnection(connection: { send(data: string): void } | undefined): void;
    setPushLogs(push: boolean): void;
  }
  const Flashphoner: {
    init(options?: object): Promise<void> | void;
    /** The core logger; undefined (with a console warning) before init(). */
    getLogger(): WebsdkLogger | undefined;
    createSession(options: SessionOptions): WebsdkSession;
    constants: {
      SESSION_STATUS: Record<string, string>;
      CALL_STATUS: Record<string, string>;
      ERROR_INFO: Record<string, string>;
    };
  };
  export default Flashphoner;
}
