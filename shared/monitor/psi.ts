/**
 * Population stability index over shares of the same bins:
 *
 *   PSI = Σ_i (r_i − c_i) · ln(r_i / c_i)
 *
 * where r_i and c_i are the reference's and the current data's shares of bin i. An empty bin
 * (share 0) would make the term infinite, so a share of exactly 0 is replaced by ε = 0.0001
 * (Evidently's fill for all but extremely small shares), on each side separately and without
 * renormalising; a bin empty on both sides contributes 0.
 */
const PSI_EMPTY_BIN_SHARE = 0.0001;

const floor = (share: number) => (share > 0 ? share : PSI_EMPTY_BIN_SHARE);

function term(r: number, c: number): number {
  const rf = floor(r);
  const cf = floor(c);
  return (rf - cf) * Math.log(rf / cf);
}

export function psi(reference: readonly number[], current: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < reference.length; i++) sum += term(reference[i]!, current[i]!);
  return sum;
}

/**
 * The interval PSI lies in when each share may be off by up to `referenceError` and
 * `currentError` (shares read from sketches). Each term (r − c)·ln(r/c) is jointly convex, grows
 * as r and c move apart and is 0 where they meet, so its maximum over the box of possible
 * shares is at the corner farthest from the diagonal and its minimum at the nearest corner (0
 * when the box touches the diagonal).
 */
export function psiBounds(
  reference: readonly number[],
  current: readonly number[],
  referenceError: number,
  currentError: number,
): [number, number] {
  const clamp = (s: number) => Math.min(1, Math.max(0, s));
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < reference.length; i++) {
    const r0 = clamp(reference[i]! - referenceError);
    const r1 = clamp(reference[i]! + referenceError);
    const c0 = clamp(current[i]! - currentError);
    const c1 = clamp(current[i]! + currentError);
    hi += Math.max(term(r0, c1), term(r1, c0));
    if (floor(r0) > floor(c1)) lo += term(r0, c1);
    else if (floor(c0) > floor(r1)) lo += term(r1, c0);
  }
  return [lo, hi];
}
