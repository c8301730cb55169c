// Test runner configuration: every test runs in headless Debian Chromium with fake media
// devices, and the local gateway (server/) is reachable through server commands.
import { register } from 'tsx/esm/api';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { fromRollup } from '@web/dev-server-rollup';
import rollupCommonjs from '@rollup/plugin-commonjs';
import { chromeLauncher } from '@web/test-runner-chrome';

// The gateway and the plugin are TypeScript; tsx lets this ESM config import them directly.
register();
const { gatewayPlugin } = await import('./test/gateway-plugin.ts');

const commonjs = fromRollup(rollupCommonjs);

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

export default {
  files: ['src/**/*.test.ts', 'test/**/*.test.ts', '!test/**/*.mic-denied.test.ts'],
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
  groups: [
    // A browser whose person refuses the microphone: the phone must say so and stay usable.
    { name: 'mic-denied', files: ['test/**/*.mic-denied.test.ts'], browsers: [chromium({ micAnswer: 'deny' })] },
  ],
  plugins: [
    // The websdk ships prebuilt browserify bundles (CommonJS); only those need converting.
    commonjs({
      include: ['**/node_modules/@flashphoner/websdk/**'],
      strictRequires: false,
    }),
    // The test runner does not read tsconfig.json by itself: without it Lit's decorators break.
    esbuildPlugin({ ts: true, tsconfig: './tsconfig.json', target: 'auto' }),
    gatewayPlugin(),
  ],
};
