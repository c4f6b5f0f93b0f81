"""Named limits on what evallib reads from untrusted files (docs/security.md).

Files come from the units being evaluated.  Every size evallib accepts is bounded, and each
breach is an :class:`~evallib.errors.InputDataError` naming the file, the limit and how to raise
it, raised within seconds and bounded memory.  A limit can be raised for one run with an
environment variable ``EVALLIB_<NAME>`` (for example ``EVALLIB_MAX_ROWS=2000000``) or in code
with :func:`override`.

>>> get("max_rows") >= 100_000
True
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from .errors import ConfigError

__all__ = ["DEFAULTS", "get", "override"]

#: name → (default, meaning).
DEFAULTS: dict[str, tuple[int, str]] = {
    "max_file_bytes": (200 * 2**20, "输入文件大小（字节）"),
    "max_unzipped_bytes": (1024 * 2**20, "XLSX/DOCX 解压后大小（字节）"),
    "max_rows": (1_048_576, "工作表或 CSV 的行数"),
    "max_columns": (16_384, "工作表或 CSV 的列数"),
    "max_cells": (20_000_000, "工作表或 CSV 的单元格数（行数 × 列数）"),
    "max_yaml_bytes": (20 * 2**20, "YAML 文件大小（字节）"),
    "max_yaml_depth": (64, "YAML 嵌套层数"),
    "max_yaml_nodes": (2_000_000, "YAML 展开后的节点数（含别名 alias 展开）"),
    "max_json_bytes": (200 * 2**20, "JSON 文件大小（字节）"),
    "max_experts": (200, "专家人数"),
    "max_indicators": (5_000, "指标体系中的指标数"),
    "max_batch_projects": (100_000, "批量清单中的项目数"),
    "max_text_chars": (20_000, "单个文本字段的字符数"),
}

_overrides: dict[str, int] = {}


def get(name: str) -> int:
    """Current value of limit ``name`` (override, then ``EVALLIB_<NAME>``, then default)."""
    if name not in DEFAULTS:
        raise ConfigError(f"未知的限制名称 (limit) {name}", fix=f"可选：{', '.join(DEFAULTS)}")
    if name in _overrides:
        return _overrides[name]
    env = os.environ.get(f"EVALLIB_{name.upper()}")
    if env is not None:
        try:
            value = int(env)
        except ValueError:
            raise ConfigError(
                f"环境变量 EVALLIB_{name.upper()} 应为正整数", value=env,
                fix="例如 EVALLIB_MAX_ROWS=2000000",
            ) from None  # fmt: skip
        if value <= 0:
            raise ConfigError(f"环境变量 EVALLIB_{name.upper()} 应为正整数", value=env)
        return value
    return DEFAULTS[name][0]


def describe(name: str) -> str:
    """Chinese description of a limit with its current value and how to raise it."""
    return f"{DEFAULTS[name][1]}上限 {get(name):,}（可用环境变量 EVALLIB_{name.upper()} 调整）"


@contextmanager
def override(**values: int) -> Iterator[None]:
    """Temporarily set limits (tests, notebooks): ``with override(max_rows=10): ...``."""
    for k in values:
        get(k)  # validates the name
    old = dict(_overrides)
    _overrides.update(values)
    try:
        yield
    finally:
        _overrides.clear()
        _overrides.update(old)
