// Headless Debian Chromium through puppeteer-core, with the flags the browser tests use
// (chromiumArgs in web-test-runner.config.mjs) plus what a benchmark needs.
import puppeteer, { type Browser, type CDPSession, type Page } from 'puppeteer-core';
import { ROOT } from './paths.js';

export async function chromiumArgs(): Promise<string[]> {
  const config = (await import(new URL('web-test-runner.config.mjs', `file://${ROOT}`).href)) as { chromiumArgs: string[] };
  return config.chromiumArgs;
}

export const EXTRA_ARGS = [
  // gc() in pages, so the endurance figures are taken after a full collection.
  '--js-flags=--expose-gc',
  // Phones in background tabs must not be throttled (they answer calls).
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
];

export function chromiumPath(): string {
  return process.env['CHROME_PATH'] || '/usr/bin/chromium';
}

export async function launchBrowser(): Promise<Browser> {
  return puppeteer.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [...(await chromiumArgs()), ...EXTRA_ARGS],
    protocolTimeout: 600_000,
    defaultViewport: { width: 1000, height: 800 },
  });
}

/**
 * Opens `url` in a page of its own browser context, so it gets its own renderer process:
 * per-process counters (DOM nodes, listeners) then describe that page alone.
 */
export async function openIsolatedPage(browser: Browser, url: string): Promise<Page> {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  // tsx compiles the bench with esbuild's keepNames, which wraps named functions in
  // __name(...): a function sent to page.evaluate must find it.
  await page.evaluateOnNewDocument('globalThis.__name = (f) => f');
  page.on('pageerror', (error) => process.stderr.write(`page error (${url}): ${String(error)}\n`));
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warn') process.stderr.write(`console.${message.type()} (${url}): ${message.text()}\n`);
  });
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForFunction(() => 'bench' in window, { timeout: 10_000 });
  return page;
}

export interface MemorySnapshot {
  /** JS heap in use after a full garbage collection, bytes. */
  jsHeapUsed: number;
  /** RTCPeerConnection objects still alive in the heap (closed or not). */
  peerConnectionObjects: number;
  /** Peer connections open (not closed), as the page's own tracker sees them. */
  openPeerConnections: number;
  documents: number;
  domNodes: number;
  jsEventListeners: number;
}

/** Collects garbage (several passes: WeakRefs and finalizers need more than one) and reads the counters. */
export async function memorySnapshot(page: Page, cdp: CDPSession): Promise<MemorySnapshot> {
  for (let i = 0; i < 3; i++) {
    await cdp.send('HeapProfiler.collectGarbage');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const heap = await cdp.send('Runtime.getHeapUsage');
  const counters = await cdp.send('Memory.getDOMCounters');
  // queryObjects walks the heap for every object whose prototype chain holds RTCPeerConnection.prototype.
  const proto = await cdp.send('Runtime.evaluate', { expression: 'RTCPeerConnection.prototype', objectGroup: 'bench' });
  const objects = await cdp.send('Runtime.queryObjects', { prototypeObjectId: proto.result.objectId!, objectGroup: 'bench' });
  const length = await cdp.send('Runtime.callFunctionOn', {
    objectId: objects.objects.objectId!,
    functionDeclaration: 'function () { return this.length; }',
    returnByValue: true,
  });
  await cdp.send('Runtime.releaseObjectGroup', { objectGroup: 'bench' });
  const open = await page.evaluate(() => (window as unknown as { bench: { openPeerConnections(): number } }).bench.openPeerConnections());
  return {
    jsHeapUsed: heap.usedSize,
    peerConnectionObjects: length.result.value as number,
    openPeerConnections: open,
    documents: counters.documents,
    domNodes: counters.nodes,
    jsEventListeners: counters.jsEventListeners,
  };
}
