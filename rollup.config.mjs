// Builds the single-file bundle for pages without a build step:
//   <script type="module" src=".../dist/sip-phone.js"></script>
// dist/sip-phone.js holds lit, @lit/context and every element, minified. The websdk adapter
// (src/engine/wcs-engine.ts with @flashphoner/websdk) is imported lazily by <sip-phone>, so
// rollup writes it as a second file beside it (dist/wcs-engine.js) that a page downloads
// only when a phone first connects.
//
// npm consumers get the unbundled `tsc` output in lib/ instead (see package.json "exports").
import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { transform } from 'esbuild';
import commonjs from '@rollup/plugin-commonjs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';

const tsconfig = JSON.parse(readFileSync(new URL('./tsconfig.json', import.meta.url), 'utf8'));

/**
 * Compiles TypeScript with esbuild, honouring tsconfig.json's compiler options
 * (`experimentalDecorators`, `useDefineForClassFields: false`): without them Lit's field
 * decorators compile as standard decorators and break. Type checking is `tsc`'s job.
 */
function esbuildTypeScript() {
  return {
    name: 'esbuild-typescript',
    async transform(code, id) {
      if (!/\.ts$/.test(id) || /\.d\.ts$/.test(id)) return null;
      const result = await transform(code, {
        loader: 'ts',
        format: 'esm',
        target: tsconfig.compilerOptions.target,
        sourcefile: id,
        sourcemap: true,
        tsconfigRaw: { compilerOptions: tsconfig.compilerOptions },
      });
      return { code: result.code, map: result.map };
    },
  };
}

const LAZY_ENTRY = fileURLToPath(new URL('./src/engine/wcs-engine.ts', import.meta.url));

/**
 * Checks the shape of the output: sip-phone.js is one file without the websdk, and the lazy
 * websdk chunk imports nothing. (If the chunk imported a shared module from `./sip-phone.js`,
 * a page that loads the bundle under another URL, `sip-phone.js?v=2`, would get a second
 * copy of the entry when the chunk loads and define the elements twice. That is why
 * src/engine/wcs-engine.ts imports only types from the rest of src/.)
 */
function checkChunks() {
  return {
    name: 'check-chunks',
    generateBundle(_options, bundle) {
      const lazy = Object.values(bundle).find((c) => c.type === 'chunk' && c.facadeModuleId === LAZY_ENTRY);
      if (!lazy) this.error('The websdk adapter is no longer a separate (lazy) chunk.');
      if (lazy.imports.length || lazy.dynamicImports.length) {
        this.error(`The lazy chunk ${lazy.fileName} must import nothing, but imports ${[...lazy.imports, ...lazy.dynamicImports].join(', ')}.`);
      }
      const entry = bundle['sip-phone.js'];
      if (entry.imports.length) this.error(`sip-phone.js must be one file, but imports ${entry.imports.join(', ')}.`);
      if (/Flashphoner/.test(entry.code)) this.error('The websdk ended up in sip-phone.js instead of the lazy chunk.');
    },
  };
}

/** Empties dist/ so no chunk from an earlier build is left beside the new ones. */
function cleanDist() {
  return {
    name: 'clean-dist',
    buildStart() {
      rmSync(new URL('./dist', import.meta.url), { recursive: true, force: true });
    },
  };
}

export default {
  input: { 'sip-phone': 'src/index.ts' },
  output: {
    dir: 'dist',
    format: 'es',
    entryFileNames: '[name].js',
    chunkFileNames: '[name].js',
  },
  // The websdk's prebuilt bundles test `this` at the top level; it is undefined in ESM.
  onwarn(warning, warn) {
    if (warning.code === 'THIS_IS_UNDEFINED' && /@flashphoner/.test(warning.id ?? '')) return;
    warn(warning);
  },
  plugins: [
    cleanDist(),
    checkChunks(),
    // Resolves `./x.js` imports in src/ to their `./x.ts` sources, like tsc's bundler mode.
    {
      name: 'ts-js-extension',
      async resolveId(source, importer, options) {
        if (!importer || !/\.ts$/.test(importer) || !source.startsWith('.') || !source.endsWith('.js')) return null;
        return this.resolve(source.replace(/\.js$/, '.ts'), importer, { ...options, skipSelf: true });
      },
    },
    nodeResolve({ browser: true, extensions: ['.ts', '.js', '.mjs'] }),
    // Only the websdk is CommonJS (a prebuilt browserify bundle imported by default).
    commonjs({ include: [/node_modules[\\/]@flashphoner[\\/]websdk[\\/]/], strictRequires: false }),
    esbuildTypeScript(),
    terser({ ecma: 2021, module: true, format: { comments: false } }),
  ],
};
