import type { Browser } from 'puppeteer-core';
import type { PageServer } from '../support/pages.js';

export interface BenchContext {
  browser: Browser;
  pages: PageServer;
  log(message: string): void;
}

export type PhonesApi = typeof import('../pages/phones.js').bench;
export type WidgetApi = typeof import('../pages/widget.js').bench;
export type RenderApi = typeof import('../pages/render.js').bench;
