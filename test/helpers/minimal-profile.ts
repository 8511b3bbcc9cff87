/**
 * A profile as validate-data writes it, reduced to what a profile must hold: one integer
 * column `tenure` over two rows. For tests where a profile is passed along (published with a
 * promotion, given as a reference) rather than compared.
 */
export const MINIMAL_PROFILE = JSON.stringify({
  format: 'mlops-actions/profile@1',
  rows: 2,
  sources: [{ path: 'data/train.csv', format: 'csv', rows: 2 }],
  columns: [
    {
      name: 'tenure',
      type: 'integer',
      count: 2,
      nulls: 0,
      invalid: 0,
      nan: 0,
      inf: 0,
      state: { distinct: { p: 14, exact: [1, 2] } },
    },
  ],
});
