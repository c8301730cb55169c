// `npm run bench [-- options]`: the performance benchmarks of issue 6, in headless Debian
// Chromium against the local gateway. Prints a table per part, writes the figures to
// bench/results/latest.json and a chart to bench/results/latest.svg, and exits 1 when the
// endurance acceptance (no growth of peer connections, DOM nodes, listeners; heap < 2 MB)
// does not hold or a part fails. Run `npm run bench -- --help` for the options.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { chromiumPath, launchBrowser } from './support/browser.js';
import { startPageServer } from './support/pages.js';
import { ROOT } from './support/paths.js';
import { formatTable, mb } from './support/table.js';
import { renderChart } from './support/chart.js';
import { benchSetup, type SetupResult } from './parts/setup.js';
import { benchEndurance, type EnduranceResult } from './parts/endurance.js';
import { benchCapacity, type CapacityResult } from './parts/capacity.js';
import { benchRender, type RenderResult } from './parts/render.js';
import { benchSipAudio, stackInfo, type SipAudioResult } from './parts/sip-audio.js';
import { benchLoad, type LoadResult } from './parts/load.js';
import { benchRtpengineLoad, type RtpengineLoadResult } from './parts/rtpengine-load.js';
import type { BenchContext } from './parts/context.js';

const PARTS = ['setup', 'endurance', 'capacity', 'render', 'load', 'load-rtpengine', 'sip-audio'] as const;
/** Parts that need the SIP stack (`npm run bench:sip`). */
const STACK_PARTS: readonly string[] = ['sip-audio', 'load-rtpengine'];
/** The parts that run by default: the stack's only inside the SIP stack. */
const DEFAULT_PARTS = PARTS.filter((part) => !STACK_PARTS.includes(part) || !!process.env['SIP_STACK_INFO']);
type Part = (typeof PARTS)[number];

const USAGE = `Usage: npm run bench -- [options]

Parts (all by default): setup, endurance, capacity, render, load (the gateway under Node
clients, no browser); and, inside the SIP stack (npm run bench:sip), load-rtpengine (the same
calls relayed by rtpengine in userspace: the anchor for load's cost per call) and sip-audio (first audio through
Kamailio + rtpengine + baresip, per media mode), which needs the SIP stack: npm run bench:sip.
  --only LIST          comma-separated parts to run, e.g. --only setup,render
  --calls N            setup: calls per side, after the warm-up (default 20)
  --warmup N           setup: warm-up calls per side, not counted (default 2)
  --cycles N           endurance: call cycles (default 200)
  --talk-ms MS         endurance: talk time per call (default 1000)
  --every N            endurance: heap trend sample every N cycles (default 25)
  --levels LIST        capacity: concurrent calls per level (default 10,20,40)
  --measure-ms MS      capacity and load: measurement window per level (default 10000)
  --load-levels LIST   load: concurrent calls per level (default 10,20,40,80)
  --reps N             render: insertions per element and state (default 200)
  --sip-calls N        sip-audio: calls per media mode, after one warm-up (default 10)
  --out DIR            where latest.json and latest.svg go (default bench/results)
  --dist DIR           serve this built bundle instead of dist/ (compare two builds); implies --no-build
  --no-build           do not rebuild dist/ first
  -h, --help           this help

Quick check: npm run bench -- --only setup --calls 5
`;

export interface Machine {
  cpu: string;
  cores: number;
  memoryGB: number;
  os: string;
  node: string;
  chromium: string;
  loadavgStart: number[];
  loadavgEnd: number[];
  commit: string;
}

export interface BenchResults {
  date: string;
  machine: Machine;
  options: Record<string, unknown>;
  durationS: number;
  setup?: SetupResult;
  endurance?: EnduranceResult;
  capacity?: CapacityResult;
  render?: RenderResult;
  load?: LoadResult;
  loadRtpengine?: RtpengineLoadResult;
  sipAudio?: SipAudioResult;
  errors: Record<string, string>;
  pass: boolean;
}

