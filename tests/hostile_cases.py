"""Generator of the hostile-input suite (tests/test_hostile.py): broken, oversized and hostile
inputs for every command of the CLI.

Each command reads some files (a *slot*: the indicator system, the evidence, the survey export,
the expert workbook, the manifest, …); every slot gets every corruption of its kind (YAML, XLSX
or CSV), and a list of specific cases adds the semantic ones (non-finite numbers, path
traversal in ids, bounded counts, damaged bundles).  A case either gives a result (``ok``:
exit 0, outputs written) or fails (``error``: exit 2 with an EvalError naming the file);
``any`` accepts either but still forbids a traceback, an exit code other than 0/1/2, a time-
or memory-limit breach and a modified input.

Run ``python -m tests.hostile_cases`` to list the cases.
"""

from __future__ import annotations

import functools
import io
import os
import re
import resource
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .samples import EVIDENCE, SYSTEM

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "survey_data" / "demo"
DATA = ROOT / "tests" / "data"
GOALS = ROOT / "survey_data" / "goals"


@dataclass
class Case:
    """One hostile input: files to lay out, the command, what must happen."""

    id: str
    argv: list[str]
    files: dict[str, bytes | None]  # None: a folder with that name
    expect: str  # "ok" | "error" | "any"
    must_say: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)
    exit_ok: tuple[int, ...] = (0,)
    # For a result: the slot whose clean inputs must give the same numbers, and the output
    # file that holds them.
    same_as: str | None = None
    result_file: str | None = None


#: slot → the output holding its numbers (compared without provenance and hashes)
RESULT_FILES = {
    "score": "out/result.json", "survey": "out/survey_summary.json",
    "weights-ahp": "out/weights.json", "review": "out/summary.json",
    "rank": "out/comprehensive.json", "goals": "out/goals.json",
    "monitor": "out/monitor.json",
}  # fmt: skip


def _base() -> dict[str, Callable[[], bytes]]:
    demo_project = (DEMO / "project.yaml").read_bytes()
    return {
        "system.yaml": lambda: SYSTEM.encode(),
        "evidence.yaml": lambda: EVIDENCE.encode(),
        "system.xlsx": lambda: (DATA / "system_merged.xlsx").read_bytes(),
        "evidence.xlsx": lambda: (DATA / "evidence.xlsx").read_bytes(),
        "evidence.csv": lambda: (DATA / "evidence_gbk.csv").read_bytes(),
        "spec.yaml": lambda: (DEMO / "spec.yaml").read_bytes(),
        "survey.xlsx": lambda: (DEMO / "问卷星_按选项文本.xlsx").read_bytes(),
        "survey.csv": lambda: (DEMO / "问卷星_按选项文本_GBK.csv").read_bytes(),
        "proj/project.yaml": lambda: demo_project,
        "proj/evidence.yaml": lambda: (DEMO / "evidence.yaml").read_bytes(),
        "proj/spec.yaml": lambda: (DEMO / "spec.yaml").read_bytes(),
        "proj/问卷星_按选项文本.xlsx": lambda: (DEMO / "问卷星_按选项文本.xlsx").read_bytes(),
        "experts.xlsx": lambda: (ROOT / "survey_data/weights/专家判断矩阵_示例.xlsx").read_bytes(),
        "matrix.csv": lambda: MATRIX_CSV.read_bytes(),
        "matrix.xlsx": _matrix_xlsx,
        "review.csv": lambda: (ROOT / "survey_data/review/复核样本_长表.csv").read_bytes(),
        "forms.xlsx": lambda: (ROOT / "survey_data/review/复核样本_自评表.xlsx").read_bytes(),
        "legacy_spec.yaml": lambda: (DATA / "surveys" / "spec_legacy.yaml").read_bytes(),
        "survey.xls": lambda: (DATA / "surveys" / "wjx_legacy.xls").read_bytes(),
        "goals.xlsx": lambda: (GOALS / "绩效目标申报_长表.xlsx").read_bytes(),
        "monitor.xlsx": lambda: (ROOT / "survey_data/monitor/绩效监控_6月.xlsx").read_bytes(),
        "goals.csv": lambda: _goals_csv(),
        "goal_forms.xlsx": lambda: (GOALS / "绩效目标申报表_分表.xlsx").read_bytes(),
        "lib.xlsx": lambda: _library_file("lib.xlsx"),
        "lib.yaml": lambda: _library_file("lib.yaml"),
        "out/lib.sqlite": lambda: _library_file("lib.sqlite"),
        "batch.csv": lambda: (
            b"project,id,formats\n"
            + "".join(f"proj/project.yaml,项目{k},pdf\n" for k in "ABCDE").encode()
        ),
        "batch.yaml": lambda: (
            "# 批量清单\nprojects:\n  - {project: proj/project.yaml, id: 项目A}\n".encode()
        ),
    }


