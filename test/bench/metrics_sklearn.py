"""scikit-learn's side of `npm run bench -- --only metrics`: the point metrics evaluate-model
computes, on the same predictions, timed. Run by test/bench/metrics.ts with /usr/bin/python3:
    python3 metrics_sklearn.py <folder> <binary|multiclass> <classes>
Reads labels.i32, predictions.i32, scores.f64 (raw little-endian arrays), optionally
predictions.csv; prints one JSON object: seconds per part, peak RSS and the values.
"""
import json
import resource
import sys
import time
import warnings

import numpy as np
import sklearn
from sklearn import metrics
from sklearn.preprocessing import label_binarize

warnings.simplefilter("ignore")
folder, task, k = sys.argv[1], sys.argv[2], int(sys.argv[3])
y = np.fromfile(f"{folder}/labels.i32", dtype="<i4")
p = np.fromfile(f"{folder}/predictions.i32", dtype="<i4")
s = np.fromfile(f"{folder}/scores.f64", dtype="<f8")
if task == "multiclass":
    s = s.reshape(-1, k)
classes = np.arange(k)

values = {}
started = time.perf_counter()
values["accuracy"] = metrics.accuracy_score(y, p)
values["balanced_accuracy"] = metrics.balanced_accuracy_score(y, p)
for average in ("macro", "weighted"):
    pr, rc, f1, _ = metrics.precision_recall_fscore_support(y, p, average=average)
    values.update({f"precision_{average}": pr, f"recall_{average}": rc, f"f1_{average}": f1})
pr, rc, f1, _ = metrics.precision_recall_fscore_support(y, p, average=None)
for c in classes:
    values.update({f"precision.{c}": pr[c], f"recall.{c}": rc[c], f"f1.{c}": f1[c]})
values["matthews_corrcoef"] = metrics.matthews_corrcoef(y, p)
metrics.confusion_matrix(y, p)
values["log_loss"] = metrics.log_loss(y, s, labels=classes)
if task == "binary":
    pr, rc, f1, _ = metrics.precision_recall_fscore_support(y, p, average="binary")
    values.update({"precision": pr, "recall": rc, "f1": f1})
    values["roc_auc"] = metrics.roc_auc_score(y, s)
    values["average_precision"] = metrics.average_precision_score(y, s)
    values["brier_score"] = metrics.brier_score_loss(y, s)
else:
    values["roc_auc_ovr"] = metrics.roc_auc_score(y, s, multi_class="ovr")
    values["roc_auc_ovr_weighted"] = metrics.roc_auc_score(y, s, multi_class="ovr", average="weighted")
    values["average_precision"] = metrics.average_precision_score(label_binarize(y, classes=classes), s, average="macro")
point_seconds = time.perf_counter() - started

csv_seconds = None
try:
    import pandas

    started = time.perf_counter()
    frame = pandas.read_csv(f"{folder}/predictions.csv")
    csv_seconds = time.perf_counter() - started
    del frame
except FileNotFoundError:
    pass

print(json.dumps({
    "sklearn": sklearn.__version__,
    "pointSeconds": point_seconds,
    "readCsvSeconds": csv_seconds,
    "maxRssBytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
    "values": {name: float(value) for name, value in values.items()},
}))
