// The widget and real SIP phones through Kamailio with media relayed by rtpengine (mode
// 'relay'): baresip phones (10010 answers by itself, 10011 is a transfer target) and a sipp
// echo responder. Audio is asserted on both ends: the browser's WebRTC statistics, and
// baresip's side: its control socket's events (incoming RTP established) and the RTP
// counters it prints for each ended call.
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/sip-phone.js';
import type { SipPhone } from '../../src/sip-phone.js';
import type { SipCallStatusEvent, SipErrorEvent } from '../../src/events.js';
import { audioEnergy, growth, inboundAudioBytes, sleep, trackPeerConnections, trackedPeerConnections, waitFor, waitForGrowth } from '../helpers/media-stats.js';
import { button, deepQuery, phoneText, recordEvents, waitForAttr, waitForText } from '../phone-helpers.js';
import { baresip, baresipEvents, baresipRtpStats, useSipGateway, stackInfo, type BaresipEvent } from './sip-helpers.js';

trackPeerConnections();

const statuses = (events: Event[]) =>
  events.filter((e): e is SipCallStatusEvent => e.type === 'sip-call-status').map((e) => e.detail.status);
const errors = (events: Event[]) =>
  events.filter((e): e is SipErrorEvent => e.type === 'sip-error').map((e) => e.detail);

/** Waits for a baresip event that `match` accepts; resolves with it. */
async function phoneEvent(login: string, match: (e: BaresipEvent) => boolean, timeout = 8000, what = 'event'): Promise<BaresipEvent> {
  let found: BaresipEvent | undefined;
  let seen: string[] = [];
  await waitFor(
    async () => {
      const events = await baresipEvents(login);
      seen = events.map((e) => `${e.type}:${e.param ?? ''}`);
      found = events.find(match);
      return found !== undefined;
    },
    timeout,
    `baresip ${login}: no ${what} (saw ${seen.join(', ')})`,
    100,
  );
  return found!;
}

/**
 * Runs `call` (which must end a call with baresip `login`), then resolves with the RTP
 * packets baresip counted for that call: it prints them when the call ends.
 */
async function phoneCounted(login: string, call: () => Promise<void>): Promise<{ tx: number; rx: number }> {
  const before = (await baresipRtpStats(login)).calls;
  await call();
  let stats = await baresipRtpStats(login);
  await waitFor(
    async () => (stats = await baresipRtpStats(login)).calls > before,
    5000,
    `baresip ${login} printed no RTP counters for the call`,
    100,
  );
  return stats;
}

