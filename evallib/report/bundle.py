"""The run bundle (工作底稿, RULES.md §11): executed notebook, reports, ``result.json`` and
``manifest.json``; and :func:`reproduce`, which re-runs a bundle and compares.

Layout of a bundle directory::

    report.ipynb      the executed notebook (kept even when a cell fails, with the error shown)
    报告.pdf / 报告.docx / 报告.html
    result.json       the numbers the report shows, extracted from the executed notebook
    manifest.json     SHA-256 of every input, parameters, versions; run times kept apart

``manifest.json`` is written last (atomically): a directory without it is not a complete
bundle.  ``result.json`` is byte-identical for identical inputs and parameters.
"""

from __future__ import annotations

import datetime as dt
import json
import platform
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import EvalError, ReportError
from ..fileio import atomic_write_bytes, atomic_write_text, sha256_file
from ..project import load_project
from ..results import collect_versions
from .blocks import RESULT_MIME

__all__ = ["BundleResult", "ReproduceResult", "notebook_path", "reproduce", "run_report"]

FORMATS = ("pdf", "docx", "html")
OUTPUT_NAMES = {"pdf": "报告.pdf", "docx": "报告.docx", "html": "报告.html"}
_VERSION_PKGS = (
    "evallib",
    "numpy",
    "pandas",
    "scipy",
    "pydantic",
    "openpyxl",
    "PyYAML",
    "matplotlib",
    "papermill",
    "nbconvert",
    "nbformat",
    "ipykernel",
    "weasyprint",
    "python-docx",
)


def notebook_path() -> Path:
    """The shipped report notebook (``notebooks/key_evaluation.ipynb``)."""
    try:
        p = Path(str(resources.files("evallib.notebooks") / "key_evaluation.ipynb"))
        if p.is_file():
            return p
    except ModuleNotFoundError:  # pragma: no cover
        pass
    return Path(__file__).resolve().parents[2] / "notebooks" / "key_evaluation.ipynb"


@dataclass
class BundleResult:
    """What a report run produced."""

    out: Path
    files: dict[str, Path]
    total: float
    grade: str | None
    timings: dict[str, float] = field(default_factory=dict)


def _executed_payload(nb: Any, nb_path: Path) -> dict[str, Any]:
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            if RESULT_MIME in o.get("data", {}):
                return o["data"][RESULT_MIME]
    raise ReportError(
        "执行后的 notebook 中没有评价结果数据 (result payload)",
        file=str(nb_path),
        fix="报告 notebook 需调用 ctx.payload()",
    )


def run_report(
    project: str | Path,
    out: str | Path,
    *,
    formats: tuple[str, ...] = FORMATS,
    seed: int | None = None,
    kernel_name: str = "python3",
    notebook: str | Path | None = None,
) -> BundleResult:
    """Produce a report bundle for a project file.

    The project file and everything it references are validated before a kernel starts.  On a
    failing notebook cell the executed notebook is still written, with the error at that cell,
    and a :class:`ReportError` names the cell and the error.

    Raises
    ------
    InputDataError, ReportError
    """
    import nbformat
    import papermill as pm

    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ReportError(f"未知的报告格式 {', '.join(unknown)}", fix=f"可选：{', '.join(FORMATS)}")
    project = Path(project).resolve()
    proj = load_project(project)  # fails here, before any kernel, on a broken project
    seed = 20261122 if seed is None else seed
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "manifest.json").unlink(missing_ok=True)  # the bundle is incomplete until the end
    nb_in = Path(notebook) if notebook else notebook_path()
    nb_out = out / "report.ipynb"
    timings["validate"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    try:
        pm.execute_notebook(
            str(nb_in),
            str(nb_out),
            parameters={"project": str(project), "seed": seed},
            kernel_name=kernel_name,
            cwd=str(project.parent),
            progress_bar=False,
            log_output=False,
        )
    except pm.PapermillExecutionError as exc:
        raise ReportError(
            f"报告 notebook 第 {exc.cell_index} 个单元格执行出错：{exc.ename}: {exc.evalue}",
            file=str(nb_out),
            fix="打开该 notebook 查看出错单元格（已标注），修正输入后重新运行",
        ) from None
    timings["execute"] = time.perf_counter() - t1
    t2 = time.perf_counter()
    nb = nbformat.read(nb_out, as_version=4)
    payload = _executed_payload(nb, nb_out)
    files = {"notebook": nb_out}
    result_text = json.dumps(payload, ensure_ascii=False, sort_keys=True, indent=2) + "\n"
    files["result"] = atomic_write_text(out / "result.json", result_text)
    from .render import render_docx, render_html, render_pdf

    html_text = render_html(nb)
    for f in formats:
        try:
            if f == "html":
                data = html_text.encode("utf-8")
            elif f == "pdf":
                data = render_pdf(nb, html_text)
            else:
                data = render_docx(nb)
        except EvalError:
            raise
        except Exception as exc:  # conversion failures are reported, not tracebacks
            raise ReportError(
                f"转换为 {f} 失败：{type(exc).__name__}: {exc}", file=str(nb_out)
            ) from exc
        files[f] = atomic_write_bytes(out / OUTPUT_NAMES[f], data)
    timings["convert"] = time.perf_counter() - t2
    inputs = {k: {"path": str(p), "sha256": sha256_file(p)} for k, p in proj.input_files().items()}
    inputs["notebook"] = {"path": str(nb_in), "sha256": sha256_file(nb_in)}
    from .render import template_dir

    for p in sorted(template_dir().iterdir()):
        inputs[f"template:{p.name}"] = {"path": str(p), "sha256": sha256_file(p)}
    manifest = {
        "bundle": 1,
        "inputs": inputs,
        "params": {
            "project": str(project),
            "seed": seed,
            "formats": list(formats),
            "kernel": kernel_name,
        },
        "versions": collect_versions(_VERSION_PKGS),
        "outputs": {k: {"file": p.name, "sha256": sha256_file(p)} for k, p in files.items()},
        # run facts are kept apart from the hashed content: they differ on every run
        "run": {
            "started": started,
            "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "host": platform.node(),
            "timings_s": {k: round(v, 3) for k, v in timings.items()},
        },
    }
    files["manifest"] = atomic_write_text(
        out / "manifest.json", json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=2)
    )
    ev = payload["evaluation"]
    return BundleResult(out, files, ev["total"], ev["grade"], timings)


