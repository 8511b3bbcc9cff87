import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Most of the suite's time is spent waiting: on the bundles' child processes, on the
    // stand-ins' sockets and on Octokit's pacing of writes. vitest's default on two cores is one
    // file at a time; four side by side keep both cores busy (measured: 211 s with three, 174 s
    // with four, on an idle two-core machine) while the CPU-bound files still end well inside
    // their timeouts.
    maxWorkers: 4,
    // A bundle test is a few steps of a workflow, each a node process (the slowest about 15 s on
    // an idle two-core machine): the timeouts leave room for a machine several times busier.
    // The e2e pipeline chains set their own, longer ones.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    setupFiles: ['test/helpers/setup.ts'],
  },
});
