"""Output folders evallib owns: safe names, one run at a time, bundles that appear whole.

- :func:`check_name` — an id or name that becomes a file or folder name (a batch id, a sheet
  name used as a file) must be one plain name: no separators, no ``..``, not absolute, no
  reserved device names, no control characters.
- :func:`output_lock` — a run takes an exclusive lock on its output folder (``filelock``, a
  hidden lock file beside the folder); a second run into the same folder fails at once.
- :func:`staged_folder` — a bundle is built in a hidden temporary folder beside the output
  folder and moved into place only when complete; an existing folder is replaced only when it
  holds nothing but files evallib writes there.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .errors import EvalError, InputDataError

__all__ = ["OutputBusyError", "check_name", "output_lock", "publish", "staged_folder"]

_RESERVED = {"CON", "PRN", "AUX", "NUL", "CLOCK$", *(f"COM{i}" for i in range(10)),
             *(f"LPT{i}" for i in range(10))}  # fmt: skip
_BAD_CHARS = re.compile(r'[/\\:*?"<>|\x00-\x1f\x7f]')
MAX_NAME = 100


class OutputBusyError(EvalError):
    """Another evallib run holds the output folder."""

    label_zh = "输出文件夹被占用"


def check_name(name: Any, *, what: str = "编号 (id)", **where: Any) -> str:
    """Return ``name`` as a safe single path component, or raise :class:`InputDataError`.

    >>> check_name("项目A-2025")
    '项目A-2025'
    >>> check_name("../x")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    evallib.errors.InputDataError: 值 '../x'：编号 (id) 不能用作文件夹名：...
    """
    s = str(name)
    reason = None
    if not s.strip():
        reason = "不能为空"
    elif _BAD_CHARS.search(s):
        reason = '不能含有 / \\ : * ? " < > | 或控制字符'
    elif s.strip(". ") == "" or s in (".", ".."):
        reason = "不能是 . 或 .."
    elif s != s.strip() or s.endswith("."):
        reason = "首尾不能是空格，结尾不能是句点"
    elif s.split(".")[0].upper() in _RESERVED:
        reason = "是 Windows 保留的设备名"
    elif len(s) > MAX_NAME:
        reason = f"过长（超过 {MAX_NAME} 个字符）"
    elif s.startswith("."):
        reason = "不能以 . 开头（隐藏文件）"
    if reason:
        raise InputDataError(
            f"{what} 不能用作文件夹名：{reason}", value=s,
            fix="只用汉字、字母、数字、- 和 _，例如 项目A_2025", **where,
        )  # fmt: skip
    return s


def _lock_path(out: Path) -> Path:
    out = out.resolve()
    return out.parent / f".{out.name}.evallib.lock"


@contextmanager
def output_lock(out: str | Path) -> Iterator[Path]:
    """Hold an exclusive lock on ``out`` for the duration of a run.

    Raises
    ------
    OutputBusyError
        At once, when another run holds it.
    """
    from filelock import FileLock, Timeout

    out = Path(out)
    lock_file = _lock_path(out)
    try:
        lock_file.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputDataError(f"无法创建输出文件夹：{exc.strerror}", file=str(out.parent)) from None
    lock = FileLock(str(lock_file), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise OutputBusyError(
            "输出文件夹正被另一个 evallib 运行使用 (locked)", file=str(out),
            fix="等该运行结束，或换一个 --out 文件夹",
        ) from None  # fmt: skip
    try:
        yield out
    finally:
        lock.release()


def _foreign(out: Path, owned: Iterable[str]) -> list[str]:
    names = set(owned)
    return sorted(
        p.name for p in out.iterdir() if p.name not in names and not p.name.startswith(".")
    )


def check_replaceable(out: Path, owned: Iterable[str]) -> None:
    """Refuse to replace an existing folder that holds files evallib did not write there."""
    if out.exists() and not out.is_dir():
        raise InputDataError("输出路径已存在且不是文件夹", file=str(out), fix="换一个 --out")
    if out.is_dir():
        other = _foreign(out, owned)
        if other:
            shown = "、".join(other[:5]) + ("等" if len(other) > 5 else "")
            raise InputDataError(
                f"输出文件夹中有不是 evallib 写出的文件（{shown}），不覆盖", file=str(out),
                fix="指定一个新的或空的文件夹作为 --out",
            )  # fmt: skip


def staged_folder(out: Path) -> Path:
    """A new hidden folder beside ``out`` to build into (same file system: rename is atomic)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{out.name}.building-", dir=out.parent))


def publish(staged: Path, out: Path, owned: Iterable[str]) -> Path:
    """Move a complete ``staged`` folder to ``out``, replacing an earlier evallib folder."""
    check_replaceable(out, owned)
    old = None
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
        os.replace(out, old / "x")
    os.replace(staged, out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return out
