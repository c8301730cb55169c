// Serves the bench pages on 127.0.0.1 and a free port: the built widget bundle (dist/), the
// websdk's own prebuilt script, and the page scripts in bench/pages/ bundled by esbuild.
// A plain node:http handler: the bench needs five fixed paths, no dev-server features.
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, normalize, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import { ROOT } from './paths.js';

const PAGES = {
  phones: ['<script src="/websdk/flashphoner-webrtc-only.min.js"></script>', '<script type="module" src="/bench/phones.js"></script>'],
  widget: ['<script type="module" src="/bench/widget.js"></script>', '<script type="module" src="/dist/sip-phone.js"></script>'],
  render: ['<script type="module" src="/dist/sip-phone.js"></script>', '<script type="module" src="/bench/render.js"></script>'],
} as const;

export type PageName = keyof typeof PAGES;

export interface PageServer {
  origin: string;
  url(page: PageName): string;
  close(): Promise<void>;
}

/** Bundles bench/pages/NAME.ts for the browser (minified, like dist/). */
async function bundlePages(): Promise<Map<string, string>> {
  const names = Object.keys(PAGES);
  const result = await build({
    entryPoints: names.map((name) => join(ROOT, 'bench', 'pages', `${name}.ts`)),
    bundle: true,
    write: false,
    format: 'esm',
    target: 'es2022',
    minify: true,
    outdir: '/bench-out',
    logLevel: 'error',
  });
  const out = new Map<string, string>();
  for (const file of result.outputFiles) out.set(`/bench/${file.path.split('/').pop()}`, file.text);
  return out;
}

/** `distDir`: the built bundle to serve as /dist/ (default: the repository's dist/). */
export async function startPageServer(distDir = join(ROOT, 'dist')): Promise<PageServer> {
  if (!existsSync(join(distDir, 'sip-phone.js'))) {
    throw new Error(`${join(distDir, 'sip-phone.js')} is missing: run \`npm run build\` first (or drop --no-build).`);
  }
  const scripts = await bundlePages();
  const websdk = join(ROOT, 'node_modules', '@flashphoner', 'websdk');
  const dist = normalize(distDir);
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const send = (type: string, body: string | Buffer) => {
      res
        .writeHead(200, {
          'Content-Type': type,
          'Cache-Control': 'no-store',
          // Cross-origin isolated pages get performance.now() at 5 µs instead of 100 µs.
          'Cross-Origin-Opener-Policy': 'same-origin',
          'Cross-Origin-Embedder-Policy': 'require-corp',
        })
        .end(body);
    };
    if (path === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    const page = /^\/(\w+)\.html$/.exec(path)?.[1];
    if (page && page in PAGES) {
      const tags = PAGES[page as PageName].join('\n');
      send('text/html; charset=utf-8', `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>bench ${page}</title>\n${tags}</head><body></body></html>`);
      return;
    }
    const script = scripts.get(path);
    if (script) {
      send('text/javascript; charset=utf-8', script);
      return;
    }
    let file: string | undefined;
    if (path === '/websdk/flashphoner-webrtc-only.min.js') file = join(websdk, 'flashphoner-webrtc-only.min.js');
    else if (path.startsWith('/dist/') && path.endsWith('.js')) {
      file = normalize(join(dist, path.slice('/dist/'.length)));
      if (!file.startsWith(dist + sep)) file = undefined;
    }
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    readFile(file).then(
      (body) => send('text/javascript; charset=utf-8', body),
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    url: (page) => `${origin}/${page}.html`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
