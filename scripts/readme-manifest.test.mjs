// Checks that README.md's API tables for <sip-phone> say what custom-elements.json (generated
// from the source and its JSDoc by `npm run analyze`, part of `npm run build`) says:
// attributes, public methods, events (`@fires`), CSS parts (`@csspart`, with the parts the
// phone re-exports from its children) and CSS custom properties (`@cssprop`), both ways.
// It also checks the JSDoc against the source: every static `part="..."` in a template is
// documented, and every `--sip-phone-*` property the styles read is documented.
//
//   node --test scripts/readme-manifest.test.mjs      (after `npm run analyze`)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url);
const read = (path) => readFileSync(new URL(path, root), 'utf8');

if (!existsSync(new URL('custom-elements.json', root))) {
  throw new Error('custom-elements.json is missing: run `npm run analyze` (or `npm run build`) first.');
}
const manifest = JSON.parse(read('custom-elements.json'));
const readme = read('README.md');

const elements = manifest.modules.flatMap((m) =>
  (m.declarations ?? []).filter((d) => d.customElement).map((d) => ({ ...d, path: m.path })),
);
const phone = elements.find((d) => d.tagName === 'sip-phone');

/**
 * The README's Markdown tables, keyed by the lower-cased text of their first header cell
 * ("attribute", "method", "event", "part", "custom property"), each a list of first cells.
 * Several tables with the same first header are concatenated.
 */
function readmeTables(markdown) {
  const tables = new Map();
  const lines = markdown.split('\n');
  const cells = (line) => line.trim().replace(/^\||\|$/g, '').split('|').map((c) => c.trim());
  for (let i = 0; i < lines.length - 1; i++) {
    const isHeader = /^\s*\|/.test(lines[i]) && /^\s*\|[\s:|-]+\|\s*$/.test(lines[i + 1]);
    if (!isHeader || (i > 0 && /^\s*\|/.test(lines[i - 1]))) continue;
    const key = cells(lines[i])[0].toLowerCase();
    const rows = tables.get(key) ?? [];
    for (let j = i + 2; j < lines.length && /^\s*\|/.test(lines[j]); j++) rows.push(cells(lines[j])[0]);
    tables.set(key, rows);
  }
  return tables;
}

/** The `code` spans of a table cell: "`number`, `call-button`" -> ["number", "call-button"]. */
const codeSpans = (cell) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]);

function namesIn(table, pick = (span) => span) {
  const rows = tables.get(table);
  assert.ok(rows, `README.md has no table whose first column is "${table}".`);
  return rows.flatMap(codeSpans).map(pick).filter(Boolean);
}

/** Asserts that two lists hold the same names, and says which are missing on which side. */
function assertSameNames(what, fromManifest, fromReadme) {
  const m = new Set(fromManifest);
  const r = new Set(fromReadme);
  const onlyManifest = [...m].filter((n) => !r.has(n)).sort();
  const onlyReadme = [...r].filter((n) => !m.has(n)).sort();
  const problems = [];
  if (onlyManifest.length) problems.push(`in custom-elements.json (the source's JSDoc) but not in README.md: ${onlyManifest.join(', ')}`);
  if (onlyReadme.length) problems.push(`in README.md but not in custom-elements.json: ${onlyReadme.join(', ')}`);
  assert.ok(problems.length === 0, `<sip-phone> ${what} disagree:\n  ${problems.join('\n  ')}`);
}

const tables = readmeTables(readme);

test('the manifest describes <sip-phone> and its children', () => {
  assert.ok(phone, 'custom-elements.json has no sip-phone element');
  const tags = elements.map((e) => e.tagName).sort();
  assert.deepEqual(tags, ['sip-call-controls', 'sip-devices', 'sip-dialer', 'sip-incoming', 'sip-level-meter', 'sip-phone']);
});

test('README attributes = manifest attributes', () => {
  assertSameNames('attributes', (phone.attributes ?? []).map((a) => a.name), namesIn('attribute'));
});

test('README methods = manifest public methods', () => {
  const methods = (phone.members ?? [])
    .filter((m) => m.kind === 'method' && !m.static && (m.privacy ?? 'public') === 'public' && !m.name.startsWith('#'))
    .map((m) => m.name);
  // `call(number)`, `mute()` / `unmute()`: the names before the parentheses.
  assertSameNames('methods', methods, namesIn('method', (span) => span.match(/^([A-Za-z_$][\w$]*)\s*\(/)?.[1]));
});

test('README events = manifest events (@fires)', () => {
  assertSameNames('events', (phone.events ?? []).map((e) => e.name), namesIn('event'));
});

test('README parts = manifest CSS parts (@csspart, with the exported parts of the children)', () => {
  assertSameNames('CSS parts', (phone.cssParts ?? []).map((p) => p.name), namesIn('part'));
});

test('README custom properties = manifest CSS custom properties (@cssprop)', () => {
  assertSameNames('CSS custom properties', (phone.cssProperties ?? []).map((p) => p.name), namesIn('custom property'));
});

/** src/**\/*.ts without tests, as [path, text]. */
function sources(dir = 'src') {
  return readdirSync(new URL(dir, root), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.ts$/.test(entry.name) && !/\.(test|d)\.ts$/.test(entry.name) ? [[path, read(path)]] : [];
  });
}

test('every static part="..." in an element template is documented with @csspart', () => {
  const undocumented = [];
  for (const element of elements) {
    const text = read(element.path);
    const documented = new Set((element.cssParts ?? []).map((p) => p.name));
    for (const [, names] of text.matchAll(/\bpart="([^"$]+)"/g)) {
      for (const name of names.split(/\s+/).filter(Boolean)) {
        if (!documented.has(name)) undocumented.push(`<${element.tagName}> part "${name}" (${element.path})`);
      }
    }
  }
  assert.deepEqual(undocumented, [], `Parts without a @csspart tag:\n  ${undocumented.join('\n  ')}`);
});

test('every --sip-phone-* custom property the styles read is documented on <sip-phone> with @cssprop', () => {
  const used = new Set(sources().flatMap(([, text]) => [...text.matchAll(/var\(\s*(--sip-phone-[\w-]+)/g)].map((m) => m[1])));
  const documented = new Set((phone.cssProperties ?? []).map((p) => p.name));
  const undocumented = [...used].filter((n) => !documented.has(n)).sort();
  const unused = [...documented].filter((n) => !used.has(n)).sort();
  assert.deepEqual(
    { undocumented, unused },
    { undocumented: [], unused: [] },
    `Custom properties read by the styles but without @cssprop: ${undocumented.join(', ') || '-'}; ` +
      `documented but never read: ${unused.join(', ') || '-'}`,
  );
});

test('every child element documents with @cssprop the --sip-phone-* custom properties it reads', () => {
  const undocumented = [];
  const base = [...read('src/styles.ts').matchAll(/var\(\s*(--sip-phone-[\w-]+)/g)].map((m) => m[1]);
  for (const element of elements.filter((e) => e.tagName !== 'sip-phone')) {
    const text = read(element.path);
    const used = new Set([...text.matchAll(/var\(\s*(--sip-phone-[\w-]+)/g)].map((m) => m[1]));
    if (/\bbaseStyles\b/.test(text)) for (const name of base) used.add(name);
    const documented = new Set((element.cssProperties ?? []).map((p) => p.name));
    for (const name of used) if (!documented.has(name)) undocumented.push(`<${element.tagName}> ${name}`);
  }
  assert.deepEqual(undocumented.sort(), [], `Custom properties read but not documented with @cssprop:\n  ${undocumented.join('\n  ')}`);
});
