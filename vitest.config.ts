import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx', 'src/**/*.test.ts', 'src/**/*.test.tsx'],
    // A stray it.only fails the run instead of silently skipping everything else.
    allowOnly: false,
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: 2,
    // The hashed vectors unless a test asks for the sentence encoder: loading it (≈ 250 MB, 1–2 s
    // of CPU) is for the few tests about embeddings and search, once per file.
    env: { INTAKE_ENCODER: 'hash' },
  },
});
