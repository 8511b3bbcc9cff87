#!/usr/bin/env node
// Trains the example churn model: logistic regression with full-batch
// gradient descent, in plain Node.js (built-ins only, no dependencies).
//
//   MLOPS_CONFIG=config.json MLOPS_SEED=0 node train.mjs \
//     --train data/train.csv --eval data/eval.csv \
//     --model-out model/model.json --predictions-out model/predictions.csv
//
// train-model sets MLOPS_CONFIG (path to the pinned JSON config) and
// MLOPS_SEED. The run is deterministic: the same config, seed and data give
// the same model and predictions byte for byte.
//
// Config keys: model ("logistic-regression"), learning_rate, epochs, l2,
// features (column names; numeric columns are standardised with the train
// set's mean and standard deviation, text columns such as `contract` are
// one-hot encoded), threshold (score at or above which the prediction is 1),
// and optionally group_thresholds: {column: {value: threshold}}, a threshold
// for the customers of one group (a column of the --customers file), which
// needs --customers.
//
// --customers <csv> (optional): who each customer is (customer_id and
// sensitive attributes such as age_band, generate-data.mjs --customers). Its
// columns are never model inputs: they are carried into the predictions file,
// after the score, so that evaluate-model can compare the model across groups.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { mulberry32 } from './random.mjs';

const USAGE =
  'usage: MLOPS_CONFIG=<config.json> [MLOPS_SEED=0] node train.mjs --train <csv> --eval <csv> --model-out <path> --predictions-out <path> [--customers <csv>]';
const LABEL = 'churned';
const ID = 'customer_id';

function fail(message) {
  process.stderr.write(`train: error: ${message}\n`);
  process.exit(1);
}

function parseArgs(argv) {
  const options = { train: undefined, eval: undefined, 'model-out': undefined, 'predictions-out': undefined };
  const optional = new Set(['customers']);
  for (let i = 0; i < argv.length; i += 1) {
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]);
    if (!match || !(Object.hasOwn(options, match[1]) || optional.has(match[1]))) fail(`unknown argument "${argv[i]}"\n${USAGE}`);
    let value = match[2];
    if (value === undefined) {
      i += 1;
      if (i >= argv.length) fail(`missing value for --${match[1]}\n${USAGE}`);
      value = argv[i];
    }
    options[match[1]] = value;
  }
  for (const [name, value] of Object.entries(options)) {
    if (!value && !optional.has(name)) fail(`--${name} is required\n${USAGE}`);
  }
  return options;
}

function readText(path, what) {
  if (!existsSync(path)) fail(`${what} not found: ${path}`);
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    fail(`cannot read ${what} ${path}: ${error.message}`);
  }
}

function readConfig() {
  const path = process.env.MLOPS_CONFIG;
  if (!path) fail(`MLOPS_CONFIG is not set; it must name the training config (JSON)\n${USAGE}`);
  let config;
  try {
    config = JSON.parse(readText(path, 'config'));
  } catch (error) {
    fail(`config ${path} is not valid JSON: ${error.message}`);
  }
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    fail(`config ${path} must be a JSON object`);
  }
  if (config.model !== 'logistic-regression') {
    fail(`config ${path}: "model" must be "logistic-regression", got ${JSON.stringify(config.model)}`);
  }
  const positive = (key) => {
    if (typeof config[key] !== 'number' || !(config[key] > 0)) {
      fail(`config ${path}: "${key}" must be a number above 0`);
    }
  };
  positive('learning_rate');
  positive('epochs');
  if (!Number.isInteger(config.epochs)) fail(`config ${path}: "epochs" must be a whole number`);
  if (typeof config.l2 !== 'number' || config.l2 < 0) fail(`config ${path}: "l2" must be a number, 0 or more`);
  if (typeof config.threshold !== 'number' || !(config.threshold > 0 && config.threshold < 1)) {
    fail(`config ${path}: "threshold" must be a number between 0 and 1`);
  }
  if (
    !Array.isArray(config.features) ||
    config.features.length === 0 ||
    !config.features.every((f) => typeof f === 'string' && f !== '')
  ) {
    fail(`config ${path}: "features" must be a non-empty list of column names`);
  }
  if (new Set(config.features).size !== config.features.length) {
    fail(`config ${path}: "features" lists a column twice`);
  }
  for (const f of config.features) {
    if (f === LABEL || f === ID) fail(`config ${path}: "${f}" cannot be a feature`);
  }
  const groups = config.group_thresholds ?? {};
  if (groups === null || typeof groups !== 'object' || Array.isArray(groups)) {
    fail(`config ${path}: "group_thresholds" must be an object: {column: {value: threshold}}`);
  }
  for (const [column, byValue] of Object.entries(groups)) {
    const valid =
      byValue !== null &&
      typeof byValue === 'object' &&
      Object.values(byValue).every((t) => typeof t === 'number' && t > 0 && t < 1);
    if (!valid) fail(`config ${path}: "group_thresholds.${column}" must map values to thresholds between 0 and 1`);
  }
  return { path, config };
}

