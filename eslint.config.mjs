import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const forbiddenInDomain = [
  {
    group: ['@azure/*', 'durable-functions', 'durable-functions/*'],
    message: 'shared/domain is pure: no Azure SDK or Durable Functions.',
  },
  {
    group: [
      'fs',
      'node:fs',
      'fs/*',
      'node:fs/*',
      'http',
      'node:http',
      'https',
      'node:https',
      'net',
      'node:net',
      'child_process',
      'node:child_process',
      'process',
      'node:process',
    ],
    message: 'shared/domain is pure: no I/O.',
  },
  {
    group: ['**/config/**', '**/config', '**/adapters/**', '**/ports/**'],
    message: 'shared/domain takes settings as arguments, never from configuration or adapters.',
  },
];

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      'coverage/**',
      'test-results/**',
      '.c2-responder/**',
      '.tools/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['**/*.ts'],
    ignores: ['shared/adapters/azure/**', 'test/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@azure/*', '!@azure/functions', '!@azure/functions-core'],
              message: 'Only shared/adapters/azure imports Azure SDKs.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['shared/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: forbiddenInDomain }],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'shared/domain is pure: settings arrive as arguments.' },
        { name: 'fetch', message: 'shared/domain is pure: no I/O.' },
      ],
    },
  },
  {
    files: ['orchestrators/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@azure/*', '!@azure/functions'],
              message: 'Orchestrators import no Azure SDK.',
            },
            { group: ['**/adapters/**'], message: 'Orchestrators never touch adapters.' },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'Orchestrators take time from context.df.currentUtcDateTime.',
        },
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: 'Orchestrators take time from context.df.currentUtcDateTime.',
        },
        {
          selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']",
          message: 'Orchestrators must be deterministic.',
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: {
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        console: 'readonly',
        __dirname: 'readonly',
      },
      sourceType: 'commonjs',
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
