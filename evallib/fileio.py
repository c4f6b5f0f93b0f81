"""File helpers: YAML reading with located errors, atomic writes, hashing.

Outputs are written to a temporary file in the destination folder and renamed into place
(:func:`os.replace` is atomic on POSIX), so a crash never leaves a half-written output.  Input
files are only ever opened for reading.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import yaml

from . import limits
from .errors import InputDataError

__all__ = [
    "atomic_write_bytes",
    "atomic_write_text",
    "deterministic_zip",
    "load_yaml_text",
    "read_bytes_bounded",
    "read_json",
    "read_yaml",
    "sha256_file",
]


class _LimitedLoader(yaml.SafeLoader):
    """SafeLoader that refuses documents nested deeper than ``max_yaml_depth``."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._max_depth = limits.get("max_yaml_depth")

    def compose_node(self, parent: Any, index: Any) -> Any:
        self._depth += 1
        if self._depth > self._max_depth:
            raise _YamlLimit("depth", self.peek_event().start_mark)
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _YamlLimit(Exception):
    def __init__(self, kind: str, mark: Any = None) -> None:
        super().__init__(kind)
        self.kind = kind
        self.mark = mark


def _expanded_size(root: yaml.Node, cap: int) -> int:
    """Number of nodes of the document once aliases are expanded (stops past ``cap``).

    A "billion laughs" document is a few hundred bytes whose aliases expand to 10⁹ nodes;
    PyYAML shares aliased objects, but everything downstream (validation, JSON) walks them.
    """
    memo: dict[int, int] = {}
    active: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in memo:
            return memo[key]
        if key in active:
            raise _YamlLimit("cycle", node.start_mark)
        active.add(key)
        total = 1
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                total += size(k) + size(v)
                if total > cap:
                    break
        elif isinstance(node, yaml.SequenceNode):
            for v in node.value:
                total += size(v)
                if total > cap:
                    break
        active.discard(key)
        memo[key] = total
        return total

    return size(root)


def load_yaml_text(text: str, *, file: str | None = None) -> Any:
    """Parse YAML text from an untrusted source: safe tags only, bounded size, nesting depth
    and alias expansion (``evallib.limits``); errors name the line and column.

    Raises
    ------
    InputDataError
    """
    if len(text) > limits.get("max_yaml_bytes"):
        raise InputDataError(
            f"YAML 内容过大：超过{limits.describe('max_yaml_bytes')}", file=file,
            fix="检查是否选错了文件",
        )  # fmt: skip
    loader = None
    try:
        loader = _LimitedLoader(text)
        node = loader.get_single_node()
        if node is None:
            return None
        cap = limits.get("max_yaml_nodes")
        if _expanded_size(node, cap) > cap:
            raise _YamlLimit("nodes", node.start_mark)
        data = loader.construct_document(node)
    except _YamlLimit as exc:
        what = {
            "depth": f"嵌套过深：超过{limits.describe('max_yaml_depth')}",
            "nodes": f"别名 (alias/anchor) 展开后过大：超过{limits.describe('max_yaml_nodes')}",
            "cycle": "别名 (alias) 引用了自身（递归结构）",
        }[exc.kind]
        raise InputDataError(
            f"YAML {what}", file=file, row=exc.mark.line + 1 if exc.mark else None,
            fix="删除多余的嵌套或 & / * 别名，直接写出内容",
        ) from None  # fmt: skip
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        raise InputDataError(
            f"YAML 语法错误 (syntax error)：{exc.problem}",
            file=file,
            row=mark.line + 1 if mark else None,
            column=f"第 {mark.column + 1} 列" if mark else None,
            fix="检查缩进、冒号和引号",
        ) from None
    except yaml.reader.ReaderError as exc:
        raise InputDataError(
            f"YAML 含有不允许的字符 (control character) #x{exc.character:04x}", file=file,
            fix="删除不可见的控制字符，另存为 UTF-8",
        ) from None  # fmt: skip
    except (yaml.YAMLError, RecursionError, ValueError, TypeError) as exc:
        # e.g. an unhashable mapping key (a list used as a key), a bad timestamp
        msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputDataError(f"YAML 内容无法读取：{msg}", file=file,
                             fix="检查该文件的写法（见 docs/formats.md）") from None  # fmt: skip
    finally:
        if loader is not None:
            loader.dispose()
    _check_values(data, file)
    return data


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _check_values(data: Any, file: str | None) -> None:
    """Refuse values no evallib input can mean: NaN/±Inf numbers (``.nan``, ``.inf``), text
    with control characters, text longer than ``max_text_chars``."""
    max_chars = limits.get("max_text_chars")
    stack: list[tuple[Any, str]] = [(data, "")]
    while stack:
        x, where = stack.pop()
        if isinstance(x, dict):
            stack.extend((v, f"{where}.{k}" if where else str(k)) for k, v in x.items())
        elif isinstance(x, list):
            stack.extend((v, f"{where}[{i}]") for i, v in enumerate(x))
        elif isinstance(x, float) and not math.isfinite(x):
            raise InputDataError("数值不能是 NaN 或无穷大 (non-finite number)", file=file,
                                 column=where or None, value=x, fix="填写有限的数值")  # fmt: skip
        elif isinstance(x, str):
            if _CONTROL.search(x):
                raise InputDataError("文本含有控制字符 (control character)", file=file,
                                     column=where or None, value=x[:40],
                                     fix="删除不可见的控制字符后保存")  # fmt: skip
            if len(x) > max_chars:
                raise InputDataError(
                    f"文本过长（{len(x):,} 字）：超过{limits.describe('max_text_chars')}",
                    file=file, column=where or None, fix="缩短该字段",
                )  # fmt: skip