function readSeed() {
  const text = process.env.MLOPS_SEED ?? '0';
  if (!/^\d+$/.test(text) || Number(text) > 4294967295) {
    fail(`MLOPS_SEED must be a whole number from 0 to 4294967295, got "${text}"`);
  }
  return Number(text);
}

// A small header-based CSV reader: enough for the files generate-data.mjs
// writes (no quoting, no commas inside values).
function readCsv(path, what) {
  const lines = readText(path, what).replace(/\r/g, '').split('\n').filter((line) => line !== '');
  if (lines.length < 2) fail(`${what} ${path} has no data rows`);
  const header = lines[0].split(',');
  const rows = lines.slice(1).map((line, i) => {
    const cells = line.split(',');
    if (cells.length !== header.length) {
      fail(`${what} ${path} line ${i + 2}: ${cells.length} values, header has ${header.length}`);
    }
    return Object.fromEntries(header.map((name, j) => [name, cells[j]]));
  });
  return { path, header, rows };
}

function requireColumns(table, what, columns) {
  for (const column of columns) {
    if (!table.header.includes(column)) fail(`${what} ${table.path} has no column "${column}"`);
  }
}

function labelOf(row, table, i) {
  const value = row[LABEL];
  if (value !== '0' && value !== '1') fail(`${table.path} row ${i + 1}: ${LABEL} must be 0 or 1, got "${value}"`);
  return Number(value);
}

const isNumber = (text) => text !== '' && Number.isFinite(Number(text));

// Decides per feature how it is encoded, from the training data only.
function fitEncoding(train, features) {
  return features.map((name) => {
    const values = train.rows.map((row) => row[name]);
    if (values.every(isNumber)) {
      const xs = values.map(Number);
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      const variance = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / xs.length;
      const std = Math.sqrt(variance) || 1;
      return { name, kind: 'numeric', mean, std, columns: [name] };
    }
    const categories = [...new Set(values)].sort();
    return { name, kind: 'one-hot', categories, columns: categories.map((c) => `${name}=${c}`) };
  });
}

function encode(row, encoding, table, i) {
  const x = [];
  for (const feature of encoding) {
    const value = row[feature.name];
    if (feature.kind === 'numeric') {
      if (!isNumber(value)) fail(`${table.path} row ${i + 1}: ${feature.name} must be a number, got "${value}"`);
      x.push((Number(value) - feature.mean) / feature.std);
    } else {
      // A category never seen in training encodes as all zeros.
      for (const category of feature.categories) x.push(value === category ? 1 : 0);
    }
  }
  return x;
}

const sigmoid = (z) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

function score(weights, bias, x) {
  let z = bias;
  for (let j = 0; j < x.length; j += 1) z += weights[j] * x[j];
  return sigmoid(z);
}

function train(X, y, config, seed) {
  const rand = mulberry32(seed);
  const d = X[0].length;
  const n = X.length;
  const weights = Array.from({ length: d }, () => (rand() - 0.5) * 0.02);
  let bias = 0;
  let loss = 0;
  for (let epoch = 1; epoch <= config.epochs; epoch += 1) {
    const grad = new Array(d).fill(0);
    let gradBias = 0;
    loss = 0;
    for (let i = 0; i < n; i += 1) {
      const p = score(weights, bias, X[i]);
      const err = p - y[i];
      for (let j = 0; j < d; j += 1) grad[j] += err * X[i][j];
      gradBias += err;
      loss -= y[i] ? Math.log(Math.max(p, 1e-15)) : Math.log(Math.max(1 - p, 1e-15));
    }
    let penalty = 0;
    for (let j = 0; j < d; j += 1) {
      weights[j] -= config.learning_rate * (grad[j] / n + config.l2 * weights[j]);
      penalty += weights[j] ** 2;
    }
    bias -= config.learning_rate * (gradBias / n);
    loss = loss / n + (config.l2 / 2) * penalty;
    const every = Math.max(1, Math.floor(config.epochs / 4));
    if (epoch === 1 || epoch % every === 0 || epoch === config.epochs) {
      process.stdout.write(`train: epoch ${epoch}/${config.epochs} loss ${loss.toFixed(4)}\n`);
    }
  }
  return { weights, bias, loss };
}

