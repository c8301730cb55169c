// Acceptance 2: the websdk's own SIP test (node_modules/@flashphoner/websdk/test/sip-test.js:
// "should register", "outgoing and incoming call") runs unmodified against the local gateway.
//
// The file is loaded as it ships; this wrapper only supplies the globals its own test page
// (test/test.html in the package) defines: `Flashphoner`, `initOptions`, `sOptions`,
// `addDisplay` and `removeDisplay`. Its accounts 3000/3001 (password 1234) are in
// test/fixtures/accounts.json.
//
// One adaptation lives in `addDisplay`, not in the test: sip-test.js answers with the old
// positional form `call.answer(localDisplay2, remoteDisplay2)`, while websdk 2.0.276's
// `answer(options)` reads `options.localVideoDisplay` / `options.remoteVideoDisplay` (and
// throws inside a promise when they are missing, so the call would never be answered). Each
// display returned here therefore also works as such an options object: it names itself as
// the local display and a child element as the remote one.
import Flashphoner from '@flashphoner/websdk/flashphoner-webrtc-only.js';
import { expect } from '@open-wc/testing';
import { startTestGateway } from './helpers/gateway.js';

const gateway = await startTestGateway({ accountsFile: 'test/fixtures/accounts.json' });

function addDisplay(width = 320, height = 240): HTMLElement {
  const display = document.createElement('div');
  display.setAttribute('style', `width:${width}px; height:${height}px; border: solid; border-width: 1px`);
  const remote = document.createElement('div');
  display.appendChild(remote);
  // Also usable as the options object of websdk 2.0's answer() (see the note above).
  Object.assign(display, { localVideoDisplay: display, remoteVideoDisplay: remote });
  document.body.insertBefore(display, document.body.firstChild);
  return display;
}

function removeDisplay(display: HTMLElement): void {
  document.body.removeChild(display);
}

// The globals sip-test.js reads, as the package's test/test.html defines them.
Object.assign(window, {
  Flashphoner,
  initOptions: {},
  sOptions: { urlServer: gateway.url },
  addDisplay,
  removeDisplay,
});

// Loads the file as it ships; it registers its `describe('SIP', ...)` with mocha. (A
// variable specifier: the file is served by the test runner, not resolved by TypeScript.)
const sipTest = '/node_modules/@flashphoner/websdk/test/sip-test.js';
await import(sipTest);

describe('gateway side of sip-test.js', function () {
  after(async () => {
    await gateway.stop();
  });

  it('saw the call established and released everything', async function () {
    this.timeout(10_000);
    const stats = await gateway.stats();
    // "should register" opened one session, "outgoing and incoming call" two more.
    expect(stats.totals.sessions).to.equal(3);
    expect(stats.totals.calls).to.equal(1);
    expect(stats.totals.established).to.equal(1);
    for (let i = 0; i < 50; i++) {
      const now = await gateway.stats();
      if (now.sessions === 0 && now.legs === 0 && now.peerConnections === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const end = await gateway.stats();
    expect([end.sessions, end.legs, end.calls, end.peerConnections, end.timers]).to.deep.equal([0, 0, 0, 0, 0]);
  });
});
