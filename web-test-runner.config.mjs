// Test runner configuration: every test runs in headless Debian Chromium with fake media
// devices, and the component tests and widget end-to-end tests run again in headless Debian
// Firefox ESR when it is installed. The local gateway (server/) is reachable through server
// commands.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, normalize } from 'node:path';
import { register } from 'tsx/esm/api';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher, puppeteerCore } from '@web/test-runner-chrome';

// The gateway and the plugin are TypeScript; tsx lets this ESM config import them directly.
register();
const { gatewayPlugin } = await import('./test/gateway-plugin.ts');
// Every import of the websdk's prebuilt bundle gets the build the widget ships instead: the
// tests run the websdk that dist/wcs-engine.js holds.
const { leanWebsdkServerPlugin: leanWebsdk } = await import('./scripts/websdk-lean.mjs');

/** Chromium flags that were seen to work on a loopback-only machine (../shared/INFRA.md). */
export const chromiumArgs = [
  '--no-sandbox',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
  '--allow-loopback-in-peer-connection',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-gpu',
  '--no-first-run',
];

/** Headless Debian Chromium with fake media; `micAnswer: 'deny'` makes every getUserMedia fail. */
function chromium({ micAnswer = 'allow' } = {}) {
  const args = chromiumArgs.map((arg) =>
    arg === '--use-fake-ui-for-media-stream' && micAnswer === 'deny' ? `${arg}=deny` : arg,
  );
  return chromeLauncher({
    launchOptions: {
      executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
      headless: true,
      args,
    },
  });
}

/**
 * Firefox preferences for tests: fake camera and microphone, media autoplay, a sound output,
 * and ICE on loopback.
 *
 * The camera and microphone are granted by a site permission (`permissions.default.*`), not
 * by `media.navigator.permission.disabled`: Firefox offers all its host addresses (127.0.0.1
 * too, with `ice.loopback`) only to a page that holds a capture permission, and otherwise
 * only its default-route address, which never pairs with a gateway on 127.0.0.1.
 * `micAnswer: 'deny'` blocks both permissions instead, so every getUserMedia fails.
 */
export function firefoxPrefs({ micAnswer = 'allow' } = {}) {
  const permission = micAnswer === 'deny' ? 2 : 1;
  return {
    'media.navigator.streams.fake': true,
    'media.navigator.permission.disabled': false,
    'permissions.default.microphone': permission,
    'permissions.default.camera': permission,
    'media.autoplay.default': 0,
    // No sound card on a CI machine: without cubeb's mock output an AudioContext stays 'suspended'.
    'media.cubeb.force_mock_context': true,
    'media.peerconnection.ice.loopback': true,
    'media.peerconnection.ice.obfuscate_host_addresses': false,
  };
}

export const firefoxPath = process.env.FIREFOX_PATH || '/usr/bin/firefox-esr';
const firefoxInstalled = existsSync(firefoxPath);
if (!firefoxInstalled) {
  console.log(`web-test-runner: no Firefox at ${firefoxPath}: the Firefox groups are skipped (apt-get install -y firefox-esr).`);
}

/**
 * Headless Debian Firefox ESR through puppeteer-core over WebDriver BiDi (no geckodriver):
 * test-runner-chrome's launcher takes a puppeteer instance and passes `browser: 'firefox'` on.
 */
function firefox({ micAnswer = 'allow' } = {}) {
  return chromeLauncher({
    puppeteer: puppeteerCore,
    launchOptions: { browser: 'firefox', executablePath: firefoxPath, headless: true, extraPrefsFirefox: firefoxPrefs({ micAnswer }) },
  });
}

/**
 * What runs in Firefox as well: the component tests, the widget end-to-end tests and Flashphoner's
 * own Phone page. The gateway's plain-websdk suites stay Chromium-only (README, "Browsers").
 */
