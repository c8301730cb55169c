// End to end: the widget's SIP functions (DTMF, hold, blind transfer) and video calls,
// with the real websdk against the gateway, asserted through the gateway's REST API and
// the browsers' media statistics.
import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../src/sip-phone.js';
import type { SipPhone } from '../src/sip-phone.js';
import type { SipCallStatusEvent } from '../src/events.js';
import { useTestGateway } from './helpers/gateway.js';
import {
  audioEnergy,
  framesDecoded,
  growth,
  inboundAudioBytes,
  sleep,
  trackPeerConnections,
  trackedPeerConnections,
  waitFor,
} from './helpers/media-stats.js';
import { button, deepQuery, phoneText, recordEvents, waitForAttr, waitForText } from './phone-helpers.js';

trackPeerConnections();

const gatewayOf = useTestGateway();

async function phones(logins: string[], attrs: { video?: boolean; dtmfType?: string } = {}) {
  const root = await fixture<HTMLDivElement>(html`<div>
    ${logins.map(
      (login) => html`<sip-phone
        id=${`p${login}`}
        wcs-url=${gatewayOf().url}
        sip-login=${login}
        sip-password=${`pass${login}`}
        ?video=${attrs.video}
        dtmf-type=${attrs.dtmfType ?? 'RFC2833'}
      ></sip-phone>`,
    )}
  </div>`);
  const list = logins.map((login) => root.querySelector<SipPhone>(`#p${login}`)!);
  for (const phone of list) await phone.connect();
  for (const phone of list) await waitForAttr(phone, 'session-status', 'REGISTERED');
  return list;
}

/** A calls B (with video when asked) and B answers; resolves with both peer connections. */
async function connect(a: SipPhone, b: SipPhone, video = false) {
  const before = trackedPeerConnections().length;
  a.call(b.sipLogin, { video });
  await waitForAttr(b, 'call-status', 'RING');
  b.answer({ video });
  await waitForAttr(a, 'call-status', 'ESTABLISHED');
  await waitForAttr(b, 'call-status', 'ESTABLISHED');
  const [pcA, pcB] = trackedPeerConnections().slice(before);
  await waitFor(async () => (await inboundAudioBytes(pcA)) > 0 && (await inboundAudioBytes(pcB)) > 0, 5000, 'no audio');
  return { pcA, pcB };
}

/** Mean brightness (0-255) of what a video element shows now. */
async function brightness(video: HTMLVideoElement): Promise<number> {
  const canvas = new OffscreenCanvas(64, 48);
  const ctx = canvas.getContext('2d')!;
  ctx.drawImage(video, 0, 0, 64, 48);
  const { data } = ctx.getImageData(0, 0, 64, 48);
  let sum = 0;
  for (let i = 0; i < data.length; i += 4) sum += (data[i] + data[i + 1] + data[i + 2]) / 3;
  return sum / (data.length / 4);
}

const callStatuses = (events: Event[]) =>
  events.filter((e): e is SipCallStatusEvent => e.type === 'sip-call-status').map((e) => e.detail.status);

