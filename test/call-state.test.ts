// Unit tests of the call-state model: every transition, the illegal ones included (they are
// rejected and leave the state as it was). No DOM, no engine.
import { expect } from '@open-wc/testing';
import { initialPhoneState, type CallSnapshot, type PhoneState } from '../src/call-context.js';
import { reduce, reduceAll, type Intent, type PhoneAction, type PhoneEffect, type Reduction } from '../src/call-state.js';
import type { EngineCall } from '../src/engine/engine.js';
import { callStatusText } from '../src/call-text.js';
import { translate } from '../src/i18n.js';

const configured: PhoneAction = { type: 'configure', login: '10005', callee: '', videoEnabled: true, register: true, maxCalls: 2, lang: 'en' };

/** The effects, with what is announced in English (the state model says keys; the phone translates them). */
const english = (effects: readonly PhoneEffect[]) =>
  effects.map((e) => (e.kind === 'announce' ? { kind: e.kind, text: translate('en', e.text) } : e));
/** What the phone says last, in English. */
const said = (r: Reduction) => english(r.effects).at(-1);
const registered = reduceAll(initialPhoneState, [
  configured,
  { type: 'connect' },
  { type: 'session', status: 'ESTABLISHED' },
  { type: 'session', status: 'REGISTERED' },
]).state;

const out = (id = 'o1', remote = '10006'): EngineCall => ({ id, direction: 'outgoing', remote });
const inc = (id = 'i1', remote = '10007'): EngineCall => ({ id, direction: 'incoming', remote, visibleName: remote });

/** A registered phone after `actions`. */
function after(...actions: PhoneAction[]): PhoneState {
  return reduceAll(registered, actions, 1000).state;
}
const intent = (i: Intent): PhoneAction => ({ type: 'intent', intent: i });
const status = (callId: string, s: CallSnapshot['status'], reason?: string): PhoneAction => ({ type: 'call-status', callId, status: s, reason });

/** A registered phone in a connected outgoing call o1. */
const inCall = () => after({ type: 'placed', call: out(), video: false }, status('o1', 'TRYING'), status('o1', 'RING'), status('o1', 'ESTABLISHED'));

const kinds = (r: Reduction) => r.effects.map((e) => e.kind);
const commands = (r: Reduction) => r.effects.flatMap((e) => (e.kind === 'engine' ? [e.command] : []));
const events = (r: Reduction, kind: PhoneEffect['kind']) => r.effects.filter((e) => e.kind === kind);
const callStatuses = (r: Reduction) =>
  r.effects.flatMap((e) => (e.kind === 'call-status' ? [`${e.detail.callId} ${e.detail.status}${e.detail.reason ? ` ${e.detail.reason}` : ''}`] : []));
const errorCodes = (r: Reduction) => r.effects.flatMap((e) => (e.kind === 'error' ? [e.error.code] : []));

/** An intent that is not possible: rejected, same state object, no effects. */
function expectRejected(state: PhoneState, i: Intent): void {
  const r = reduce(state, intent(i));
  expect(r.rejected, JSON.stringify(i)).to.exist;
  expect(r.state, JSON.stringify(i)).to.equal(state);
  expect(r.effects, JSON.stringify(i)).to.deep.equal([]);
}

/** An intent a person asked for by name that is not possible: rejected with a sip-error, nothing else changes. */
function expectRefused(state: PhoneState, i: Intent, code: string): void {
  const r = reduce(state, intent(i));
  expect(r.rejected?.code).to.equal(code);
  expect(errorCodes(r)).to.deep.equal([code]);
  expect(commands(r)).to.deep.equal([]);
  expect({ ...r.state, error: null }).to.deep.equal({ ...state, error: null });
}