describe("widget and real SIP phones through Kamailio + rtpengine (media mode 'relay')", () => {
  const gateway = useSipGateway('relay');
  beforeEach(async () => {
    // Each test starts with idle phones and no old events.
    for (const login of ['10010', '10011']) {
      await baresip(login, 'hangup').catch(() => undefined);
      await baresipEvents(login, true);
    }
  });

  async function widget(login: string, attrs: { password?: string; dtmfType?: string } = {}) {
    const el = await fixture<SipPhone>(html`<sip-phone
      wcs-url=${gateway().url}
      sip-login=${login}
      sip-password=${attrs.password ?? `pass${login}`}
      dtmf-type=${attrs.dtmfType ?? 'RFC2833'}
    ></sip-phone>`);
    return el;
  }

  async function registered(login: string, attrs: { dtmfType?: string } = {}) {
    const el = await widget(login, attrs);
    button(el, 'Connect')!.click();
    await waitForAttr(el, 'session-status', 'REGISTERED');
    return el;
  }

  it('the widget calls baresip: audio both ways, DTMF (SIP INFO, and RFC 2833 falling back to INFO) reaches baresip, hold is sendonly there', async () => {
    const a = await registered('10005', { dtmfType: 'INFO' });
    const events = recordEvents(a);
    const before = trackedPeerConnections().length;
    a.call('10010');
    await waitForAttr(a, 'call-status', 'ESTABLISHED');
    await phoneEvent('10010', (e) => e.type === 'CALL_ESTABLISHED', 5000, 'CALL_ESTABLISHED');
    const [pc] = trackedPeerConnections().slice(before);
    await waitFor(async () => (await inboundAudioBytes(pc)) > 0, 8000, 'the browser receives no audio from baresip');
    expect(await growth(() => inboundAudioBytes(pc), 1500), 'bytes from baresip').to.be.greaterThan(1500);
    expect(await growth(() => audioEnergy(pc), 2000), "baresip's tone is heard").to.be.greaterThan(0.001);
    await phoneEvent('10010', (e) => e.type === 'CALL_RTPESTAB', 5000, 'RTP from the browser');

    a.sendDtmf('1');
    await sleep(400);
    a.sendDtmf('5#');
    for (const digit of ['1', '5', '#']) {
      await phoneEvent('10010', (e) => e.type === 'CALL_DTMF_START' && e.param === digit, 5000, `DTMF ${digit}`);
    }
    // The widget's default type, RFC 2833, cannot be injected in this mode (rtpengine without
    // inject-DTMF): the gateway falls back to SIP INFO and the digit still arrives.
    a.dtmfType = 'RFC2833';
    a.sendDtmf('7');
    await phoneEvent('10010', (e) => e.type === 'CALL_DTMF_START' && e.param === '7', 5000, 'DTMF 7 (RFC 2833, sent as INFO)');
    const afterFallback = (await gateway().findAll())[0] as unknown as { dtmf: string; dtmfType: string };
    expect(afterFallback.dtmf).to.equal('15#7');
    expect(afterFallback.dtmfType).to.equal('INFO');

    // Hold: a re-INVITE with sendonly; baresip answers recvonly and stops sending.
    await baresipEvents('10010', true);
    button(a, 'Hold')!.click();
    await waitForAttr(a, 'call-status', 'HOLD');
    await phoneEvent('10010', (e) => e.type === 'CALL_REMOTE_SDP' && e.param === 'offer', 5000, 'the hold re-INVITE');
    const held = (await gateway().findAll())[0] as unknown as { remoteDirection: string };
    expect(held.remoteDirection, 'baresip answered the hold').to.equal('recvonly');
    await sleep(500);
    expect(await growth(() => inboundAudioBytes(pc), 1500), 'baresip still sends while held').to.be.lessThan(300);
    button(a, 'Unhold')!.click();
    await waitForAttr(a, 'call-status', 'ESTABLISHED');
    expect(((await gateway().findAll())[0] as unknown as { remoteDirection: string }).remoteDirection).to.equal('sendrecv');
    await sleep(300);
    expect(await growth(() => audioEnergy(pc), 2000), 'the tone is back after unhold').to.be.greaterThan(0.001);

    const counted = await phoneCounted('10010', async () => {
      a.hangup();
      await waitForAttr(a, 'call-status', 'FINISH');
      await phoneEvent('10010', (e) => e.type === 'CALL_CLOSED', 5000, 'CALL_CLOSED');
    });
    expect(counted.rx, 'RTP packets baresip received from the browser').to.be.greaterThan(200);
    expect(statuses(events)).to.include.members(['TRYING', 'ESTABLISHED', 'HOLD', 'FINISH']);
    expect(errors(events)).to.deep.equal([]);
  });

  it('baresip calls the widget: it rings, is answered, audio both ways, baresip hangs up', async () => {
    const a = await registered('10005');
    const events = recordEvents(a);
    const before = trackedPeerConnections().length;
    await baresip('10010', 'dial', '10005');
    await waitForAttr(a, 'call-status', 'RING');
    expect(phoneText(a)).to.contain('You have a new call from 10010');
    button(a, 'Answer')!.click();
    await waitForAttr(a, 'call-status', 'ESTABLISHED');
    await phoneEvent('10010', (e) => e.type === 'CALL_ESTABLISHED', 5000, 'CALL_ESTABLISHED');
    const [pc] = trackedPeerConnections().slice(before);
    await waitFor(async () => (await inboundAudioBytes(pc)) > 0, 8000, 'the browser receives no audio from baresip');
    expect(await growth(() => audioEnergy(pc), 2000), "baresip's tone is heard").to.be.greaterThan(0.001);
    await phoneEvent('10010', (e) => e.type === 'CALL_RTPESTAB', 5000, 'RTP from the browser');
    const counted = await phoneCounted('10010', async () => {
      await baresip('10010', 'hangup');
      await waitForAttr(a, 'call-status', 'FINISH');
    });
    expect(counted.rx, 'RTP packets baresip received from the browser').to.be.greaterThan(100);
    expect(statuses(events)).to.deep.equal(['RING', 'ESTABLISHED', 'FINISH']);
  });

  it('call waiting: baresip calls the widget, a second widget calls it too; decline gives busy, answer holds baresip (sendonly re-INVITE), swap resumes it; audio at each step', async () => {
    const c = await registered('10005');
    const b = await registered('10006');
    const base = trackedPeerConnections().length;
    await baresip('10010', 'dial', '10005');
    await waitForAttr(c, 'call-status', 'RING');
    button(c, 'Answer')!.click();
    await waitForAttr(c, 'call-status', 'ESTABLISHED');
    await phoneEvent('10010', (e) => e.type === 'CALL_ESTABLISHED', 5000, 'CALL_ESTABLISHED');
    const [pcCA] = trackedPeerConnections().slice(base) as [RTCPeerConnection];
    await waitForGrowth(() => audioEnergy(pcCA), 0.001, 8000, "C hears baresip's tone");

    // B calls C: it waits; C declines it and B hears busy at once, baresip's call goes on.
    b.call('10005');
    await waitFor(() => phoneText(c).includes('Call waiting from 10006'), 8000, 'C sees the waiting call');
    button(c, 'Decline')!.click();
    await waitForAttr(b, 'call-status', 'BUSY', 2000);
    await waitForGrowth(() => audioEnergy(pcCA), 0.001, 4000, 'C still hears baresip');

    // B calls again and C answers: baresip is put on hold (a sendonly re-INVITE, which it
    // answers recvonly, and stops sending), B and C talk.
    await baresipEvents('10010', true);
    const beforeB = trackedPeerConnections().length;
    b.call('10005');
    await waitFor(() => phoneText(c).includes('Call waiting from 10006'), 8000, 'C sees the waiting call again');
    button(c, 'Answer')!.click();
    await waitForAttr(b, 'call-status', 'ESTABLISHED');
    const [pcB, pcCB] = trackedPeerConnections().slice(beforeB) as [RTCPeerConnection, RTCPeerConnection];
    await waitForGrowth(() => audioEnergy(pcB), 0.001, 8000, 'B hears C');
    await waitForGrowth(() => audioEnergy(pcCB), 0.001, 8000, 'C hears B');
    await phoneEvent('10010', (e) => e.type === 'CALL_REMOTE_SDP' && e.param === 'offer', 5000, 'the hold re-INVITE');
    const legWithPhone = async () =>
      ((await gateway().findAll()) as unknown as { caller: string; callee: string; remoteDirection: string; hold: boolean }[]).find(
        (l) => l.caller === '10010',
      );
    await waitFor(async () => (await legWithPhone())?.remoteDirection === 'recvonly', 5000, 'baresip answered the hold');
    expect((await legWithPhone())?.hold).to.equal(true);
    await sleep(500);
    expect(await growth(() => inboundAudioBytes(pcCA), 1500), 'baresip still sends while held').to.be.lessThan(300);
    expect(phoneText(c)).to.contain('On hold with 10010');

    // Swap: baresip is resumed (sendrecv) and heard again; B is held.
    deepQuery<HTMLButtonElement>(c, '[part=swap-button]')!.click();
    await waitFor(async () => (await legWithPhone())?.remoteDirection === 'sendrecv', 5000, 'baresip resumed');
    await waitForGrowth(() => audioEnergy(pcCA), 0.001, 8000, 'C hears baresip again');
    await waitFor(() => phoneText(c).includes('On hold with 10006'), 5000, 'B on hold');
    // Kamailio + rtpengine relay what C's browser sends whatever the SDP says (sendonly lets
    // the holder send): the widget itself keeps a held call's microphone off, so B does not
    // hear C talking to baresip.
    await waitFor(async () => (await growth(() => audioEnergy(pcB), 600)) < 0.0002, 5000, 'B still hears C', 0);
    expect(await growth(() => audioEnergy(pcB), 2000), 'B, held, hears nothing').to.be.lessThan(0.0005);

    const counted = await phoneCounted('10010', async () => {
      c.hangup();
      await phoneEvent('10010', (e) => e.type === 'CALL_CLOSED', 5000, 'CALL_CLOSED');
    });
    expect(counted.rx, 'RTP packets baresip received from C').to.be.greaterThan(100);
    await waitFor(() => deepQuery(c, '[part=resume-button]') !== null, 5000, 'Resume for the held B');
    b.hangup();
    // B's BYE reaches C although C's re-INVITEs changed the dialog's target (Kamailio adds
    // the WebSocket alias to in-dialog requests too).
    await waitForAttr(c, 'call-status', 'FINISH');
  });

  it('the widget calls the sipp echo responder and hears its own audio back', async () => {
    const info = await stackInfo();
    const a = await registered('10005');
    const before = trackedPeerConnections().length;
    a.call(info.echo.number);
    await waitForAttr(a, 'call-status', 'ESTABLISHED');
    const [pc] = trackedPeerConnections().slice(before);
    await waitFor(async () => (await inboundAudioBytes(pc)) > 0, 8000, 'nothing echoed');
    expect(await growth(() => inboundAudioBytes(pc), 1500)).to.be.greaterThan(1500);
    // The fake microphone's beeps come back.
    expect(await growth(() => audioEnergy(pc), 2500), 'the echo is silent').to.be.greaterThan(0.001);
    a.mute();
    await sleep(600);
    expect(await growth(() => audioEnergy(pc), 2500), 'muted, yet something is echoed').to.be.lessThan(0.0005);
    a.hangup();
    await waitForAttr(a, 'call-status', 'FINISH');
  });

  it('a blind transfer by REFER connects baresip 10010 to baresip 10011', async () => {
    const a = await registered('10005');
    const events = recordEvents(a);
    a.call('10010');
    await waitForAttr(a, 'call-status', 'ESTABLISHED');
    a.transfer('10011');
    await waitForAttr(a, 'call-status', 'FINISH');
    const finish = events.filter((e): e is SipCallStatusEvent => e.type === 'sip-call-status').at(-1)!;
    expect(finish.detail.transfer).to.deep.equal({ target: '10011', status: 'COMPLETED' });
    const established = await phoneEvent('10011', (e) => e.type === 'CALL_ESTABLISHED', 8000, 'the transferred call');
    expect(established.peeruri).to.contain('10010');
    await phoneEvent('10011', (e) => e.type === 'CALL_RTPESTAB', 5000, 'RTP from 10010');
    await sleep(1500);
    const counted = await phoneCounted('10011', () => baresip('10011', 'hangup').then(() => undefined));
    expect(counted.rx, 'RTP packets 10011 received from 10010').to.be.greaterThan(50);
  });

  it('a wrong password is refused by Kamailio and the widget shows a registration failure', async () => {
    const a = await widget('10005', { password: 'wrong' });
    const events = recordEvents(a);
    button(a, 'Connect')!.click();
    await waitFor(() => errors(events).length > 0, 8000, 'no sip-error');
    expect(errors(events)[0].code).to.equal('registration-failed');
    // The form comes back with the message (its module loads first, on a configured phone).
    await waitForText(a, 'refused the login for 10005');
    expect(phoneText(a)).to.contain('Forbidden');
  });

  it('calling a number nobody registered shows "Not Found"', async () => {
    const a = await registered('10005');
    const events = recordEvents(a);
    a.call('10099');
    await waitForAttr(a, 'call-status', 'FAILED');
    expect(errors(events)).to.deep.equal([{ code: 'call-failed', message: 'There is no 10099: check the number.' }]);
  });
});