function fail(message: string): never {
  process.stderr.write(`bench: ${message}\n\n${USAGE}`);
  process.exit(2);
}

function int(name: string, value: string | undefined, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) fail(`${name} must be an integer >= ${min}`);
  return n;
}

function commit(): string {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'server', 'bench'], { cwd: ROOT, encoding: 'utf8' }).trim();
    return dirty ? `${sha}+changes` : sha;
  } catch {
    return 'unknown';
  }
}

/** Heap growth per call (bytes) over the second half of the endurance run above which the bench warns. */
const SLOPE_WARN = 1024;

const log = (message: string) => process.stdout.write(`  ${message}\n`);
const print = (table: string) => process.stdout.write(`${table}\n`);

function printSetup(s: SetupResult): void {
  print(
    formatTable(`1. Call setup: click to ESTABLISHED, ${s.calls} calls each (after ${s.warmup} warm-up), ms`, ['', 'median', 'p90', 'min', 'max'], [
      ['<sip-phone>: click to sip-call-status ESTABLISHED', s.widget.median, s.widget.p90, s.widget.min, s.widget.max],
      ['<sip-phone>: click to ESTABLISHED painted', s.widgetPainted.median, s.widgetPainted.p90, s.widgetPainted.min, s.widgetPainted.max],
      ['plain websdk: call() to ESTABLISHED', s.websdk.median, s.websdk.p90, s.websdk.min, s.websdk.max],
      ['ratio <sip-phone> / websdk', s.ratio.median, s.ratio.p90, null, null],
    ]),
  );
}

function printEndurance(e: EnduranceResult): void {
  print(
    formatTable(`2. Endurance: ${e.cycles} call cycles (talk ${e.talkMs} ms) in ${e.durationS} s, after a forced GC`, ['', 'before', 'after', 'growth', 'limit', ''], e.checks.map((c) => {
      const heap = c.name.startsWith('JS heap');
      return [
        heap ? 'JS heap used after GC (MB)' : c.name,
        heap ? mb(c.before) : c.before,
        heap ? mb(c.after) : c.after,
        heap ? mb(c.growth) : c.growth,
        c.limit,
        c.pass ? 'PASS' : 'FAIL',
      ];
    })),
  );
  print(`   heap growth per call over the second half: ${e.heapSlopePerCall} bytes${e.heapSlopePerCall > SLOPE_WARN ? '  WARN: still growing, a slow leak?' : ''}`);
  print(`   peer connections created by the page: ${e.peerConnectionsCreated}; gateway after: ${e.gateway.after.legs} legs, ${e.gateway.after.peerConnections} peer connections, ${e.gateway.after.timers} timers`);
  print(formatTable('   heap trend', ['cycle', 'heap MB', 'DOM nodes', 'listeners', 'RTCPeerConnection objects'], e.trend.map((t) => [t.cycle, mb(t.jsHeapUsed), t.domNodes, t.jsEventListeners, t.peerConnectionObjects])));
}

/** A jitter summary's cells in a table row: median, p90, max. */
function jitterCells({ median, p90, max }: { median: number; p90: number; max: number }): number[] {
  return [median, p90, max];
}

