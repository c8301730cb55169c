// The SIP test stack: rtpengine (userspace), two Kamailio instances (one relaying media
// through rtpengine, one relaying signalling only), three baresip phones and a sipp echo
// responder, all on 127.0.0.1. `startSipStack()` starts them in order, waits until each
// is ready, and returns their addresses; `stop()` ends every process it started, by PID.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createSocket } from 'node:dgram';
import { fileURLToPath } from 'node:url';
import { BaresipControl } from './baresip-control.js';
import { StackProcess, sleep, waitForTcp } from './processes.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const HOST = '127.0.0.1';

/** Accounts the test phones use, besides the gateway's accounts (server/accounts.json). */
export const PHONE_ACCOUNTS: Record<string, string> = { '10010': 'pass10010', '10011': 'pass10011', '10012': 'pass10012' };
export const ECHO_NUMBER = '9000';

export interface KamailioInfo {
  /** 'relay': media through rtpengine (mode 1); 'signalling': signalling only (mode 2). */
  mode: 'relay' | 'signalling';
  udpPort: number;
  /** ws://127.0.0.1:PORT for the gateway's --sip-server. */
  wsUrl: string;
}

export interface PhoneInfo {
  login: string;
  password: string;
  sipPort: number;
  ctrlPort: number;
  /** Which Kamailio it registered with. */
  registrar: KamailioInfo['mode'];
}

export interface StackInfo {
  domain: string;
  rtpengineNg: { host: string; port: number };
  relay: KamailioInfo;
  signalling: KamailioInfo;
  phones: PhoneInfo[];
  echo: { number: string; sipPort: number; mediaPort: number };
  logDir: string;
}

export interface SipStack {
  readonly info: StackInfo;
  readonly pids: number[];
  stop(): Promise<void>;
}

export interface StackOptions {
  accounts: Record<string, string>;
  /** Progress lines. */
  log?: (line: string) => void;
  /** Where configs and logs go; default a new directory under the system temp dir. */
  dir?: string;
  /** Keep the directory (logs) after stop(). Default true. */
  keepLogs?: boolean;
}

const PORTS = {
  ng: 2223,
  rtpMin: 10000,
  rtpMax: 10999,
  relay: { udp: 5060, ws: 8080 },
  signalling: { udp: 5070, ws: 8090 },
  echo: { sip: 5090, media: 6000 },
};

/** The `if` lines of accounts.cfg that Kamailio's route[ACCOUNTS] includes. */
export function kamailioAccounts(accounts: Record<string, string>): string {
  const quote = (s: string): string => {
    if (!/^[\w.+-]+$/.test(s)) throw new Error(`account or password ${JSON.stringify(s)}: only letters, digits, . + - _`);
    return `"${s}"`;
  };
  return Object.entries(accounts)
    .map(([login, password]) => `\tif ($au == ${quote(login)}) $var(password) = ${quote(password)};`)
    .join('\n');
}

function baresipConfig(phone: PhoneInfo, rtpPorts: string): string {
  return [
    '# written by server/sip-stack/stack.ts',
    'poll_method\t\tepoll',
    `sip_listen\t\t${HOST}:${phone.sipPort}`,
    'call_local_timeout\t120',
    'call_max_calls\t\t4',
    // The aubridge player plays into nothing without burning a core (ALSA's null device does).
    `audio_player\t\taubridge,sink-${phone.login}`,
    'audio_source\t\tausine,880',
    `audio_alert\t\taubridge,alert-${phone.login}`,
    'ausrc_srate\t\t48000',
    'auplay_srate\t\t48000',
    'ausrc_channels\t\t2',
    `rtp_ports\t\t${rtpPorts}`,
    'rtcp_mux\t\tno',
    'jitter_buffer_delay\t5-10',
    'rtp_stats\t\tyes',
    `net_interface\t\t${HOST}`,
    'module_path\t\t/usr/lib/baresip/modules',
    'module\t\t\tg711.so',
    'module\t\t\topus.so',
    'module\t\t\tausine.so',
    'module\t\t\taubridge.so',
    'module_tmp\t\taccount.so',
    'module_app\t\tmenu.so',
    'module_app\t\tctrl_tcp.so',
    `ctrl_tcp_listen\t\t${HOST}:${phone.ctrlPort}`,
    '',
  ].join('\n');
}

