import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Most of the suite's time is spent waiting: on the bundles' child processes, on the
    // stand-ins' sockets and on Octokit's pacing of writes. vitest's default on two cores is one
    // file at a time; three side by side keep both cores busy without starving the CPU-bound
    // files (the sharded validation, the bench-sized inputs), which the timeouts allow for.
    maxWorkers: 3,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    setupFiles: ['test/helpers/setup.ts'],
  },
});
