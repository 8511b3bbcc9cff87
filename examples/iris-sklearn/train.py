"""Trains the iris example: a scikit-learn classifier on the iris data set that scikit-learn
ships (no download), for mlops-actions' train-model and evaluate-model.

    MLOPS_CONFIG=config.json MLOPS_SEED=0 python train.py --out model

train-model sets MLOPS_CONFIG (the pinned JSON config) and MLOPS_SEED. The run is
deterministic: the same config, seed and library versions give the same files byte for byte.

Writes to --out:
  model.pkl             the fitted estimator (pickle)
  predictions.csv       the held-out rows: label, prediction, one probability column per
                        class (proba_<class>) and petal_size (small/large), to slice by
  sklearn-metrics.json  scikit-learn's own values of a few metrics on the same predictions,
                        so the example can show evaluate-model agrees with them

Config keys: model ("logistic_regression" or "random_forest"), C and max_iter (logistic
regression), n_estimators and max_depth (random forest), test_size (held-out fraction).
"""
import argparse
import csv
import json
import os
import pathlib
import pickle
import sys

from sklearn import metrics
from sklearn.datasets import load_iris
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def fail(message):
    print(f"train.py: error: {message}", file=sys.stderr)
    sys.exit(1)


def read_config():
    path = os.environ.get("MLOPS_CONFIG")
    if not path:
        fail("MLOPS_CONFIG is not set; it must name the training config (JSON)")
    try:
        with open(path, encoding="utf-8") as file:
            config = json.load(file)
    except (OSError, ValueError) as error:
        fail(f"cannot read the config {path}: {error}")
    if config.get("model") not in ("logistic_regression", "random_forest"):
        fail(f'config {path}: "model" must be "logistic_regression" or "random_forest", got {config.get("model")!r}')
    if not 0 < config.get("test_size", 0) < 1:
        fail(f'config {path}: "test_size" must be between 0 and 1')
    return config


def build(config, seed):
    if config["model"] == "logistic_regression":
        return make_pipeline(StandardScaler(), LogisticRegression(C=config.get("C", 1.0), max_iter=config.get("max_iter", 1000), random_state=seed))
    return RandomForestClassifier(n_estimators=config.get("n_estimators", 100), max_depth=config.get("max_depth"), random_state=seed, n_jobs=1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="folder for the model, predictions and metrics")
    out = pathlib.Path(parser.parse_args().out)
    config = read_config()
    seed = int(os.environ.get("MLOPS_SEED", "0"))

    iris = load_iris()
    names = [str(name) for name in iris.target_names]
    x_train, x_test, y_train, y_test = train_test_split(iris.data, iris.target, test_size=config["test_size"], random_state=seed, stratify=iris.target)
    model = build(config, seed).fit(x_train, y_train)
    print(f"train.py: {config['model']} on {len(y_train)} rows, seed {seed}; held out {len(y_test)}")

    predicted = model.predict(x_test)
    proba = model.predict_proba(x_test)
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "model.pkl", "wb") as file:
        pickle.dump(model, file, protocol=4)
    petal_median = float(sorted(iris.data[:, 2])[len(iris.data) // 2])
    with open(out / "predictions.csv", "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(["label", "prediction", *[f"proba_{name}" for name in names], "petal_size"])
        for features, truth, guess, row in zip(x_test, y_test, predicted, proba):
            writer.writerow([names[truth], names[guess], *[repr(float(p)) for p in row], "large" if features[2] >= petal_median else "small"])

    labels = [names[t] for t in y_test]
    guesses = [names[p] for p in predicted]
    reference = {
        "accuracy": metrics.accuracy_score(labels, guesses),
        "f1_macro": metrics.f1_score(labels, guesses, average="macro"),
        "balanced_accuracy": metrics.balanced_accuracy_score(labels, guesses),
        "matthews_corrcoef": metrics.matthews_corrcoef(labels, guesses),
        "log_loss": metrics.log_loss(labels, proba, labels=names),
        "roc_auc_ovr": metrics.roc_auc_score(labels, proba, multi_class="ovr", labels=names),
    }
    (out / "sklearn-metrics.json").write_text(json.dumps({"sklearn": {k: float(v) for k, v in reference.items()}}, indent=2) + "\n")
    print(f"train.py: held-out accuracy {reference['accuracy']:.4f}, wrote {out}/model.pkl, predictions.csv, sklearn-metrics.json")


if __name__ == "__main__":
    main()
