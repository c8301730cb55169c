// The websdk adapter (src/engine/wcs-engine.ts) against the local gateway, for what the
// <sip-phone> tests cannot see: the memory the websdk keeps across calls.
import { expect } from '@open-wc/testing';
import Flashphoner from '@flashphoner/websdk/flashphoner-webrtc-only.js';
import { WcsEngine } from '../src/engine/wcs-engine.js';
import type { EngineListener, SessionStatus } from '../src/engine/engine.js';
import { useTestGateway } from './helpers/gateway.js';
import { waitFor } from './helpers/media-stats.js';

const gatewayOf = useTestGateway();

describe('WcsEngine', () => {
  it('does not let the websdk logger keep every line it logs (a page would grow with every call)', async () => {
    const statuses: SessionStatus[] = [];
    const listener: EngineListener = {
      sessionStatus: (status) => statuses.push(status),
      incomingCall: () => undefined,
      callStatus: () => undefined,
      transferFailed: () => undefined,
      mediaFailed: () => undefined,
    };
    const engine = new WcsEngine();
    engine.connect({ url: gatewayOf().url, login: '10005', password: 'pass10005', register: true }, listener);
    try {
      await waitFor(() => statuses.includes('REGISTERED'), 8000, `REGISTERED (seen ${statuses.join(', ')})`);
      const logger = Flashphoner.getLogger()!;
      // Lines logged at any level went through the logger while connecting (one per frame
      // received, the connection options, ...); add one more that is easy to spot.
      logger.debug('test', 'a line logged before pushing was on');
      // The websdk's own way to ship its logs: once pushing is on, the next line sends every
      // line it kept before it. Nothing was kept, so only that line is sent.
      const sent: string[] = [];
      const socket = logger.wsConnection;
      logger.setConnection({ send: (data: string) => sent.push(data) });
      logger.setPushLogs(true);
      try {
        logger.debug('test', 'the first line logged while pushing');
      } finally {
        logger.setPushLogs(false);
        if (socket) logger.setConnection(socket);
      }
      // Only what Flashphoner.init() logged before the adapter could stop the buffering is
      // kept (three lines, once per page); nothing from the session, nothing after.
      expect(sent.at(-1)).to.contain('the first line logged while pushing');
      expect(sent.join('\n')).not.to.contain('before pushing was on');
      const kept = sent.slice(0, -1).map((frame) => (JSON.parse(frame) as { data: [{ logs: string }] }).data[0].logs);
      expect(kept.filter((line) => !/ - "(Initialized|Client system data: .*)"\n$/.test(line))).to.deep.equal([]);
    } finally {
      engine.disconnect();
    }
  });
});
