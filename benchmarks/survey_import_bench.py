"""Survey import benchmark (issue 11): a 问卷星-shaped 按选项文本 XLSX of 100,000 respondents ×
40 columns (6 meta, 30 matrix items, 乡镇, name, phone, free text) imported and analysed.
Strings are shared (the sharedStrings part), as Excel and the survey platforms write them.

Times ``read_survey`` + ``analyze`` (median of 3) and, as the floor in the same run, python-
calamine reading the same sheet into Python lists (no checks, no decoding).  The file is written
once to the temp folder with xlsxwriter (not timed).

    python benchmarks/survey_import_bench.py [--n 100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from evallib.survey import analyze, read_survey
from evallib.survey.spec import QuestionnaireSpec

LABELS = ["非常满意", "满意", "一般", "不满意", "非常不满意", "不了解"]
TOWNS = ["城关镇", "东河镇", "西山乡", "南湖镇", "北岭乡"]
N_ITEMS = 30
HEAD = "5、请您对以下方面的满意程度进行评价"


def write_export(path: Path, n: int) -> None:
    import xlsxwriter

    rng = np.random.default_rng(7)
    lat = rng.normal(1.5, 0.8, n)[:, None] + rng.normal(0, 0.7, (n, N_ITEMS))
    codes = (lat[:, :, None] < np.array([1.35, 0.1, -0.7, -1.5])).sum(axis=2)
    codes[rng.random((n, N_ITEMS)) < 0.02] = 5
    head = ["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP", "2、您所在的乡镇："]
    head += [f"{HEAD}—方面{j + 1}" for j in range(N_ITEMS)]
    head += ["7、您的姓名：", "8、您的手机号码：", "9、您的意见和建议："]
    wb = xlsxwriter.Workbook(str(path))  # shared strings, as Excel and the platforms write
    ws = wb.add_worksheet("Sheet1")
    ws.write_row(0, 0, head)
    towns = rng.integers(0, 5, n)
    dur = rng.integers(40, 900, n)
    for i in range(n):
        row = [i + 1, "2026/10/09 08:00:00", f"{dur[i]}秒", "手机提交", "微信",
               f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}(湖南-长沙)", TOWNS[towns[i]]]
        row += [LABELS[c] for c in codes[i]]
        row += ["张三", f"138{i:08d}", "希望继续加强道路养护"]
        ws.write_row(i + 1, 0, row)
    wb.close()


def spec() -> QuestionnaireSpec:
    return QuestionnaireSpec(
        name="benchmark", population=1_000_000,
        items=[{"code": f"S{j + 1}", "question": 5, "sub": f"方面{j + 1}"} for j in range(N_ITEMS)],
        groups=[{"name": "乡镇", "question": 2}],
    )  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    path = Path(tempfile.gettempdir()) / f"evallib_survey_{args.n}_sst.xlsx"
    if not path.exists():
        t = time.perf_counter()
        write_export(path, args.n)
        print(f"wrote {path} ({path.stat().st_size / 2**20:.1f} MiB) in "
              f"{time.perf_counter() - t:.1f} s (not timed)")  # fmt: skip
    import python_calamine

    floor, times = [], []
    for _ in range(args.repeat):
        t = time.perf_counter()
        wb = python_calamine.CalamineWorkbook.from_path(str(path))
        wb.get_sheet_by_index(0).to_python()
        floor.append(time.perf_counter() - t)
    sp = spec()
    for _ in range(args.repeat):
        t = time.perf_counter()
        data = read_survey(path, sp)
        t_read = time.perf_counter() - t
        res = analyze(data)
        times.append((time.perf_counter() - t, t_read))
    times.sort()
    med, med_read = times[len(times) // 2]
    fl = sorted(floor)[len(floor) // 2]
    print(f"import + analyse {args.n:,} × 40: median {med:.2f} s (read_survey {med_read:.2f} s) "
          f"over {args.repeat} runs; best {times[0][0]:.2f} s")  # fmt: skip
    print(f"floor: python-calamine sheet → lists {fl:.2f} s; ratio {med / fl:.1f}x")
    print(f"check: kept {res.cleaning.n_kept:,}, rate {res.overall['rate']:.4f}, "
          f"{data.notes[0]}")  # fmt: skip
    import resource

    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    print(f"peak resident memory of this process: {rss:.2f} GiB")
    print(f"target (<= 10 s): {'met' if med <= 10 else 'NOT met'}")


if __name__ == "__main__":
    main()
