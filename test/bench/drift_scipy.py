"""pandas + scipy's side of `npm run bench -- --only drift`, and the bench's data.
Run by test/bench/drift.ts with Debian's /usr/bin/python3:

    python3 drift_scipy.py generate <folder> <rows>
        writes reference.csv and current.csv (seeded; written by pandas.DataFrame.to_csv, so
        floats in full repr, missing values as empty cells, nullable integers as integers)
    python3 drift_scipy.py drift <folder>
        the peer: prints one JSON object with the seconds of each part, peak RSS and the values

What the peer does, and what is timed:
- untimed, as "referenceSeconds" (the peer's equivalent of the reference profile that is
  published with the model): pandas.read_csv of reference.csv, then per column the sorted
  non-missing values, std (ddof 0), min, max, inner deciles (method='inverted_cdf', repeated
  edges once) and their bin shares, or the value counts and shares of a categorical column;
- timed, as "seconds" (what a monitor run does with the current data): pandas.read_csv of
  current.csv, and per column: missing rate; numeric: scipy.stats.ks_2samp(method='asymp';
  scipy's 'auto' also takes asymp at these sizes), scipy.stats.wasserstein_distance divided by
  max(std_ref, 0.001), PSI over the reference deciles with numpy, share outside the reference's
  [min, max]; categorical (text, and numbers with at most five distinct values in both):
  value_counts, PSI, scipy.spatial.distance.jensenshannon (natural log),
  scipy.stats.chi2_contingency of the 2 x k table over the reference's values plus "other"
  (columns empty in both dropped), share of new categories. The formulas are those of
  docs/monitoring.md and test/fixtures/monitor/make_fixtures.py.
ks_2samp and wasserstein_distance sort the (already sorted) reference again inside: that is
scipy's cost, counted in the timed part.
"""
import gc
import json
import math
import resource
import sys
import time

import numpy as np

EMPTY = 0.0001
FEW_DISTINCT = 5
NUMERIC = ["age", "income", "score", "balance", "tenure_days", "clicks", "tier", "latency_ms"]
TEXT = ["country", "device", "channel", "plan"]


def generate(folder, rows):
    import pandas as pd

    rng = np.random.default_rng(20261207)

    def with_missing(values, share):
        values = pd.Series(values)
        values[rng.random(rows) < share] = None
        return values

    def categories(prefix, count, skew):
        names = [f"{prefix}_{i:02d}" for i in range(count)]
        weights = 1 / np.arange(1, count + 1) ** skew
        return names, weights / weights.sum()

    def pick(names, p, share_missing=0.0):
        return with_missing(rng.choice(names, size=rows, p=p).astype(object), share_missing)

    countries, country_p = categories("country", 30, 1.1)
    devices, device_p = categories("device", 12, 0.8)
    channels, channel_p = categories("channel", 20, 1.0)
    plans, plan_p = categories("plan", 40, 0.7)

    for name, drifted in (("reference", False), ("current", True)):
        tenure = np.minimum(3650, np.floor(rng.exponential(400, rows))).astype("int64")
        latency = rng.gamma(2.0, 50.0, rows)
        if drifted:
            # A slow tail beyond anything the reference saw: values outside its range.
            slow = rng.random(rows) < 0.01
            latency[slow] = rng.gamma(2.0, 500.0, slow.sum())
        frame = pd.DataFrame({
            "age": rng.integers(20 if drifted else 18, 91, rows),
            "income": with_missing(rng.lognormal(10.6 if drifted else 10.5, 0.6, rows), 0.02),
            "score": rng.beta(2.0, 5.0, rows),
            "balance": with_missing(rng.normal(0.0, 1000.0, rows), 0.01),
            "tenure_days": pd.array(with_missing(tenure, 0.06 if drifted else 0.03), dtype="Int64"),
            "clicks": rng.poisson(23 if drifted else 20, rows),
            "tier": rng.choice([1, 2, 3, 4], size=rows, p=[0.3, 0.3, 0.25, 0.15] if drifted else [0.4, 0.3, 0.2, 0.1]),
            "latency_ms": latency,
            "country": pick(countries, country_p),
            "device": pick(devices, device_p[::-1] if drifted else device_p),
            # Current: three channels the reference never had, 5% of the rows.
            "channel": pick(channels + ["channel_new_a", "channel_new_b", "channel_new_c"],
                            np.concatenate([channel_p * 0.95, [0.03, 0.015, 0.005]])) if drifted
            else pick(channels, channel_p),
            "plan": pick(plans + ["plan_new_a", "plan_new_b"], np.concatenate([plan_p * 0.98, [0.015, 0.005]]), 0.02)
            if drifted else pick(plans, plan_p, 0.01),
        })
        frame.to_csv(f"{folder}/{name}.csv.partial", index=False)


def psi(r, c):
    r = np.where(r > 0, r, EMPTY)
    c = np.where(c > 0, c, EMPTY)
    return float(np.sum((r - c) * np.log(r / c)))


