"""Import and export the library as Excel (one row per indicator, Chinese headers) or YAML.

The Excel layout (sheet 指标库; optional sheet 同义词 with one group per row, words separated by
“；”) round-trips without loss: lists are joined with “；” (which the model refuses inside an
item), the rule's parameters are JSON text, and every text cell is written inert
(:mod:`evallib.inert`), so a name such as ``=HYPERLINK(…)`` comes back as the same text.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from pydantic import ValidationError

from ..errors import EvalError
from ..fileio import atomic_write_bytes, atomic_write_text, read_yaml
from ..inert import frames_xlsx
from ..tables import ROW, read_table
from .model import LibraryIndicator, validation_error

if TYPE_CHECKING:
    from .catalog import Library

__all__ = ["COLUMNS_ZH", "export_library", "import_library", "read_indicators"]

COLUMNS_ZH = {
    "code": "编码",
    "name": "指标名称",
    "level1": "一级指标",
    "level2": "二级指标",
    "category": "类别",
    "sector": "行业",
    "project_types": "适用项目类型",
    "unit": "计量单位",
    "direction": "指标方向",
    "rule": "评分规则",
    "params": "规则参数",
    "target": "参考指标值",
    "explanation": "指标解释",
    "criterion": "评分标准",
    "aliases": "别名",
    "source": "来源",
}
SHEET, SYN_SHEET, SYN_COLUMN = "指标库", "同义词", "同义词组"


def _cell(field: str, v: Any) -> Any:
    if field in ("project_types", "aliases"):
        return "；".join(v)
    if field == "params":
        return json.dumps(v, ensure_ascii=False, sort_keys=True) if v else ""
    return v


def indicators_frame(items: list[LibraryIndicator]) -> pd.DataFrame:
    """The indicators as the Excel sheet 指标库 (Chinese headers, text cells)."""
    rows = [{COLUMNS_ZH[f]: _cell(f, getattr(i, f)) for f in COLUMNS_ZH} for i in items]
    return pd.DataFrame(rows, columns=list(COLUMNS_ZH.values()))


def export_library(lib: Library, path: str | Path) -> Path:
    """Write the whole library (indicators by code, synonym groups) to ``.xlsx`` or ``.yaml``."""
    path = Path(path)
    items = lib.fetch()
    groups = _groups(lib)
    if path.suffix.lower() in (".yaml", ".yml"):
        import yaml

        data = {
            "indicators": [i.model_dump() for i in items],
            "synonyms": groups,
        }
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
        return atomic_write_text(path, text)
    if path.suffix.lower() != ".xlsx":
        raise EvalError(
            f"不支持的导出格式 {path.suffix or '（无扩展名）'}",
            file=str(path),
            fix="导出为 .xlsx 或 .yaml",
        )
    syn = pd.DataFrame({SYN_COLUMN: ["；".join(g) for g in groups]})
    return atomic_write_bytes(path, frames_xlsx({SHEET: indicators_frame(items), SYN_SHEET: syn}))


def _groups(lib: Library) -> list[list[str]]:
    seen: list[list[str]] = []
    for term, others in sorted(lib.synonyms().items()):
        g = sorted([term, *others])
        if g not in seen:
            seen.append(g)
    return seen


def _value(v: Any) -> Any:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return v


def _excel_items(path: Path) -> tuple[list[LibraryIndicator], list[list[str]] | None]:
    from ..workbooks import sheet_names

    names = sheet_names(path) if path.suffix.lower() == ".xlsx" else []
    table = read_table(path, sheet=SHEET if SHEET in names else None, header_keywords=["指标名称"])
    zh_to_field = {v: k for k, v in COLUMNS_ZH.items()}
    missing = [c for c in ("编码", "指标名称") if c not in table.frame.columns]
    if missing:
        raise EvalError(
            f"缺少列：{'、'.join(missing)}",
            file=table.file,
            sheet=table.sheet,
            fix=f"表头使用：{'、'.join(COLUMNS_ZH.values())}",
        )
    items = []
    for rec in table.frame.to_dict("records"):
        data = {zh_to_field[k]: _value(v) for k, v in rec.items() if k in zh_to_field}
        try:
            items.append(LibraryIndicator.model_validate(data))
        except ValidationError as exc:
            raise validation_error(
                exc, file=table.file, sheet=table.sheet, row=int(rec[ROW]), columns=COLUMNS_ZH
            ) from None
    return items, _synonym_groups(path) if SYN_SHEET in names else None


def _synonym_groups(path: Path) -> list[list[str]]:
    """Groups of the 同义词 sheet: the cells below its 同义词组 header (none: no groups)."""
    from ..workbooks import read_sheet

    rows = read_sheet(path, SYN_SHEET).rows
    head = next((i for i, r in enumerate(rows) if SYN_COLUMN in [str(c).strip() for c in r]), None)
    if head is None:
        raise EvalError(
            f"工作表 {SYN_SHEET} 缺少表头「{SYN_COLUMN}」", file=str(path), sheet=SYN_SHEET,
            fix=f"第一行写「{SYN_COLUMN}」，其下每行一组同义词，用“；”分隔",
        )
    col = [str(c).strip() for c in rows[head]].index(SYN_COLUMN)
    cells = [r[col] if col < len(r) else None for r in rows[head + 1 :]]
    return [
        [w.strip() for w in str(v).split("；") if w.strip()] for v in cells if _value(v) is not None
    ]


def _yaml_items(path: Path) -> tuple[list[LibraryIndicator], list[list[str]] | None]:
    data = read_yaml(path)
    if isinstance(data, list):
        data = {"indicators": data}
    if not isinstance(data, dict) or not isinstance(data.get("indicators"), list):
        raise EvalError(
            "YAML 中没有 indicators 列表", file=str(path), fix="见 docs/library.md 的 YAML 格式"
        )
    items = []
    for n, rec in enumerate(data["indicators"], 1):
        try:
            items.append(LibraryIndicator.model_validate(rec))
        except ValidationError as exc:
            raise validation_error(exc, file=f"{path}（第 {n} 个指标）") from None
    syn = data.get("synonyms")
    return items, [list(map(str, g)) for g in syn] if isinstance(syn, list) else None


def read_indicators(path: str | Path) -> tuple[list[LibraryIndicator], list[list[str]] | None]:
    """Indicators (and synonym groups, when the file has them) from ``.xlsx`` or ``.yaml``."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return _yaml_items(path)
    if suffix in (".xlsx", ".csv"):
        return _excel_items(path)
    raise EvalError(
        f"不支持的文件类型 {suffix or '（无扩展名）'}",
        file=str(path),
        fix="使用 .xlsx、.csv 或 .yaml",
    )


def import_library(lib: Library, path: str | Path, *, replace: bool = False) -> int:
    """Add the indicators of ``path`` (``replace``: update existing codes); synonym groups in the
    file replace the library's.  Returns the number of indicators imported."""
    items, groups = read_indicators(path)
    n = lib.add(items, replace=replace)
    if groups is not None:
        lib.set_synonyms(groups)
    return n
