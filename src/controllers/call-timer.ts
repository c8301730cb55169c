import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** Formats a duration in milliseconds as `m:ss` (or `h:mm:ss` past an hour). */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/**
 * Re-renders its host every second while a call is connected, so the host can show how
 * long the call has lasted. `since` returns the `performance.now()` the call connected at,
 * or undefined when there is nothing to time.
 */
export class CallTimerController implements ReactiveController {
  #interval?: ReturnType<typeof setInterval>;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly since: () => number | undefined,
  ) {
    host.addController(this);
  }

  /** Milliseconds since the call connected, or undefined. */
  get elapsed(): number | undefined {
    const start = this.since();
    return start === undefined ? undefined : performance.now() - start;
  }

  get text(): string {
    const elapsed = this.elapsed;
    return elapsed === undefined ? '' : formatDuration(elapsed);
  }

  hostUpdated(): void {
    const running = this.since() !== undefined;
    if (running && this.#interval === undefined) {
      this.#interval = setInterval(() => this.host.requestUpdate(), 1000);
    } else if (!running) {
      this.#stop();
    }
  }

  hostDisconnected(): void {
    this.#stop();
  }

  #stop(): void {
    clearInterval(this.#interval);
    this.#interval = undefined;
  }
}