MATRIX_CSV = ROOT / "survey_data" / "comprehensive" / "乡镇项目指标.csv"
RANK = ["rank", "--cost", "公里造价,投诉件数", "--weights", "entropy", "--out", "out"]


def _matrix_xlsx() -> bytes:
    """The township table as an XLSX workbook (the first sheet holds it)."""
    import pandas as pd

    from evallib.inert import frames_xlsx

    return frames_xlsx({"指标": pd.read_csv(MATRIX_CSV)})


@functools.cache  # the same bytes for every case of a slot (built once per process)
def _library_file(name: str) -> bytes:
    """An empty library (``lib.sqlite``) or three starter indicators exported as xlsx/yaml."""
    import tempfile

    from evallib.library import Library
    from evallib.library.exchange import export_library
    from evallib.library.starter import starter_indicators

    with tempfile.TemporaryDirectory() as d:
        lib = Library.open(Path(d) / "lib.sqlite", seed=False)
        if name != "lib.sqlite":
            lib.add(starter_indicators()[0][:3])
            export_library(lib, Path(d) / name)
        lib.close()
        return (Path(d) / name).read_bytes()


@functools.cache
def _goals_csv() -> bytes:
    """The demo goal sheets as the long table in CSV."""
    import pandas as pd

    from evallib.inert import csv_bytes

    df = pd.read_excel(GOALS / "绩效目标申报_长表.xlsx", dtype=object, engine="openpyxl")
    return csv_bytes(df)


LIBRARY = ["library", "import", "--db", "out/lib.sqlite"]
PROJ = ["proj/project.yaml", "proj/evidence.yaml", "proj/spec.yaml", "proj/问卷星_按选项文本.xlsx"]

