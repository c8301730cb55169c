// `cem analyze --litelement` (run by `npm run analyze`, part of `npm run build`) writes
// custom-elements.json, the machine-readable API of the elements: attributes, properties,
// methods, events (`@fires`), CSS parts (`@csspart`), CSS custom properties (`@cssprop`) and
// slots, from the classes and their JSDoc. scripts/readme-manifest.test.mjs checks that the
// README's API tables say the same.
//
// Two local plugins make the manifest describe what a page really gets:
// - sipEventNames: the analyzer names an event dispatched as `new SipErrorEvent(failure)` after
//   the argument (`failure`); each event class in src/events.ts and src/intent-events.ts declares its real name in
//   `static readonly eventName`, so those entries are renamed, given their class as type, and
//   merged with the `@fires` entry of the same name.
// - exportedParts: a parent that renders a child with `exportparts="a, b: c"` exposes the
//   child's parts `a` and `c` as its own (`sip-phone::part(c)`); they are added to the parent's
//   `cssParts` with the child's description.

/** Renames events the analyzer inferred from `dispatchEvent(new XEvent(arg))`. */
function sipEventNames() {
  return {
    name: 'sip-event-names',
    packageLinkPhase({ customElementsManifest }) {
      const declarations = customElementsManifest.modules.flatMap((m) => m.declarations ?? []);
      /** Event class name -> event name, from `static readonly eventName = 'sip-...'`. */
      const eventNames = new Map();
      for (const d of declarations) {
        const field = d.kind === 'class' && d.members?.find((m) => m.static && m.name === 'eventName');
        if (field?.default) eventNames.set(d.name, field.default.replace(/^['"`]|['"`]$/g, ''));
      }
      for (const d of declarations) {
        if (!d.customElement || !d.events) continue;
        const byName = new Map();
        for (const event of d.events) {
          const name = eventNames.get(event.type?.text) ?? event.name;
          const merged = { ...byName.get(name), ...stripUndefined(event), name };
          if (event.type?.text && eventNames.has(event.type.text)) merged.type = event.type;
          byName.set(name, merged);
        }
        // `@fires` entries of events dispatched with an object literal: give them their class too.
        for (const [className, name] of eventNames) {
          const event = byName.get(name);
          if (event && !event.type) event.type = { text: className };
        }
        d.events = [...byName.values()];
      }
    },
  };
}

/** Adds the parts a parent re-exports from its children (`exportparts`) to the parent's cssParts. */
function exportedParts() {
  /** Class name -> [{tag, exportparts}] found in its source. */
  const exportsByClass = new Map();
  return {
    name: 'exported-parts',
    analyzePhase({ ts, node }) {
      if (!ts.isClassDeclaration(node) || !node.name) return;
      const found = [];
      for (const m of node.getText().matchAll(/<([a-z][\w]*-[\w-]*)\b[^>]*?\bexportparts="([^"]*)"/g)) {
        found.push({ tag: m[1], exportparts: m[2] });
      }
      if (found.length) exportsByClass.set(node.name.getText(), found);
    },
    packageLinkPhase({ customElementsManifest }) {
      const elements = customElementsManifest.modules
        .flatMap((m) => m.declarations ?? [])
        .filter((d) => d.customElement && d.tagName);
      const byTag = new Map(elements.map((d) => [d.tagName, d]));
      for (const parent of elements) {
        for (const { tag, exportparts } of exportsByClass.get(parent.name) ?? []) {
          const child = byTag.get(tag);
          if (!child) throw new Error(`${parent.tagName} exports parts of <${tag}>, which is not in the manifest.`);
          for (const entry of exportparts.split(',').map((s) => s.trim()).filter(Boolean)) {
            const [inner, outer = inner] = entry.split(':').map((s) => s.trim());
            const part = child.cssParts?.find((p) => p.name === inner);
            if (!part) {
              throw new Error(`${parent.tagName} exports part "${inner}" of <${tag}>, which <${tag}> does not document (@csspart).`);
            }
            parent.cssParts ??= [];
            if (parent.cssParts.some((p) => p.name === outer)) continue;
            parent.cssParts.push({
              name: outer,
              description: `${part.description ?? ''} Exported from <${tag}> (its part \`${inner}\`).`.trim(),
            });
          }
        }
      }
    },
  };
}

function stripUndefined(object) {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined));
}

export default {
  globs: ['src/**/*.ts'],
  // The engine modules hold no elements (and wcs-engine.ts only adapts the websdk).
  exclude: ['src/**/*.test.ts', 'src/**/*.d.ts', 'src/engine/**'],
  outdir: '.',
  litelement: true,
  plugins: [sipEventNames(), exportedParts()],
};
