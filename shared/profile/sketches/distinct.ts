/** A mergeable distinct count: exact while small, HyperLogLog beyond. */
export type DistinctState = { p: number; exact: number[] } | { p: number; registers: string };

/**
 * HyperLogLog (Flajolet et al. 2007, with the small-range correction) over 32-bit hashes,
 * p = 12: 4,096 one-byte registers, a standard error of about 1.6%. Up to 1,024 distinct
 * values it keeps the hashes themselves, so small cardinalities (categories, labels) are exact
 * but for hash collisions. The 32-bit hash limits accuracy beyond about 10^8 distinct values.
 */
export class DistinctCounter {
  /** The distinct hashes while exact, in the order first seen; undefined once counting moved to registers. */
  private exact: number[] | undefined = [];
  /**
   * An open-addressing index of `exact` (slot → hash + 1, 0 for empty): 2,048 slots for at most
   * 1,025 hashes, so never more than half full. A Set<number> did the same at about three times
   * the cost, and this runs for every cell.
   */
  private slots: Float64Array | undefined = new Float64Array(2048);
  private registers: Uint8Array | undefined;
  private static readonly EXACT_LIMIT = 1024;

  constructor(readonly p = 12) {}

  addHash(hash: number): void {
    const slots = this.slots;
    if (slots) {
      const stored = hash + 1;
      const mask = slots.length - 1;
      let slot = Math.imul(hash, 0x9e3779b1) >>> 21; // the top 11 bits: one of 2,048 slots
      for (;;) {
        const current = slots[slot]!;
        if (current === stored) return;
        if (current === 0) break;
        slot = (slot + 1) & mask;
      }
      slots[slot] = stored;
      this.exact!.push(hash);
      if (this.exact!.length > DistinctCounter.EXACT_LIMIT) this.toRegisters();
      return;
    }
    this.addToRegisters(hash);
  }

  private addToRegisters(hash: number): void {
    const index = hash >>> (32 - this.p);
    const rest = (hash << this.p) >>> 0;
    const rank = rest === 0 ? 32 - this.p + 1 : Math.clz32(rest) + 1;
    if (rank > this.registers![index]!) this.registers![index] = rank;
  }

  private toRegisters(): void {
    this.registers = new Uint8Array(1 << this.p);
    for (const hash of this.exact!) this.addToRegisters(hash);
    this.exact = undefined;
    this.slots = undefined;
  }

  estimate(): number {
    if (this.exact) return this.exact.length;
    const m = 1 << this.p;
    let sum = 0;
    let zeros = 0;
    for (const register of this.registers!) {
      sum += 2 ** -register;
      if (register === 0) zeros++;
    }
    const alpha = 0.7213 / (1 + 1.079 / m);
    const raw = (alpha * m * m) / sum;
    return Math.round(raw <= 2.5 * m && zeros > 0 ? m * Math.log(m / zeros) : raw);
  }

  isExact(): boolean {
    return this.exact !== undefined;
  }

  merge(state: DistinctState): void {
    if ('exact' in state) {
      for (const hash of state.exact) this.addHash(hash);
      return;
    }
    if (this.exact) this.toRegisters();
    const other = Buffer.from(state.registers, 'base64');
    for (let i = 0; i < this.registers!.length; i++)
      if (other[i]! > this.registers![i]!) this.registers![i] = other[i]!;
  }

  toJSON(): DistinctState {
    return this.exact
      ? { p: this.p, exact: [...this.exact] }
      : { p: this.p, registers: Buffer.from(this.registers!).toString('base64') };
  }

  static from(state: DistinctState): DistinctCounter {
    const counter = new DistinctCounter(state.p);
    counter.merge(state);
    return counter;
  }
}
