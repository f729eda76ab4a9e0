import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist', 'node_modules', 'public', 'test-results', 'training'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
  },
  {
    // The core runs in Node, in the worker and in tests alike: no UI, worker, DOM or Node imports.
    files: ['src/core/**/*.ts'],
    ignores: ['src/core/**/*.test.ts', 'src/core/**/*.testing.ts'], // tests and their support run in Node
    languageOptions: { globals: { ...globals['shared-node-browser'] } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['react', 'react-dom', 'react/*', 'zustand', 'recharts'],
              message: 'src/core must not depend on UI libraries.',
            },
            {
              group: ['**/ui/**', '**/worker/**'],
              message: 'src/core must not import the UI or the worker.',
            },
            {
              group: ['node:*', 'fs', 'path', 'zlib', 'crypto', 'os'],
              message: 'src/core must run in the browser: no Node modules.',
            },
          ],
        },
      ],
      'no-restricted-globals': ['error', 'window', 'document', 'self', 'process', 'postMessage', 'Buffer'],
    },
  },
);
