// Import boundaries follow docs/architecture.md: dependencies point inwards.
import js from '@eslint/js'
import simpleImportSort from 'eslint-plugin-simple-import-sort'
import tseslint from 'typescript-eslint'

const vendorPackages = [
  'fastify',
  'fastify-*',
  '@fastify/*',
  'kysely',
  'better-sqlite3',
  'pg',
  'pg-boss',
  'ioredis',
  'pino',
  'prom-client',
  'undici',
  'jose',
  '@azure/*',
  'turndown',
  'sanitize-html',
]
const restrict = (patterns) => ({
  'no-restricted-imports': ['error', { patterns }],
})
const otherConnectors = [
  'microsoft',
  'genesys',
  'inbox',
  'ai',
  'webhook',
  'openai',
  'webhook-responder',
  'builtin-responder',
]

export default tseslint.config(
  { ignores: ['node_modules', '.data', 'coverage'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    plugins: { 'simple-import-sort': simpleImportSort },
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      'simple-import-sort/imports': 'error',
      'simple-import-sort/exports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  { files: ['eslint.config.js'], ...tseslint.configs.disableTypeChecked },
  { files: ['src/**/*.ts'], rules: { 'no-console': 'error' } },
  {
    files: ['src/core/**/*.ts'],
    rules: restrict([
      {
        group: ['node:*', ...vendorPackages],
        message: 'core knows no transport, storage or vendor code',
      },
      {
        group: [
          '**/flows/**',
          '**/connectors/**',
          '**/infra/**',
          '**/http/**',
          '**/app/**',
          '**/cli/**',
          '**/emulators/**',
        ],
        message: 'core imports only core',
      },
    ]),
  },
  {
    files: ['src/flows/**/*.ts'],
    rules: restrict([
      { group: vendorPackages, message: 'flows reach the outside world through core ports' },
      {
        group: [
          '**/connectors/**',
          '**/infra/**',
          '**/http/**',
          '**/app/**',
          '**/cli/**',
          '**/emulators/**',
        ],
        message: 'flows import core only',
      },
    ]),
  },
  ...otherConnectors.map((name) => ({
    files: [`src/connectors/${name}/**/*.ts`],
    rules: restrict([
      {
        group: [
          ...otherConnectors.filter((o) => o !== name).map((o) => `**/connectors/${o}/**`),
          '**/flows/**',
          '**/infra/**',
          '**/http/**',
          '**/app/**',
          '**/cli/**',
          '**/emulators/**',
        ],
        message: 'a connector imports core, its own vendor folder and connectors/shared only',
      },
    ]),
  })),
  {
    files: ['src/connectors/shared/**/*.ts'],
    rules: restrict([
      {
        group: [
          '**/connectors/*/**',
          '!**/connectors/shared/**',
          '**/flows/**',
          '**/infra/**',
          '**/http/**',
          '**/app/**',
          '**/emulators/**',
        ],
        message: 'connectors/shared imports core only',
      },
    ]),
  },
  {
    files: ['src/infra/**/*.ts'],
    rules: restrict([
      {
        group: [
          '**/flows/**',
          '**/connectors/**',
          '**/http/**',
          '**/app/**',
          '**/cli/**',
          '**/emulators/**',
        ],
        message: 'infra implements core ports only',
      },
    ]),
  },
  {
    files: ['src/http/**/*.ts'],
    rules: restrict([
      {
        group: ['**/infra/**', '**/app/**', '**/cli/**', '**/emulators/**'],
        message: 'http receives implementations from app/',
      },
    ]),
  },
  {
    files: ['src/cli/**/*.ts'],
    rules: restrict([
      {
        group: ['**/flows/**', '**/connectors/**', '**/infra/**', '**/http/**', '**/emulators/**'],
        message: 'cli calls app/',
      },
    ]),
  },
  {
    files: ['src/app/**/*.ts'],
    ignores: ['src/app/sandbox.ts'],
    rules: restrict([
      { group: ['**/emulators/**'], message: 'only app/sandbox.ts may load the emulators' },
    ]),
  },
  {
    files: ['emulators/**/*.ts'],
    rules: restrict([
      {
        group: ['**/src/**'],
        message:
          'emulators are independent of src/ so a misreading of the docs cannot live in both',
      },
    ]),
  },
)
