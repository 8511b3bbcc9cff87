#!/usr/bin/env node
// Scores customers with a trained churn model, as the serving system would,
// and writes what it would export for monitoring: each row's features, the
// prediction and the score (the probability of churn), and with
// --with-labels the label too (known weeks later, once customers did or did
// not leave).
//
//   node serve.mjs --model model/model.json --data data/serving.csv \
//     --out serving/predictions.csv [--with-labels]
//
// Plain Node.js, built-ins only; reads the simple CSV generate-data.mjs writes.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const USAGE =
  'usage: node serve.mjs --model <model.json> --data <csv> --out <csv> [--with-labels]';
const LABEL = 'churned';

function fail(message) {
  process.stderr.write(`serve: error: ${message}\n${USAGE}\n`);
  process.exit(1);
}

function parseArgs(argv) {
  const options = { model: undefined, data: undefined, out: undefined, 'with-labels': false };
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === '--with-labels') {
      options['with-labels'] = true;
      continue;
    }
    const match = /^--(model|data|out)(?:=(.*))?$/.exec(argv[i]);
    if (!match) fail(`unknown argument "${argv[i]}"`);
    const value = match[2] ?? argv[(i += 1)];
    if (value === undefined) fail(`missing value for --${match[1]}`);
    options[match[1]] = value;
  }
  for (const name of ['model', 'data', 'out']) if (!options[name]) fail(`--${name} is required`);
  return options;
}

function read(path, what) {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    fail(`cannot read ${what} ${path}: ${error.message}`);
  }
}

const args = parseArgs(process.argv.slice(2));
const model = JSON.parse(read(args.model, 'model'));
if (model.format !== 'churn-example/logistic-regression@1') fail(`${args.model} is not a churn model`);
const [header, ...lines] = read(args.data, 'data').replace(/\r/g, '').split('\n').filter(Boolean);
const columns = header.split(',');
const missing = model.features.filter((f) => !columns.includes(f));
if (missing.length) fail(`${args.data} has no column ${missing.join(', ')}`);
if (args['with-labels'] && !columns.includes(LABEL)) fail(`${args.data} has no column ${LABEL}`);

// The encoding train.mjs saved: numbers standardised, categories one-hot (unseen: all zeros).
function inputs(row) {
  return model.features.flatMap((name) => {
    const value = row[name];
    const scale = model.standardisation[name];
    if (scale) return [(Number(value) - scale.mean) / scale.std];
    return model.categories[name].map((category) => (value === category ? 1 : 0));
  });
}
const sigmoid = (z) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

const kept = columns.filter((c) => c !== LABEL);
const out = [[...kept, ...(args['with-labels'] ? ['label'] : []), 'prediction', 'score'].join(',')];
for (const line of lines) {
  const cells = line.split(',');
  const row = Object.fromEntries(columns.map((name, j) => [name, cells[j]]));
  const x = inputs(row);
  const p = sigmoid(x.reduce((z, xj, j) => z + model.weights[j] * xj, model.bias));
  out.push(
    [
      ...kept.map((c) => row[c]),
      ...(args['with-labels'] ? [row[LABEL]] : []),
      p >= model.threshold ? 1 : 0,
      p.toFixed(6),
    ].join(','),
  );
}
mkdirSync(dirname(args.out), { recursive: true });
writeFileSync(args.out, `${out.join('\n')}\n`);
process.stdout.write(`serve: scored ${lines.length} rows of ${args.data} into ${args.out}\n`);
