/**
 * The intent events of the child elements: `<sip-dialer>`, `<sip-incoming>`,
 * `<sip-call-controls>` and `<sip-devices>` fire them when a person presses their buttons.
 * `<sip-phone>` acts on them and stops them; a page composing the children itself can act
 * on them. In the bundle they come with the children (`dist/sip-phone-parts.js`), so a page
 * that only shows the phone does not download them.
 */
import type { DeviceKind } from './engine/engine.js';
import { init } from './events.js';


/** Dial `number` (from `<sip-dialer>`), with video when `video` is true. */
export class SipDialEvent extends CustomEvent<{ number: string; video: boolean }> {
  static readonly eventName = 'sip-dial';
  constructor(number: string, video = false) {
    super(SipDialEvent.eventName, { ...init, detail: { number, video } });
  }
}

export type CallAction =
  | 'answer'
  | 'answer-video'
  | 'decline'
  | 'hangup'
  | 'mute'
  | 'unmute'
  | 'hold'
  | 'unhold'
  | 'camera-off'
  | 'camera-on'
  | 'swap'
  | 'resume';
/**
 * Act on a call (from `<sip-incoming>` and `<sip-call-controls>`): `callId` names it, or
 * the action is for the call ringing in (answer, decline) or the active call (the others).
 */
export class SipCallActionEvent extends CustomEvent<{ action: CallAction; callId?: string }> {
  static readonly eventName = 'sip-call-action';
  constructor(action: CallAction, callId?: string) {
    super(SipCallActionEvent.eventName, { ...init, detail: callId ? { action, callId } : { action } });
  }
}

/** Send DTMF digits on the current call (from the keypad). */
export class SipDtmfEvent extends CustomEvent<{ digits: string }> {
  static readonly eventName = 'sip-dtmf';
  constructor(digits: string) {
    super(SipDtmfEvent.eventName, { ...init, detail: { digits } });
  }
}

/** Use another device (from `<sip-devices>`): `deviceId` '' is the browser's default. */
export class SipDeviceChangeEvent extends CustomEvent<{ kind: DeviceKind; deviceId: string }> {
  static readonly eventName = 'sip-device-change';
  constructor(kind: DeviceKind, deviceId: string) {
    super(SipDeviceChangeEvent.eventName, { ...init, detail: { kind, deviceId } });
  }
}

/** Set the calls' output volume, 0-1 (from `<sip-devices>`). */
export class SipVolumeChangeEvent extends CustomEvent<{ volume: number }> {
  static readonly eventName = 'sip-volume-change';
  constructor(volume: number) {
    super(SipVolumeChangeEvent.eventName, { ...init, detail: { volume } });
  }
}

/** Start or stop the microphone test (from `<sip-devices>`). */
export class SipMicTestEvent extends CustomEvent<{ on: boolean }> {
  static readonly eventName = 'sip-mic-test';
  constructor(on: boolean) {
    super(SipMicTestEvent.eventName, { ...init, detail: { on } });
  }
}

/** Transfer the current call to `target` (from `<sip-call-controls>`). */
export class SipTransferEvent extends CustomEvent<{ target: string }> {
  static readonly eventName = 'sip-transfer';
  constructor(target: string) {
    super(SipTransferEvent.eventName, { ...init, detail: { target } });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'sip-dial': SipDialEvent;
    'sip-call-action': SipCallActionEvent;
    'sip-dtmf': SipDtmfEvent;
    'sip-transfer': SipTransferEvent;
    'sip-device-change': SipDeviceChangeEvent;
    'sip-volume-change': SipVolumeChangeEvent;
    'sip-mic-test': SipMicTestEvent;
  }
}