/** Sends SIP OPTIONS over UDP until the server answers (Kamailio answers "200 Keepalive"). */
async function waitForSipUdp(port: number, timeoutMs: number, server: StackProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, HOST, resolve));
  const local = socket.address().port;
  let answered = false;
  socket.on('message', (msg) => {
    if (/^SIP\/2\.0 200/.test(msg.toString())) answered = true;
  });
  try {
    for (;;) {
      const branch = `z9hG4bK${Math.random().toString(36).slice(2)}`;
      const request = [
        `OPTIONS sip:${HOST}:${port} SIP/2.0`,
        `Via: SIP/2.0/UDP ${HOST}:${local};branch=${branch};rport`,
        'Max-Forwards: 70',
        `From: <sip:probe@${HOST}>;tag=${branch.slice(7)}`,
        `To: <sip:${HOST}:${port}>`,
        `Call-ID: ${branch}@${HOST}`,
        'CSeq: 1 OPTIONS',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n');
      socket.send(request, port, HOST);
      await sleep(200);
      if (answered) return;
      if (!server.running) throw new Error(`${server.name} exited:\n${server.tail()}`);
      if (Date.now() > deadline) throw new Error(`no SIP answer on udp ${HOST}:${port} after ${timeoutMs} ms`);
    }
  } finally {
    socket.close();
  }
}

