// ESLint (flat config), run by `npm run lint` after `tsc --noEmit` and `lit-analyzer`.
// - src/: typescript-eslint's type-checked rules, plus the Lit, web-component and
//   Lit-accessibility plugins (template and element rules).
// - server/, test/, scripts/, demo/ and the config files: typescript-eslint's rules without
//   type information (cheap; the type checker already covers them through `npm run typecheck`).
import { defineConfig } from 'eslint/config';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import lit from 'eslint-plugin-lit';
import wc from 'eslint-plugin-wc';
import litA11y from 'eslint-plugin-lit-a11y';
import globals from 'globals';

export default defineConfig(
  {
    ignores: ['node_modules/', 'dist/', 'lib/', 'server/dist/', 'coverage/', '.tmp/', 'bench/results/', 'custom-elements.json'],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      // `const { secret: _secret, ...rest } = o` drops a key on purpose; `_name` marks an unused binding.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { ignoreRestSiblings: true, argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  // The widget: type-aware rules and the Lit / web-component / accessibility plugins.
  {
    files: ['src/**/*.ts'],
    extends: [
      tseslint.configs.recommendedTypeChecked,
      lit.configs['flat/recommended'],
      wc.configs['flat/recommended'],
      wc.configs['flat/best-practice'],
      litA11y.configs.recommended,
    ],
    languageOptions: {
      globals: globals.browser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    settings: {
      // Lit's base class, so the wc rules recognise `SipPhone extends LitElement` as an element.
      wc: { elementBaseClasses: ['LitElement'] },
    },
    rules: {
      // LitElement implements every lifecycle callback and requires the super call: no guard needed.
      'wc/guard-super-call': 'off',
    },
  },
  // Node code: the gateway, the build and test tooling, the benchmarks.
  {
    files: ['server/**/*.ts', 'scripts/**/*.{js,mjs,ts}', 'demo/**/*.ts', '*.{js,mjs}', 'test/gateway-plugin.ts', 'test/tcp-proxy.ts', 'bench/**/*.ts'],
    ignores: ['bench/pages/**'],
    languageOptions: { globals: globals.node },
  },
  // The benchmark pages run in the browser.
  {
    files: ['bench/pages/**/*.ts'],
    languageOptions: { globals: globals.browser },
  },
  // Browser tests and their helpers (mocha globals).
  {
    files: ['test/**/*.{ts,js}'],
    ignores: ['test/gateway-plugin.ts', 'test/tcp-proxy.ts'],
    languageOptions: { globals: { ...globals.browser, ...globals.mocha } },
    rules: {
      // Chai's property assertions (`expect(x).to.be.true`) are expressions by design.
      '@typescript-eslint/no-unused-expressions': 'off',
    },
  },
);
