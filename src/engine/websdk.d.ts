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
    authToken?: string;
    keepAlive?: boolean;
    timeout?: number;
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
  const Flashphoner: {
    init(options?: object): Promise<void> | void;
    createSession(options: SessionOptions): WebsdkSession;
    constants: {
      SESSION_STATUS: Record<string, string>;
      CALL_STATUS: Record<string, string>;
      ERROR_INFO: Record<string, string>;
    };
  };
  export default Flashphoner;
}