def reset_peak_rss():
    """Linux resets a process's peak RSS (VmHWM) when 5 is written to clear_refs."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def peak_rss_bytes():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return None


def prepare_reference(frame):
    """The reference side, per column: what the published profile stands for."""
    prepared = {}
    for name in NUMERIC:
        column = frame[name]
        values = np.sort(column.dropna().to_numpy(dtype="float64"))
        edges = []
        for q in np.quantile(values, np.arange(1, 10) / 10, method="inverted_cdf"):
            if not edges or edges[-1] != q:
                edges.append(float(q))
        shares = np.bincount(np.searchsorted(edges, values, side="left"), minlength=len(edges) + 1) / len(values)
        prepared[name] = {
            "values": values, "std": float(np.std(values)), "min": values[0], "max": values[-1],
            "edges": np.array(edges), "shares": shares, "distinct": np.unique(values),
            "missing": float(column.isna().mean()), "counts": column.value_counts(dropna=True),
        }
    for name in TEXT:
        column = frame[name]
        prepared[name] = {"missing": float(column.isna().mean()), "counts": column.value_counts(dropna=True)}
    return prepared


def categorical(ref_counts, cur_counts):
    # The reference's values by count (descending), then "other": the buckets of shared/monitor.
    named = sorted(ref_counts.index, key=lambda v: (-ref_counts[v], str(v)))
    rc = np.array([ref_counts[v] for v in named] + [0], dtype="float64")
    cc = np.array([cur_counts.get(v, 0) for v in named], dtype="float64")
    cur_total = float(cur_counts.sum())
    cc = np.append(cc, cur_total - cc.sum())
    r, c = rc / rc.sum(), cc / cur_total
    from scipy import stats
    from scipy.spatial.distance import jensenshannon

    table = np.array([rc, cc])
    table = table[:, table.sum(axis=0) > 0]
    p_value = float(stats.chi2_contingency(table).pvalue) if table.shape[1] >= 2 else 1.0
    return {
        "buckets": [str(v) for v in named] + ["(other)"],
        "referenceShares": r.tolist(),
        "currentShares": c.tolist(),
        "psi": psi(r, c),
        "jensenShannon": float(jensenshannon(r, c)),
        "chiSquarePValue": p_value,
        "newShare": float(cc[-1] / cur_total),
    }


def drift(folder):
    import pandas as pd
    import scipy
    from scipy import stats

    started = time.perf_counter()
    cpu_started = time.process_time()
    reference = prepare_reference(pd.read_csv(f"{folder}/reference.csv"))
    reference_seconds = time.perf_counter() - started
    reference_cpu_seconds = time.process_time() - cpu_started
    gc.collect()
    reset_peak = reset_peak_rss()

    started = time.perf_counter()
    cpu_started = time.process_time()
    frame = pd.read_csv(f"{folder}/current.csv")
    read_seconds = time.perf_counter() - started
    values = {}
    for name in NUMERIC + TEXT:
        ref = reference[name]
        column = frame[name]
        out = {"missing": float(column.isna().mean()) - ref["missing"]}
        few = False
        if name in NUMERIC:
            cur = column.dropna().to_numpy(dtype="float64")
            # Compared as categories when both together have at most five values; the current
            # values need looking at only when the reference has few.
            few = len(ref["distinct"]) <= FEW_DISTINCT and len(np.union1d(ref["distinct"], cur)) <= FEW_DISTINCT
        if name in NUMERIC and not few:
            ks = stats.ks_2samp(ref["values"], cur, method="asymp")
            shares = np.bincount(np.searchsorted(ref["edges"], cur, side="left"),
                                 minlength=len(ref["edges"]) + 1) / len(cur)
            out.update({
                "ksStatistic": float(ks.statistic),
                "ksPValue": float(ks.pvalue),
                "wasserstein": float(stats.wasserstein_distance(ref["values"], cur)) / max(ref["std"], 0.001),
                "psi": psi(ref["shares"], shares),
                "outsideRange": float(np.mean((cur < ref["min"]) | (cur > ref["max"]))),
            })
        else:
            out.update(categorical(ref["counts"], column.value_counts(dropna=True)))
        values[name] = out
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started

    print(json.dumps({
        "versions": f"pandas {pd.__version__}, scipy {scipy.__version__}, numpy {np.__version__}",
        "seconds": seconds,
        "cpuSeconds": cpu_seconds,
        "readSeconds": read_seconds,
        "referenceSeconds": reference_seconds,
        "referenceCpuSeconds": reference_cpu_seconds,
        "maxRssBytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        # The peak of the timed part alone (the reference's data held, its reading's peak not).
        "timedPeakRssBytes": peak_rss_bytes() if reset_peak else None,
        "values": values,
    }, allow_nan=False, default=lambda v: None if isinstance(v, float) and math.isnan(v) else v))


if __name__ == "__main__":
    if sys.argv[1] == "generate":
        generate(sys.argv[2], int(sys.argv[3]))
    else:
        drift(sys.argv[2])