describe('SIP functions through the widget', () => {
  it('sends DTMF from the keypad, the keyboard and sendDtmf(), and the gateway receives exactly those digits', async () => {
    const [a, b] = await phones(['10005', '10006']);
    await connect(a, b);
    deepQuery<HTMLButtonElement>(a, '[part=keypad-button]')!.click();
    await a.updateComplete;
    await (deepQuery(a, 'sip-call-controls') as HTMLElement & { updateComplete: Promise<boolean> }).updateComplete;
    deepQuery<HTMLButtonElement>(a, '[part=keypad] button[aria-label="1"]')!.click();
    deepQuery<HTMLButtonElement>(a, '[part=hangup-button]')!.focus();
    await sendKeys({ press: '2' });
    a.sendDtmf('3*#');
    let legs = await gatewayOf().findAll();
    await waitFor(async () => {
      legs = await gatewayOf().findAll();
      return legs.some((leg) => leg.dtmf === '123*#');
    }, 3000, `digits never reached the gateway: ${JSON.stringify(legs.map((l) => l.dtmf))}`);
    const sender = legs.find((leg) => leg.dtmf === '123*#')!;
    expect(sender).to.include({ caller: '10005', callee: '10006', dtmfType: 'RFC2833' });
    a.hangup();
    await waitForAttr(b, 'call-status', 'FINISH');
  });

  it('sends DTMF as SIP INFO when dtmf-type="INFO"', async () => {
    const [a, b] = await phones(['10005', '10006'], { dtmfType: 'INFO' });
    await connect(a, b);
    b.sendDtmf('9');
    await waitFor(async () => (await gatewayOf().findAll()).some((leg) => leg.dtmf === '9' && leg.dtmfType === 'INFO'), 3000, 'INFO digit not received');
    b.hangup();
    await waitForAttr(a, 'call-status', 'FINISH');
  });

  for (const holder of ['caller', 'callee'] as const) {
    it(`holds and resumes from the ${holder}'s side: the held party's audio stops, the timer keeps running`, async () => {
      const [a, b] = await phones(['10005', '10006']);
      const { pcA, pcB } = await connect(a, b);
      const [holding, held, heldPc] = holder === 'caller' ? [a, b, pcB] : [b, a, pcA];
      const events = recordEvents(holding);
      await sleep(1100);
      button(holding, 'Hold')!.click();
      await waitForAttr(holding, 'call-status', 'HOLD');
      const timerAtHold = deepQuery(holding, '[role=timer]')!.textContent!;
      expect(timerAtHold).to.match(/^0:0[1-9]$/);
      await expect(holding).to.be.accessible();
      await sleep(500);
      expect(await growth(() => inboundAudioBytes(heldPc), 2000), 'held party still receives audio').to.be.lessThan(300);
      button(holding, 'Unhold')!.click();
      await waitForAttr(holding, 'call-status', 'ESTABLISHED');
      await sleep(300);
      expect(await growth(() => inboundAudioBytes(heldPc), 1500), 'audio did not resume').to.be.greaterThan(2000);
      expect(await growth(() => audioEnergy(heldPc), 2000), 'resumed audio is silent').to.be.greaterThan(0.001);
      expect(callStatuses(events)).to.deep.equal(['HOLD', 'ESTABLISHED']);
      const timer = deepQuery(holding, '[role=timer]')!.textContent!;
      expect(timer >= timerAtHold, `timer restarted: ${timerAtHold} -> ${timer}`).to.equal(true);
      expect(held.callStatus === 'ESTABLISHED' || held.callStatus === 'HOLD').to.equal(true);
      holding.hangup();
      await waitForAttr(held, 'call-status', 'FINISH');
    });
  }

  it('a video call decodes frames both ways, shows both videos, and the camera toggle stops the camera', async () => {
    const [a, b] = await phones(['10005', '10006'], { video: true });
    const before = trackedPeerConnections().length;
    a.callee = '10006';
    await a.updateComplete;
    button(a, 'Video call')!.click();
    await waitForAttr(b, 'call-status', 'RING');
    button(b, 'Answer with video')!.click();
    await waitForAttr(a, 'call-status', 'ESTABLISHED');
    const [pcA, pcB] = trackedPeerConnections().slice(before);
    await waitFor(async () => (await framesDecoded(pcA)) > 10 && (await framesDecoded(pcB)) > 10, 8000, 'no video frames decoded');
    for (const phone of [a, b]) {
      expect(deepQuery<HTMLElement>(phone, '[part=media]')!.hidden).to.equal(false);
      const remote = deepQuery<HTMLVideoElement>(phone, '#remote-media video')!;
      const local = deepQuery<HTMLVideoElement>(phone, '#local-media video')!;
      await waitFor(() => remote.videoWidth > 0 && local.videoWidth > 0, 5000, 'videos not shown');
    }
    await expect(a).to.be.accessible();
    // What B sees of A's camera: the fake camera's picture is bright, a switched-off camera black.
    const seenByB = deepQuery<HTMLVideoElement>(b, '#remote-media video')!;
    expect(await brightness(seenByB)).to.be.greaterThan(20);
    button(a, 'Camera off')!.click();
    await waitFor(async () => (await brightness(seenByB)) < 3, 3000, 'B still sees the camera after Camera off');
    button(a, 'Camera on')!.click();
    await waitFor(async () => (await brightness(seenByB)) > 20, 3000, 'B does not see the camera after Camera on');
    expect(await growth(() => framesDecoded(pcB), 2000)).to.be.greaterThan(20);
    a.hangup();
    await waitForAttr(b, 'call-status', 'FINISH');
  });

  it('answers a video call with audio only', async () => {
    const [a, b] = await phones(['10005', '10006'], { video: true });
    const before = trackedPeerConnections().length;
    a.call('10006', { video: true });
    await waitForAttr(b, 'call-status', 'RING');
    button(b, 'Answer')!.click();
    await waitForAttr(a, 'call-status', 'ESTABLISHED');
    const [pcA, pcB] = trackedPeerConnections().slice(before);
    await waitFor(async () => (await inboundAudioBytes(pcA)) > 0 && (await inboundAudioBytes(pcB)) > 0, 5000, 'no audio');
    expect(await growth(() => audioEnergy(pcA), 2000)).to.be.greaterThan(0.001);
    expect(await growth(() => audioEnergy(pcB), 2000)).to.be.greaterThan(0.001);
    expect(deepQuery<HTMLElement>(b, '[part=media]')!.hidden).to.equal(true);
    b.hangup();
    await waitForAttr(a, 'call-status', 'FINISH');
  });
  it('transfers 10005 from 10006 to 10007 blind: 10007 rings, answers and talks to 10005; 10006 sees FINISH', async () => {
    const [a, b, c] = await phones(['10005', '10006', '10007']);
    const bEvents = recordEvents(b);
    const { pcA } = await connect(a, b);
    button(b, 'Transfer')!.click();
    await b.updateComplete;
    await sleep(50);
    await expect(b).to.be.accessible();
    await sendKeys({ type: '10007' });
    await sendKeys({ press: 'Enter' });
    await waitForAttr(c, 'call-status', 'RING');
    expect(phoneText(c)).to.contain('You have a new call from 10005');
    const before = trackedPeerConnections().length;
    button(c, 'Answer')!.click();
    await waitForAttr(c, 'call-status', 'ESTABLISHED');
    await waitForAttr(b, 'call-status', 'FINISH');
    const [pcC] = trackedPeerConnections().slice(before);
    await waitFor(async () => (await inboundAudioBytes(pcC)) > 0, 5000, '10007 receives no audio');
    expect(await growth(() => audioEnergy(pcC), 2000), '10007 does not hear 10005').to.be.greaterThan(0.001);
    expect(await growth(() => audioEnergy(pcA), 2000), '10005 does not hear 10007').to.be.greaterThan(0.001);
    const finish = bEvents.filter((e): e is SipCallStatusEvent => e.type === 'sip-call-status').at(-1)!;
    expect(finish.detail).to.include({ status: 'FINISH' });
    expect(finish.detail.transfer).to.deep.equal({ target: '10007', status: 'COMPLETED' });
    expect(phoneText(b)).to.contain('Call transferred to 10007');
    expect(a.callStatus).to.equal('ESTABLISHED');
    a.hangup();
    await waitForAttr(c, 'call-status', 'FINISH');
  });
});

