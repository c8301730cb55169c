// Small pieces shared by the gateway's modules: logging and tracked timers.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/** A console logger that prints messages at `level` and above, prefixed with `[gateway]`. */
export function consoleLogger(level: LogLevel = 'info'): Logger {
  const min = LEVELS[level] ?? LEVELS.info;
  const at =
    (lvl: Exclude<LogLevel, 'silent'>, write: (line: string) => void) =>
    (message: string): void => {
      if (LEVELS[lvl] >= min) write(`[gateway] ${lvl}: ${message}`);
    };
  return {
    debug: at('debug', (l) => console.log(l)),
    info: at('info', (l) => console.log(l)),
    warn: at('warn', (l) => console.warn(l)),
    error: at('error', (l) => console.error(l)),
  };
}

export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === 'string' && value in LEVELS;
}

/**
 * Timers the gateway owns, counted so that `stats().timers` shows leaks: every timeout
 * or interval is created and cleared through here.
 */
export class Timers {
  private readonly live = new Set<NodeJS.Timeout>();

  timeout(ms: number, fn: () => void): NodeJS.Timeout {
    const handle = setTimeout(() => {
      this.live.delete(handle);
      fn();
    }, ms);
    this.live.add(handle);
    return handle;
  }

  interval(ms: number, fn: () => void): NodeJS.Timeout {
    const handle = setInterval(fn, ms);
    this.live.add(handle);
    return handle;
  }

  clear(handle: NodeJS.Timeout | undefined): void {
    if (!handle) return;
    clearTimeout(handle);
    clearInterval(handle);
    this.live.delete(handle);
  }

  clearAll(): void {
    for (const handle of this.live) {
      clearTimeout(handle);
      clearInterval(handle);
    }
    this.live.clear();
  }

  get size(): number {
    return this.live.size;
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
