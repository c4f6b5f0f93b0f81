"""Bounded reading: limits are named, can be raised, and bombs fail fast in little memory."""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile
from pathlib import Path

import openpyxl
import pytest

from evallib import limits
from evallib.errors import ConfigError, InputDataError
from evallib.fileio import load_yaml_text
from evallib.tables import read_table
from evallib.workbooks import read_sheet


def _book(rows: list[list[object]]) -> bytes:
    wb = openpyxl.Workbook()
    for r in rows:
        wb.active.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _edit_sheet(data: bytes, old: str, new: str) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = body.decode()
                assert old in text
                body = text.replace(old, new, 1).encode()
            dst.writestr(info, body)
    return out.getvalue()


def test_env_and_override() -> None:
    assert limits.get("max_rows") == 1_048_576
    with limits.override(max_rows=5):
        assert limits.get("max_rows") == 5
    assert limits.get("max_rows") == 1_048_576
    with pytest.raises(ConfigError):
        limits.get("no_such_limit")


def test_env_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVALLIB_MAX_ROWS", "7")
    assert limits.get("max_rows") == 7
    monkeypatch.setenv("EVALLIB_MAX_ROWS", "many")
    with pytest.raises(ConfigError, match="EVALLIB_MAX_ROWS"):
        limits.get("max_rows")


def test_billion_laughs_fails_fast_in_little_memory() -> None:
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]']
    for prev, k in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{k}: &{k} [{', '.join(['*' + prev] * 10)}]")
    tracemalloc.start()
    t0 = time.perf_counter()
    with pytest.raises(InputDataError, match="别名"):
        load_yaml_text("\n".join(lines), file="bomb.yaml")
    elapsed = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert elapsed < 2 and peak < 50 * 2**20


def test_declared_dimension_and_merges_are_ignored(tmp_path: Path) -> None:
    data = _book([["指标", "分值"], ["甲", 10], ["乙", 20]])
    data = _edit_sheet(data, "<sheetData>", '<dimension ref="A1:XFD1048576"/><sheetData>')
    data = _edit_sheet(data, "</sheetData>",
                       '</sheetData><mergeCells count="2"><mergeCell ref="D1:XFD1048576"/>'
                       '<mergeCell ref="A2:A3"/></mergeCells>')  # fmt: skip
    p = tmp_path / "bomb.xlsx"
    p.write_bytes(data)
    tracemalloc.start()
    t0 = time.perf_counter()
    sheet = read_sheet(p)
    elapsed = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert elapsed < 2 and peak < 50 * 2**20
    # the used range is 3 × 2; the merge over the data fills as Excel shows it
    assert sheet.rows == [["指标", "分值"], ["甲", 10], ["甲", 20]]


def test_cell_far_away_is_bounded(tmp_path: Path) -> None:
    data = _book([["a", "b"], [1, 2]])
    data = _edit_sheet(data, "</sheetData>", '<row r="1048576"><c r="XFD1048576" t="inlineStr">'
                       "<is><t>x</t></is></c></row></sheetData>")  # fmt: skip
    p = tmp_path / "far.xlsx"
    p.write_bytes(data)
    t0 = time.perf_counter()
    with pytest.raises(InputDataError, match="已用范围"):
        read_sheet(p)
    assert time.perf_counter() - t0 < 2


def test_uncached_formula_is_named(tmp_path: Path) -> None:
    p = tmp_path / "f.xlsx"
    p.write_bytes(_book([["指标", "分值"], ["甲", "=1+1"], ["乙", "=SUM(B2)"]]))
    with pytest.raises(InputDataError) as err:
        read_table(p)
    msg = str(err.value)
    assert "B2" in msg and "B3" in msg and "保存" in msg


def test_cached_formula_value_is_read(tmp_path: Path) -> None:
    data = _book([["指标", "分值"], ["甲", "=1+1"]])
    data = _edit_sheet(data, "<v></v>", "<v>2</v>") if b"<v></v>" in data else _edit_sheet(
        data, "<f>1+1</f>", "<f>1+1</f><v>2</v>")  # fmt: skip
    p = tmp_path / "f.xlsx"
    p.write_bytes(data)
    assert read_sheet(p).rows == [["指标", "分值"], ["甲", 2]]


def test_truncated_csv(tmp_path: Path) -> None:
    p = tmp_path / "t.csv"
    p.write_text("项目,值,说明\n甲,1,好\n乙,2,好\n丙,3", encoding="utf-8")
    with pytest.raises(InputDataError, match="截断") as err:
        read_table(p)
    assert err.value.row == 4


def test_ragged_but_complete_csv_is_read(tmp_path: Path) -> None:
    p = tmp_path / "t.csv"
    p.write_text("标题行\n项目,值,说明\n甲,1,好\n乙,2\n", encoding="utf-8")
    frame = read_table(p, header_keywords=["项目"]).frame
    assert list(frame["值"]) == ["1", "2"] and frame["说明"].iloc[1] is None
