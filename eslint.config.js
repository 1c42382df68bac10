// Lint: typescript-eslint's strict type-checked rules, unused-code checks, a function-length
// limit, and the import boundaries that keep the architecture one-directional (see
// docs/architecture.md). `npm run lint` runs it; .ci/run calls it before the tests.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** folders a layer may not import from: the direction of knowledge, written once */
export const forbiddenImports = {
  // the load generator knows no model and no analysis of results
  'harness/loadgen': ['models', 'server', 'remote', 'reports', 'cli', 'harness/results'],
  harness: ['models', 'server', 'remote', 'reports', 'cli'],
  models: ['server', 'remote', 'reports', 'cli'],
  reports: ['models', 'server', 'remote', 'cli'],
  remote: ['server', 'reports', 'cli'],
  server: ['remote', 'reports', 'cli'],
};

/** one config object per layer: exported so test/lint/boundaries.test.ts can plant violations */
export const boundaryConfigs = Object.entries(forbiddenImports).map(([folder, forbidden]) => boundary(folder, forbidden));

// A file gets the rule of its innermost listed folder (rule options replace, they do not add up),
// so an inner folder's list names everything it may not import, and the outer folder skips it.
function boundary(folder, forbidden) {
  const inner = Object.keys(forbiddenImports).filter((other) => other.startsWith(`${folder}/`));
  return {
    files: [`${folder}/**/*.ts`],
    ignores: inner.map((other) => `${other}/**`),
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: forbidden.map((target) => ({
            regex: `^(\\.\\./)+${target.replaceAll('/', '\\/')}(/|$)`,
            message: `${folder}/ must not import ${target}/ (one direction of knowledge: docs/architecture.md)`,
          })),
        },
      ],
    },
  };
}

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'results/**', '**/*.mjs', '**/*.js'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // noUncheckedIndexedAccess types every typed-array read as possibly undefined; tensor loops
      // index within bounds they just checked, so `a[i]!` is the honest spelling there
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      'no-unused-private-class-members': 'error',
      'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true }],
      // `() => resolve()` callbacks are idiomatic and unambiguous; void in other positions still fails
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      // numbers in template strings are the norm in a tool that prints measurements
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
    },
  },
  ...boundaryConfigs,
  {
    // tests describe behaviour in long `describe` blocks, and read result files and HTTP bodies
    // as parsed JSON on purpose: the expect() on each field is the type check there
    files: ['test/**/*.ts'],
    rules: {
      'max-lines-per-function': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
);