export const firefoxFiles = [
  'src/**/*.test.ts',
  'test/sip-phone.test.ts',
  'test/sip-dialer.test.ts',
  'test/sip-incoming.test.ts',
  'test/sip-call-controls.test.ts',
  'test/dist-bundle.test.ts',
  'test/sip-phone.e2e.test.ts',
  'test/sip-phone.features.e2e.test.ts',
  'test/sip-phone.call-waiting.test.ts',
  'test/sip-phone.call-waiting.e2e.test.ts',
  'test/sip-phone.reconnect.test.ts',
  'test/sip-phone.auto-answer.test.ts',
  'test/sip-phone.click-to-call.test.ts',
  'test/sip-phone.media-failure.e2e.test.ts',
  'test/call-state.test.ts',
  'test/call-quality.test.ts',
  'test/sip-phone.focus.test.ts',
  'test/sip-phone.layout.test.ts',
  'test/sip-phone.i18n.test.ts',
  'test/sip-devices.test.ts',
  'test/sip-level-meter.test.ts',
  'test/gateway-phone-example.test.ts',
];
const inFirefoxList = (file) => firefoxFiles.includes(file) || (file.startsWith('src/') && file.endsWith('.test.ts'));
const isMicDenied = (file) => file.endsWith('.mic-denied.test.ts');

/**
 * Test files named on the command line (`--files a b`), read with the runner's own argument
 * parser. `--files` replaces only the top-level `files`: without this, each group would still
 * run its whole list, so one file in Chromium would bring the Firefox suites along.
 */
function cliFiles() {
  try {
    const require = createRequire(import.meta.url);
    const { readCliArgs } = require(join(dirname(require.resolve('@web/test-runner')), 'config/readCliArgs.js'));
    const files = readCliArgs().files;
    return Array.isArray(files) && files.length > 0 ? files.map((f) => normalize(f)) : undefined;
  } catch {
    return undefined;
  }
}
const named = cliFiles();

/** A group's files: its own list, or the files named on the command line that belong to it. */
function groupFiles(list, belongs) {
  return named ? named.filter(belongs) : list;
}

const groups = [
  // A browser whose person refuses the microphone: the phone must say so and stay usable.
  { name: 'mic-denied', files: groupFiles(['test/**/*.mic-denied.test.ts'], isMicDenied), browsers: [chromium({ micAnswer: 'deny' })] },
  // The same tests in Firefox; its sessions report no coverage, so the gate counts Chromium's alone.
  ...(firefoxInstalled
    ? [
        { name: 'firefox', files: groupFiles(firefoxFiles, inFirefoxList), browsers: [firefox()] },
        {
          name: 'firefox-mic-denied',
          files: groupFiles(['test/**/*.mic-denied.test.ts'], isMicDenied),
          browsers: [firefox({ micAnswer: 'deny' })],
        },
      ]
    : []),
].filter((group) => group.files.length > 0);

export default {
  files: ['src/**/*.test.ts', 'test/**/*.test.ts', '!test/**/*.mic-denied.test.ts', '!test/sip/**'],
  nodeResolve: true,
  concurrency: 1,
  concurrentBrowsers: 1,
  testsFinishTimeout: 5 * 60_000,
  testFramework: { config: { timeout: 30_000 } },
  // Coverage of src/ (on with `--coverage`, as `npm test` runs it): below a threshold the run fails.
  coverageConfig: {
    include: ['src/**/*.ts'],
    exclude: ['**/node_modules/**', 'src/**/*.test.ts', 'test/**'],
    threshold: { statements: 90, lines: 90, branches: 85, functions: 90 },
    reportDir: 'coverage/browser',
    reporters: ['lcov', 'text-summary', 'json-summary'],
  },
  browsers: [chromium()],
  groups,
  plugins: [
    leanWebsdk(),
    // The test runner does not read tsconfig.json by itself: without it Lit's decorators break.
    esbuildPlugin({ ts: true, tsconfig: './tsconfig.json', target: 'auto' }),
    gatewayPlugin(),
  ],
};
