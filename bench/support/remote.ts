// Typed calls into a bench page's `window.bench` object.
import type { Page } from 'puppeteer-core';

/**
 * Runs `fn(window.bench, arg)` in the page and resolves with its (awaited) result. `fn` is
 * sent as source text, so it must use only its parameters; `arg` must be JSON.
 */
export function remote<Api, Arg, Result>(page: Page, fn: (bench: Api, arg: Arg) => Result, arg: Arg): Promise<Awaited<Result>> {
  return page.evaluate(`(${fn.toString()})(window.bench, ${JSON.stringify(arg ?? null)})`) as Promise<Awaited<Result>>;
}
