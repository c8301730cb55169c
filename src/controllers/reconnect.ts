import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** The first retry waits about this long; each next one twice as long, up to MAX_DELAY_MS. */
export const FIRST_DELAY_MS = 1000;
export const MAX_DELAY_MS = 30_000;

/**
 * How long to wait before retry number `attempt` (1, 2, ...): about 1 s doubling to 30 s,
 * with ±25 % jitter so that many phones that lost the same server do not all come back in
 * the same instant.
 */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(Math.min(MAX_DELAY_MS, base * (0.75 + random() * 0.5)));
}

export interface ReconnectHooks {
  /** A retry is scheduled: `attempt` in `delayMs`. */
  scheduled(attempt: number, delayMs: number): void;
  /** Time to try again. */
  retry(): void;
}

/**
 * Schedules the retries of a lost session with backoff, retries at once when the browser
 * says it is online again, and stops when the host leaves the page.
 */
export class ReconnectController implements ReactiveController {
  #attempt = 0;
  #timer?: ReturnType<typeof setTimeout>;
  /** Re-renders the host every second while a retry waits, for its countdown. */
  #ticker?: ReturnType<typeof setInterval>;
  #due = 0;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly hooks: ReconnectHooks,
  ) {
    host.addController(this);
  }

  /** A retry is waiting for its time. */
  get pending(): boolean {
    return this.#timer !== undefined;
  }

  /** Whole seconds until the waiting retry (at least 1), or 0 when none waits. */
  get secondsLeft(): number {
    return this.pending ? Math.max(1, Math.ceil((this.#due - performance.now()) / 1000)) : 0;
  }

  /** Schedules the next retry. */
  schedule(): void {
    this.#clear();
    const attempt = ++this.#attempt;
    const delay = backoffDelay(attempt);
    this.#due = performance.now() + delay;
    this.#timer = setTimeout(() => this.now(), delay);
    this.#ticker = setInterval(() => this.host.requestUpdate(), 1000);
    this.hooks.scheduled(attempt, delay);
  }

  /** Retries now, when a retry is waiting. */
  now(): void {
    if (!this.pending) return;
    this.#clear();
    this.hooks.retry();
  }

  /** The session is back (or given up on purpose): the next loss starts again at attempt 1. */
  reset(): void {
    this.#clear();
    this.#attempt = 0;
  }

  hostConnected(): void {
    window.addEventListener('online', this.#online);
  }

  hostDisconnected(): void {
    window.removeEventListener('online', this.#online);
    this.reset();
  }

  #online = (): void => this.now();

  #clear(): void {
    clearTimeout(this.#timer);
    clearInterval(this.#ticker);
    this.#timer = undefined;
    this.#ticker = undefined;
  }
}