describe("the widget and a plain RTP phone with Kamailio relaying signalling only (media mode 'gateway')", () => {
  const gateway = useSipGateway('gateway');

  it('calls baresip 10012: audio both ways, DTMF as RFC 2833 events from the gateway reaches baresip', async () => {
    for (const login of ['10012']) {
      await baresip(login, 'hangup').catch(() => undefined);
      await baresipEvents(login, true);
    }
    const a = await fixture<SipPhone>(html`<sip-phone wcs-url=${gateway().url} sip-login="10008" sip-password="pass10008" dtmf-type="RFC2833"></sip-phone>`);
    const events = recordEvents(a);
    button(a, 'Connect')!.click();
    await waitForAttr(a, 'session-status', 'REGISTERED');
    const before = trackedPeerConnections().length;
    a.call('10012');
    await waitForAttr(a, 'call-status', 'ESTABLISHED');
    await phoneEvent('10012', (e) => e.type === 'CALL_ESTABLISHED', 5000, 'CALL_ESTABLISHED');
    const [pc] = trackedPeerConnections().slice(before);
    await waitFor(async () => (await inboundAudioBytes(pc)) > 0, 8000, 'the browser receives no audio from baresip');
    expect(await growth(() => audioEnergy(pc), 2000), "baresip's tone is heard").to.be.greaterThan(0.001);
    await phoneEvent('10012', (e) => e.type === 'CALL_RTPESTAB', 5000, 'RTP from the gateway');
    a.sendDtmf('4');
    await sleep(300);
    a.sendDtmf('*');
    for (const digit of ['4', '*']) {
      await phoneEvent('10012', (e) => e.type === 'CALL_DTMF_START' && e.param === digit, 5000, `DTMF ${digit}`);
    }
    const counted = await phoneCounted('10012', async () => {
      a.hangup();
      await waitForAttr(a, 'call-status', 'FINISH');
      await phoneEvent('10012', (e) => e.type === 'CALL_CLOSED', 5000, 'CALL_CLOSED');
    });
    expect(counted.rx, 'RTP packets baresip received from the gateway').to.be.greaterThan(100);
    expect(errors(events)).to.deep.equal([]);
  });

  it('calls the sipp echo responder (G.711 only: rtpengine transcodes the Opus of the gateway) and hears its own audio back', async () => {
    const info = await stackInfo();
    const a = await fixture<SipPhone>(html`<sip-phone wcs-url=${gateway().url} sip-login="10007" sip-password="pass10007"></sip-phone>`);
    button(a, 'Connect')!.click();
    await waitForAttr(a, 'session-status', 'REGISTERED');
    const before = trackedPeerConnections().length;
    a.call(info.echo.number);
    await waitForAttr(a, 'call-status', 'ESTABLISHED');
    const [pc] = trackedPeerConnections().slice(before);
    await waitFor(async () => (await inboundAudioBytes(pc)) > 0, 8000, 'nothing echoed');
    expect(await growth(() => audioEnergy(pc), 2500), 'the echo is silent').to.be.greaterThan(0.001);
    const [leg] = (await gateway().findAll()) as unknown as { plainRtp: { sent: number; received: number } }[];
    expect(leg.plainRtp.sent, 'RTP sent toward rtpengine').to.be.greaterThan(50);
    expect(leg.plainRtp.received, 'RTP back from rtpengine').to.be.greaterThan(50);
    a.hangup();
    await waitForAttr(a, 'call-status', 'FINISH');
  });
});
