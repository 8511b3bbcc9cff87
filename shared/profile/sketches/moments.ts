/**
 * Exact moments of a column, mergeable. (The sketches are written here rather than taken from
 * npm: see quantiles.ts.)
 */
/** Count, mean and variance by Welford's update, merged by Chan et al.'s parallel formula. */
export interface MomentsState {
  n: number;
  mean: number;
  m2: number;
  min: number | null;
  max: number | null;
}

export class Moments {
  n = 0;
  mean = 0;
  m2 = 0;
  min = Infinity;
  max = -Infinity;

  add(x: number): void {
    this.n++;
    const delta = x - this.mean;
    this.mean += delta / this.n;
    this.m2 += delta * (x - this.mean);
    if (x < this.min) this.min = x;
    if (x > this.max) this.max = x;
  }

  merge(other: MomentsState): void {
    if (other.n === 0) return;
    const n = this.n + other.n;
    const delta = other.mean - this.mean;
    this.mean += (delta * other.n) / n;
    this.m2 += other.m2 + (delta * delta * this.n * other.n) / n;
    this.n = n;
    this.min = Math.min(this.min, other.min ?? Infinity);
    this.max = Math.max(this.max, other.max ?? -Infinity);
  }

  /** Sample standard deviation (n − 1), as pandas and Great Expectations report it. */
  stdev(): number | null {
    return this.n > 1 ? Math.sqrt(this.m2 / (this.n - 1)) : null;
  }

  toJSON(): MomentsState {
    return {
      n: this.n,
      mean: this.mean,
      m2: this.m2,
      min: this.n ? this.min : null,
      max: this.n ? this.max : null,
    };
  }

  static from(state: MomentsState): Moments {
    const moments = new Moments();
    moments.merge(state);
    return moments;
  }
}
