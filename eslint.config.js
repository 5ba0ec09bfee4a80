import js from '@eslint/js';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * The architecture, as import boundaries (DESIGN.md's layout): the domains and the shared layers
 * never reach the command line; core reaches nothing; a domain or the sync parts are entered only
 * through their index.ts (which lazy-loads the rest, so `ssot guard` starts light); shipped code
 * reaches the stand-ins only from `ssot dev-services`. Dynamic `import()` counts as an import.
 */
const FOLDERS = ['cli', 'config', 'core', 'docs', 'guard', 'sync', 'tickets', 'vault', 'watch'];
const ENTERED_BY_INDEX = ['docs', 'guard', 'sync', 'tickets', 'vault'];
const others = (own) => FOLDERS.filter((f) => f !== own).map((f) => `./src/${f}`);
const boundaries = [
  { target: others('cli'), from: './src/cli', message: 'the domains and shared layers know nothing of the command line: pass what they need in' },
  { target: './src/core', from: others('core'), message: 'src/core is the bottom layer: it imports no other folder of src/' },
  ...ENTERED_BY_INDEX.map((d) => ({
    target: others(d),
    from: `./src/${d}`,
    except: ['./index.ts'],
    message: `import src/${d} through src/${d}/index.ts, which keeps its modules behind one door and loads them lazily`,
  })),
  { target: './src/**/!(dev-services).ts', from: './packages/standins', message: 'shipped code reaches the stand-ins only from `ssot dev-services`' },
];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '.ci/**', 'coverage/**'] },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.strictTypeChecked],
    languageOptions: { parserOptions: { project: ['./tsconfig.check.json'], tsconfigRootDir: import.meta.dirname } },
    rules: {
      // Counts, sizes and line numbers print as themselves; what must not reach a template is undefined, null or an object.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowAny: false, allowBoolean: false, allowNullish: false, allowRegExp: false, allowNever: false, allowArray: false }],
      // A leading underscore names what an interface hands in but this implementation does not use,
      // or what a rest pattern leaves out of a copy.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // An arrow that only calls a void function (`() => done()`) is the idiom, not a confusion.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      // An async function that awaits nothing still turns a throw into a rejection, which the async
      // interfaces here (a keyring, a copy, a watch target, a test's stub) rely on.
      '@typescript-eslint/require-await': 'off',
      // JSON records keyed by data (the mapping's pages, the keyring file, Drive's appProperties) are
      // the files' own shape: removing a key is how they delete.
      '@typescript-eslint/no-dynamic-delete': 'off',
      // Control characters are what binary sniffing, XML cleaning and the KDBX pieces look for.
      'no-control-regex': 'off',
    },
  },
  {
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      // Sources import each other as `./x.js` (nodenext): resolve that to the .ts beside it.
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json'], extensionAlias: { '.js': ['.ts', '.js'] } })],
    },
    rules: { 'import-x/no-restricted-paths': ['error', { zones: boundaries, basePath: import.meta.dirname }] },
  },
  {
    // The guard's byte loops and the edit-distance table index typed arrays and tables within the
    // bounds their loops check; a fallback there would cost on every commit and hide nothing.
    files: ['src/guard/index-hash.ts', 'src/guard/scan-rules.ts', 'src/config/suggest.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // A test's own fixture is known: a wrong assumption fails the test with a TypeError anyway.
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    extends: [js.configs.recommended],
    languageOptions: { globals: globals.node },
  },
);
