"""Library benchmark (issue 15): search over 5,000 indicators (bar 50 ms) and the history of an
indicator over 100,000 recorded results (bar 200 ms), on SQLite and — with ``--pg`` — on a
throwaway PostgreSQL server (tests/pgserver.py).

Floor, measured in the same run on the same database: one primary-key lookup of an indicator
(the cost of a round trip to the database and back).

    python benchmarks/library_bench.py [--indicators 5000] [--results 100000] [--pg]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

from evallib.library import Library, LibraryIndicator, ResultRow, RunRecord, search, store
from evallib.library.schema import indicator

QUERIES = [
    "培训合格率",
    "满意率",
    "验收合格",
    "公里造价",
    "等保",
    "会议费",
    "补助对象数量",
    "养护覆盖",
    "危桥",
    "出行时间",
    "疫苗",
    "政府采购",
    "设备",
    "维修 面积",
    "预算执行率",
    "一网通办",
    "故障响应",
    "资金发放",
    "人均成本",
    "覆盖率",
]
OBJECTS = [
    "道路",
    "桥梁",
    "校舍",
    "卫生室",
    "文化站",
    "农田",
    "水渠",
    "路灯",
    "公厕",
    "垃圾站",
    "养老院",
    "幼儿园",
    "体育场",
    "图书馆",
    "污水管网",
    "供水站",
    "林地",
    "河道",
    "电网",
    "广场",
    "停车场",
    "公交站",
    "集贸市场",
    "社区中心",
    "医院",
    "档案室",
    "实验室",
    "机房",
    "监控点",
    "消防站",
]
MEASURES = [
    ("建设数量", "数量指标", "个"),
    ("改造面积", "数量指标", "平方米"),
    ("验收合格率", "质量指标", "%"),
    ("按期完工率", "时效指标", "%"),
    ("单位造价", "经济成本指标", "万元"),
    ("使用率", "社会效益指标", "%"),
    ("完好率", "可持续影响指标", "%"),
    ("群众满意度", "服务对象满意度指标", "%"),
]
LEVEL1 = {
    "数量指标": "产出指标",
    "质量指标": "产出指标",
    "时效指标": "产出指标",
    "经济成本指标": "成本指标",
    "社会效益指标": "效益指标",
    "可持续影响指标": "效益指标",
    "服务对象满意度指标": "满意度指标",
}


def synthetic(n: int) -> list[LibraryIndicator]:
    """``n`` sector indicators: object × measure × district, with aliases."""
    out = []
    k = 0
    while len(out) < n:
        for obj in OBJECTS:
            for meas, l2, unit in MEASURES:
                if len(out) >= n:
                    break
                out.append(
                    LibraryIndicator(
                        code=f"S{k:05d}",
                        name=f"{obj}{meas}（第{k // 240 + 1}类）",
                        level1=LEVEL1[l2],
                        level2=l2,
                        unit=unit,
                        category=f"{obj}类",
                        project_types=[f"{obj}项目"],
                        aliases=[f"{obj}{meas}"],
                        explanation=f"{obj}项目的{meas}，按年度计划核定",
                    )
                )
                k += 1
    return out


def fill(lib: Library, n_ind: int, n_res: int) -> None:
    t = time.perf_counter()
    lib.add(synthetic(n_ind - lib.count()))
    names = ["工程验收合格率", "预算执行率", "服务对象满意度", "培训合格率", "道路验收合格率"]
    per_run, runs = 50, n_res // 50
    for r in range(runs):
        rows = [
            ResultRow(name=names[i % len(names)], target="≥95%", actual=f"{90 + (r * 7 + i) % 11}%")
            for i in range(per_run)
        ]
        store.record(
            lib,
            RunRecord(
                kind="report",
                project=f"项目{r}",
                year=2018 + r % 8,
                sha256=f"{r:064x}",
                grade="良",
                total=85.0,
                rows=rows,
            ),
        )
    print(
        f"filled: {lib.count():,} indicators, {runs * per_run:,} results in "
        f"{time.perf_counter() - t:.1f} s (not timed)"
    )


def timed(fn, repeat: int) -> list[float]:  # type: ignore[no-untyped-def]
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def measure(lib: Library, label: str, repeat: int) -> tuple[float, float]:
    def floor() -> None:
        with lib.engine.connect() as conn:
            conn.execute(sa.select(indicator.c.name).where(indicator.c.id == 17)).scalar()

    fl = statistics.median(timed(floor, 50)) * 1000
    per_query = [
        statistics.median(timed(lambda q=q: search(lib, q), repeat)) * 1000 for q in QUERIES
    ]
    hist = [
        statistics.median(timed(lambda n=n: store.history(lib, n), repeat)) * 1000
        for n in ("工程验收合格率", "预算执行率", "服务对象满意度")
    ]
    s_med, s_max = statistics.median(per_query), max(per_query)
    h_med, h_max = statistics.median(hist), max(hist)
    print(f"[{label}] floor (one primary-key lookup): {fl:.2f} ms")
    print(
        f"[{label}] search, {len(QUERIES)} queries: median {s_med:.1f} ms, slowest {s_max:.1f} ms "
        f"({s_med / fl:.0f}× floor); bar 50 ms: {'met' if s_max <= 50 else 'NOT met'}"
    )
    print(
        f"[{label}] history over {args_results:,} results (each ~{args_results // 5:,} rows "
        f"returned): median {h_med:.1f} ms, slowest {h_max:.1f} ms; bar 200 ms: "
        f"{'met' if h_max <= 200 else 'NOT met'}"
    )
    return s_max, h_max


args_results = 100_000


def main() -> int:
    global args_results
    ap = argparse.ArgumentParser()
    ap.add_argument("--indicators", type=int, default=5_000)
    ap.add_argument("--results", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--pg", action="store_true", help="also on a throwaway PostgreSQL server")
    args = ap.parse_args()
    args_results = args.results
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        lib = Library.open(Path(tmp) / "bench.sqlite")
        fill(lib, args.indicators, args.results)
        s, h = measure(lib, "SQLite", args.repeat)
        ok &= s <= 50 and h <= 200
        if args.pg:
            sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
            from tests.pgserver import start, stop

            base = Path(tempfile.mkdtemp(prefix="evallib-bench-pg-", dir="/tmp"))
            try:
                pg = Library.open(start(base))
                fill(pg, args.indicators, args.results)
                s, h = measure(pg, "PostgreSQL", args.repeat)
                ok &= s <= 50 and h <= 200
                pg.close()
            finally:
                stop(base)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
