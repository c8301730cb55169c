// Builds the single-file bundle for pages without a build step:
//   <script type="module" src=".../dist/sip-phone.js"></script>
// dist/sip-phone.js holds lit, @lit/context and every element, minified. The websdk adapter
// (src/engine/wcs-engine.ts with @flashphoner/websdk) is imported lazily by <sip-phone>, so
// rollup writes it as a second file beside it (dist/wcs-engine.js) that a page downloads
// only when a phone first connects; the Web Audio tone synthesis (dist/tone-synth.js) is loaded
// the same way, on the Connect click or the first tone.
//
// npm consumers get the unbundled `tsc` output in lib/ instead (see package.json "exports").
import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import commonjs from '@rollup/plugin-commonjs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';

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

/**
 * Checks the shape of the output: sip-phone.js is one file without the websdk, the websdk
 * adapter is a lazy chunk, and no lazy chunk (the adapter, the tone synthesis) imports anything.
 * (If a chunk imported a shared module from `./sip-phone.js`, a page that loads the bundle under
 * another URL, `sip-phone.js?v=2`, would get a second copy of the entry when the chunk loads and
 * define the elements twice. That is why src/engine/wcs-engine.ts and
 * src/controllers/tone-synth.ts import only types from the rest of src/.)
 */
function checkChunks() {
  return {
    name: 'check-chunks',
    generateBundle(_options, bundle) {
      const chunks = Object.values(bundle).filter((c) => c.type === 'chunk');
      if (!chunks.some((c) => c.facadeModuleId === LAZY_ENTRY)) this.error('The websdk adapter is no longer a separate (lazy) chunk.');
      for (const lazy of chunks.filter((c) => c.fileName !== 'sip-phone.js')) {
        if (lazy.imports.length || lazy.dynamicImports.length) {
          this.error(`The lazy chunk ${lazy.fileName} must import nothing, but imports ${[...lazy.imports, ...lazy.dynamicImports].join(', ')}.`);
        }
      }
      const entry = bundle['sip-phone.js'];
      if (entry.imports.length) this.error(`sip-phone.js must be one file, but imports ${entry.imports.join(', ')}.`);
      if (/Flashphoner/.test(entry.code)) this.error('The websdk ended up in sip-phone.js instead of the lazy chunk.');
    },
  };
}

/**
 * Collapses the indentation inside the widget's `css` and `html` tagged templates: every run of
 * whitespace that holds a line break becomes one space (or nothing, around CSS punctuation).
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
            if (isCss) out = out.replace(/ ?([{};,]) ?/g, '$1');
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
    typescriptTranspile(),
    collapseTemplateWhitespace(),
    // Two compress passes: about 1.6 KB less gzip on the websdk chunk, a little on the entry.
    terser({ ecma: 2022, module: true, compress: { passes: 2 }, format: { comments: false } }),
  ],
};
