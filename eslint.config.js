import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const noElectron = {
  paths: [{ name: 'electron', message: 'The engine must run in plain Node: only src/main/index.ts, ipc.ts, preload and the shell may import electron.' }],
};

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'warn',
    },
  },
  {
    // Layering: nothing below the shell may touch Electron.
    files: ['src/main/engine/**', 'src/main/db/**', 'src/main/ai/**', 'src/main/extract/**', 'src/main/web/**', 'src/main/app/**', 'src/cli/**', 'src/shared/**', 'src/renderer/**'],
    rules: { 'no-restricted-imports': ['error', noElectron] },
  },
);
