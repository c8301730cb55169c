// 5. First audio through a real SIP server, per media mode: <sip-phone> calls a baresip phone
// (which answers at once) through the gateway in front of Kamailio, in mode 'relay' (the SIP
// server's rtpengine carries the media) and mode 'gateway' (WebRTC ends in the gateway, plain
// RTP to rtpengine). Measured from the far end's answer (baresip's CALL_ESTABLISHED event, as
// Node receives it) to the sip-call-status ESTABLISHED event and to the first audio bytes the
// browser receives. Needs the SIP stack: `npm run bench:sip` starts it around the bench.
import { startGateway } from '../../server/gateway.js';
import { BaresipControl } from '../../server/sip-stack/baresip-control.js';
import type { StackInfo } from '../../server/sip-stack/stack.js';
import { openIsolatedPage } from '../support/browser.js';
import { remote } from '../support/remote.js';
import { round, sleep, summarize, type Summary } from '../support/stats.js';
import type { BenchContext, WidgetApi } from './context.js';

export interface SipAudioMode {
  /** The far end's answer to the browser's ESTABLISHED, ms. */
  answerToEstablished: Summary;
  /** The far end's answer to the first audio bytes received by the browser, ms. */
  answerToAudio: Summary;
  samples: { answerToEstablished: number[]; answerToAudio: number[] };
}

export interface SipAudioResult {
  calls: number;
  modes: { relay: SipAudioMode; gateway: SipAudioMode };
}

export function stackInfo(): StackInfo | undefined {
  const raw = process.env['SIP_STACK_INFO'];
  return raw ? (JSON.parse(raw) as StackInfo) : undefined;
}

async function measureMode(ctx: BenchContext, info: StackInfo, mode: 'relay' | 'gateway', calls: number): Promise<SipAudioMode> {
  const kamailio = mode === 'relay' ? info.relay : info.signalling;
  const phone = info.phones.find((p) => p.registrar === (mode === 'relay' ? 'relay' : 'signalling'))!;
  const gateway = await startGateway({
    host: '127.0.0.1',
    port: 0,
    logger: 'warn',
    sipServer: kamailio.wsUrl,
    sipDomain: info.domain,
    sipMedia: mode,
    rtpengine: `${info.rtpengineNg.host}:${info.rtpengineNg.port}`,
  });
  const control = new BaresipControl('127.0.0.1', phone.ctrlPort);
  await control.connect();
  let answeredAt = 0;
  control.onEvent = (event, at) => {
    if (event.type === 'CALL_ESTABLISHED') answeredAt = at;
  };
  const page = await openIsolatedPage(ctx.browser, ctx.pages.url('widget'));
  const samples = { answerToEstablished: [] as number[], answerToAudio: [] as number[] };
  try {
    await remote(page, (b: WidgetApi, a) => b.addPhone(a), { url: gateway.url, login: '10006', password: 'pass10006', callee: phone.login });
    for (let i = 0; i < calls + 1; i++) {
      answeredAt = 0;
      await remote(page, (b: WidgetApi) => b.watchFirstAudio(), null);
      await remote(page, (b: WidgetApi) => b.clickCall('10006'), null);
      const audioAt = await remote(page, (b: WidgetApi) => b.firstAudio(), null);
      const establishedAt = await remote(page, (b: WidgetApi) => b.establishedWallClock('10006'), null);
      for (let wait = 0; !answeredAt && wait < 100; wait++) await sleep(10);
      if (!answeredAt) throw new Error(`${mode}: no CALL_ESTABLISHED event from baresip ${phone.login}`);
      // The first call warms up the path (rtpengine, werift): not counted.
      if (i > 0) {
        samples.answerToEstablished.push(establishedAt - answeredAt);
        samples.answerToAudio.push(audioAt - answeredAt);
      }
      await remote(page, (b: WidgetApi) => b.clickHangup('10006'), null);
      await sleep(300);
    }
  } finally {
    await page.browserContext().close().catch(() => undefined);
    control.close();
    await gateway.close();
  }
  return {
    answerToEstablished: summarize(samples.answerToEstablished),
    answerToAudio: summarize(samples.answerToAudio),
    samples: { answerToEstablished: samples.answerToEstablished.map((v) => round(v)), answerToAudio: samples.answerToAudio.map((v) => round(v)) },
  };
}

export async function benchSipAudio(ctx: BenchContext, calls: number): Promise<SipAudioResult> {
  const info = stackInfo();
  if (!info) throw new Error('no SIP stack: run `npm run bench:sip` (it starts Kamailio, rtpengine and baresip around the bench)');
  const relay = await measureMode(ctx, info, 'relay', calls);
  ctx.log(`sip-audio: relay done`);
  const gateway = await measureMode(ctx, info, 'gateway', calls);
  return { calls, modes: { relay, gateway } };
}
