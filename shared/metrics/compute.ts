/**
 * Point metrics, named as scikit-learn names them and computed as it computes them
 * (accuracy_score, root_mean_squared_error, mean_absolute_error).
 */
export type Task = 'binary' | 'multiclass' | 'regression';

export interface MetricValue {
  value: number;
  n: number;
}

/** Running sums, so that predictions stream through in constant memory. */
export interface MetricAccumulator {
  add(label: string, prediction: string, row: number): void;
  result(): Record<string, MetricValue>;
}

export class PredictionError extends Error {
  constructor(
    message: string,
    readonly row: number,
    readonly column: 'label' | 'prediction',
  ) {
    super(message);
  }
}

export function createAccumulator(task: Task): MetricAccumulator {
  return task === 'regression' ? regressionAccumulator() : classificationAccumulator();
}

function classificationAccumulator(): MetricAccumulator {
  let n = 0;
  let correct = 0;
  return {
    add(label, prediction) {
      n++;
      if (label === prediction) correct++;
    },
    result: (): Record<string, MetricValue> => (n ? { accuracy: { value: correct / n, n } } : {}),
  };
}

function regressionAccumulator(): MetricAccumulator {
  let n = 0;
  let squared = 0;
  let absolute = 0;
  const number = (text: string, row: number, column: 'label' | 'prediction') => {
    const value = text.trim() === '' ? Number.NaN : Number(text);
    if (!Number.isFinite(value)) throw new PredictionError(`row ${row}: the ${column} ${JSON.stringify(text)} is not a finite number`, row, column);
    return value;
  };
  return {
    add(label, prediction, row) {
      const error = number(prediction, row, 'prediction') - number(label, row, 'label');
      n++;
      squared += error * error;
      absolute += Math.abs(error);
    },
    result: (): Record<string, MetricValue> => (n ? { rmse: { value: Math.sqrt(squared / n), n }, mae: { value: absolute / n, n } } : {}),
  };
}
