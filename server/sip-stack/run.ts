// `tsx server/sip-stack/run.ts [--keep-logs] -- COMMAND [ARGS...]`
//
// Installs the SIP packages with apt when they are missing (as root), then, inside a
// network namespace that has only `lo` when `ip netns` works (plain loopback otherwise),
// starts the SIP stack (stack.ts), runs COMMAND with SIP_STACK_INFO (JSON) in its
// environment, stops every stack process by PID and exits with COMMAND's exit code.
// `npm run test:sip` runs the SIP test suites through it.
import { spawn, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { defaultAccounts, startSipStack } from './stack.js';
import { aptInstall, canInstall, has } from '../../scripts/apt.mjs';

const PACKAGES: Record<string, string> = {
  kamailio: 'kamailio',
  rtpengine: 'rtpengine-daemon',
  baresip: 'baresip-core',
  sipp: 'sip-tester',
  // `ip netns`: the stack's own network namespace with only `lo` (a minimal Debian has no ip).
  ip: 'iproute2',
};
const EXTRA_PACKAGES = ['kamailio-websocket-modules'];

function say(line: string): void {
  process.stderr.write(`[sip-stack] ${line}\n`);
}

function ensurePackages(): void {
  const missing = Object.entries(PACKAGES)
    .filter(([command]) => !has(command))
    .map(([, pkg]) => pkg);
  const websocketModule = '/usr/lib/x86_64-linux-gnu/kamailio/modules/websocket.so';
  const needWs = spawnSync('test', ['-e', websocketModule]).status !== 0;
  if (missing.length === 0 && !needWs) return;
  const packages = [...missing, ...(needWs ? EXTRA_PACKAGES : []), ...(missing.includes('kamailio') ? EXTRA_PACKAGES : [])];
  if (!canInstall()) {
    throw new Error(`missing ${[...new Set(packages)].join(' ')}: run as root, or apt-get install them first`);
  }
  aptInstall(packages, say);
}

/** Runs `args` and resolves with its exit code; SIGINT/SIGTERM are passed on to it. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const child = spawn(command, args, { stdio: 'inherit', env });
  const forward = (signal: NodeJS.Signals) => () => {
    if (child.pid && child.exitCode === null) process.kill(child.pid, signal);
  };
  const onInt = forward('SIGINT');
  const onTerm = forward('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve(code ?? (signal === 'SIGINT' ? 130 : 143));
    });
    child.once('error', (error) => {
      say(`${command}: ${error.message}`);
      resolve(127);
    });
  });
}

/** Outside the namespace: create it, run this script again inside it, delete it. */
async function inNamespace(argv: string[]): Promise<number | undefined> {
  if (process.env['SIP_STACK_NETNS'] || process.env['SIP_STACK_NO_NETNS']) return undefined;
  const name = `sipphone-${process.pid}`;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!root || spawnSync('ip', ['netns', 'add', name], { stdio: 'ignore' }).status !== 0) {
    say('no network namespace (needs root and `ip netns`): running on the host loopback; other programs');
    say('on this machine may see the test traffic on 127.0.0.1 and fixed ports may be taken');
    return undefined;
  }
  try {
    if (spawnSync('ip', ['netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up']).status !== 0) {
      throw new Error('cannot bring lo up in the namespace');
    }
    say(`network namespace ${name} (only lo)`);
    return await run('ip', ['netns', 'exec', name, process.execPath, ...process.execArgv, ...argv], {
      ...process.env,
      SIP_STACK_NETNS: name,
    });
  } finally {
    spawnSync('ip', ['netns', 'delete', name], { stdio: 'ignore' });
  }
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const dash = args.indexOf('--');
  const own = dash >= 0 ? args.slice(0, dash) : args;
  const command = dash >= 0 ? args.slice(dash + 1) : [];
  if (command.length === 0) {
    say('usage: tsx server/sip-stack/run.ts [--keep-logs] -- COMMAND [ARGS...]');
    return 2;
  }
  if (!process.env['SIP_STACK_NETNS']) ensurePackages();
  const outer = await inNamespace(process.argv.slice(1));
  if (outer !== undefined) return outer;

  const started = Date.now();
  let interrupted = false;
  const onSignal = (): void => {
    interrupted = true;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const stack = await startSipStack({ accounts: defaultAccounts(), log: say });
  say(`ready in ${Date.now() - started} ms; logs in ${stack.info.logDir}`);
  if (interrupted) {
    await stack.stop();
    return 130;
  }
  let code: number;
  try {
    code = await run(command[0]!, command.slice(1), { ...process.env, SIP_STACK_INFO: JSON.stringify(stack.info) });
  } finally {
    await stack.stop();
  }
  const left = stack.pids;
  if (left.length > 0) {
    say(`still running after stop: ${left.join(' ')}`);
    return code === 0 ? 1 : code;
  }
  say(`stack stopped; ${Math.round((Date.now() - started) / 1000)} s in all`);
  if (code === 0 && !own.includes('--keep-logs')) rmSync(stack.info.logDir, { recursive: true, force: true });
  else say(`logs kept in ${stack.info.logDir}`);
  return interrupted && code === 0 ? 130 : code;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    say(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