#: name → (argv, files the command needs, the file corrupted, its kind, runs slowly when ok)
SLOTS: dict[str, tuple[list[str], list[str], str, str, bool]] = {
    "score-system-yaml": (["score", "system.yaml", "evidence.yaml", "--out", "out"],
                          ["system.yaml", "evidence.yaml"], "system.yaml", "yaml", False),
    "score-evidence-yaml": (["score", "system.yaml", "evidence.yaml", "--out", "out"],
                            ["system.yaml", "evidence.yaml"], "evidence.yaml", "yaml", False),
    "score-system-xlsx": (["score", "system.xlsx", "evidence.xlsx", "--out", "out"],
                          ["system.xlsx", "evidence.xlsx"], "system.xlsx", "xlsx", False),
    "score-evidence-xlsx": (["score", "system.xlsx", "evidence.xlsx", "--out", "out"],
                            ["system.xlsx", "evidence.xlsx"], "evidence.xlsx", "xlsx", False),
    "score-evidence-csv": (["score", "system.xlsx", "evidence.csv", "--out", "out"],
                           ["system.xlsx", "evidence.csv"], "evidence.csv", "csv", False),
    "survey-spec": (["survey", "spec.yaml", "survey.xlsx", "--out", "out"],
                    ["spec.yaml", "survey.xlsx"], "spec.yaml", "yaml", False),
    "survey-xlsx": (["survey", "spec.yaml", "survey.xlsx", "--out", "out"],
                    ["spec.yaml", "survey.xlsx"], "survey.xlsx", "xlsx", False),
    "survey-csv": (["survey", "spec.yaml", "survey.csv", "--out", "out"],
                   ["spec.yaml", "survey.csv"], "survey.csv", "csv", False),
    "survey-xls": (["survey", "legacy_spec.yaml", "survey.xls", "--out", "out"],
                   ["legacy_spec.yaml", "survey.xls"], "survey.xls", "xls", False),
    "report-project": (["report", "proj/project.yaml", "--out", "out"], PROJ,
                       "proj/project.yaml", "yaml", True),
    "report-evidence": (["report", "proj/project.yaml", "--out", "out"], PROJ,
                        "proj/evidence.yaml", "yaml", True),
    "report-spec": (["report", "proj/project.yaml", "--out", "out"], PROJ,
                    "proj/spec.yaml", "yaml", True),
    "report-survey-xlsx": (["report", "proj/project.yaml", "--out", "out"], PROJ,
                           "proj/问卷星_按选项文本.xlsx", "xlsx", True),
    "weights-template": (["weights", "template", "system.yaml", "--out", "out/专家.xlsx"],
                         ["system.yaml"], "system.yaml", "yaml", False),
    "weights-ahp": (["weights", "ahp", "experts.xlsx", "--out", "out"], ["experts.xlsx"],
                    "experts.xlsx", "xlsx", False),
    "rank-csv": ([*RANK[:1], "matrix.csv", *RANK[1:]], ["matrix.csv"], "matrix.csv", "csv", False),
    "rank-xlsx": ([*RANK[:1], "matrix.xlsx", *RANK[1:]], ["matrix.xlsx"], "matrix.xlsx", "xlsx",
                  False),
    "monitor-xlsx": (["monitor", "monitor.xlsx", "--month", "6", "--out", "out"],
                     ["monitor.xlsx"], "monitor.xlsx", "xlsx", False),
    "goals-xlsx": (["goals", "goals.xlsx", "--out", "out"], ["goals.xlsx"], "goals.xlsx", "xlsx",
                   False),
    "goals-csv": (["goals", "goals.csv", "--out", "out"], ["goals.csv"], "goals.csv", "csv", False),
    "goals-forms": (["goals", "goal_forms.xlsx", "--forms", "--out", "out"], ["goal_forms.xlsx"],
                    "goal_forms.xlsx", "xlsx", False),
    "library-xlsx": ([*LIBRARY, "lib.xlsx"], ["lib.xlsx", "out/lib.sqlite"], "lib.xlsx", "xlsx",
                     False),
    "library-yaml": ([*LIBRARY, "lib.yaml"], ["lib.yaml", "out/lib.sqlite"], "lib.yaml", "yaml",
                     False),
    "review-csv": (["review", "review.csv", "--out", "out"], ["review.csv"], "review.csv",
                   "csv", False),
    "review-forms": (["review", "forms.xlsx", "--forms", "--out", "out"], ["forms.xlsx"],
                     "forms.xlsx", "xlsx", False),
    "batch-csv": (["batch", "batch.csv", "--out", "out", "--no-progress"], ["batch.csv", *PROJ],
                  "batch.csv", "csv", True),
    "batch-yaml": (["batch", "batch.yaml", "--out", "out", "--no-progress"],
                   ["batch.yaml", *PROJ], "batch.yaml", "yaml", True),
}  # fmt: skip


# ----------------------------------------------------------------------------- corruptions
def _billion_laughs() -> bytes:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    prev = "a"
    for k in "bcdefghi":
        lines.append(f"{k}: &{k} [{', '.join(['*' + prev] * 9)}]")
        prev = k
    return ("\n".join(lines) + "\n").encode()


def _sheet_xml(data: bytes, edit: Callable[[str], str]) -> bytes:
    """Rewrite the first worksheet's XML of an XLSX."""
    src = zipfile.ZipFile(io.BytesIO(data))
    names = sorted(n for n in src.namelist() if re.match(r"xl/worksheets/sheet\d+\.xml$", n))
    first = names[0]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == first:
                body = edit(body.decode("utf-8")).encode("utf-8")
            dst.writestr(info, body)
    return out.getvalue()


def _add_merge(xml: str, ref: str) -> str:
    if "<mergeCells" in xml:
        return re.sub(r"<mergeCells[^>]*>", lambda m: m.group(0) + f'<mergeCell ref="{ref}"/>',
                      xml, count=1)  # fmt: skip
    return xml.replace("</sheetData>", f'</sheetData><mergeCells count="1"><mergeCell ref="{ref}"/>'
                       "</mergeCells>", 1)  # fmt: skip


def _dimension(xml: str) -> str:
    if "<dimension" in xml:
        return re.sub(r'<dimension ref="[^"]*"\s*/>', '<dimension ref="A1:XFD1048576"/>', xml)
    return xml.replace("<sheetData", '<dimension ref="A1:XFD1048576"/><sheetData', 1)


def _far_row(xml: str) -> str:
    cell = '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    return xml.replace("</sheetData>", cell + "</sheetData>", 1)


