// The SIP suites (`npm run test:sip`): the same browser and plugins as the main config,
// plus the SIP stack (Kamailio, rtpengine, baresip, sipp) that server/sip-stack/run.ts
// started around this run and described in SIP_STACK_INFO.
import base from './web-test-runner.config.mjs';

const { sipStackPlugin } = await import('./server/sip-stack/wtr-plugin.ts');

export default {
  ...base,
  files: ['test/sip/**/*.test.ts'],
  groups: [],
  coverage: false,
  testFramework: { config: { timeout: 40_000 } },
  plugins: [...base.plugins, sipStackPlugin()],
};
