// Type-aware linting for every package. Floating promises and explicit any
// are errors: both hide bugs that tests rarely catch. The folder rules at the
// end hold each layer to what its folder promises (build/layers-lint.test.ts
// shows each one fires).
import js from '@eslint/js';
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const ACROSS_PACKAGES = {
  regex: '^(\\.\\./)+(shared|sync-server|runner|desktop|e2e)/',
  message: 'Import other packages through their exports (@orrery/…).',
};

// A block's rule options replace, rather than add to, those of an earlier
// block, so each folder's block lists everything it is held to. import() is
// held to the same patterns as static imports.
function forbidImports(patterns, syntax = []) {
  const all = [ACROSS_PACKAGES, ...patterns];
  const dynamic = all.map(({ regex, message }) => ({
    // A selector's regular expression cannot hold a '/', even escaped.
    selector: `ImportExpression[source.value=/${regex.replaceAll('/', '\\x2F')}/]`,
    message,
  }));
  return {
    'no-restricted-imports': ['error', { patterns: all }],
    'no-restricted-syntax': ['error', ...dynamic, ...syntax],
  };
}

const NODE_MODULES = [...new Set(builtinModules.map((name) => name.split('/')[0]))].join('|');

// The renderer and the platform services it runs live in a web page (Electron's or a browser's).
const PAGE = [
  {
    regex: `^(node:|(${NODE_MODULES})(/|$))`,
    message:
      "The renderer runs in a web page, where Node's modules do not exist. Ask the main process through the platform (desktop/src/platform/common).",
  },
  {
    regex: '^(electron|better-sqlite3)(/|$)',
    message:
      'The renderer runs in a web page: Electron and SQLite belong to the main process. Reach them through the platform (desktop/src/platform/common).',
  },
  {
    regex: '(^|/)(electron-main|preload)(/|$)',
    message:
      'The renderer does not import the main process or the preload. Put shared types in @orrery/shared and reach their services through the platform.',
  },
];

const THROUGH_RECORDS =
  'Routes do not touch the database: go through the records (services.sessions, services.accounts, …), adding a method there if one is missing.';

export default tseslint.config(
  {
    ignores: ['**/dist/**', '**/node_modules/**', '**/release/**', 'e2e/artifacts/**', 'e2e/test-results/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: {
          allowDefaultProject: [
            '*.js',
            '*.ts',
            'build/*.mjs',
            '*/vite.config.ts',
            '*/vitest.config.ts',
            '*/playwright.config.ts',
            '*/bench/*.mjs',
            '*/bench/*.ts',
          ],
          defaultProject: 'tsconfig.tools.json',
          // The config files and benchmarks above; each package's sources are in its own project.
          maximumDefaultProjectFileMatchCount_THIS_WILL_SLOW_DOWN_LINTING: 16,
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/require-await': 'off',
      ...forbidImports([]),
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: {
      globals: {
        fetch: 'readonly',
        process: 'readonly',
        console: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        URL: 'readonly',
        Buffer: 'readonly',
        performance: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
      },
    },
  },
  {
    files: ['desktop/src/renderer/**', 'desktop/src/platform/**'],
    rules: forbidImports(PAGE),
  },
  {
    files: ['desktop/src/platform/common/**'],
    rules: forbidImports([
      ...PAGE,
      {
        regex: '^\\.\\./',
        message:
          'platform/common is the contract: it imports none of its siblings (electron, web, testing) nor the renderer. Move what both need into common/.',
      },
    ]),
  },
  {
    files: ['desktop/src/platform/{electron,web,testing}/**'],
    rules: forbidImports([
      ...PAGE,
      {
        regex: '^\\.\\./(?!common/)',
        message:
          'A platform implementation imports only the contract (../common/), never another implementation or the renderer.',
      },
    ]),
  },
  {
    // The agent loop and the daemon drive containers only through the
    // Environment manager's interface; main.ts is where the manager is built.
    files: ['runner/src/**/*.ts'],
    ignores: ['runner/src/environments/**', 'runner/src/testing/**', 'runner/src/main.ts', '**/*.test.ts'],
    rules: forbidImports([
      {
        regex: '^(dockerode|docker-modem|ssh2|tar-stream)(/|$)',
        message: 'Only the Environment manager talks to Docker. Ask it through environments/index.js.',
      },
      {
        regex: '(^|/)environments/(?!index\\.js$)',
        message:
          "Import the Environment manager's interface from environments/index.js; the modules behind it are its own. If you need more of it, export it there.",
      },
    ]),
  },
  {
    // Routes reach the database only through the records (services.sessions, services.accounts, …).
    files: ['sync-server/src/routes/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: forbidImports(
      [{ regex: '^better-sqlite3(/|$)|(^|/)store/', message: THROUGH_RECORDS }],
      ["MemberExpression[property.name='db']", "ObjectPattern > Property[key.name='db']"].map((selector) => ({
        selector,
        message: THROUGH_RECORDS,
      })),
    ),
  },
);