def read_bytes_bounded(path: str | Path, limit: str = "max_file_bytes") -> bytes:
    """Read an input file whole, refusing a missing file, a folder or one above ``limit``."""
    path = Path(path)
    if not path.exists():
        raise InputDataError("文件不存在 (file not found)", file=str(path), fix="检查路径和文件名")
    if not path.is_file():
        raise InputDataError("这不是一个文件 (not a file)", file=str(path), fix="检查路径")
    size = path.stat().st_size
    if size > limits.get(limit):
        raise InputDataError(
            f"文件过大（{size:,} 字节）：超过{limits.describe(limit)}", file=str(path),
            fix="检查是否选错了文件；确需读取时调高该上限",
        )  # fmt: skip
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputDataError(f"无法读取文件：{exc.strerror}", file=str(path)) from None


def read_yaml(path: str | Path) -> Any:
    """Load a YAML file; missing, empty, oversized, malformed or hostile files (deep nesting,
    alias bombs) raise :class:`InputDataError` with the line of the problem."""
    path = Path(path)
    raw = read_bytes_bounded(path, "max_yaml_bytes")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputDataError(
            "YAML 文件必须是 UTF-8 编码 (encoding)", file=str(path), fix="用编辑器另存为 UTF-8"
        ) from None
    if not text.strip():
        raise InputDataError("文件为空 (empty file)", file=str(path))
    return load_yaml_text(text, file=str(path))


def read_json(path: str | Path, *, what: str = "JSON 文件") -> Any:
    """Load a JSON file written by evallib (manifest, result) that a user may have damaged."""
    import json

    path = Path(path)
    if not path.is_file():
        raise InputDataError(f"缺少{what}", file=str(path),
                             fix="该文件夹不是完整的运行包；用 evallib 重新生成")  # fmt: skip
    raw = read_bytes_bounded(path, "max_json_bytes")
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        row = getattr(exc, "lineno", None)
        raise InputDataError(f"{what}已损坏，无法读取 (damaged JSON)", file=str(path), row=row,
                             fix="用 evallib 重新生成；不要手工编辑该文件") from None  # fmt: skip


def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (temporary file in the same folder, then rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def atomic_write_text(path: str | Path, text: str) -> Path:
    """UTF-8 text version of :func:`atomic_write_bytes`."""
    return atomic_write_bytes(path, text.encode("utf-8"))


def deterministic_zip(data: bytes, *, fixed_dates: bool = True) -> bytes:
    """Re-pack a zip container (XLSX, DOCX) with fixed entry timestamps and fixed document
    created/modified properties, so that the same content always gives the same bytes (zip
    entries and openpyxl's ``dcterms:modified`` otherwise carry the time of writing)."""
    import io
    import re
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml" and fixed_dates:
                body = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)",
                    rb"\g<1>2000-01-01T00:00:00Z\g<2>",
                    body,
                )
            dst.writestr(fixed, body)
    return out.getvalue()


def sha256_file(path: str | Path) -> str:
    """SHA-256 hex digest of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
