// One websdk session's frame handling, with a scripted call handler in place of a switchboard.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { WebSocket } from 'ws';
import type { Accounts } from './accounts.js';
import type { CallSession } from './call-signalling.js';
import { LoginThrottle } from './security.js';
import { Session, TokenStore, type CallHandler } from './session.js';
import { consoleLogger, Timers } from './util.js';
import { until } from './test-support.js';

/** The part of a `ws` socket a Session uses: frames in through 'message', frames out through send(). */
class FakeSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  readonly sent: string[] = [];
  send(text: string): void {
    this.sent.push(text);
  }
  close(): void {
    this.readyState = 3;
    this.emit('close', 1000);
  }
  frame(message: string, payload: Record<string, unknown>): void {
    this.emit('message', Buffer.from(JSON.stringify({ message, data: [payload] })), false);
  }
  messages(): string[] {
    return this.sent.map((text) => (JSON.parse(text) as { message: string }).message);
  }
}

/** A call handler that records the requests it gets; `sendDtmf` waits until released, like an unanswered SIP INFO. */
function handler() {
  const requests: string[] = [];
  let release!: () => void;
  const dtmfAnswered = new Promise<void>((resolve) => (release = resolve));
  const h: CallHandler = {
    signIn: async () => ({ ok: true }),
    register() {},
    sessionClosed() {},
    async onCall() {
      requests.push('call');
    },
    async onAnswer() {
      requests.push('answer');
    },
    onHangup() {
      requests.push('hangup');
    },
    async onHold(_s: CallSession, _p: Record<string, unknown>, hold: boolean) {
      requests.push(hold ? 'hold' : 'unhold');
    },
    async onDtmf(_s: CallSession, p: Record<string, unknown>) {
      requests.push(`dtmf ${String(p['dtmf'])} start`);
      await dtmfAnswered;
      requests.push(`dtmf ${String(p['dtmf'])} end`);
    },
    async onTransfer() {
      requests.push('transfer');
    },
  };
  return { h, requests, release };
}

describe('session', () => {
  test('a hangup does not wait behind DTMF the far end has not answered; DTMF and hold keep their order', async () => {
    const { h, requests, release } = handler();
    const ws = new FakeSocket();
    const timers = new Timers();
    const session = new Session(
      ws as unknown as WebSocket,
      {
        accounts: {} as Accounts,
        switchboard: h,
        logger: consoleLogger('silent'),
        timers,
        tokens: new TokenStore(0),
        pingIntervalMs: 0,
        keepaliveTimeoutMs: 0,
        refuseMode: 'fail',
        throttle: new LoginThrottle(),
        loginTimeoutMs: 0,
        apps: new Map(),
        sessions: new Set(),
      },
      'test',
    );
    ws.frame('connection', { sipLogin: '10005', sipPassword: 'secret', sipRegisterRequired: true });
    await until(() => ws.messages().includes('registered'), 2000, 'the session never registered');

    ws.frame('sendDtmf', { callId: 'c1', dtmf: '1', type: 'INFO' });
    ws.frame('sendDtmf', { callId: 'c1', dtmf: '2', type: 'INFO' });
    ws.frame('hold', { callId: 'c1' });
    ws.frame('hangup', { callId: 'c1' });
    await until(() => requests.includes('hangup'), 2000, 'the hangup waited behind the unanswered DTMF');
    assert.deepEqual(requests, ['dtmf 1 start', 'hangup']);

    release();
    await until(() => requests.includes('hold'), 2000, 'the hold never ran');
    assert.deepEqual(requests, ['dtmf 1 start', 'hangup', 'dtmf 1 end', 'dtmf 2 start', 'dtmf 2 end', 'hold']);
    ws.close();
    assert.equal(session.state, 'closed');
    timers.clearAll();
  });
});