describe('call-state reduce()', () => {
  describe('configuration and session', () => {
    it('configure sets the fields the children render and whether the phone can call', () => {
      const s = reduce(initialPhoneState, configured).state;
      expect(s).to.include({ login: '10005', videoEnabled: true, register: true, maxCalls: 2, canCall: false });
      const noRegister = reduce(after(), { ...configured, register: false }).state;
      expect(noRegister.canCall).to.equal(true);
    });

    it('connect: CONNECTING, one event, the old error cleared', () => {
      const failed = reduce(initialPhoneState, { type: 'fail', error: { code: 'invalid-config', text: ['x'] } }).state;
      const r = reduce(failed, { type: 'connect' });
      expect(r.state).to.include({ session: 'CONNECTING', canCall: false, error: null });
      expect(r.effects[0]).to.deep.equal({ kind: 'session-status', detail: { status: 'CONNECTING' } });
    });

    it('ESTABLISHED allows calling only without registration; REGISTERED allows it', () => {
      const est = reduceAll(initialPhoneState, [configured, { type: 'connect' }, { type: 'session', status: 'ESTABLISHED' }]).state;
      expect(est.canCall).to.equal(false);
      expect(reduce(est, { type: 'session', status: 'REGISTERED' }).state.canCall).to.equal(true);
      const noReg = reduceAll(initialPhoneState, [{ ...configured, register: false }, { type: 'session', status: 'ESTABLISHED' }]).state;
      expect(noReg.canCall).to.equal(true);
    });

    it('the same status again changes nothing', () => {
      const r = reduce(registered, { type: 'session', status: 'REGISTERED' });
      expect(r.state).to.equal(registered);
      expect(r.effects).to.deep.equal([]);
    });

    it('a lost session fails every call with "Connection lost", then reports the session and the error', () => {
      const s = reduce(inCall(), { type: 'incoming', call: inc() }).state;
      const failure = { code: 'connection-lost' as const, text: ['engine.lost'] as const };
      const r = reduce(s, { type: 'session', status: 'DISCONNECTED', failure });
      expect(callStatuses(r)).to.deep.equal(['o1 FAILED Connection lost', 'i1 FAILED Connection lost']);
      expect(r.state.calls).to.deep.equal([]);
      expect(r.state).to.include({ session: 'DISCONNECTED', canCall: false, activeCallId: null });
      expect(r.state.error).to.deep.equal(failure);
      expect(events(r, 'session-status')).to.deep.equal([
        { kind: 'session-status', detail: { status: 'DISCONNECTED', reason: 'connection-lost' } },
      ]);
      expect(errorCodes(r)).to.deep.equal(['connection-lost']);
    });

    it('reconnect-scheduled: RECONNECTING with the attempt and delay; REGISTERED clears it', () => {
      const lost = reduce(registered, { type: 'session', status: 'FAILED', failure: { code: 'connection-lost', text: ['lost'] } }).state;
      const r = reduce(lost, { type: 'reconnect-scheduled', attempt: 2, delayMs: 2100 });
      expect(r.state).to.include({ session: 'RECONNECTING', canCall: false });
      expect(r.state.reconnect).to.deep.equal({ attempt: 2, delayMs: 2100 });
      expect(r.effects[0]).to.deep.equal({ kind: 'session-status', detail: { status: 'RECONNECTING', attempt: 2, delayMs: 2100 } });
      expect(said(r)).to.deep.equal({ kind: 'announce', text: 'Reconnecting in 2 s…' });
      const connecting = reduce(r.state, { type: 'connect' }).state;
      expect(connecting.reconnect, 'an attempt keeps the count').to.deep.equal({ attempt: 2, delayMs: 2100 });
      const back = reduceAll(connecting, [{ type: 'session', status: 'ESTABLISHED' }, { type: 'session', status: 'REGISTERED' }]).state;
      expect(back.reconnect).to.equal(null);
    });

    it('a failed reconnect attempt is a status, not another error; a refused login is an error and ends the retries', () => {
      const waiting = reduceAll(registered, [
        { type: 'session', status: 'FAILED', failure: { code: 'connection-lost', text: ['lost'] } },
        { type: 'reconnect-scheduled', attempt: 1, delayMs: 1000 },
        { type: 'connect' },
      ]).state;
      const unreachable = reduce(waiting, { type: 'session', status: 'FAILED', failure: { code: 'server-unreachable', text: ['no'], reason: 'no' } });
      expect(errorCodes(unreachable)).to.deep.equal([]);
      expect(unreachable.state.error).to.deep.equal({ code: 'connection-lost', text: ['lost'] });
      expect(events(unreachable, 'session-status')).to.deep.equal([
        { kind: 'session-status', detail: { status: 'FAILED', reason: 'no' } },
      ]);
      const refused = reduce(waiting, { type: 'session', status: 'FAILED', failure: { code: 'registration-failed', text: ['refused'] } });
      expect(errorCodes(refused)).to.deep.equal(['registration-failed']);
      expect(refused.state.reconnect).to.equal(null);
    });

    it('disconnect hangs up every call, ends each with FINISH, then DISCONNECTED', () => {
      const s = reduce(inCall(), { type: 'incoming', call: inc() }).state;
      const r = reduce(s, { type: 'disconnect' });
      expect(commands(r)).to.deep.equal([
        { op: 'hangup', callId: 'o1' },
        { op: 'hangup', callId: 'i1' },
      ]);
      expect(callStatuses(r)).to.deep.equal(['o1 FINISH', 'i1 FINISH']);
      expect(r.state).to.include({ session: 'DISCONNECTED', canCall: false, reconnect: null });
      expect(events(r, 'session-status')).to.have.length(1);
      const idle = reduce(initialPhoneState, { type: 'disconnect' });
      expect(events(idle, 'session-status')).to.deep.equal([]);
    });
  });

  describe('calls', () => {
    it('placed: a PENDING outgoing call becomes the active one', () => {
      const r = reduce(registered, { type: 'placed', call: out(), video: true });
      expect(r.state.activeCallId).to.equal('o1');
      expect(r.state.call).to.include({ id: 'o1', status: 'PENDING', direction: 'outgoing', video: true });
      expect(english(r.effects)).to.deep.equal([{ kind: 'announce', text: 'Calling 10006…' }]);
    });

    it('statuses of a call: one event each, the timer starts once, HOLD marks it held', () => {
      const placed = after({ type: 'placed', call: out(), video: false });
      const r = reduceAll(placed, [status('o1', 'TRYING'), status('o1', 'RING'), status('o1', 'ESTABLISHED')], 5000);
      expect(callStatuses(r)).to.deep.equal(['o1 TRYING', 'o1 RING', 'o1 ESTABLISHED']);
      expect(r.state.call!.connectedAt).to.equal(5000);
      const held = reduce(r.state, status('o1', 'HOLD'), 7000).state;
      expect(held.call).to.include({ held: true, status: 'HOLD', connectedAt: 5000 });
      const again = reduce(held, status('o1', 'ESTABLISHED'), 9000).state;
      expect(again.call).to.include({ held: false, connectedAt: 5000 });
    });

    it('statuses of unknown calls, and a status repeated, are ignored', () => {
      const s = inCall();
      for (const action of [status('nope', 'FINISH'), status('o1', 'ESTABLISHED')]) {
        const r = reduce(s, action);
        expect(r.state).to.equal(s);
        expect(r.effects).to.deep.equal([]);
      }
    });

    it('final statuses take the call off the list, keep it as the last call and say what went wrong', () => {
      const cases: [CallSnapshot['status'], string | undefined, string | null, string][] = [
        ['FINISH', undefined, null, 'Call ended'],
        ['BUSY', 'Busy Here', 'busy', '10006 is busy or declined the call.'],
        ['BUSY', undefined, 'busy', '10006 is busy.'],
        ['FAILED', 'Not Found', 'call-failed', 'There is no 10006: check the number.'],
        ['FAILED', 'Request Timeout', 'call-failed', '10006 did not answer.'],
        ['FAILED', 'Decline', 'call-failed', '10006 declined the call.'],
        ['FAILED', 'Temporarily Unavailable', 'call-failed', '10006 cannot be reached right now.'],
        ['FAILED', 'Forbidden', 'call-failed', 'This phone may not call 10006.'],
        ['FAILED', 'Service Unavailable', 'call-failed', 'The call server could not connect the call. Try again later.'],
        ['FAILED', 'Unsupported Media Type', 'call-failed', 'The call with 10006 failed (Unsupported Media Type).'],
        ['FINISH', 'Media Failure', 'media-failed', 'No audio connection: check the network.'],
      ];
      for (const [final, reason, code, text] of cases) {
        const r = reduce(inCall(), status('o1', final, reason));
        expect(r.state.calls, final).to.deep.equal([]);
        expect(r.state.activeCallId).to.equal(null);
        expect(r.state.lastCall).to.include({ id: 'o1', status: final });
        expect(r.state.call, 'shown as the last call').to.equal(r.state.lastCall);
        expect(errorCodes(r)).to.deep.equal(code ? [code] : []);
        expect(said(r)).to.deep.equal({ kind: 'announce', text });
      }
    });

    it('a local failure is the error shown', () => {
      const failure = { code: 'media-denied' as const, text: ['engine.micDenied'] as const };
      const r = reduce(after({ type: 'placed', call: out(), video: false }), { type: 'call-status', callId: 'o1', status: 'FAILED', failure });
      expect(r.state.error).to.deep.equal(failure);
      expect(callStatuses(r), 'the event carries the code, not a sentence').to.deep.equal(['o1 FAILED media-denied']);
      expect(callStatusText(r.state.lastCall!), 'the last call says what the error said').to.deep.equal(['engine.micDenied']);
    });

    it('media-failed: the call is hung up toward the server and fails with media-failed', () => {
      const r = reduce(inCall(), { type: 'media-failed', callId: 'o1' });
      expect(commands(r)).to.deep.equal([{ op: 'hangup', callId: 'o1' }]);
      expect(callStatuses(r)).to.deep.equal(['o1 FAILED Media failure']);
      expect(errorCodes(r)).to.deep.equal(['media-failed']);
      const none = reduce(registered, { type: 'media-failed', callId: 'o1' });
      expect(none.state).to.equal(registered);
    });

    it('a transfer: REQUESTED, then COMPLETED when the server ends the call; a failed one says so and the call goes on', () => {
      const asked = reduce(inCall(), intent({ type: 'transfer', target: '10008' }));
      expect(commands(asked)).to.deep.equal([{ op: 'transfer', callId: 'o1', target: '10008' }]);
      expect(asked.state.call!.transfer).to.deep.equal({ target: '10008', status: 'REQUESTED' });
      const done = reduce(asked.state, status('o1', 'FINISH'));
      expect(done.state.lastCall!.transfer).to.deep.equal({ target: '10008', status: 'COMPLETED' });
      const failed = reduce(asked.state, { type: 'transfer-failed', callId: 'o1', reason: 'Not Found' });
      expect(failed.state.call!.transfer).to.equal(undefined);
      expect(errorCodes(failed)).to.deep.equal(['transfer-failed']);
      const unasked = reduce(inCall(), { type: 'transfer-failed', callId: 'o1', reason: 'x' });
      expect(unasked.effects).to.deep.equal([]);
    });

    it('fail: the error is shown, fired and announced', () => {
      const r = reduce(registered, { type: 'fail', error: { code: 'call-failed', text: ['No.'] } });
      expect(r.state.error).to.deep.equal({ code: 'call-failed', text: ['No.'] });
      expect(kinds(r)).to.deep.equal(['error', 'announce']);
    });
  });

  describe('calls in, and call waiting', () => {
    it('a call rings in: NEW, sip-incoming-call, shown as the phone\'s call', () => {
      const r = reduce(registered, { type: 'incoming', call: inc() });
      expect(r.state.call).to.include({ id: 'i1', status: 'NEW', direction: 'incoming' });
      expect(r.state.activeCallId).to.equal(null);
      expect(r.effects[0]).to.deep.equal({ kind: 'incoming-call', detail: { callId: 'i1', caller: '10007', visibleName: '10007' } });
      expect(said(r)).to.deep.equal({ kind: 'announce', text: 'Incoming call from 10007' });
      expect(reduce(r.state, { type: 'incoming', call: inc() }).state, 'the same call twice').to.equal(r.state);
    });

    it('a second call while one is up waits; the active call stays what the phone shows', () => {
      const r = reduce(inCall(), { type: 'incoming', call: inc() });
      expect(r.state.calls.map((c) => c.id)).to.deep.equal(['o1', 'i1']);
      expect(r.state.call!.id).to.equal('o1');
      expect(said(r)).to.deep.equal({ kind: 'announce', text: 'Call waiting from 10007' });
    });

    it('a call beyond max-calls, or while the phone cannot take calls, is turned away (busy)', () => {
      const full = reduce(reduce(inCall(), { type: 'incoming', call: inc() }).state, { type: 'incoming', call: inc('i2') });
      expect(full.rejected).to.exist;
      expect(commands(full)).to.deep.equal([{ op: 'hangup', callId: 'i2' }]);
      expect(full.state.calls.map((c) => c.id)).to.deep.equal(['o1', 'i1']);
      const connecting = reduce(initialPhoneState, { type: 'connect' }).state;
      const early = reduce(connecting, { type: 'incoming', call: inc() });
      expect(early.state).to.equal(connecting);
      expect(commands(early)).to.deep.equal([{ op: 'hangup', callId: 'i1' }]);
    });

    it('answer: the ringing call becomes active and PENDING; a connected call is held first', () => {
      const alone = reduce(after({ type: 'incoming', call: inc() }), intent({ type: 'answer', video: true }));
      expect(commands(alone)).to.deep.equal([{ op: 'answer', callId: 'i1', video: true }]);
      expect(alone.state.call).to.include({ id: 'i1', status: 'PENDING', video: true });
      const waiting = reduce(inCall(), { type: 'incoming', call: inc() }).state;
      const r = reduce(waiting, intent({ type: 'answer', callId: 'i1', video: false }));
      expect(commands(r)).to.deep.equal([
        { op: 'hold', callId: 'o1', held: true },
        { op: 'answer', callId: 'i1', video: false },
      ]);
      expect(r.state.activeCallId).to.equal('i1');
      expect(r.state.calls.map((c) => c.id)).to.deep.equal(['o1', 'i1']);
    });

    it('answering while a call still rings out cancels that one', () => {
      const ringingOut = after({ type: 'placed', call: out(), video: false }, status('o1', 'RING'), { type: 'incoming', call: inc() });
      const r = reduce(ringingOut, intent({ type: 'answer', video: false }));
      expect(commands(r)).to.deep.equal([
        { op: 'hangup', callId: 'o1' },
        { op: 'answer', callId: 'i1', video: false },
      ]);
      expect(callStatuses(r)).to.deep.equal(['o1 FINISH']);
    });

    it('decline: hung up toward the server and over here at once', () => {
      const r = reduce(reduce(inCall(), { type: 'incoming', call: inc() }).state, intent({ type: 'decline' }));
      expect(commands(r)).to.deep.equal([{ op: 'hangup', callId: 'i1' }]);
      expect(callStatuses(r)).to.deep.equal(['i1 FINISH']);
      expect(r.state.calls.map((c) => c.id)).to.deep.equal(['o1']);
      expect(r.state.activeCallId).to.equal('o1');
    });

    it('swap and resume: the active call is held, the held one resumed and made active', () => {
      const two = reduceAll(inCall(), [
        { type: 'incoming', call: inc() },
        intent({ type: 'answer', video: false }),
        status('o1', 'HOLD'),
        status('i1', 'ESTABLISHED'),
      ]).state;
      const r = reduce(two, intent({ type: 'resume' }));
      expect(commands(r)).to.deep.equal([
        { op: 'hold', callId: 'i1', held: true },
        { op: 'hold', callId: 'o1', held: false },
      ]);
      expect(r.state.activeCallId).to.equal('o1');
      // Hanging up the active call leaves the held one, which resumes on request.
      const left = reduceAll(two, [intent({ type: 'hangup' })]).state;
      expect(left.activeCallId).to.equal(null);
      expect(left.call).to.include({ id: 'o1', status: 'HOLD' });
      const resumed = reduce(left, intent({ type: 'resume', callId: 'o1' }));
      expect(commands(resumed)).to.deep.equal([{ op: 'hold', callId: 'o1', held: false }]);
      expect(resumed.state.activeCallId).to.equal('o1');
    });
  });

  describe('intents a person can ask for', () => {
    it('dial: checks the number, the session, the current call and max-calls', () => {
      expectRefused(registered, { type: 'dial', number: 'no spaces', video: false }, 'invalid-number');
      expectRefused(registered, { type: 'dial', number: '', video: false }, 'invalid-number');
      expectRefused(initialPhoneState, { type: 'dial', number: '10006', video: false }, 'invalid-state');
      expectRefused(inCall(), { type: 'dial', number: '10008', video: false }, 'invalid-state');
      const r = reduce(registered, intent({ type: 'dial', number: ' 10006 ', video: true }));
      expect(commands(r)).to.deep.equal([{ op: 'call', number: '10006', video: true }]);
      const noVideo = reduce(reduce(registered, { ...configured, videoEnabled: false }).state, intent({ type: 'dial', number: '1', video: true }));
      expect(commands(noVideo)).to.deep.equal([{ op: 'call', number: '1', video: false }]);
      const held = reduce(inCall(), status('o1', 'HOLD')).state;
      expect(commands(reduce(held, intent({ type: 'dial', number: '10008', video: false })))).to.have.length(1);
      const full = reduce(reduce(held, { ...configured, maxCalls: 1 }).state, intent({ type: 'dial', number: '10008', video: false }));
      expect(full.rejected?.code).to.equal('invalid-state');
    });

    it('answer, decline and hangup without a call are rejected', () => {
      expectRejected(registered, { type: 'answer', video: false });
      expectRejected(registered, { type: 'decline' });
      expectRejected(registered, { type: 'hangup' });
      expectRejected(inCall(), { type: 'answer', callId: 'o1', video: false });
      expectRejected(inCall(), { type: 'decline', callId: 'o1' });
    });

    it('hangup ends the call here at once, whatever the server does later', () => {
      const r = reduce(inCall(), intent({ type: 'hangup' }));
      expect(commands(r)).to.deep.equal([{ op: 'hangup', callId: 'o1' }]);
      expect(callStatuses(r)).to.deep.equal(['o1 FINISH']);
      const late = reduce(r.state, status('o1', 'FINISH', 'Terminated'));
      expect(late.effects).to.deep.equal([]);
      const ringingIn = reduce(after({ type: 'incoming', call: inc() }), intent({ type: 'hangup' }));
      expect(commands(ringingIn)).to.deep.equal([{ op: 'hangup', callId: 'i1' }]);
    });

    it('mute and unmute the active call', () => {
      expectRejected(registered, { type: 'mute', muted: true });
      expectRejected(inCall(), { type: 'mute', muted: false });
      const r = reduce(inCall(), intent({ type: 'mute', muted: true }));
      expect(commands(r)).to.deep.equal([{ op: 'mute', callId: 'o1', muted: true }]);
      expect(r.state.call!.muted).to.equal(true);
    });

    it('hold and unhold only a connected call; the state follows the server', () => {
      expectRejected(registered, { type: 'hold', held: true });
      expectRejected(after({ type: 'placed', call: out(), video: false }), { type: 'hold', held: true });
      expectRejected(inCall(), { type: 'hold', held: false });
      const r = reduce(inCall(), intent({ type: 'hold', held: true }));
      expect(commands(r)).to.deep.equal([{ op: 'hold', callId: 'o1', held: true }]);
      expect(r.state.call!.held).to.equal(false);
      const unhold = reduce(reduce(inCall(), status('o1', 'HOLD')).state, intent({ type: 'hold', held: false }));
      expect(commands(unhold)).to.deep.equal([{ op: 'hold', callId: 'o1', held: false }]);
    });

    it('resume without a held call, or while the active call is being placed, is rejected', () => {
      expectRejected(inCall(), { type: 'resume' });
      const placing = reduceAll(inCall(), [status('o1', 'HOLD'), intent({ type: 'dial', number: '10008', video: false }), { type: 'placed', call: out('o2', '10008'), video: false }]).state;
      expectRejected(placing, { type: 'resume', callId: 'o1' });
    });

    it('camera: only in a video call, and only a change', () => {
      expectRejected(inCall(), { type: 'camera', off: true });
      const video = reduceAll(registered, [{ type: 'placed', call: out(), video: true }, status('o1', 'ESTABLISHED')]).state;
      expectRejected(video, { type: 'camera', off: false });
      const r = reduce(video, intent({ type: 'camera', off: true }));
      expect(commands(r)).to.deep.equal([{ op: 'camera', callId: 'o1', off: true }]);
      expect(r.state.call!.cameraOff).to.equal(true);
    });

    it('dtmf: checked digits on a connected call', () => {
      expectRefused(inCall(), { type: 'dtmf', digits: '12x' }, 'invalid-dtmf');
      expectRefused(registered, { type: 'dtmf', digits: '1' }, 'invalid-state');
      const r = reduce(inCall(), intent({ type: 'dtmf', digits: '12a#' }));
      expect(commands(r)).to.deep.equal([{ op: 'dtmf', callId: 'o1', digits: '12A#' }]);
      expect(said(r)).to.deep.equal({ kind: 'announce', text: 'Sent 12a#' });
    });

    it('transfer: a checked target, a connected call', () => {
      expectRefused(inCall(), { type: 'transfer', target: '' }, 'invalid-number');
      expectRefused(registered, { type: 'transfer', target: '10008' }, 'invalid-state');
    });
  });

  describe('quality, devices and the microphone meter', () => {
    const good = { rating: 'good', mos: 4.4, packetLoss: 0, jitterMs: 2 } as const;
    const poor = { rating: 'poor', mos: 2.5, packetLoss: 15, jitterMs: 3, roundTripMs: 2 } as const;
    const quality = (q: typeof good | typeof poor): PhoneAction => ({ type: 'quality', callId: 'o1', quality: q });

    it('quality: stored on the connected call, one sip-call-quality per estimate', () => {
      const r = reduce(inCall(), quality(poor), 5000);
      expect(r.state.call!.quality).to.deep.equal({ ...poor, poorSince: 5000 });
      expect(r.effects).to.deep.equal([{ kind: 'call-quality', detail: { callId: 'o1', ...poor } }]);
    });

    it('quality: a call still poor after a while is warned about once, and told when it recovers', () => {
      const start = inCall();
      const first = reduce(start, quality(poor), 5000);
      const still = reduce(first.state, quality(poor), 7000);
      expect(still.state.call!.quality).to.include({ poorSince: 5000 });
      expect(still.state.call!.quality!.warned).to.equal(undefined);
      expect(kinds(still)).to.deep.equal(['call-quality']);
      const warned = reduce(still.state, quality(poor), 9000);
      expect(warned.state.call!.quality!.warned).to.equal(true);
      expect(said(warned)).to.deep.equal({ kind: 'announce', text: 'Poor connection with 10006: you may be hard to hear.' });
      const again = reduce(warned.state, quality(poor), 11_000);
      expect(kinds(again)).to.deep.equal(['call-quality']);
      const better = reduce(again.state, quality(good), 13_000);
      expect(better.state.call!.quality).to.deep.equal(good);
      expect(said(better)).to.deep.equal({ kind: 'announce', text: 'The connection with 10006 is better again.' });
    });

    it('quality: poor at three polls in a row is poor for 4 s, though the polls drift by a few ms', () => {
      const first = reduce(inCall(), quality(poor), 5000);
      const second = reduce(first.state, quality(poor), 7004);
      expect(second.state.call!.quality!.warned).to.equal(undefined);
      const third = reduce(second.state, quality(poor), 8996);
      expect(third.state.call!.quality!.warned).to.equal(true);
    });

    it('quality: ignored for a call that is not connected, or unknown (state unchanged)', () => {
      const ringing = after({ type: 'placed', call: out(), video: false }, status('o1', 'RING'));
      const r = reduce(ringing, quality(poor));
      expect(r.state).to.equal(ringing);
      expect(r.effects).to.deep.equal([]);
      const unknown = inCall();
      expect(reduce(unknown, { type: 'quality', callId: 'nope', quality: poor }).state).to.equal(unknown);
    });

    it('devices: merged into the state; the meter stream replaced only when it changes', () => {
      const r = reduce(registered, { type: 'devices', devices: { microphones: [{ id: 'm1', label: 'USB' }], microphone: 'm1' } });
      expect(r.state.devices).to.deep.include({ microphone: 'm1', speaker: '', volume: 1 });
      expect(r.state.devices.microphones).to.deep.equal([{ id: 'm1', label: 'USB' }]);
      expect(r.effects).to.deep.equal([]);
      const stream = new MediaStream();
      const shown = reduce(r.state, { type: 'mic-stream', stream });
      expect(shown.state.micStream).to.equal(stream);
      expect(reduce(shown.state, { type: 'mic-stream', stream }).state).to.equal(shown.state);
    });
  });
});