describe('Languages and wording through the gateway', () => {
  const text = (el: SipPhone, part: string) => deepQuery(el, `[part=${part}]`)?.textContent?.replace(/\s+/g, ' ').trim();

  it('a Russian phone and an English one call each other: each speaks its language, audio flows both ways, the events carry status names', async () => {
    const [a, b] = await phones(['10005', '10006']);
    a.setAttribute('lang', 'ru');
    const aEvents = recordEvents(a);
    await waitFor(async () => text(a, 'connect-button') === 'Отключиться', 3000, 'the Russian header');
    const before = trackedPeerConnections().length;
    b.call('10005');
    await waitForAttr(a, 'call-status', 'RING');
    expect(text(a, 'alert')).to.equal('Вам звонит 10006');
    // The caller renders its call once it connects, or 100 ms after the click.
    await waitForText(b, '10005…');
    expect(text(b, 'call-text')).to.match(/^(Calling|Ringing) 10005…$/);
    button(a, 'Ответить')!.click();
    await waitForAttr(a, 'call-status', 'ESTABLISHED');
    await waitForAttr(b, 'call-status', 'ESTABLISHED');
    const [pcB, pcA] = trackedPeerConnections().slice(before);
    expect(await growth(() => inboundAudioBytes(pcA), 1500), 'audio to the Russian phone').to.be.greaterThan(2000);
    expect(await growth(() => inboundAudioBytes(pcB), 1500), 'audio to the English phone').to.be.greaterThan(2000);
    expect(await growth(() => audioEnergy(pcA), 1500), 'audible').to.be.greaterThan(0.001);
    expect(text(a, 'call-text')).to.equal('Разговор с 10006');
    expect(text(b, 'call-text')).to.equal('Connected to 10005');
    // The keypad opens on demand and lists what was sent.
    button(a, 'Клавиатура')!.click();
    await waitFor(async () => deepQuery(a, '[part=keypad]') !== null, 2000, 'the keypad');
    deepQuery<HTMLButtonElement>(a, '[part=keypad] button[aria-label="4"]')!.click();
    a.sendDtmf('2#');
    await waitFor(async () => text(a, 'dtmf-digits') === 'Отправлено 42#', 2000, 'the digits sent');
    await waitFor(async () => (await gatewayOf().findAll()).some((leg) => leg.dtmf === '42#'), 3000, 'the gateway got 42#');
    b.hangup();
    await waitForAttr(a, 'call-status', 'FINISH');
    expect(text(a, 'last-call')).to.equal('Звонок завершён');
    expect(callStatuses(aEvents)).to.include.members(['RING', 'ESTABLISHED', 'FINISH']);
    await expect(a).to.be.accessible();
  });

  it('a call that stops ringing is a missed call, and the caller keeps the number for redial', async () => {
    const [a, b] = await phones(['10005', '10006']);
    a.call('10006');
    await waitForAttr(b, 'call-status', 'RING');
    a.hangup();
    await waitForAttr(b, 'call-status', 'FINISH');
    await waitFor(async () => text(b, 'last-call') === 'Missed call from 10005', 3000, 'the missed call');
    await waitFor(async () => deepQuery<HTMLInputElement>(a, '[part=number]')?.value === '10006', 3000, 'redial number');
    expect(phoneText(b)).not.to.contain('Request Terminated');
  });
});
