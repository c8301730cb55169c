// `npm run screenshots`: pictures of the phone in each state, in English and Russian, in the
// light and the dark colour scheme, into docs/screenshots/ (referenced from the README). It
// runs the demo (`npm start`: the local gateway and the demo page) and drives its two
// phones in headless Chromium with fake media devices, as a person would: the connection
// form, a registered phone, a call ringing in, a call in progress with the keypad open, and a
// call to a number that does not exist. Run it again after changing how the phone looks.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { ElementHandle, Page } from 'puppeteer-core';
import { launchBrowser } from '../bench/support/browser.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = new URL('../docs/screenshots/', import.meta.url);
const LANGUAGES = ['en', 'ru'] as const;
const SCHEMES = ['light', 'dark'] as const;

/** A free loopback port. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Starts `npm start` on free ports; resolves with the demo's URL once it is up. */
async function startDemo(): Promise<{ url: string; child: ChildProcess }> {
  const [port, gatewayPort] = [await freePort(), await freePort()];
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'demo/serve.ts', '--port', String(port), '--gateway-port', String(gatewayPort), '--log-level', 'error'],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const found = /Demo:\s+(\S+)/.exec(out);
      if (found) resolve(found[1]!);
    });
    child.once('exit', (code) => reject(new Error(`the demo exited (${code}) before it started:\n${out}`)));
  });
  return { url, child };
}

/** The n-th phone of the page (0: 10005, 1: 10006, 2: one without settings). */
function phone(page: Page, n: number): Promise<ElementHandle<Element>> {
  return page.evaluateHandle((i) => document.querySelectorAll('sip-phone')[i]!, n) as Promise<ElementHandle<Element>>;
}

/** Waits until a phone's reflected attribute has `value`. */
async function attr(page: Page, n: number, name: string, value: string): Promise<void> {
  await page.waitForFunction(
    (i, a, v) => document.querySelectorAll('sip-phone')[i]?.getAttribute(a) === v,
    { timeout: 15_000 },
    n,
    name,
    value,
  );
}

/**
 * Defined in every page: the element with `part` inside the n-th phone, through shadow
 * roots (the phones' children have shadow roots of their own).
 */
const FIND_PART = `globalThis.findPart = (n, part) => {
  const find = (root) => {
    if (!root) return null;
    const hit = root.querySelector('[part~="' + part + '"]');
    if (hit) return hit;
    for (const el of root.querySelectorAll('*')) {
      const inner = find(el.shadowRoot);
      if (inner) return inner;
    }
    return null;
  };
  return find(document.querySelectorAll('sip-phone')[n]?.shadowRoot);
};`;

type FindPart = (n: number, part: string) => HTMLElement | null;

/** Waits until an element with `part` shows inside the phone. */
async function part(page: Page, n: number, name: string): Promise<void> {
  await page.waitForFunction((i, p) => (globalThis as unknown as { findPart: FindPart }).findPart(i, p) !== null, { timeout: 15_000 }, n, name);
}

/** Clicks the element with `part` inside the phone. */
async function click(page: Page, n: number, name: string): Promise<void> {
  await part(page, n, name);
  await page.evaluate((i, p) => (globalThis as unknown as { findPart: FindPart }).findPart(i, p)!.click(), n, name);
}

async function shoot(page: Page, n: number, file: string): Promise<void> {
  // Let transitions and the live region settle.
  await new Promise((resolve) => setTimeout(resolve, 300));
  await (await phone(page, n)).screenshot({ path: fileURLToPath(new URL(file, OUT)) });
  process.stdout.write(`docs/screenshots/${file}\n`);
}

type Phone = Element & { call(n: string): void; answer(): void; hangup(): void; sendDtmf(d: string): void };

async function states(page: Page, lang: string, scheme: string): Promise<void> {
  const name = (state: string) => `${state}-${lang}-${scheme}.png`;
  await attr(page, 0, 'session-status', 'REGISTERED');
  await attr(page, 1, 'session-status', 'REGISTERED');
  // The connection form: a phone without settings, added beside the others.
  await page.evaluate(() => document.querySelector('main')!.append(document.createElement('sip-phone')));
  await part(page, 2, 'form');
  await shoot(page, 2, name('form'));
  await page.evaluate(() => document.querySelectorAll('sip-phone')[2]!.remove());
  await shoot(page, 0, name('registered'));
  await page.evaluate(() => (document.querySelectorAll('sip-phone')[0] as Phone).call('10006'));
  await attr(page, 1, 'call-status', 'RING');
  await part(page, 1, 'answer-button');
  await shoot(page, 1, name('ringing'));
  await page.evaluate(() => (document.querySelectorAll('sip-phone')[1] as Phone).answer());
  await attr(page, 0, 'call-status', 'ESTABLISHED');
  await click(page, 0, 'keypad-button');
  await page.evaluate(() => (document.querySelectorAll('sip-phone')[0] as Phone).sendDtmf('12'));
  // The first quality figures come after 2 s.
  await part(page, 0, 'quality');
  await shoot(page, 0, name('in-call'));
  await page.evaluate(() => (document.querySelectorAll('sip-phone')[0] as Phone).hangup());
  await attr(page, 1, 'call-status', 'FINISH');
  await page.evaluate(() => (document.querySelectorAll('sip-phone')[0] as Phone).call('10099'));
  await part(page, 0, 'error');
  await shoot(page, 0, name('not-found'));
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const { url, child } = await startDemo();
  const browser = await launchBrowser();
  try {
    for (const lang of LANGUAGES) {
      for (const scheme of SCHEMES) {
        const context = await browser.createBrowserContext();
        const page = await context.newPage();
        await page.setViewport({ width: 900, height: 900 });
        await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
        // tsx compiles this script with esbuild's keepNames, which wraps named functions in
        // __name(...): the functions sent to the page must find it.
        await page.evaluateOnNewDocument('globalThis.__name = (f) => f');
        await page.evaluateOnNewDocument(FIND_PART);
        // The page's language, before its phones first render.
        await page.evaluateOnNewDocument((l) => {
          document.addEventListener('readystatechange', () => document.documentElement.setAttribute('lang', l), { once: true });
        }, lang);
        page.on('pageerror', (error) => process.stderr.write(`page error: ${String(error)}\n`));
        await page.goto(url, { waitUntil: 'load' });
        await states(page, lang, scheme);
        await context.close();
      }
    }
  } finally {
    await browser.close();
    child.kill('SIGINT');
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`screenshots: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