function printCapacity(c: CapacityResult): void {
  print(
    formatTable(
      `3. Gateway capacity: concurrent calls, audio both ways, ${c.measureMs / 1000} s window (idle with all phones registered: ${c.idle.cpuPercent} % CPU, ${c.idle.rssMB} MB)`,
      ['calls', 'alive', 'gw CPU %', 'gw RSS MB', 'peak MB', 'relayed pkt/s', 'loss %', 'worst %', 'jitter med ms', 'p90', 'max', 'concealed %', 'heard', 'setup med ms', 'browser CPU %'],
      c.levels.map((l) => [
        l.calls,
        l.callsAlive,
        l.gateway.cpuPercent,
        l.gateway.rssMB,
        l.gateway.rssPeakMB,
        l.gateway.audioPacketsPerSecond.forwarded,
        l.audio.lossPercent,
        l.audio.maxLossPercent,
        ...jitterCells(l.audio.jitterMs),
        l.audio.concealedPercent,
        `${l.audio.streamsReceiving}/${l.audio.streams}${l.audio.closedDuringWindow ? ` (${l.audio.closedDuringWindow} closed)` : ""}`,
        l.setupMs.median,
        l.browserCpuPercent,
      ]),
    ),
  );
  print('   relayed: audio RTP packets per second the gateway forwarded (20 ms Opus: 100 per call); jitter: RFC 3550 interarrival jitter the receivers report');
  for (const l of c.levels.filter((level) => level.callsAlive < level.calls)) {
    print(`WARN capacity: at ${l.calls} calls only ${l.callsAlive} were still up when the window started (media failed; see the gateway log): beyond this machine`);
  }
  if (c.error) print(`WARN capacity: stopped: ${c.error.split('\n')[0]}`);
}

function printRender(r: RenderResult): void {
  print(
    formatTable(
      `4. Render: insertion of the tag to rendered / first paint, ${r.reps} reps each, alternated, ms`,
      ['state', 'element', 'nodes', 'rendered med', 'p90', 'painted med', 'p90', 'frame work med'],
      r.pairs.flatMap((p) => [
        [p.state, '<sip-phone>', p.nodes.widget, p.update.widget.median, p.update.widget.p90, p.paint.widget.median, p.paint.widget.p90, p.frame.widget.median],
        ['', 'bare Lit element', p.nodes.bare, p.update.bare.median, p.update.bare.p90, p.paint.bare.median, p.paint.bare.p90, p.frame.bare.median],
        ['', 'ratio', null, p.update.ratio, null, p.paint.ratio, null, p.frame.ratio],
      ]),
    ),
  );
}

function printSipAudio(r: SipAudioResult): void {
  const { relay, gateway } = r.modes;
  print(
    formatTable(`5. Through Kamailio + rtpengine to baresip, ${r.calls} calls per media mode (after 1 warm-up), from the far end's answer, ms`, ['', 'median', 'p90', 'min', 'max'], [
      ["mode 'relay': to ESTABLISHED", relay.answerToEstablished.median, relay.answerToEstablished.p90, relay.answerToEstablished.min, relay.answerToEstablished.max],
      ["mode 'relay': to first audio", relay.answerToAudio.median, relay.answerToAudio.p90, relay.answerToAudio.min, relay.answerToAudio.max],
      ["mode 'gateway': to ESTABLISHED", gateway.answerToEstablished.median, gateway.answerToEstablished.p90, gateway.answerToEstablished.min, gateway.answerToEstablished.max],
      ["mode 'gateway': to first audio", gateway.answerToAudio.median, gateway.answerToAudio.p90, gateway.answerToAudio.min, gateway.answerToAudio.max],
    ]),
  );
}

function printLoad(r: LoadResult): void {
  print(
    formatTable(
      `6. The gateway under Node clients (websdk protocol, werift media, no browser): ${r.largestHeld} calls held at most (idle RSS ${r.idle.rssMB} MB)`,
      ['calls', 'held', 'setup med ms', 'loss %', 'worst %', 'jitter med ms', 'p90', 'max', 'gw CPU %', 'gw CPU %/call', 'gw RSS MB', 'gw KB/call', 'generator CPU %'],
      r.levels.map((l) => [
        l.calls,
        `${l.callsHeld}${l.held ? '' : ' (not held)'}`,
        l.setupMs.median,
        l.audio.lossPercent,
        l.audio.maxLossPercent,
        ...jitterCells(l.audio.jitterMs),
        l.gateway.cpuPercent,
        l.gateway.cpuPercentPerCall,
        l.gateway.rssMB,
        l.gateway.rssKBPerCall,
        l.generatorCpuPercent,
      ]),
    ),
  );
  if (r.error) print(`WARN load: stopped ${r.error}`);
}