/** Starts the whole stack; on any failure stops what it started and rethrows. */
export async function startSipStack(options: StackOptions): Promise<SipStack> {
  const log = options.log ?? (() => undefined);
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'sip-stack-'));
  mkdirSync(dir, { recursive: true });
  const processes: StackProcess[] = [];
  const accounts = { ...options.accounts, ...PHONE_ACCOUNTS };

  const kamailio = (mode: KamailioInfo['mode']): KamailioInfo => ({
    mode,
    udpPort: PORTS[mode].udp,
    wsUrl: `ws://${HOST}:${PORTS[mode].ws}`,
  });
  const info: StackInfo = {
    domain: HOST,
    rtpengineNg: { host: HOST, port: PORTS.ng },
    relay: kamailio('relay'),
    signalling: kamailio('signalling'),
    phones: [
      { login: '10010', password: PHONE_ACCOUNTS['10010']!, sipPort: 5081, ctrlPort: 4442, registrar: 'relay' },
      { login: '10011', password: PHONE_ACCOUNTS['10011']!, sipPort: 5085, ctrlPort: 4443, registrar: 'relay' },
      // Registered where Kamailio relays signalling only (media mode 'gateway').
      { login: '10012', password: PHONE_ACCOUNTS['10012']!, sipPort: 5087, ctrlPort: 4444, registrar: 'signalling' },
    ],
    echo: { number: ECHO_NUMBER, sipPort: PORTS.echo.sip, mediaPort: PORTS.echo.media },
    logDir: dir,
  };

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      // Phones and sipp first (they unregister / hang up through Kamailio), then the servers.
      for (const proc of [...processes].reverse()) {
        await proc.stop();
        log(`stopped ${proc.name} (pid ${proc.pid ?? '-'})`);
      }
      if (options.keepLogs === false) rmSync(dir, { recursive: true, force: true });
    })();
    return stopping;
  };

  const start = (name: string, command: string, args: string[]): StackProcess => {
    const proc = new StackProcess(name, command, args, join(dir, `${name}.log`), { cwd: dir });
    processes.push(proc);
    log(`started ${name} (pid ${proc.pid ?? '-'})`);
    return proc;
  };

  try {
    // rtpengine first: Kamailio disables an rtpengine that does not answer for 60 s.
    const rtpengine = start('rtpengine', 'rtpengine', [
      '--config-file=none',
      '--foreground',
      '--log-stderr',
      '--table=-1',
      `--interface=${HOST}`,
      `--listen-ng=${HOST}:${PORTS.ng}`,
      `--port-min=${PORTS.rtpMin}`,
      `--port-max=${PORTS.rtpMax}`,
      '--log-level=6',
    ]);
    await rtpengine.waitForOutput(/Startup complete/, 10_000);

    const cfgSource = join(HERE, 'kamailio.cfg');
    for (const mode of ['relay', 'signalling'] as const) {
      const runDir = join(dir, `kamailio-${mode}`);
      mkdirSync(runDir, { recursive: true });
      copyFileSync(cfgSource, join(runDir, 'kamailio.cfg'));
      writeFileSync(join(runDir, 'accounts.cfg'), `${kamailioAccounts(accounts)}\n`);
      const defines = [
        `SIP_PORT=${PORTS[mode].udp}`,
        `WS_PORT=${PORTS[mode].ws}`,
        `ECHO_USER="${ECHO_NUMBER}"`,
        `ECHO_URI="sip:${HOST}:${PORTS.echo.sip}"`,
        `RTPENGINE_SOCK="udp:${HOST}:${PORTS.ng}"`,
        ...(mode === 'relay' ? ['WITH_RTPENGINE'] : []),
      ];
      start(`kamailio-${mode}`, 'kamailio', [
        '-DD',
        '-E',
        '-f',
        join(runDir, 'kamailio.cfg'),
        '-Y',
        runDir,
        '-P',
        join(runDir, 'kamailio.pid'),
        '-m',
        '32',
        '-M',
        '8',
        ...defines.flatMap((d) => ['-A', d]),
      ]);
    }
    for (const mode of ['relay', 'signalling'] as const) {
      await waitForSipUdp(PORTS[mode].udp, 10_000, processes.find((p) => p.name === `kamailio-${mode}`)!);
      await waitForTcp(HOST, PORTS[mode].ws, 5_000);
    }

    start('sipp-echo', 'sipp', [
      '-sn',
      'uas',
      '-i',
      HOST,
      '-p',
      String(PORTS.echo.sip),
      '-mi',
      HOST,
      '-mp',
      String(PORTS.echo.media),
      '-rtp_echo',
      '-nostdin',
      '-trace_err',
      '-error_file',
      join(dir, 'sipp-echo-errors.log'),
    ]);

    let rtpBase = 12000;
    for (const phone of info.phones) {
      const phoneDir = join(dir, `baresip-${phone.login}`);
      mkdirSync(phoneDir, { recursive: true });
      writeFileSync(join(phoneDir, 'config'), baresipConfig(phone, `${rtpBase}-${rtpBase + 499}`));
      rtpBase += 500;
      const registrar = info[phone.registrar];
      writeFileSync(
        join(phoneDir, 'accounts'),
        `<sip:${phone.login}@${HOST}:${registrar.udpPort};transport=udp>;auth_pass=${phone.password};` +
          'answermode=auto;regint=300;audio_codecs=opus/48000/2,PCMU/8000/1\n',
      );
      const proc = start(`baresip-${phone.login}`, 'baresip', ['-f', phoneDir]);
      await proc.waitForOutput(/200 OK.*\[1 binding\]/, 10_000);
      // Its control socket answers: tests can drive it.
      const control = new BaresipControl(HOST, phone.ctrlPort);
      await control.connect();
      control.close();
    }
    // sipp has no readiness line in the background: wait until it has bound its port.
    await sleep(200);
    const sipp = processes.find((p) => p.name === 'sipp-echo')!;
    if (!sipp.running) throw new Error(`sipp exited:\n${sipp.tail()}`);
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    info,
    get pids() {
      return processes.filter((p) => p.running && p.pid).map((p) => p.pid!);
    },
    stop,
  };
}

/** Reads server/accounts.json (the gateway's default accounts). */
export function defaultAccounts(): Record<string, string> {
  return JSON.parse(readFileSync(join(HERE, '..', 'accounts.json'), 'utf8')) as Record<string, string>;
}
