#!/usr/bin/env python3
"""Reference timing: one epoch of scikit-learn's BernoulliRBM on the binarised digits.

Matches the Rust workload `energy_playground::core::rbm::bench_cd1_epoch(data, 100, 10, seed)`:
the 1797 images of www/data/digits8x8.bin, pixel >= 8 -> 1.0 else 0.0 (64 visible units),
BernoulliRBM(n_components=100, batch_size=10, n_iter=1, learning_rate=0.1), i.e. one pass of
scikit-learn's `_fit` per mini-batch of 10 rows in file order (positive phase P(h|v), a sampled
v' from the persistent hidden chain, negative phase P(h|v'), update). BLAS is limited to one
thread so the comparison with the single-threaded Rust loop is like for like.

Prints the median wall time of >= 5 timed fits (after one warm-up fit) as JSON:
    {"sklearn_cd1_epoch_ms": ..., "runs": ..., "blas_threads": 1, "sklearn_version": "..."}

Usage: pip install scikit-learn && python3 benches/sklearn_rbm.py [--runs N]
"""

import argparse
import json
import os
import statistics
import struct
import time

import numpy as np
import sklearn
from sklearn.neural_network import BernoulliRBM

try:
    from threadpoolctl import threadpool_limits
except ImportError:  # threadpoolctl ships with scikit-learn; fall back to no limit
    threadpool_limits = None


def load_binarised(path):
    raw = open(path, "rb").read()
    if raw[:4] != b"DIG8" or raw[4] != 1:
        raise ValueError("not a DIG8 v1 file")
    width, height, count = raw[5], raw[6], struct.unpack_from("<I", raw, 8)[0]
    rec = 1 + width * height
    body = np.frombuffer(raw, dtype=np.uint8, count=count * rec, offset=12).reshape(count, rec)
    return (body[:, 1:] >= 8).astype(np.float64)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    here = os.path.dirname(os.path.abspath(__file__))
    x = load_binarised(os.path.join(here, "..", "www", "data", "digits8x8.bin"))

    def fit_once(seed):
        rbm = BernoulliRBM(
            n_components=100, batch_size=10, n_iter=1, learning_rate=0.1, random_state=seed
        )
        t0 = time.perf_counter()
        rbm.fit(x)
        return (time.perf_counter() - t0) * 1e3

    def run():
        fit_once(0)  # warm-up (imports, allocator, BLAS initialisation)
        return [fit_once(seed) for seed in range(1, max(5, args.runs) + 1)]

    if threadpool_limits is not None:
        with threadpool_limits(limits=1):
            times = run()
    else:
        times = run()
    print(
        json.dumps(
            {
                "sklearn_cd1_epoch_ms": round(statistics.median(times), 3),
                "runs": len(times),
                "blas_threads": 1 if threadpool_limits is not None else None,
                "sklearn_version": sklearn.__version__,
            }
        )
    )


if __name__ == "__main__":
    main()
