// Builds the bundle for pages without a build step:
//   <script type="module" src=".../dist/sip-phone.js"></script>
// What a page downloads to render the phone: dist/sip-phone.js (the <sip-phone> shell) and
// dist/sip-phone-base.js (Lit and the few modules the shell shares with the rest). What it
// downloads when a phone first connects: dist/phone-runtime.js (the call-state model,
// @lit/context, controllers), dist/sip-phone-parts.js (the child elements; also an entry of
// its own for pages that lay the children out themselves), dist/wcs-engine.js (the websdk
// adapter with @flashphoner/websdk) and dist/tone-synth.js (the Web Audio tones).
//
// npm consumers get the unbundled `tsc` output in lib/ instead (see package.json "exports").
import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import commonjs from '@rollup/plugin-commonjs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import { WEBSDK_COMMONJS, websdkLean } from './scripts/websdk-lean.mjs';

const tsconfig = JSON.parse(readFileSync(new URL('./tsconfig.json', import.meta.url), 'utf8'));

/**
 * Compiles the widget's TypeScript with TypeScript's own transpiler (`transpileModule`: no type
 * checking, that is `tsc --noEmit`'s job), with tsconfig.json's options and two changes:
 * - target ES2022. With Lit's decorators (`experimentalDecorators`,
 *   `useDefineForClassFields: false`) esbuild lowers every `#private` member of a decorated
 *   class to a WeakMap and helper calls, whatever its target; tsc keeps them native, and terser
 *   then shortens their names. That, with the helpers below, takes about 1.3 KB (gzip) off
 *   dist/sip-phone.js. Every browser that renders the widget runs ES2022: its styles need CSS
 *   `light-dark()` (Chrome 123, Firefox 120, Safari 17.5). lib/ keeps tsconfig.json's target.
 * - `importHelpers`: one copy of `__decorate` from tslib instead of one per module.
 */
