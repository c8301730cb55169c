// What keeps the gateway safe to run on a machine where other pages and processes live:
// caller-supplied text made safe for the log, the Origin/Host checks of WebSocket and HTTP
// requests, and login throttling.
import { isIP } from 'node:net';
import type { Logger } from './util.js';

/** The longest piece of caller-supplied text a log line carries. */
export const LOG_FIELD_MAX = 128;

/**
 * Caller-supplied text (a login, callee, callId, DTMF, reason, visible name, message name)
 * made safe for one log line: at most LOG_FIELD_MAX characters (then `…`), every control
 * character, quote and backslash escaped (JSON-style, plus U+2028/U+2029), so no caller can
 * forge a log line or flood the log through it. Non-strings are shown by type.
 */
export function safe(value: unknown, max = LOG_FIELD_MAX): string {
  let text: string;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) text = String(value);
  else text = `(${Array.isArray(value) ? 'array' : typeof value})`;
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return JSON.stringify(cut)
    .slice(1, -1)
    .replace(/[\u2028\u2029\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The longest log line; anything longer is cut (a last guard: fields are cut far shorter). */
const LOG_LINE_MAX = 2048;

/**
 * A logger whose every line is one line: control characters left in a message (a field
 * someone forgot to pass through `safe()`) are escaped, and the line is cut at LOG_LINE_MAX.
 */
export function guardLogger(logger: Logger): Logger {
  const guard = (message: string): string => {
    // eslint-disable-next-line no-control-regex -- finding control characters is the point
    const line = message.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    return line.length > LOG_LINE_MAX ? `${line.slice(0, LOG_LINE_MAX)}…` : line;
  };
  return {
    debug: (m) => logger.debug(guard(m)),
    info: (m) => logger.info(guard(m)),
    warn: (m) => logger.warn(guard(m)),
    error: (m) => logger.error(guard(m)),
  };
}

/** `http://127.0.0.1:*`, `http://localhost:*`, `http://[::1]:*` (and https): pages on this machine. */
export const LOOPBACK_ORIGINS = ['127.0.0.1', 'localhost', '[::1]'].flatMap((host) =>
  ['http', 'https'].map((scheme) => `${scheme}://${host}:*`),
);

/** Splits `--allow-origin` values (repeated, or comma-separated) into origins. */
export function parseOrigins(values: readonly string[]): string[] {
  return values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim().replace(/\/+$/, ''))
    .filter(Boolean);
}

function matches(pattern: string, origin: string): boolean {
  if (pattern === origin) return true;
  // `scheme://host:*`: any port on that host (and the default port, with no port at all).
  if (!pattern.endsWith(':*')) return false;
  const base = pattern.slice(0, -2);
  return origin === base || (origin.startsWith(`${base}:`) && /^\d{1,5}$/.test(origin.slice(base.length + 1)));
}

function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  return bare === 'localhost' || bare === '::1' || (isIP(bare) === 4 && bare.startsWith('127.'));
}

/**
 * Who may talk to the gateway. WebSocket upgrades: pages from `allowed` origins, pages from
 * loopback origins, and clients that send no Origin (not browsers). HTTP CORS: only the
 * origins given (never `*`). And, when the gateway listens on a loopback address, only
 * requests whose Host names a loopback host (a page on another site that DNS-rebinds its
 * name to 127.0.0.1 still sends its own name as Host).
 */
export class OriginPolicy {
  private readonly patterns: readonly string[];

  constructor(
    private readonly allowed: readonly string[],
    private readonly listenHost: string,
  ) {
    this.patterns = [...LOOPBACK_ORIGINS, ...allowed];
  }

  /** A WebSocket may open from this Origin (undefined: no Origin header). */
  allowsSocket(origin: string | undefined): boolean {
    if (origin === undefined) return true;
    return this.patterns.some((p) => matches(p, origin));
  }

  /** REST answers this Origin with `Access-Control-Allow-Origin` (only origins given with --allow-origin). */
  allowsCors(origin: string | undefined): boolean {
    return origin !== undefined && this.allowed.some((p) => matches(p, origin));
  }

  /** The Host header is acceptable (checked only when listening on loopback). */
  allowsHost(host: string | undefined): boolean {
    if (!isLoopbackHost(this.listenHost)) return true;
    if (!host) return false;
    const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d+$/, '');
    return isLoopbackHost(name);
  }
}

export interface ThrottleOptions {
  /** Failed logins (per login, or per address) within `windowMs` that start a block. Default 10. */
  maxFailures?: number;
  windowMs?: number;
  /** How long a block lasts. Default 30 s. */
  blockMs?: number;
}

/**
 * Login throttling: after `maxFailures` failed sign-ins for one login, or from one address,
 * within `windowMs`, further attempts for that login or from that address are refused without
 * checking the password ("Too Many Requests") for `blockMs`, even with the right password.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();
  private readonly blockedUntil = new Map<string, number>();
  private readonly maxFailures: number;
  private readonly windowMs: number;
  private readonly blockMs: number;
  private readonly pruner: NodeJS.Timeout;

  constructor(options: ThrottleOptions = {}, private readonly now: () => number = Date.now) {
    this.maxFailures = options.maxFailures ?? 10;
    this.windowMs = options.windowMs ?? 60_000;
    this.blockMs = options.blockMs ?? 30_000;
    this.pruner = setInterval(() => this.prune(), this.windowMs);
    this.pruner.unref();
  }

  stop(): void {
    clearInterval(this.pruner);
  }

  private keys(login: string | undefined, address: string): string[] {
    return [`address ${address}`, ...(login ? [`login ${login}`] : [])];
  }

  /** True when attempts for this login or from this address are refused now. */
  blocked(login: string | undefined, address: string): boolean {
    const now = this.now();
    return this.keys(login, address).some((key) => {
      const until = this.blockedUntil.get(key);
      if (until === undefined) return false;
      if (until > now) return true;
      this.blockedUntil.delete(key);
      return false;
    });
  }

  /** A sign-in failed (wrong password, unknown login or token). */
  failed(login: string | undefined, address: string): void {
    const now = this.now();
    for (const key of this.keys(login, address)) {
      const recent = (this.failures.get(key) ?? []).filter((t) => now - t < this.windowMs);
      recent.push(now);
      if (recent.length >= this.maxFailures) {
        this.blockedUntil.set(key, now + this.blockMs);
        this.failures.delete(key);
      } else {
        this.failures.set(key, recent);
      }
    }
  }

  /** A sign-in for `login` succeeded: its own count starts again (its address's does not). */
  succeeded(login: string | undefined): void {
    if (login) this.failures.delete(`login ${login}`);
  }

  /** Drops counts older than the window (called now and then, so the maps stay small). */
  prune(): void {
    const now = this.now();
    for (const [key, times] of this.failures) {
      if (times.every((t) => now - t >= this.windowMs)) this.failures.delete(key);
    }
    for (const [key, until] of this.blockedUntil) if (until <= now) this.blockedUntil.delete(key);
  }
}
