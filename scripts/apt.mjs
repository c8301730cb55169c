// Installing Debian packages a test command needs, the same way wherever it is done
// (scripts/ensure-browsers.mjs for the browser tests, server/sip-stack/run.ts for the SIP
// suites): only as root on a machine with apt-get; anywhere else the caller says what to
// install instead.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** True when a command is on the PATH. */
export function has(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** True when this process may install Debian packages itself (root, with apt-get). */
export function canInstall() {
  return typeof process.getuid === 'function' && process.getuid() === 0 && existsSync('/usr/bin/apt-get');
}

/**
 * `apt-get update` then `apt-get install -y --no-install-recommends PACKAGES`, quietly,
 * non-interactively; throws when either fails.
 */
export function aptInstall(packages, say = (line) => process.stderr.write(`${line}\n`)) {
  const list = [...new Set(packages)];
  say(`installing ${list.join(' ')} with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  const install = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...list], { stdio: 'inherit', env });
  if (update.status !== 0 || install.status !== 0) throw new Error(`apt-get could not install ${list.join(' ')}`);
}
