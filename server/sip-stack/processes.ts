// Child processes of the SIP test stack: started with their output in a log file, watched
// for a readiness line, and stopped by PID (SIGTERM, again, then SIGKILL).
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { createConnection } from 'node:net';

export class StackProcess {
  readonly child: ChildProcess;
  private readonly log: WriteStream;
  private output = '';
  private readonly watchers = new Set<() => void>();
  exited: Promise<number | null>;
  exitCode: number | null | undefined;

  constructor(
    readonly name: string,
    command: string,
    args: string[],
    logFile: string,
    options: { cwd?: string } = {},
  ) {
    this.log = createWriteStream(logFile, { flags: 'a' });
    this.child = spawn(command, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const onData = (chunk: Buffer): void => {
      this.log.write(chunk);
      // Keep the tail only: readiness lines come early, logs grow.
      this.output = (this.output + chunk.toString('utf8')).slice(-64 * 1024);
      for (const watcher of [...this.watchers]) watcher();
    };
    this.child.stdout?.on('data', onData);
    this.child.stderr?.on('data', onData);
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exitCode = code;
        this.log.write(`\n[stack] ${name} exited (${code ?? signal})\n`);
        for (const watcher of [...this.watchers]) watcher();
        resolve(code);
      });
      this.child.once('error', (error) => {
        this.exitCode = -1;
        this.log.write(`\n[stack] ${name} failed to start: ${error.message}\n`);
        for (const watcher of [...this.watchers]) watcher();
        resolve(-1);
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.exitCode === undefined;
  }

  /** Resolves when the output matches `pattern`; rejects on exit or after `timeoutMs`. */
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (pattern.test(this.output)) finish();
        else if (!this.running) finish(new Error(`${this.name} exited before printing ${pattern}:\n${this.tail()}`));
      };
      const timer = setTimeout(() => finish(new Error(`${this.name}: no ${pattern} within ${timeoutMs} ms:\n${this.tail()}`)), timeoutMs);
      const finish = (error?: Error): void => {
        clearTimeout(timer);
        this.watchers.delete(check);
        if (error) reject(error);
        else resolve();
      };
      this.watchers.add(check);
      check();
    });
  }

  tail(lines = 15): string {
    return this.output.split('\n').slice(-lines).join('\n');
  }

  /** SIGTERM, a second SIGTERM after 1 s (baresip wants it), SIGKILL after `killAfterMs`. */
  async stop(killAfterMs = 4000): Promise<void> {
    if (this.running && this.pid) {
      this.signal('SIGTERM');
      const again = setTimeout(() => this.signal('SIGTERM'), 1000);
      const kill = setTimeout(() => this.signal('SIGKILL'), killAfterMs);
      await this.exited;
      clearTimeout(again);
      clearTimeout(kill);
    }
    await new Promise<void>((resolve) => this.log.end(resolve));
  }

  private signal(signal: NodeJS.Signals): void {
    if (!this.running || !this.pid) return;
    try {
      process.kill(this.pid, signal);
    } catch {
      // already gone
    }
  }
}

/** Resolves once a TCP connection to host:port succeeds (polling every 100 ms). */
export async function waitForTcp(host: string, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host, port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on tcp ${host}:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
