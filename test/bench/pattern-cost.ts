/**
 * Per-cell cost of a schema `pattern`: JavaScript's backtracking RegExp, which the project used
 * before, against the linear-time engine it uses now (shared/schema/pattern.ts), on a simple
 * pattern over a million cells, nine in ten of which match. Run: npx tsx test/bench/pattern-cost.ts
 */
import { compilePattern, type FieldPattern } from '../../shared/schema/pattern.js';

const CELLS = 1_000_000;
const ROUNDS = 5;
const PATTERN = '[A-Z]{2}\\d{4}';

const letter = (i: number) => String.fromCharCode(65 + (i % 26));
const cells = Array.from({ length: CELLS }, (_, i) =>
  i % 10 === 0
    ? `X${i % 10000}`
    : `${letter(i)}${letter(i * 7)}${String(i % 10000).padStart(4, '0')}`,
);

/** Median nanoseconds per cell over the rounds, and how many cells matched. */
function measure(matches: (text: string) => boolean): { nsPerCell: number; matched: number } {
  const times: number[] = [];
  let matched = 0;
  for (let round = 0; round < ROUNDS; round++) {
    matched = 0;
    const started = performance.now();
    for (const cell of cells) if (matches(cell)) matched++;
    times.push(((performance.now() - started) * 1e6) / CELLS);
  }
  return { nsPerCell: times.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)]!, matched };
}

const regexp = new RegExp(`^(?:${PATTERN})$`, 'u');
const linear = compilePattern(PATTERN) as FieldPattern;
const before = measure((text) => regexp.test(text));
const now = measure((text) => linear.matches(text));
console.table([
  {
    engine: 'RegExp (before)',
    'ns per cell': before.nsPerCell.toFixed(0),
    matched: before.matched,
  },
  {
    engine: 're2js testExact (now)',
    'ns per cell': now.nsPerCell.toFixed(0),
    matched: now.matched,
  },
]);
console.log(
  `ratio: ${(now.nsPerCell / before.nsPerCell).toFixed(1)}× over ${CELLS} cells of /${PATTERN}/`,
);
