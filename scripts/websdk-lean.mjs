// The websdk as the widget ships it: @flashphoner/websdk's own CommonJS source
// (src/flashphoner-core.js), unmodified, built without the modules a SIP phone never uses.
// The package's prebuilt `flashphoner-webrtc-only.js` leaves out the Flash, Temasys, WSPlayer
// (WebSocket) and MSE providers the same way (its Gruntfile's `ignore` list); this build also
// leaves out the WebRTC metrics collector (@flashphoner/web-sdk-metrics, used only by
// published and played streams, never by calls) and skips the prebuilt bundle's Babel
// lowering (every browser that runs the widget runs ES2022), and gives the websdk the
// browser's own Promise instead of `promise-polyfill` (whose every `then` waits for a
// setTimeout; the widget's browsers have had native promises for a decade). No file of the
// package is edited: those modules are replaced at build time.
//
// Used by rollup.config.mjs (dist/wcs-engine.js) and by web-test-runner.config.mjs, which
// serves the same build, pre-bundled to one ES module, wherever a test imports
// '@flashphoner/websdk/flashphoner-webrtc-only.js': every test runs the websdk that ships.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export const PREBUILT = '@flashphoner/websdk/flashphoner-webrtc-only.js';

const require = createRequire(import.meta.url);
const websdkRoot = dirname(require.resolve('@flashphoner/websdk/package.json'));
export const WEBSDK_SOURCE = join(websdkRoot, 'src', 'flashphoner-core.js');

/** Modules replaced by an empty object, as the websdk's `require()` sees them. */
const LEFT_OUT = new Map([
  ['./temasys-media-provider', 'Temasys plugin provider'],
  ['./flash-media-provider', 'Flash provider'],
  ['./websocket-media-provider', 'WSPlayer (WebSocket) provider'],
  ['./media-source-media-provider', 'MSE provider'],
  ['adapterjs', 'Temasys AdapterJS'],
  ['swfobject', 'Flash embedding'],
]);
// Not a `\0` virtual id: @rollup/plugin-commonjs skips those, and these stubs are CommonJS.
const STUB = 'websdk-left-out:';

/**
 * A rollup plugin: the prebuilt import resolves to the websdk's source, and the modules above
 * to empty ones. The metrics package becomes three constructors that are never called.
 */
export function websdkLean() {
  return {
    name: 'websdk-lean',
    async resolveId(source, importer) {
      if (source === PREBUILT) return WEBSDK_SOURCE;
      if (!importer || !importer.startsWith(websdkRoot)) return null;
      // Ids end in .js: @rollup/plugin-commonjs converts only the extensions it knows.
      const name = source.replace(/\.js$/, '');
      if (LEFT_OUT.has(name)) return `${STUB}${name}.js`;
      if (source === '@flashphoner/web-sdk-metrics') return `${STUB}metrics.js`;
      if (source === 'promise-polyfill') return `${STUB}promise.js`;
      return null;
    },
    load(id) {
      if (!id.startsWith(STUB)) return null;
      if (id === `${STUB}promise.js`) return '// promise-polyfill: the browser\'s own Promise.\nmodule.exports = Promise;\n';
      if (id === `${STUB}metrics.js`) {
        return [
          '// @flashphoner/web-sdk-metrics, left out: the websdk builds a collector only for streams.',
          'function LeftOut() { throw new Error("the WebRTC metrics collector is not in this build"); }',
          'module.exports = { RTCMetricsCollectorBuilder: LeftOut, RTCMetricsCollectType: {}, RTCMetricsHttpSender: LeftOut };',
        ].join('\n');
      }
      return `// ${LEFT_OUT.get(id.slice(STUB.length).replace(/\.js$/, ''))}: left out of this build.\nmodule.exports = {};\n`;
    },
  };
}

/** The websdk's own dependencies are CommonJS too: these ids go through @rollup/plugin-commonjs. */
export const WEBSDK_COMMONJS = [/node_modules[\\/]@flashphoner[\\/]/, /node_modules[\\/](uuid|webrtc-adapter|sdp|rtcpeerconnection-shim|kalmanjs|promise-polyfill|es6-promise)[\\/]/, /^websdk-left-out:/];

/**
 * A @web/dev-server (and test runner) plugin: every import of the prebuilt bundle gets this
 * build instead, pre-bundled once to one ES module when the server starts.
 */
export function leanWebsdkServerPlugin() {
  const path = '/__websdk-lean__.js';
  let code;
  return {
    name: 'websdk-lean',
    async serverStart() {
      code = await buildLeanWebsdk();
    },
    resolveImport({ source }) {
      return source === PREBUILT ? path : undefined;
    },
    serve(context) {
      return context.path === path ? { body: code, type: 'js' } : undefined;
    },
  };
}

/**
 * Builds the lean websdk as one ES module (default export: the Flashphoner object), for the
 * test runner. Returns its code.
 */
export async function buildLeanWebsdk() {
  const { rollup } = await import('rollup');
  const { default: commonjs } = await import('@rollup/plugin-commonjs');
  const { nodeResolve } = await import('@rollup/plugin-node-resolve');
  const bundle = await rollup({
    input: PREBUILT,
    plugins: [websdkLean(), nodeResolve({ browser: true }), commonjs({ include: WEBSDK_COMMONJS, strictRequires: false })],
    onwarn(warning, warn) {
      if (warning.code === 'THIS_IS_UNDEFINED' || warning.code === 'CIRCULAR_DEPENDENCY') return;
      warn(warning);
    },
  });
  try {
    const { output } = await bundle.generate({ format: 'es', inlineDynamicImports: true });
    return output[0].code;
  } finally {
    await bundle.close();
  }
}
