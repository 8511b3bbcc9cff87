/**
 * Options for every synchronous child process a test or the harness starts (execFileSync, spawnSync). A
 * synchronous call blocks the test worker's event loop, so vitest's own test timeout cannot
 * fire while it waits: a child that never ends (a prompt waiting for input that never comes, a
 * pseudo-terminal left open) would hang the whole run rather than fail one test. Two minutes is
 * the suite's test timeout; SIGKILL because a child that waits on a terminal may ignore SIGTERM.
 */
export const BOUNDED_CHILD = { timeout: 120_000, killSignal: 'SIGKILL' } as const;