function accuracy(scores, labels, threshold) {
  let correct = 0;
  for (let i = 0; i < scores.length; i += 1) correct += (scores[i] >= threshold ? 1 : 0) === labels[i] ? 1 : 0;
  return correct / scores.length;
}

function writeOut(path, text) {
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  } catch (error) {
    fail(`cannot write ${path}: ${error.message}`);
  }
}

const round = (x) => Number(x.toFixed(10));

const args = parseArgs(process.argv.slice(2));
const { path: configPath, config } = readConfig();
const seed = readSeed();
const trainTable = readCsv(args.train, 'train file');
const evalTable = readCsv(args.eval, 'eval file');
requireColumns(trainTable, 'train file', [...config.features, LABEL]);
requireColumns(evalTable, 'eval file', [ID, 'contract', ...config.features, LABEL]);

const encoding = fitEncoding(trainTable, config.features);
const columns = encoding.flatMap((f) => f.columns);
const X = trainTable.rows.map((row, i) => encode(row, encoding, trainTable, i));
const y = trainTable.rows.map((row, i) => labelOf(row, trainTable, i));
process.stdout.write(
  `train: ${X.length} rows, ${columns.length} inputs (${columns.join(', ')}), config ${configPath}, seed ${seed}\n`,
);

const model = train(X, y, config, seed);
const trainAccuracy = accuracy(X.map((x) => score(model.weights, model.bias, x)), y, config.threshold);
process.stdout.write(`train: train accuracy ${trainAccuracy.toFixed(4)}\n`);

writeOut(
  args['model-out'],
  `${JSON.stringify(
    {
      format: 'churn-example/logistic-regression@1',
      model: config.model,
      features: config.features,
      inputs: columns,
      weights: model.weights.map(round),
      bias: round(model.bias),
      standardisation: Object.fromEntries(
        encoding.filter((f) => f.kind === 'numeric').map((f) => [f.name, { mean: round(f.mean), std: round(f.std) }]),
      ),
      categories: Object.fromEntries(
        encoding.filter((f) => f.kind === 'one-hot').map((f) => [f.name, f.categories]),
      ),
      threshold: config.threshold,
      seed,
      config,
      training: { rows: X.length, final_loss: round(model.loss), accuracy: round(trainAccuracy) },
    },
    null,
    2,
  )}\n`,
);
process.stdout.write(`train: wrote model to ${args['model-out']}\n`);

// Who each eval customer is, by id: the --customers file's columns other than the id.
const customers = args.customers ? readCsv(args.customers, 'customers file') : undefined;
if (customers) requireColumns(customers, 'customers file', [ID]);
const extra = customers ? customers.header.filter((c) => c !== ID) : [];
const byId = new Map((customers?.rows ?? []).map((row) => [row[ID], row]));
const groupThresholds = Object.entries(config.group_thresholds ?? {});
for (const [column] of groupThresholds) {
  if (!extra.includes(column)) {
    fail(`config ${configPath}: "group_thresholds" names "${column}", which needs a --customers file with that column`);
  }
}
const thresholdOf = (who) => {
  for (const [column, byValue] of groupThresholds) {
    if (who && Object.hasOwn(byValue, who[column])) return byValue[who[column]];
  }
  return config.threshold;
};

const lines = [['customer_id,contract,label,prediction,score', ...extra].join(',')];
const evalScores = [];
const evalLabels = [];
evalTable.rows.forEach((row, i) => {
  const p = score(model.weights, model.bias, encode(row, encoding, evalTable, i));
  const label = labelOf(row, evalTable, i);
  const who = byId.get(row[ID]);
  if (customers && !who) fail(`customers file ${customers.path} has no customer ${row[ID]}`);
  evalScores.push(p);
  evalLabels.push(label);
  const predicted = p >= thresholdOf(who) ? 1 : 0;
  lines.push([row[ID], row.contract, label, predicted, p.toFixed(6), ...extra.map((c) => who[c])].join(','));
});
writeOut(args['predictions-out'], `${lines.join('\n')}\n`);
process.stdout.write(
  `train: wrote ${evalTable.rows.length} predictions to ${args['predictions-out']} (eval accuracy ${accuracy(evalScores, evalLabels, config.threshold).toFixed(4)})\n`,
);