def _uncached(xml: str) -> str:
    rows = re.findall(r'<row r="(\d+)"', xml)
    r = rows[min(2, len(rows) - 1)] if rows else "1"
    return re.sub(rf'(<row r="{r}"[^>]*>.*?)(</row>)', rf'\1<c r="ZZ{r}"><f>1+1</f></c>\2', xml,
                  count=1, flags=re.S)  # fmt: skip


def _cell_ref_far(xml: str) -> str:
    """A cell whose own reference lies a million rows below the row that holds it."""
    return re.sub(r'(<row r="2"[^>]*>)', r'\1<c r="B1048576" t="inlineStr"><is><t>x</t></is></c>',
                  xml, count=1)  # fmt: skip


def _not_xlsx_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("readme.txt", "not a workbook")
    return buf.getvalue()


GARBAGE = bytes(range(256)) * 8
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1000

YAML_CORRUPTIONS: dict[str, tuple[Callable[[bytes], bytes | None] | None, tuple[str, ...],
                                  dict[str, str]]] = {
    "missing": (None, ("不存在",), {}),
    "empty": (lambda b: b"", ("为空",), {}),
    "folder": (lambda b: None, ("文件",), {}),
    "binary": (lambda b: GARBAGE, ("YAML",), {}),
    "gbk": (lambda b: b.decode("utf-8").encode("gb18030"), ("UTF-8",), {}),
    "billion-laughs": (lambda b: _billion_laughs(), ("别名",), {}),
    "deep": (lambda b: b"a: " + b"[" * 5000 + b"]" * 5000 + b"\n", ("嵌套",), {}),
    "nan": (lambda b: b + b"zz_nan: .nan\n", ("NaN",), {}),
    "inf": (lambda b: b + b"zz_inf: -.inf\n", ("NaN",), {}),
    "control-char": (lambda b: b + b'zz_text: "a\\x07b"\n', ("控制字符",), {}),
    "scalar": (lambda b: b"42\n", (), {}),
    "syntax": (lambda b: b + b"  - : [unclosed\n", ("YAML",), {}),
    "cycle": (lambda b: b"&a [*a]\n", ("递归",), {}),
    "long-text": (lambda b: b + b"zz_long: " + b"x" * 30000 + b"\n", ("过长",), {}),
    "oversize": (lambda b: b, ("上限",), {"EVALLIB_MAX_YAML_BYTES": "50"}),
}  # fmt: skip

