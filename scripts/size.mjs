// `npm run size` (after `npm run build`): gzip sizes of the bundle against the websdk's own
// prebuilt bundle, with budgets; exits 1 when a budget is exceeded.
//   (a) what a page downloads to render <sip-phone> before anyone presses Connect: dist/sip-phone.js
//       and the files it imports statically (dist/sip-phone-base.js)
//   (a+) the same for a phone without settings, which also shows its connection form
//       (dist/connect-form.js, fetched only by such a phone, or one whose settings a person corrects)
//   (b) what it downloads when a phone first connects: every other file (the runtime, the child
//       elements, the websdk adapter, the tone synthesis)
//   (c) the total
//   Not in (b) or (c): the Russian messages (dist/ru.js), fetched only by a phone whose `lang` is Russian.
//   baseline: node_modules/@flashphoner/websdk/flashphoner-webrtc-only.min.js
// Sizes are `gzip -9 -n` (zlib level 9 if there is no gzip). `--why` adds where the bytes of (a) go, per
// module (each module minified and gzipped on its own, so the column adds up to more than (a)).
import { readFileSync, readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BUDGET_ENTRY = 12 * 1024; // (a), bytes gzip
const BUDGET_WITH_FORM = 13 * 1024; // (a+), bytes gzip
const FORM = 'connect-form.js';
/** Message catalogs: each fetched only by a phone in that language. */
const LANGUAGES = ['ru.js'];
const BUDGET_TOTAL_RATIO = 0.85; // (c) / baseline

const root = new URL('..', import.meta.url);
const dist = new URL('dist/', root);
/** `gzip -9 -n` (GNU gzip compresses about 0.5 % tighter than zlib's level 9); zlib where gzip is missing. */
const gz = (buffer) => {
  const run = spawnSync('gzip', ['-9', '-n', '-c'], { input: buffer, maxBuffer: 64 * 1024 * 1024 });
  return run.status === 0 ? run.stdout.length : gzipSync(buffer, { level: 9 }).length;
};
const sizeOf = (url) => {
  const bytes = readFileSync(url);
  return { raw: bytes.length, gzip: gz(bytes) };
};

const ENTRY = 'sip-phone.js';
let files;
try {
  files = readdirSync(dist).filter((f) => f.endsWith('.js'));
} catch {
  console.error('size: dist/ is missing; run `npm run build` first (`npm run size` does).');
  process.exit(1);
}
if (!files.includes(ENTRY)) {
  console.error(`size: dist/${ENTRY} is missing; run \`npm run build\` first.`);
  process.exit(1);
}
/** The entry and every file it imports statically (`import ... from "./x.js"`, `import "./x.js"`), transitively. */
function staticClosure(file, seen = new Set()) {
  if (seen.has(file)) return seen;
  seen.add(file);
  const code = readFileSync(new URL(file, dist), 'utf8');
  for (const [, dep] of code.matchAll(/(?:\bfrom|\bimport)\s*["']\.\/([^"']+)["']/g)) staticClosure(dep, seen);
  return seen;
}
const initial = [...staticClosure(ENTRY)];
const lazy = files.filter((f) => !initial.includes(f) && !LANGUAGES.includes(f)).sort();
const languages = LANGUAGES.filter((f) => files.includes(f)).map((f) => ({ file: f, ...sizeOf(new URL(f, dist)) }));
if (languages.length !== LANGUAGES.length) {
  console.error(`size: one of ${LANGUAGES.join(', ')} is missing from dist/: a language is no longer a chunk of its own.`);
  process.exit(1);
}
const initialSizes = initial.map((f) => ({ file: f, ...sizeOf(new URL(f, dist)) }));
const entry = initialSizes.reduce((sum, c) => ({ raw: sum.raw + c.raw, gzip: sum.gzip + c.gzip }), { raw: 0, gzip: 0 });
const chunks = lazy.map((f) => ({ file: f, ...sizeOf(new URL(f, dist)) }));
const onConnect = chunks.reduce((sum, c) => ({ raw: sum.raw + c.raw, gzip: sum.gzip + c.gzip }), { raw: 0, gzip: 0 });
const total = { raw: entry.raw + onConnect.raw, gzip: entry.gzip + onConnect.gzip };
const form = chunks.find((c) => c.file === FORM);
if (!form) {
  console.error(`size: dist/${FORM} is missing: the connection form is no longer a chunk of its own.`);
  process.exit(1);
}
const withForm = { raw: entry.raw + form.raw, gzip: entry.gzip + form.gzip };
const baseline = sizeOf(new URL('node_modules/@flashphoner/websdk/flashphoner-webrtc-only.min.js', root));

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const ratio = (n) => `${(n / baseline.gzip).toFixed(3)}x`;
const rows = [
  ...initialSizes.map((c) => [`    before Connect: dist/${c.file}`, c]),
  ['(a) before Connect', entry],
  [`(a+) before Connect, no settings: (a) + ${FORM}`, withForm],
  ...chunks.map((c) => [`    ${c.file === FORM ? 'the form' : 'on connect'}: dist/${c.file}`, c]),
  ['(b) on connect (lazy chunks)', onConnect],
  ['(c) total (a)+(b)', total],
  ...languages.map((c) => [`    only for its language: dist/${c.file}`, c]),
  ['baseline: websdk flashphoner-webrtc-only.min.js', baseline],
];
console.log(`${'bundle'.padEnd(50)} ${'raw'.padStart(10)} ${'gzip -9'.padStart(10)} ${''.padStart(9)} ${'vs baseline'.padStart(11)}`);
for (const [name, s] of rows) {
  console.log(`${name.padEnd(50)} ${String(s.raw).padStart(10)} ${String(s.gzip).padStart(10)} ${kb(s.gzip).padStart(9)} ${ratio(s.gzip).padStart(11)}`);
}

const failures = [];
if (entry.gzip > BUDGET_ENTRY) {
  failures.push(`(a) ${initial.map((f) => `dist/${f}`).join(' + ')} is ${entry.gzip} bytes gzip, over its budget of ${BUDGET_ENTRY} (${kb(BUDGET_ENTRY)}) by ${entry.gzip - BUDGET_ENTRY}.`);
}
if (withForm.gzip > BUDGET_WITH_FORM) {
  failures.push(`(a+) with dist/${FORM} is ${withForm.gzip} bytes gzip, over its budget of ${BUDGET_WITH_FORM} (${kb(BUDGET_WITH_FORM)}) by ${withForm.gzip - BUDGET_WITH_FORM}.`);
}
const totalBudget = Math.floor(baseline.gzip * BUDGET_TOTAL_RATIO);
if (total.gzip > totalBudget) {
  failures.push(`(c) the total is ${total.gzip} bytes gzip (${ratio(total.gzip)}), over its budget of ${BUDGET_TOTAL_RATIO}x the websdk's own bundle (${totalBudget}).`);
}
console.log(
  `\nbudgets: (a) <= ${BUDGET_ENTRY} bytes: ${entry.gzip <= BUDGET_ENTRY ? 'ok' : 'EXCEEDED'}; ` +
    `(a+) <= ${BUDGET_WITH_FORM} bytes: ${withForm.gzip <= BUDGET_WITH_FORM ? 'ok' : 'EXCEEDED'}; ` +
    `(c) <= ${BUDGET_TOTAL_RATIO}x baseline = ${totalBudget} bytes: ${total.gzip <= totalBudget ? 'ok' : 'EXCEEDED'}`,
);

if (process.argv.includes('--why')) await why();

if (failures.length) {
  console.error(`\nsize budget exceeded:\n  ${failures.join('\n  ')}\nRun \`npm run size -- --why\` to see where the bytes go.`);
  process.exit(1);
}

/** Per-module sizes of what (a) loads: the rollup build again, in memory. */
async function why() {
  const { rollup } = await import('rollup');
  const { minify } = await import('terser');
  const { default: config } = await import(new URL('rollup.config.mjs', root).href);
  const plugins = config.plugins.filter((p) => !['clean-dist', 'check-chunks', 'terser'].includes(p.name));
  const bundle = await rollup({ ...config, plugins, onwarn: () => {} });
  const { output } = await bundle.generate(config.output);
  await bundle.close();
  const prefix = fileURLToPath(root);
  const modules = [];
  const loaded = output.filter((c) => c.type === 'chunk' && initial.includes(c.fileName));
  for (const [id, m] of loaded.flatMap((chunk) => Object.entries(chunk.modules))) {
    if (!m.code) continue;
    // Not `module`/`toplevel`: a module's top-level names are used by other modules, keep them.
    const { code = '' } = await minify(m.code, { ecma: 2022, compress: { passes: 2 }, format: { comments: false } });
    modules.push({ id: id.replace(prefix, '').replace(/^.*node_modules\//, ''), min: code.length, gzip: gz(code) });
  }
  modules.sort((a, b) => b.gzip - a.gzip);
  const group = (test) => modules.filter((m) => test(m.id)).reduce((s, m) => s + m.gzip, 0);
  console.log(`\nwhere (a)'s bytes go (each module minified and gzipped alone):`);
  console.log(`${'module'.padEnd(60)} ${'min'.padStart(8)} ${'gzip'.padStart(8)}`);
  for (const m of modules) console.log(`${m.id.padEnd(60)} ${String(m.min).padStart(8)} ${String(m.gzip).padStart(8)}`);
  console.log(
    `by package: src/ ${group((id) => id.startsWith('src/'))}, lit ${group((id) => /^(lit|lit-html|lit-element|@lit\/reactive-element)\//.test(id))}, ` +
      `@lit/context ${group((id) => id.startsWith('@lit/context/'))}, other ${group((id) => !/^(src|lit|lit-html|lit-element|@lit)\//.test(id))}`,
  );
}
