#!/usr/bin/env node
// Deterministic synthetic customer-churn data for the mlops-actions example.
//
//   node generate-data.mjs --out <dir> [--rows-train 2000] [--rows-eval 1000] [--seed 7]
//                          [--serving 0] [--shift 0] [--customers]
//
// Writes <dir>/train.csv and <dir>/eval.csv, and with --serving <rows> also
// <dir>/serving.csv: customers seen after release, whose features move by
// --shift (0 to 1: higher charges, shorter tenure, more month-to-month
// contracts) while churn follows the same hidden model (covariate shift).
// The same arguments always give
// byte-identical files: randomness comes only from the seeded PRNG below
// (never Math.random), and no clock or locale is read.
//
// With --customers also <dir>/customers.csv: who each train and eval customer is
// (customer_id, age_band), kept apart from the training data as a sensitive
// attribute should be: no model reads it; train.mjs --customers carries it into
// the predictions so that evaluate-model can compare the model across groups.
// Its randomness is a stream of its own, so train.csv and eval.csv are the same
// bytes with or without it, and age_band is independent of churn.
//
// Columns: customer_id, tenure_months, monthly_charges, contract,
// support_calls, signup_date, churned (the label, 0 or 1).
// Churn follows a logistic function of the features plus noise, so a
// logistic regression on all features scores roughly 0.8 accuracy.
// Only Node.js built-ins are used.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mulberry32 } from './random.mjs';

const USAGE =
  'usage: node generate-data.mjs --out <dir> [--rows-train 2000] [--rows-eval 1000] [--seed 7] [--serving 0] [--shift 0] [--customers]';

const CONTRACTS = ['month-to-month', 'one-year', 'two-year'];
const COLUMNS = [
  'customer_id',
  'tenure_months',
  'monthly_charges',
  'contract',
  'support_calls',
  'signup_date',
  'churned',
];
const FIRST_CUSTOMER_ID = 100001;
// Tenure is counted in whole months back from the end of December 2024.
const AS_OF_YEAR = 2024;
const AS_OF_MONTH = 11; // December, 0-based as in Date.UTC
const EARLIEST_SIGNUP = Date.UTC(2019, 0, 1);