XLSX_CORRUPTIONS: dict[str, tuple[Callable[[bytes], bytes | None] | None, str, tuple[str, ...],
                                  dict[str, str]]] = {
    "missing": (None, "error", ("不存在",), {}),
    "empty": (lambda b: b"", "error", ("为空",), {}),
    "folder": (lambda b: None, "error", ("文件",), {}),
    "binary": (lambda b: GARBAGE, "error", ("XLSX",), {}),
    "truncated": (lambda b: b[: len(b) // 2], "error", ("XLSX",), {}),
    "zip-not-xlsx": (lambda b: _not_xlsx_zip(), "error", ("XLSX",), {}),
    "xls": (lambda b: OLE, "error", (".xls",), {}),
    "oversize": (lambda b: b, "error", ("上限",), {"EVALLIB_MAX_FILE_BYTES": "1000"}),
    "unzipped-limit": (lambda b: b, "error", ("上限",), {"EVALLIB_MAX_UNZIPPED_BYTES": "5000"}),
    "uncached-formula": (lambda b: _sheet_xml(b, _uncached), "error", ("ZZ", "保存"), {}),
    "dimension-bomb": (lambda b: _sheet_xml(b, _dimension), "ok", (), {}),
    "merge-outside": (lambda b: _sheet_xml(b, lambda x: _add_merge(x, "AAA1:AAZ1048576")), "ok",
                      (), {}),
    "merge-below": (lambda b: _sheet_xml(b, lambda x: _add_merge(x, "A900000:Z1048576")), "ok",
                    (), {}),
    "merge-everything": (lambda b: _sheet_xml(b, lambda x: _add_merge(x, "A1:XFD1048576")),
                         "any", (), {}),
    "far-row": (lambda b: _sheet_xml(b, _far_row), "any", (), {}),
    "cell-ref-far": (lambda b: _sheet_xml(b, _cell_ref_far), "any", (), {}),
    "cells-limit": (lambda b: b, "error", ("上限",), {"EVALLIB_MAX_CELLS": "20"}),
}  # fmt: skip

XLS_CORRUPTIONS: dict[str, tuple[Callable[[bytes], bytes | None] | None, str, tuple[str, ...],
                                 dict[str, str]]] = {
    "missing": (None, "error", ("不存在",), {}),
    "empty": (lambda b: b"", "error", ("为空",), {}),
    "folder": (lambda b: None, "error", ("文件",), {}),
    "binary": (lambda b: GARBAGE, "error", ("Excel",), {}),
    "truncated": (lambda b: b[: len(b) // 2], "error", (".xls",), {}),
    "ole-garbage": (lambda b: OLE, "error", (".xls",), {}),
    "html": (lambda b: b"<html><body><table><tr><td>1</td></tr></table></body></html>", "error",
             ("HTML",), {}),
    "oversize": (lambda b: b, "error", ("上限",), {"EVALLIB_MAX_FILE_BYTES": "1000"}),
    "rows-limit": (lambda b: b, "error", ("上限",), {"EVALLIB_MAX_ROWS": "3"}),
    "cells-limit": (lambda b: b, "error", ("上限",), {"EVALLIB_MAX_CELLS": "20"}),
}  # fmt: skip

CSV_CORRUPTIONS: dict[str, tuple[Callable[[bytes], bytes | None] | None, str, tuple[str, ...],
                                 dict[str, str]]] = {
    "missing": (None, "error", ("不存在",), {}),
    "empty": (lambda b: b"", "error", ("为空",), {}),
    "folder": (lambda b: None, "error", ("文件",), {}),
    "undecodable": (lambda b: b"\x80\xff\xfd" * 100 + b"\x81\x20" * 50, "error", ("编码",), {}),
    "nul": (lambda b: b[:200] + b"\x00\x00" + b[200:], "error", ("NUL",), {}),
    "truncated": (lambda b: b[: len(b) // 2].rstrip(b"\r\n").rsplit(b",", 1)[0], "error",
                  ("截断",), {}),
    "open-quote": (lambda b: b.rstrip(b"\r\n") + b'\n"unterminated,1,2\n', "error", ("引号",),
                   {}),
    "rows-limit": (lambda b: b, "error", ("上限",), {"EVALLIB_MAX_ROWS": "3"}),
    "columns-limit": (lambda b: b, "error", ("上限",), {"EVALLIB_MAX_COLUMNS": "2"}),
    "oversize": (lambda b: b, "error", ("上限",), {"EVALLIB_MAX_FILE_BYTES": "100"}),
}  # fmt: skip


def _slot_cases(base: dict[str, Callable[[], bytes]]) -> list[Case]:
    cases = []
    for slot, (argv, needs, target, kind, slow) in SLOTS.items():
        table = {"yaml": YAML_CORRUPTIONS, "xlsx": XLSX_CORRUPTIONS, "csv": CSV_CORRUPTIONS,
                 "xls": XLS_CORRUPTIONS}[kind]  # fmt: skip
        for name, spec in table.items():
            if kind == "yaml":
                fn, must, env = spec  # type: ignore[misc]
                expect = "error"
            else:
                fn, expect, must, env = spec  # type: ignore[misc]
            if slow and expect != "error":
                continue  # a successful report or batch is tested elsewhere (kernel, cluster)
            files: dict[str, bytes | None] = {n: base[n]() for n in needs}
            if fn is None:
                files.pop(target)
            else:
                files[target] = fn(files[target] or b"")
            if name == "scalar" and slot.startswith("batch"):
                files[target] = b'"only text"\n'
            if name == "uncached-formula" and slot == "weights-ahp":
                expect, must = "ok", ()  # the formula lies on the 说明 sheet, never read
            result = next((f for k, f in RESULT_FILES.items() if slot.startswith(k)), None)
            cases.append(Case(f"{slot}/{name}", list(argv), files, expect, must, dict(env),
                              same_as=slot if expect != "error" else None,
                              result_file=result))  # fmt: skip
    return cases


def baseline(slot: str) -> Case:
    """The slot's command on its clean inputs."""
    argv, needs, _, _, _ = SLOTS[slot]
    base = _base()
    result = next((f for k, f in RESULT_FILES.items() if slot.startswith(k)), None)
    return Case(f"{slot}/baseline", list(argv), {n: base[n]() for n in needs}, "ok",
                result_file=result)  # fmt: skip


def numbers(path: Path) -> object:
    """The numbers of a result file: JSON without provenance, hashes, paths and file names."""
    import json

    drop = {"provenance", "inputs", "sha256", "source", "file", "path", "versions"}

    def clean(x: object) -> object:
        if isinstance(x, dict):
            return {k: clean(v) for k, v in x.items() if k not in drop}
        if isinstance(x, list):
            return [clean(v) for v in x]
        return x

    return clean(json.loads(path.read_text(encoding="utf-8")))


def _specific(base: dict[str, Callable[[], bytes]]) -> list[Case]:
    sys_ev = {"system.yaml": base["system.yaml"](), "evidence.yaml": base["evidence.yaml"]()}
    spec = base["spec.yaml"]().decode("utf-8")
    survey = {"survey.xlsx": base["survey.xlsx"]()}
    proj = {n: base[n]() for n in PROJ}
    c: list[Case] = []
    score = ["score", "system.yaml", "evidence.yaml", "--out", "out"]
    # --- numbers that cannot be right
    for label, bad in (("nan", ".nan"), ("inf", ".inf"), ("neg-inf", "-.inf")):
        c.append(Case(f"score/points-{label}", score, {**sys_ev, "system.yaml":
                      SYSTEM.replace("points: 40\n", f"points: {bad}\n").encode()}, "error",
                      ("NaN",)))  # fmt: skip
        c.append(Case(f"survey/scale-points-{label}", ["survey", "spec.yaml", "survey.xlsx"],
                      {"spec.yaml": re.sub(r"points: 100(\.0)?", f"points: {bad}", spec, count=1)
                       .encode(), **survey}, "error", ("NaN",)))  # fmt: skip
    c.append(Case("score/actual-inf", score, {**sys_ev, "evidence.yaml": EVIDENCE.replace(
        '"96%"', '"inf%"').encode()}, "error", ("evidence.yaml",)))  # fmt: skip
    c.append(Case("score/actual-1e999", score, {**sys_ev, "evidence.yaml": EVIDENCE.replace(
        '"800人次"', '"1e999人次"').encode()}, "error", ("evidence.yaml",)))  # fmt: skip
    c.append(Case("survey/population-below-sample", ["survey", "spec.yaml", "survey.xlsx"],
                  {"spec.yaml": (spec + "\npopulation: 10\n").encode()
                   if "population:" not in spec else re.sub(r"population: \d+", "population: 10",
                                                             spec).encode(), **survey},
                  "error", ("population",)))  # fmt: skip
    # --- counts
    for n in ("100000", "0", "-3"):
        c.append(Case(f"weights/experts-{n}", ["weights", "template", "system.yaml",
                      "--experts", n, "--out", "out/x.xlsx"], {"system.yaml": SYSTEM.encode()},
                      "error", ("专家",)))  # fmt: skip
    survey_cli = ["survey", "spec.yaml", "survey.xlsx"]
    for label, extra, word in (("trim-nan", ["--trim", "nan", "3"], "trim"),
                               ("trim-reversed", ["--trim", "5", "1"], "trim"),
                               ("seed-negative", ["--seed", "-1"], "seed")):  # fmt: skip
        c.append(Case(f"survey/{label}", survey_cli + extra, {"spec.yaml": spec.encode(),
                      **survey}, "error", (word,)))  # fmt: skip
    ahp = ["weights", "ahp", "experts.xlsx"]
    for label, extra, word in (("threshold-nan", ["--threshold", "nan"], "threshold"),
                               ("total-inf", ["--total", "inf"], "total"),
                               ("decimals-1000", ["--decimals", "1000"], "decimals")):  # fmt: skip
        c.append(Case(f"weights-ahp/{label}", ahp + extra,
                      {"experts.xlsx": base["experts.xlsx"]()}, "error", (word,)))  # fmt: skip
    c.append(Case("score/too-many-indicators", score, sys_ev, "error", ("上限",),
                  {"EVALLIB_MAX_INDICATORS": "3"}))  # fmt: skip
    c.append(
        Case(
            "batch/workers-0",
            ["batch", "batch.csv", "--out", "out", "--workers", "0"],
            {"batch.csv": base["batch.csv"](), **proj},
            "error",
            ("workers",),
        )
    )
    # --- paths
    for label, bad_id in (("dotdot", "../../escaped"), ("absolute", "/tmp/evallib-escaped"),
                          ("separator", "a/b"), ("reserved", "CON"), ("dot", ".."),
                          ("backslash", "a\\\\b"), ("hidden", ".hidden")):  # fmt: skip
        c.append(Case(f"batch/id-{label}", ["batch", "batch.csv", "--out", "out"],
                      {"batch.csv": f'project,id\nproj/project.yaml,"{bad_id}"\n'.encode(),
                       **proj}, "error", ("id", "文件夹名")))  # fmt: skip
    for label, seed in (("inf", "inf"), ("nan", "nan"), ("negative", "-1"), ("huge", "1e30"),
                        ("fraction", "1.5"), ("text", "abc")):  # fmt: skip
        c.append(Case(f"batch/seed-{label}", ["batch", "batch.csv", "--out", "out"],
                      {"batch.csv": f"project,id,seed\nproj/project.yaml,A,{seed}\n".encode(),
                       **proj}, "error", ("seed",)))  # fmt: skip
    c.append(Case("report/seed-negative", ["report", "proj/project.yaml", "--out", "out",
                  "--seed", "-5"], proj, "error", ("seed",)))  # fmt: skip
    c.append(Case("report/format-unknown", ["report", "proj/project.yaml", "--out", "out",
                  "--format", "exe"], proj, "error", ("exe",)))  # fmt: skip
    c.append(Case("report/out-has-other-files", ["report", "proj/project.yaml", "--out",
                  "proj"], proj, "error", ("不覆盖",)))  # fmt: skip
    # --- survey semantics
    c.append(Case("survey/text-respondent-id", ["survey", "spec.yaml", "survey.csv"],
                  {"spec.yaml": spec.encode(), "survey.csv": _text_ids(base["survey.csv"]())},
                  "error", ("序号",)))  # fmt: skip
    sav = _sav(base["survey.csv"]())
    for label, body, word in (("garbage", GARBAGE, "SPSS"), ("empty", b"", "为空"),
                              ("truncated", sav[: len(sav) // 3], "SPSS"),
                              ("header-only", sav[:64], "SPSS")):  # fmt: skip
        c.append(
            Case(
                f"survey-sav/{label}",
                ["survey", "spec.yaml", "survey.sav"],
                {"spec.yaml": spec.encode(), "survey.sav": body},
                "error",
                (word,),
            )
        )
    c.append(Case("survey-sav/valid", ["survey", "spec.yaml", "survey.sav", "--out", "out"],
                  {"spec.yaml": spec.encode(), "survey.sav": sav}, "ok"))  # fmt: skip
    c.append(Case("survey-sav/rows-limit", ["survey", "spec.yaml", "survey.sav"],
                  {"spec.yaml": spec.encode(), "survey.sav": sav}, "error", ("上限",),
                  {"EVALLIB_MAX_ROWS": "10"}))  # fmt: skip
    c.append(Case("survey/unknown-sheet", ["survey", "spec.yaml", "survey.xlsx", "--sheet", "无"],
                  {"spec.yaml": spec.encode(), **survey}, "error", ("工作表",)))  # fmt: skip
    # --- expert workbook internals
    ex = base["experts.xlsx"]()
    c.append(Case("weights-ahp/damaged-meta", ["weights", "ahp", "experts.xlsx"],
                  {"experts.xlsx": _edit_meta(ex, "experts", "[not json")}, "error",
                  ("experts",)))  # fmt: skip
    c.append(
        Case(
            "weights-ahp/damaged-system",
            ["weights", "ahp", "experts.xlsx"],
            {"experts.xlsx": _edit_meta(ex, "system", "{{{: [")},
            "error",
            ("指标体系",),
        )
    )
    c.append(Case("weights-ahp/meta-bomb", ["weights", "ahp", "experts.xlsx"],
                  {"experts.xlsx": _edit_meta(ex, "system", _billion_laughs().decode())},
                  "error", ("别名",)))  # fmt: skip
    # --- bundles
    for label, body in (("manifest-not-json", b"{not json"), ("manifest-list", b"[1, 2]"),
                        ("manifest-empty", b""), ("manifest-deep", b"[" * 100000 + b"]" * 100000),
                        ("manifest-path-escape", _manifest_escape()),
                        ("manifest-input-escape", _manifest_escape(input_file="../../etc/passwd")),
                        ("manifest-project-escape",
                         _manifest_escape(project="/etc/passwd", bundle=2))):  # fmt: skip
        c.append(Case(f"reproduce/{label}", ["reproduce", "bundle"], {
            "bundle/manifest.json": body, "bundle/result.json": b"{}"}, "error",
            ("manifest",)))  # fmt: skip
    c.append(Case("reproduce/not-a-bundle", ["reproduce", "bundle"], {"bundle/x.txt": b"x"},
                  "error", ("manifest",)))  # fmt: skip
    c.append(Case("reproduce/missing-inputs", ["reproduce", "bundle"], {
        "bundle/manifest.json": _manifest_missing_inputs(), "bundle/result.json": b"{}"},
        "ok", ("不存在",), exit_ok=(1,)))  # fmt: skip
    c.append(Case("templates/unknown", ["templates", "show", "no_such_template"], {}, "error",
                  ("no_such_template",)))  # fmt: skip
    return c


def _sav(csv: bytes) -> bytes:
    """The demo survey as an SPSS file (question texts as variable labels)."""
    import tempfile

    import pandas as pd
    import pyreadstat

    text = pd.read_csv(io.BytesIO(csv), encoding="gb18030", dtype=str)
    df = text.copy()
    df.columns = [f"V{i}" for i in range(len(df.columns))]
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "s.sav"
        pyreadstat.write_sav(df, str(p), column_labels=list(text.columns))
        return p.read_bytes()


def _text_ids(csv: bytes) -> bytes:
    text = csv.decode("gb18030")
    lines = text.splitlines()
    lines[3] = "abc" + lines[3][lines[3].index(",") :]
    return ("\r\n".join(lines) + "\r\n").encode("gb18030")


def _edit_meta(xlsx: bytes, key: str, value: str) -> bytes:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(xlsx))
    ws = wb["_结构"]
    done = False
    for row in ws.iter_rows():
        if row[0].value == key and not done:
            row[1].value = value
            done = True
        elif row[0].value == key:
            row[1].value = ""
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _manifest_escape(input_file: str | None = None, project: str = "x.yaml",
                     bundle: int = 1) -> bytes:  # fmt: skip
    import json

    inputs = {"evidence": {"file": input_file, "sha256": "0"}} if input_file else {}
    out_file = "result.json" if input_file or bundle == 2 else "../../../etc/passwd"
    return json.dumps({"bundle": bundle, "inputs": inputs,
                       "params": {"project": project, "seed": 1, "formats": []},
                       "outputs": {"pdf": {"file": out_file, "sha256": "0"}}}
                      ).encode()  # fmt: skip


def _manifest_missing_inputs() -> bytes:
    import json

    return json.dumps({"inputs": {"evidence": {"path": "/nonexistent/evidence.yaml",
                                               "sha256": "0" * 64}},
                       "params": {"project": "/nonexistent/project.yaml", "seed": 1,
                                  "formats": ["pdf"]},
                       "outputs": {"result": {"file": "result.json", "sha256": "0" * 64}}}
                      ).encode()  # fmt: skip


MEMORY_HEADROOM = 1536 * 2**20  # address space a case may use above the process's own


def run_child(argv: list[str], cwd: str, env: dict[str, str], out: str, err: str) -> None:
    """Run ``evallib`` in a forked process under limits; exit with its exit code."""
    code = 99
    with open(out, "w", encoding="utf-8") as fo, open(err, "w", encoding="utf-8") as fe:
        os.dup2(fo.fileno(), 1)
        os.dup2(fe.fileno(), 2)
        sys.stdout, sys.stderr = fo, fe
        try:
            with open("/proc/self/status") as st:
                vm = next(int(x.split()[1]) * 1024 for x in st if x.startswith("VmSize"))
            limit = vm + MEMORY_HEADROOM
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
            os.chdir(cwd)
            os.environ.update(env)
            from evallib.cli import main

            code = main(argv)
        except SystemExit as exc:  # argparse usage errors
            code = exc.code if isinstance(exc.code, int) else 2
        except BaseException:
            import traceback

            traceback.print_exc()
            code = 98
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)


def build_cases() -> list[Case]:
    """Every case of the suite."""
    base = _base()
    return _slot_cases(base) + _specific(base)


if __name__ == "__main__":  # pragma: no cover
    all_cases = build_cases()
    for case in all_cases:
        print(f"{case.expect:6} {case.id}")
    print(f"{len(all_cases)} cases")