function printRtpengineLoad(r: RtpengineLoadResult): void {
  print(
    formatTable(
      `6b. The anchor: the same calls relayed by rtpengine in userspace (plain RTP, no SRTP): ${r.largestHeld} held at most`,
      ['calls', 'held', 'loss %', 'jitter med ms', 'p90', 'max', 'rtpengine CPU %', 'CPU %/call', 'rtpengine RSS MB', 'generator CPU %'],
      r.levels.map((l) => [
        l.calls,
        `${l.callsHeld}${l.held ? '' : ' (not held)'}`,
        l.audio.lossPercent,
        ...jitterCells(l.audio.jitterMs),
        l.cpuPercent,
        l.cpuPercentPerCall,
        l.rssMB,
        l.generatorCpuPercent,
      ]),
    ),
  );
  if (r.error) print(`WARN load-rtpengine: stopped ${r.error}`);
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        only: { type: 'string' },
        calls: { type: 'string' },
        warmup: { type: 'string' },
        cycles: { type: 'string' },
        'talk-ms': { type: 'string' },
        every: { type: 'string' },
        levels: { type: 'string' },
        'load-levels': { type: 'string' },
        'measure-ms': { type: 'string' },
        reps: { type: 'string' },
        'sip-calls': { type: 'string' },
        out: { type: 'string' },
        dist: { type: 'string' },
        'no-build': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    fail((error as Error).message);
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const only = (values.only ?? DEFAULT_PARTS.join(',')).split(',').map((s) => s.trim()).filter(Boolean);
  for (const part of only) if (!PARTS.includes(part as Part)) fail(`unknown part ${part}`);
  for (const part of only) if (STACK_PARTS.includes(part) && !stackInfo()) fail(`${part} needs the SIP stack: npm run bench:sip`);
  const options = {
    parts: only,
    calls: int('--calls', values.calls, 20),
    warmup: int('--warmup', values.warmup, 2, 0),
    cycles: int('--cycles', values.cycles, 200),
    talkMs: int('--talk-ms', values['talk-ms'], 1000, 0),
    every: int('--every', values.every, 25),
    levels: (values.levels ?? '10,20,40').split(',').map((s) => int('--levels', s, 0)),
    loadLevels: (values['load-levels'] ?? '10,20,40,80').split(',').map((s) => int('--load-levels', s, 0)),
    measureMs: int('--measure-ms', values['measure-ms'], 10_000),
    reps: int('--reps', values.reps, 200),
    sipCalls: int('--sip-calls', values['sip-calls'], 10),
    dist: values.dist ? resolve(values.dist) : undefined,
  };
  const outDir = resolve(values.out ?? join(ROOT, 'bench', 'results'));

  if (!values['no-build'] && !options.dist) {
    process.stdout.write('Building dist/ (rollup)...\n');
    const build = spawnSync(join(ROOT, 'node_modules', '.bin', 'rollup'), ['-c', 'rollup.config.mjs', '--silent'], { cwd: ROOT, stdio: 'inherit' });
    if (build.status !== 0) fail('the build failed');
  }

  const started = Date.now();
  const loadavgStart = loadavg().map((n) => Math.round(n * 100) / 100);
  const pages = await startPageServer(options.dist);
  const browser = await launchBrowser();
  const results: BenchResults = {
    date: new Date().toISOString(),
    machine: {
      cpu: cpus()[0]?.model.trim() ?? 'unknown',
      cores: cpus().length,
      memoryGB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
      os: `Linux ${release()}`,
      node: process.version,
      chromium: `${await browser.version()} (${chromiumPath()})`,
      loadavgStart,
      loadavgEnd: [],
      commit: commit(),
    },
    options,
    durationS: 0,
    errors: {},
    pass: true,
  };
  process.stdout.write(
    `sip-phone bench: ${results.machine.cpu} x${results.machine.cores}, ${results.machine.memoryGB} GB, Node ${results.machine.node}, ${results.machine.chromium}, load ${loadavgStart.join(' ')}\n`,
  );
  const ctx: BenchContext = { browser, pages, log };
  const run = async <T>(part: Part, body: () => Promise<T>, show: (r: T) => void): Promise<T | undefined> => {
    if (!only.includes(part)) return undefined;
    process.stdout.write(`\n== ${part}\n`);
    const t0 = Date.now();
    try {
      const result = await body();
      show(result);
      log(`(${part}: ${Math.round((Date.now() - t0) / 1000)} s)`);
      return result;
    } catch (error) {
      results.errors[part] = (error as Error).stack ?? String(error);
      results.pass = false;
      process.stdout.write(`FAIL ${part}: ${(error as Error).message}\n`);
      return undefined;
    }
  };
  try {
    results.setup = await run('setup', () => benchSetup(ctx, { calls: options.calls, warmup: options.warmup }), printSetup);
    results.endurance = await run(
      'endurance',
      () => benchEndurance(ctx, { cycles: options.cycles, talkMs: options.talkMs, every: Math.min(options.every, options.cycles) }),
      printEndurance,
    );
    results.capacity = await run('capacity', () => benchCapacity(ctx, { levels: options.levels, measureMs: options.measureMs, settleMs: 3000 }), printCapacity);
    results.render = await run('render', () => benchRender(ctx, { reps: options.reps, warmup: 10 }), printRender);
    results.load = await run('load', () => benchLoad({ levels: options.loadLevels, measureMs: options.measureMs, settleMs: 3000 }, log), printLoad);
    results.loadRtpengine = await run('load-rtpengine', () => benchRtpengineLoad(stackInfo()!, options.loadLevels, options.measureMs, log), printRtpengineLoad);
    results.sipAudio = await run('sip-audio', () => benchSipAudio(ctx, options.sipCalls), printSipAudio);
  } finally {
    await browser.close();
    await pages.close();
  }
  if (results.endurance && !results.endurance.pass) results.pass = false;
  results.machine.loadavgEnd = loadavg().map((n) => Math.round(n * 100) / 100);
  results.durationS = Math.round((Date.now() - started) / 1000);

  mkdirSync(outDir, { recursive: true });
  const json = `${JSON.stringify(results, null, 2)}\n`;
  const svg = renderChart(results);
  writeFileSync(join(outDir, 'latest.json'), json);
  writeFileSync(join(outDir, 'latest.svg'), svg);
  const stamp = results.date.replace(/[:.]/g, '-');
  writeFileSync(join(outDir, `${stamp}.json`), json);

  process.stdout.write(`\nWrote ${join(outDir, 'latest.json')} and latest.svg (${results.durationS} s, load ${results.machine.loadavgEnd.join(' ')} at the end)\n`);
  if (results.endurance) {
    for (const c of results.endurance.checks.filter((check) => !check.pass)) {
      process.stdout.write(`FAIL endurance: ${c.name} grew by ${c.growth} (${c.before} -> ${c.after}), limit ${c.limit}\n`);
    }
    if (results.endurance.heapSlopePerCall > SLOPE_WARN) {
      process.stdout.write(`WARN endurance: the heap still grows by ${results.endurance.heapSlopePerCall} bytes per call over the second half\n`);
    }
  }
  for (const part of Object.keys(results.errors)) process.stdout.write(`FAIL ${part}: see errors.${part} in latest.json\n`);
  if (results.capacity?.error) process.stdout.write(`WARN capacity: stopped: ${results.capacity.error.split('\n')[0]}\n`);
  process.stdout.write(results.pass ? 'PASS\n' : 'FAIL\n');
  process.exitCode = results.pass ? 0 : 1;
}

await main();