function typescriptTranspile() {
  const { options } = ts.convertCompilerOptionsFromJson(tsconfig.compilerOptions, '.');
  const compilerOptions = {
    ...options,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    importHelpers: true,
    sourceMap: true,
    inlineSourceMap: false,
    declaration: false,
    declarationMap: false,
  };
  return {
    name: 'typescript-transpile',
    transform(code, id) {
      if (!/\.ts$/.test(id) || /\.d\.ts$/.test(id)) return null;
      const { outputText, sourceMapText } = ts.transpileModule(code, { fileName: id, compilerOptions });
      return { code: outputText.replace(/^\/\/# sourceMappingURL=.*$/m, ''), map: sourceMapText };
    },
  };
}

const LAZY_ENTRY = fileURLToPath(new URL('./src/engine/wcs-engine.ts', import.meta.url));

/** The chunk the shell shares with everything loaded later. */
const BASE = 'sip-phone-base';
/** Modules of src/ that the shell and the later chunks both use: they go into the base chunk. */
const SHARED_SRC = ['call-context.ts', 'events.ts', 'styles.ts', 'i18n.ts', 'engine/engine.ts'].map((f) =>
  fileURLToPath(new URL(`./src/${f}`, import.meta.url)),
);

/** Lit (and the decorator helpers) and the shared modules of src/ form the base chunk. */
function manualChunks(id) {
  if (/node_modules[\\/](lit|lit-html|lit-element|@lit[\\/]reactive-element|tslib)[\\/]/.test(id)) return BASE;
  if (SHARED_SRC.includes(id)) return BASE;
  return undefined;
}

/**
 * Checks the shape of the output. No chunk may import the entry sip-phone.js: a page that
 * loads the bundle under another URL (`sip-phone.js?v=2`) would get a second copy of it when
 * the chunk loads and define the elements twice. Chunks share code through sip-phone-base.js
 * instead, whose URL has no query. The entry imports only that chunk (so what a page needs to
 * render the phone is two files, and no more); the websdk adapter and the tone synthesis are
 * lazy and import nothing (they import only types from the rest of src/); the websdk is in the
 * adapter's chunk alone.
 */
function checkChunks() {
  return {
    name: 'check-chunks',
    generateBundle(_options, bundle) {
      const chunks = Object.values(bundle).filter((c) => c.type === 'chunk');
      if (!chunks.some((c) => c.facadeModuleId === LAZY_ENTRY)) this.error('The websdk adapter is no longer a separate (lazy) chunk.');
      for (const chunk of chunks) {
        const imports = [...chunk.imports, ...chunk.dynamicImports];
        if (imports.includes('sip-phone.js')) this.error(`${chunk.fileName} imports the entry sip-phone.js; share code through ${BASE}.js.`);
        if (chunk.fileName !== 'sip-phone.js' && chunk.fileName !== `${BASE}.js` && /Flashphoner\.init|flashphoner-core/.test(chunk.code) && chunk.facadeModuleId !== LAZY_ENTRY) {
          this.error(`The websdk ended up in ${chunk.fileName} instead of the adapter's chunk.`);
        }
      }
      for (const lazy of chunks.filter((c) => ['wcs-engine.js', 'tone-synth.js'].includes(c.fileName))) {
        if (lazy.imports.length || lazy.dynamicImports.length) {
          this.error(`The lazy chunk ${lazy.fileName} must import nothing, but imports ${[...lazy.imports, ...lazy.dynamicImports].join(', ')}.`);
        }
      }
      const entry = bundle['sip-phone.js'];
      if (entry.imports.some((f) => f !== `${BASE}.js`)) this.error(`sip-phone.js may import only ${BASE}.js, but imports ${entry.imports.join(', ')}.`);
      for (const file of ['sip-phone.js', `${BASE}.js`]) {
        if (/Flashphoner/.test(bundle[file]?.code ?? '')) this.error(`The websdk ended up in ${file} instead of the lazy chunk.`);
      }
    },
  };
}

/**
 * Collapses the indentation inside the widget's `css` and `html` tagged templates: every run of
 * whitespace that holds a line break becomes one space (or nothing, around CSS punctuation), and
 * CSS comments go.
 * Browsers treat such a run like one space in HTML text and in CSS, so what renders is the same;
 * `<pre>` and `<textarea>`, where it would not be, are refused. Only src/ templates are touched.
 */
function collapseTemplateWhitespace() {
  return {
    name: 'collapse-template-whitespace',
    transform(code, id) {
      if (!/[\\/]src[\\/].*\.ts$/.test(id)) return null;
      const edits = [];
      const visit = (node) => {
        if (!node || typeof node.type !== 'string') return;
        if (node.type === 'TaggedTemplateExpression' && node.tag.type === 'Identifier' && /^(css|html)$/.test(node.tag.name)) {
          const isCss = node.tag.name === 'css';
          for (const quasi of node.quasi.quasis) {
            const raw = code.slice(quasi.start, quasi.end);
            if (/<(pre|textarea)\b/i.test(raw)) this.error(`${id}: collapseTemplateWhitespace cannot handle <pre>/<textarea>.`);
            let out = raw.replace(/\s*\n\s*/g, ' ');
            // CSS: comments go, and the spaces around punctuation and after a property's colon.
            if (isCss) out = out.replace(/\/\*.*?\*\//g, '').replace(/ ?([{};,>]) ?/g, '$1').replace(/: /g, ':');
            if (out !== raw) edits.push([quasi.start, quasi.end, out]);
          }
        }
        for (const key of Object.keys(node)) {
          const value = node[key];
          if (Array.isArray(value)) value.forEach(visit);
          else if (value && typeof value === 'object' && key !== 'parent') visit(value);
        }
      };
      visit(this.parse(code));
      if (!edits.length) return null;
      let result = code;
      for (const [start, end, text] of edits.sort((a, b) => b[0] - a[0])) result = result.slice(0, start) + text + result.slice(end);
      return { code: result, map: null };
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
  input: { 'sip-phone': 'src/bundle.ts', 'sip-phone-parts': 'src/parts.ts' },
  // The runtime also imports modules that live in the parts' chunk (the call's wording): they
  // are exported from sip-phone-parts.js itself rather than from a facade chunk of their own.
  preserveEntrySignatures: 'allow-extension',
  output: {
    dir: 'dist',
    format: 'es',
    entryFileNames: '[name].js',
    chunkFileNames: '[name].js',
    manualChunks,
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
    // The websdk from its own source, without the providers a phone never uses (scripts/websdk-lean.mjs).
    websdkLean(),
    nodeResolve({ browser: true, extensions: ['.ts', '.js', '.mjs'] }),
    // Only the websdk and its dependencies are CommonJS.
    commonjs({ include: WEBSDK_COMMONJS, strictRequires: false }),
    typescriptTranspile(),
    collapseTemplateWhitespace(),
    // Two compress passes: about 1.6 KB less gzip on the websdk chunk, a little on the entry.
    terser({ ecma: 2022, module: true, compress: { passes: 2 }, format: { comments: false } }),
  ],
};
