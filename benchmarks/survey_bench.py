"""Survey benchmark (issue 4): 1,000,000 respondents × 30 items (+5 group columns), in memory.

Times clean + item scores + overall index + group breakdown + Cronbach's α (``analyze`` with
the default t interval for the index at this size), reports peak memory of that step, and the
time of a bare numpy column-mean pass over the same matrix as the floor; checks issue 4's
bar (≤ 3 s, ≤ 2 GiB) and issue 17's (median ≤ 0.6 s and ≤ 15× the floor).

    python benchmarks/survey_bench.py [--n 1000000] [--items 30] [--repeat 3]
"""

from __future__ import annotations

import argparse
import time
import tracemalloc

import numpy as np

from evallib.survey.analysis import analyze
from evallib.survey.generate import simulate


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--items", type=int, default=30)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    t0 = time.perf_counter()
    data = simulate(args.n, args.items, n_groups=5, seed=1)
    print(f"generated {args.n:,} × {args.items} in {time.perf_counter() - t0:.2f} s (not timed)")
    floor = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        _ = data.codes.astype(np.float32).mean(axis=0)
        floor.append(time.perf_counter() - t)
    times = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        res = analyze(data, weighted=False)
        times.append(time.perf_counter() - t)
    tracemalloc.start()
    analyze(data, weighted=False)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    best, fl = min(times), min(floor)
    print(
        f"analyze (clean + items + index + groups + alpha): best {best:.2f} s, "
        f"median {sorted(times)[len(times) // 2]:.2f} s over {args.repeat} runs"
    )
    print(f"peak memory inside analyze (tracemalloc): {peak / 2**30:.2f} GiB")
    print(f"floor: numpy column means over the same matrix {fl:.3f} s; ratio {best / fl:.1f}x")
    print(
        f"check: kept {res.cleaning.n_kept:,}, rate {res.overall['rate']:.4f}, "
        f"alpha {res.reliability.alpha:.3f}"
    )
    target_ok = best <= 3.0 and peak <= 2 * 2**30
    print(f"target of issue 4 (<= 3 s, <= 2 GiB): {'met' if target_ok else 'NOT met'}")
    med = sorted(times)[len(times) // 2]
    fast_ok = med <= 0.6 and med <= 15 * fl
    print(
        f"target of issue 17 (median <= 0.6 s and <= 15x the floor = {15 * fl:.2f} s): "
        f"{'met' if fast_ok else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
