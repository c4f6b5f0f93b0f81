"""File helpers: YAML reading with located errors, atomic writes, hashing.

Outputs are written to a temporary file in the destination folder and renamed into place
(:func:`os.replace` is atomic on POSIX), so a crash never leaves a half-written output.  Input
files are only ever opened for reading.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Any

import yaml

from .errors import InputDataError

__all__ = [
    "atomic_write_bytes",
    "atomic_write_text",
    "deterministic_zip",
    "read_yaml",
    "sha256_file",
]


def read_yaml(path: str | Path) -> Any:
    """Load a YAML file; missing, empty or malformed files raise :class:`InputDataError` with the
    line and column of a syntax error."""
    path = Path(path)
    if not path.is_file():
        raise InputDataError("文件不存在 (file not found)", file=str(path), fix="检查路径和文件名")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputDataError(
            "YAML 文件必须是 UTF-8 编码 (encoding)", file=str(path), fix="用编辑器另存为 UTF-8"
        ) from None
    if not text.strip():
        raise InputDataError("文件为空 (empty file)", file=str(path))
    try:
        return yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        raise InputDataError(
            f"YAML 语法错误 (syntax error)：{exc.problem}",
            file=str(path),
            row=mark.line + 1 if mark else None,
            column=f"第 {mark.column + 1} 列" if mark else None,
            fix="检查缩进、冒号和引号",
        ) from None
    except yaml.YAMLError as exc:
        raise InputDataError(f"YAML 语法错误 (syntax error)：{exc}", file=str(path)) from None


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


def deterministic_zip(data: bytes) -> bytes:
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
            if info.filename == "docProps/core.xml":
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