@dataclass
class ReproduceResult:
    """Outcome of :func:`reproduce`."""

    identical: bool
    changed_inputs: list[str]
    differences: list[str]

    def summary_zh(self) -> str:
        if self.identical:
            return "复核结果：identical（输入文件与得分均与运行包一致）"
        lines = ["复核结果：存在差异"]
        lines += [f"  输入文件已改变：{x}" for x in self.changed_inputs]
        lines += [f"  结果不同：{x}" for x in self.differences]
        return "\n".join(lines)


def _flatten(x: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(x, dict):
        out: dict[str, Any] = {}
        for k, v in x.items():
            out.update(_flatten(v, f"{prefix}.{k}" if prefix else str(k)))
        return out
    if isinstance(x, list):
        out = {}
        for i, v in enumerate(x):
            key = v.get("code", i) if isinstance(v, dict) else i
            out.update(_flatten(v, f"{prefix}[{key}]"))
        return out
    return {prefix: x}


def reproduce(bundle: str | Path, *, kernel_name: str = "python3") -> ReproduceResult:
    """Re-run a bundle from its manifest and compare inputs and ``result.json``.

    Reports each input file whose SHA-256 changed and each number that differs.
    """
    bundle = Path(bundle)
    mpath = bundle / "manifest.json"
    if not mpath.is_file():
        raise ReportError(
            "不是完整的运行包：缺少 manifest.json",
            file=str(bundle),
            fix="用 evallib report 重新生成运行包",
        )
    manifest = json.loads(mpath.read_text(encoding="utf-8"))
    changed = []
    for name, info in manifest["inputs"].items():
        p = Path(info["path"])
        if not p.is_file():
            changed.append(f"{name}（{p}，文件已不存在）")
        elif sha256_file(p) != info["sha256"]:
            changed.append(f"{name}（{p}）")
    params = manifest["params"]
    old = json.loads((bundle / "result.json").read_text(encoding="utf-8"))
    tmp = Path(tempfile.mkdtemp(prefix="evallib-reproduce-"))
    try:
        if any(not Path(i["path"]).is_file() for i in manifest["inputs"].values()):
            return ReproduceResult(False, changed, ["输入文件缺失，无法重新计算"])
        run_report(
            params["project"], tmp, formats=("html",), seed=params["seed"], kernel_name=kernel_name
        )
        new_bytes = (tmp / "result.json").read_bytes()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if new_bytes == (bundle / "result.json").read_bytes():
        return ReproduceResult(not changed, changed, [])
    new = json.loads(new_bytes)
    fo, fn = _flatten(old), _flatten(new)
    diffs = []
    for k in sorted(set(fo) | set(fn)):
        if "provenance" in k and "inputs" not in k:
            continue
        if fo.get(k) != fn.get(k):
            diffs.append(f"{k}: {fo.get(k)!r} → {fn.get(k)!r}")
    return ReproduceResult(
        False, changed, diffs[:50] + ([f"……另有 {len(diffs) - 50} 处"] if len(diffs) > 50 else [])
    )