function fail(message) {
  process.stderr.write(`generate-data: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const options = {
    out: undefined,
    'rows-train': '2000',
    'rows-eval': '1000',
    seed: '7',
    serving: '0',
    shift: '0',
  };
  let customers = false;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    }
    if (arg === '--customers') {
      customers = true;
      continue;
    }
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match || !Object.hasOwn(options, match[1])) fail(`unknown argument "${arg}"`);
    let value = match[2];
    if (value === undefined) {
      i += 1;
      if (i >= argv.length) fail(`missing value for --${match[1]}`);
      value = argv[i];
    }
    options[match[1]] = value;
  }
  if (!options.out) fail('--out <dir> is required');
  const share = (name) => {
    const text = options[name];
    if (!/^(0(\.\d+)?|1(\.0+)?)$/.test(text)) fail(`--${name} must be a number from 0 to 1, got "${text}"`);
    return Number(text);
  };
  const whole = (name, min, max) => {
    const text = options[name];
    if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
      fail(`--${name} must be a whole number from ${min} to ${max}, got "${text}"`);
    }
    return Number(text);
  };
  return {
    out: options.out,
    rowsTrain: whole('rows-train', 1, 10_000_000),
    rowsEval: whole('rows-eval', 1, 10_000_000),
    seed: whole('seed', 0, 4294967295),
    serving: whole('serving', 0, 10_000_000),
    shift: share('shift'),
    customers,
  };
}

// Derives an independent stream seed per split, so that changing the number
// of train rows does not change the eval rows' features.
function streamSeed(seed, stream) {
  let h = Math.imul((seed ^ 0x9e3779b9) >>> 0, 0x85ebca6b) ^ Math.imul(stream + 1, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

function makeSampler(rand) {
  const int = (min, max) => min + Math.floor(rand() * (max - min + 1));
  const normal = () => {
    // Box-Muller; 1 - rand() keeps the logarithm finite.
    const u = 1 - rand();
    const v = rand();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  const poisson = (mean) => {
    const limit = Math.exp(-mean);
    let k = 0;
    let p = rand();
    while (p > limit) {
      k += 1;
      p *= rand();
    }
    return k;
  };
  return { rand, int, normal, poisson };
}

const clamp = (x, min, max) => Math.min(max, Math.max(min, x));
const sigmoid = (z) => 1 / (1 + Math.exp(-z));

function signupDate(s, tenureMonths) {
  const day = s.int(1, 28);
  const time = Math.max(EARLIEST_SIGNUP, Date.UTC(AS_OF_YEAR, AS_OF_MONTH - tenureMonths, day));
  return new Date(time).toISOString().slice(0, 10);
}

function makeRow(s, customerId, shift) {
  // Tenure: many recent customers, a long tail of loyal ones (more of them new under a shift).
  const tenure =
    s.rand() < 0.45 + 0.4 * shift ? s.int(0, 12) : clamp(Math.round(12 + s.rand() * 64), 0, 72);

  // Longer-standing customers are more likely to be on longer contracts.
  const loyalty = tenure / 72;
  const c = s.rand();
  const contract =
    c < 0.62 - 0.4 * loyalty + 0.3 * shift ? CONTRACTS[0] : c < 0.85 - 0.25 * loyalty ? CONTRACTS[1] : CONTRACTS[2];

  const charges = clamp(68 + 30 * shift + 24 * s.normal(), 18, 120 + 30 * shift);
  const monthlyCharges = Math.round(charges * 100) / 100;
  const supportCalls = clamp(s.poisson(contract === CONTRACTS[0] ? 2 : 1.4), 0, 10);

  // The hidden churn model: short tenure, high charges, flexible contracts and
  // many support calls all raise the odds; the noise term blurs the boundary.
  const z =
    -0.4 -
    0.045 * (tenure - 24) +
    0.035 * (monthlyCharges - 68) +
    (contract === CONTRACTS[0] ? 1.1 : contract === CONTRACTS[2] ? -1.2 : 0) +
    0.5 * (supportCalls - 1.5) +
    0.6 * s.normal();
  const churned = s.rand() < sigmoid(z) ? 1 : 0;

  return [
    customerId,
    tenure,
    monthlyCharges.toFixed(2),
    contract,
    supportCalls,
    signupDate(s, tenure),
    churned,
  ].join(',');
}

// Age bands of the customers, with their shares (a stream of their own: see the header).
const AGE_BANDS = [
  ['under 55', 0.6],
  ['55+', 0.4],
];

function customers(count, seed, firstId) {
  const s = makeSampler(mulberry32(streamSeed(seed, 3)));
  const lines = ['customer_id,age_band'];
  for (let i = 0; i < count; i += 1) {
    let u = s.rand();
    const band = AGE_BANDS.find(([, share]) => (u -= share) < 0) ?? AGE_BANDS.at(-1);
    lines.push(`${firstId + i},${band[0]}`);
  }
  return `${lines.join('\n')}\n`;
}

function generate(rows, seed, stream, firstId, shift = 0) {
  const s = makeSampler(mulberry32(streamSeed(seed, stream)));
  const lines = [COLUMNS.join(',')];
  for (let i = 0; i < rows; i += 1) lines.push(makeRow(s, firstId + i, shift));
  return `${lines.join('\n')}\n`;
}

const args = parseArgs(process.argv.slice(2));
mkdirSync(args.out, { recursive: true });
const trainPath = join(args.out, 'train.csv');
const evalPath = join(args.out, 'eval.csv');
writeFileSync(trainPath, generate(args.rowsTrain, args.seed, 0, FIRST_CUSTOMER_ID));
writeFileSync(evalPath, generate(args.rowsEval, args.seed, 1, FIRST_CUSTOMER_ID + args.rowsTrain));
process.stdout.write(
  `generate-data: wrote ${args.rowsTrain} rows to ${trainPath} and ${args.rowsEval} rows to ${evalPath} (seed ${args.seed})\n`,
);
if (args.customers) {
  const customersPath = join(args.out, 'customers.csv');
  const count = args.rowsTrain + args.rowsEval;
  writeFileSync(customersPath, customers(count, args.seed, FIRST_CUSTOMER_ID));
  process.stdout.write(`generate-data: wrote ${count} customers to ${customersPath}\n`);
}
if (args.serving > 0) {
  const servingPath = join(args.out, 'serving.csv');
  const firstId = FIRST_CUSTOMER_ID + args.rowsTrain + args.rowsEval;
  writeFileSync(servingPath, generate(args.serving, args.seed, 2, firstId, args.shift));
  process.stdout.write(
    `generate-data: wrote ${args.serving} rows to ${servingPath} (shift ${args.shift})\n`,
  );
}
