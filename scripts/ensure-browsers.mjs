// The first step of `npm test` (and `npm run test:core`): the browsers the browser tests run
// in. Debian's chromium is needed; firefox-esr too (without it the Firefox groups are
// skipped). As root on Debian, whichever is missing is installed with apt-get; elsewhere a
// missing Chromium stops the run with one line that says what to do.
import { existsSync } from 'node:fs';
import { aptInstall, canInstall } from './apt.mjs';

const say = (line) => process.stderr.write(`ensure-browsers: ${line}\n`);
const chromium = process.env.CHROME_PATH || '/usr/bin/chromium';
const firefox = process.env.FIREFOX_PATH || '/usr/bin/firefox-esr';

const missing = [];
if (!existsSync(chromium)) {
  if (process.env.CHROME_PATH) {
    say(`CHROME_PATH is ${chromium}, which does not exist: point it at a Chromium or Chrome binary.`);
    process.exit(1);
  }
  missing.push('chromium');
}
if (!existsSync(firefox) && !process.env.FIREFOX_PATH) missing.push('firefox-esr');

if (missing.length > 0) {
  if (canInstall()) {
    try {
      aptInstall(missing, say);
    } catch (error) {
      say(`${error.message}.`);
      process.exit(1);
    }
  } else if (missing.includes('chromium')) {
    say(`no Chromium at ${chromium}: run \`sudo apt-get install -y chromium firefox-esr\` (Debian), or set CHROME_PATH to a Chromium or Chrome binary.`);
    process.exit(1);
  } else {
    say(`no Firefox at ${firefox}: the Firefox groups will be skipped (sudo apt-get install -y firefox-esr).`);
  }
}
