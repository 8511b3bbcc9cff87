/** The cost line of train-model's job summary: training time, or what a cache hit saved. */
import { describe, expect, it } from 'vitest';
import { describeCost, formatDuration } from '../../shared/training/summary.js';

describe('the cost of a training', () => {
  it('gives the training time of a run that trained', () => {
    expect(describeCost({ startedAt: '2026-01-01T00:00:00.000Z', durationSeconds: 12.34 })).toBe(
      'training took 12.3 s.',
    );
  });

  it('names the run a cache hit came from, how long restoring took and the training time it saved', () => {
    const line = describeCost({
      startedAt: '2026-01-01T00:00:00.000Z',
      durationSeconds: 95,
      restoredFrom: {
        runUrl: 'https://github.com/o/r/actions/runs/7',
        startedAt: '2026-01-01T00:00:00.000Z',
        restoreSeconds: 1.26,
      },
    });
    expect(line).toBe(
      'restored from the cache in 1.3 s: trained by [the run](https://github.com/o/r/actions/runs/7) of 2026-01-01 00:00:00 UTC, which saves 95.0 s of training.',
    );
  });

  it('never links a run URL that is not http(s), and escapes the recorded start time', () => {
    const line = describeCost({
      startedAt: 'x',
      durationSeconds: 1,
      restoredFrom: { runUrl: 'javascript:alert(1)', startedAt: '*@team*' },
    });
    expect(line).not.toContain('](');
    expect(line).toContain('\\*@\u200Bteam\\*');
  });

  it.each([
    [0.01, '< 0.1 s'],
    [0.06, '0.1 s'],
    [12.34, '12.3 s'],
    [99.94, '99.9 s'],
    [412.3, '6 min 52 s'],
    [3599.6, '1 h 00 min'],
    [7530, '2 h 06 min'],
  ])('reads %s seconds as %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });
});
