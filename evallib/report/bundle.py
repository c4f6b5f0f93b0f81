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

import contextlib
import datetime as dt
import json
import os
import platform
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from ..errors import EvalError, InputDataError, ReportError
from ..fileio import atomic_write_bytes, atomic_write_text, sha256_file
from ..project import hand_off, load_project
from ..results import collect_versions
from ..rounding import round_half_up
from .blocks import RESULT_MIME
from .render import DEFAULT_PDF_ENGINE, check_pdf_engine

__all__ = ["BundleResult", "ReproduceResult", "notebook_path", "reproduce", "run_report"]

FORMATS = ("pdf", "docx", "html")
DEFAULT_SEED = 20261122
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
    "typst",
    "python-docx",
)


def notebook_path(name: str = "key_evaluation.ipynb") -> Path:
    """A shipped notebook (default the report notebook ``notebooks/key_evaluation.ipynb``)."""
    try:
        p = Path(str(resources.files("evallib.notebooks") / name))
        if p.is_file():
            return p
    except ModuleNotFoundError:  # pragma: no cover
        pass
    return Path(__file__).resolve().parents[2] / "notebooks" / name


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


#: Files a bundle folder may hold (anything else in ``--out`` is never overwritten).
BUNDLE_FILES = ("report.ipynb", "result.json", "manifest.json", "error.log", "inputs",
                *OUTPUT_NAMES.values())  # fmt: skip


def run_report(
    project: str | Path,
    out: str | Path,
    *,
    formats: tuple[str, ...] = FORMATS,
    seed: int | None = None,
    kernel_name: str = "python3",
    notebook: str | Path | None = None,
    progress: Callable[[str], None] | None = None,
    docx_template: str | Path | None = None,
    engine: str | None = None,
    lock: bool = True,
    pdf_engine: str | None = None,
) -> BundleResult:
    """Produce a report bundle for a project file.

    ``progress`` is called with a Chinese line as each stage starts (validate, run the
    notebook, convert, publish).  ``docx_template``: an agency's reference .docx for the Word
    report (its styles, page setup, header and footer).  ``engine``: papermill engine; the
    default starts a Jupyter kernel; :data:`~evallib.report.inprocess.ENGINE_NAME` runs the
    notebook in this process — only for a process that ends with the report (the warm workers of
    :mod:`evallib.report.warm`; :func:`~evallib.report.warm.run_report_warm`).  ``lock=False``:
    the caller already holds the lock on ``out`` (a warm child of the process that took it).
    ``pdf_engine``: ``"typst"`` (default) or ``"weasyprint"``; recorded in ``manifest.json``.

    The project file and everything it references are validated before a kernel starts.  The
    run holds a lock on ``out`` (a second run into the same folder fails at once), builds the
    bundle in a hidden folder beside it and moves it into place when complete.  On a failing
    notebook cell the executed notebook is still published (without ``manifest.json``), with
    the error at that cell, and a :class:`ReportError` names the cell and the error.

    Raises
    ------
    InputDataError, ReportError, OutputBusyError
    """
    from ..outdir import check_replaceable, output_lock, staged_folder

    seed = check_run_options(formats, seed, docx_template, pdf_engine)
    out = Path(out)
    with output_lock(out) if lock else contextlib.nullcontext(out):
        check_replaceable(out, BUNDLE_FILES)
        stage = staged_folder(out)
        try:
            opts = {"docx_template": Path(docx_template).resolve() if docx_template else None,
                    "engine": engine, "pdf_engine": pdf_engine or DEFAULT_PDF_ENGINE}  # fmt: skip
            return _build(Path(project), out, stage, formats, seed, kernel_name, notebook,
                          progress or (lambda _: None), opts)  # fmt: skip
        finally:
            shutil.rmtree(stage, ignore_errors=True)


def check_run_options(
    formats: tuple[str, ...], seed: int | None, docx_template: str | Path | None,
    pdf_engine: str | None = None,
) -> int:  # fmt: skip
    """Check ``run_report``'s options; the seed to use.

    Raises
    ------
    ReportError, InputDataError
    """
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ReportError(f"未知的报告格式 {', '.join(unknown)}", value=",".join(unknown),
                          fix=f"可选：{', '.join(FORMATS)}")  # fmt: skip
    if pdf_engine is not None:
        check_pdf_engine(pdf_engine)
    if docx_template is not None and not Path(docx_template).is_file():
        raise InputDataError("找不到 Word 模板文件 (docx template)", file=str(docx_template),
                             fix="检查 --docx-template 的路径")  # fmt: skip
    return DEFAULT_SEED if seed is None else _check_seed(seed)


def _check_seed(seed: Any) -> int:
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**32:
        raise ReportError("随机种子 (seed) 应为 0 到 4294967295 之间的整数", value=seed,
                          fix="例如 --seed 20261122")  # fmt: skip
    return seed


def _execute(
    nb_in: Path, nb_out: Path, project: Path, seed: int, kernel_name: str, engine: str | None
) -> None:
    import papermill as pm

    if engine is not None:
        from .inprocess import register_engine

        register_engine()
    try:
        pm.execute_notebook(
            str(nb_in),
            str(nb_out),
            parameters={"project": str(project), "seed": seed},
            kernel_name=kernel_name,
            engine_name=engine,
            cwd=str(project.parent),
            request_save_on_cell_execute=False,  # written once at the end (or on an error)
            progress_bar=False,
            log_output=False,
        )
    except pm.PapermillExecutionError as exc:
        raise ReportError(
            f"报告 notebook 第 {exc.cell_index} 个单元格执行出错：{exc.ename}: {exc.evalue}",
            file=str(nb_out),
            fix="打开该 notebook 查看出错单元格（已标注），修正输入后重新运行",
        ) from None


def _convert(
    nb: Any, nb_out: Path, stage: Path, formats: tuple[str, ...], opts: dict[str, Any]
) -> dict[str, Path]:
    from .render import render_docx, render_html, render_report_pdf

    files: dict[str, Path] = {}
    html_text = render_html(nb)
    for f in formats:
        try:
            if f == "html":
                data = html_text.encode("utf-8")
            elif f == "pdf":
                data = render_report_pdf(nb, html_text, opts["pdf_engine"])
            else:
                data = render_docx(nb, opts["docx_template"])
        except EvalError:
            raise
        except Exception as exc:  # conversion failures are reported, not tracebacks
            raise ReportError(
                f"转换为 {f} 失败：{type(exc).__name__}: {exc}", file=str(nb_out)
            ) from exc
        files[f] = atomic_write_bytes(stage / OUTPUT_NAMES[f], data)
    return files


def _evallib_inputs(nb_in: Path) -> dict[str, dict[str, str]]:
    """The files evallib itself supplies (notebook, report look), located by name so that a
    bundle moved to another machine finds them in that machine's evallib."""
    from .context import REPORT_KINDS
    from .render import template_dir

    out = {}
    shipped = {notebook_path(k["notebook"]).resolve(): k["notebook"] for k in REPORT_KINDS.values()}
    name = shipped.get(nb_in.resolve())
    if name == "key_evaluation.ipynb":  # the reference recorded by earlier bundles too
        out["notebook"] = {"evallib": "notebook", "sha256": sha256_file(nb_in)}
    elif name is not None:
        out["notebook"] = {"evallib": f"notebook:{name}", "sha256": sha256_file(nb_in)}
    else:  # a notebook of the user's: copied like any input
        out["notebook"] = {"path": str(nb_in), "sha256": sha256_file(nb_in)}
    for p in sorted(template_dir().iterdir()):
        out[f"template:{p.name}"] = {"evallib": f"report_template:{p.name}",
                                     "sha256": sha256_file(p)}  # fmt: skip
    return out


def _evallib_file(ref: str) -> Path | None:
    """Where an evallib-supplied input of a manifest is on this machine."""
    from .. import templates
    from .context import REPORT_KINDS
    from .render import template_dir

    kind, _, name = ref.partition(":")
    if kind == "notebook":
        shipped = {k["notebook"] for k in REPORT_KINDS.values()}
        return notebook_path(name) if name in shipped else notebook_path() if not name else None
    if kind == "report_template":
        return template_dir() / name
    if kind == "indicator_template" and name in templates.names():
        return templates.path(name)
    return None


def _copy_inputs(
    files: dict[str, Path], project: Path, stage: Path
) -> tuple[dict[str, dict[str, str]], str]:
    """Copy every user input into ``stage/inputs``, keeping their layout relative to each other
    (so the project file's relative references still resolve); return the manifest entries
    and the copied project file's path relative to the bundle."""
    from .. import templates

    shipped = {k: p for k, p in files.items() if k == "system" and p.stem in templates.names()
               and p.resolve() == templates.path(p.stem).resolve()}  # fmt: skip
    user = {k: p.resolve() for k, p in files.items() if k not in shipped}
    root = Path(os.path.commonpath([str(p.parent) for p in user.values()]))
    out: dict[str, dict[str, str]] = {}
    for k, p in user.items():
        rel = "inputs/" + p.relative_to(root).as_posix()
        dest = stage / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(p, dest)
        out[k] = {"file": rel, "original": str(p), "sha256": sha256_file(dest)}
    for k, p in shipped.items():
        out[k] = {"evallib": f"indicator_template:{p.stem}", "sha256": sha256_file(p)}
    return out, "inputs/" + project.resolve().relative_to(root).as_posix()


def _build(
    project: Path, out: Path, stage: Path, formats: tuple[str, ...], seed: int,
    kernel_name: str, notebook: str | Path | None, say: Callable[[str], None],
    opts: dict[str, Any],
) -> BundleResult:  # fmt: skip
    from ..outdir import publish

    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    project = project.resolve()
    say("1/4 校验项目文件与全部输入……")
    proj = load_project(project)  # fails here, before any kernel, on a broken project
    import nbformat  # after validation: a broken project fails without the import cost

    from .context import REPORT_KINDS

    nb_in = Path(notebook) if notebook else notebook_path(REPORT_KINDS[proj.kind]["notebook"])
    nb_out = stage / "report.ipynb"
    timings["validate"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    say("2/4 运行报告 notebook（计分、满意度调查、图表）……")
    if opts["engine"] is not None:  # the notebook runs in this process: its prepare() takes
        hand_off(proj)  # the project checked above (while every input file is unchanged)
    try:
        _execute(nb_in, nb_out, project, seed, kernel_name, opts["engine"])
    except ReportError as exc:
        if nb_out.is_file():  # keep the annotated notebook where the user looks for it
            publish(stage, out, BUNDLE_FILES)
            raise ReportError(str(exc.problems[0].message), file=str(out / "report.ipynb"),
                              fix=exc.fix) from None  # fmt: skip
        raise
    timings["execute"] = time.perf_counter() - t1
    t2 = time.perf_counter()
    nb = nbformat.read(nb_out, as_version=4)
    payload = _executed_payload(nb, nb_out)
    files = {"notebook": nb_out}
    result_text = json.dumps(payload, ensure_ascii=False, sort_keys=True, indent=2) + "\n"
    files["result"] = atomic_write_text(stage / "result.json", result_text)
    say(f"3/4 生成报告（{'、'.join(OUTPUT_NAMES[f] for f in formats)}）……")
    files.update(_convert(nb, nb_out, stage, formats, opts))
    timings["convert"] = time.perf_counter() - t2
    say("4/4 写出运行包（输入副本、manifest.json）……")
    used = proj.input_files()
    if opts["docx_template"] is not None:
        used["docx_template"] = opts["docx_template"]
    inputs, project_copy = _copy_inputs(used, project, stage)
    inputs.update(_evallib_inputs(nb_in))
    manifest = {
        "bundle": 2,
        "inputs": inputs,
        "params": {
            "project": project_copy,
            "original_project": str(project),
            "seed": seed,
            "formats": list(formats),
            "kernel": kernel_name,
            "pdf_engine": opts["pdf_engine"],
        },
        "versions": collect_versions(_VERSION_PKGS),
        "outputs": {k: {"file": p.name, "sha256": sha256_file(p)} for k, p in files.items()},
        # run facts are kept apart from the hashed content: they differ on every run
        "run": {
            "started": started,
            "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "host": platform.node(),
            "engine": opts["engine"] or "kernel",
            "timings_s": {k: round_half_up(v, 3) for k, v in timings.items()},
        },
    }
    atomic_write_text(
        stage / "manifest.json", json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=2)
    )
    publish(stage, out, BUNDLE_FILES)
    final = {k: out / p.name for k, p in files.items()}
    final["manifest"] = out / "manifest.json"
    ev = payload["evaluation"]
    return BundleResult(out, final, ev["total"], ev["grade"], timings)


@dataclass
class ReproduceResult:
    """Outcome of :func:`reproduce`: every recorded file checked, then the numbers re-run."""

    identical: bool
    changed_inputs: list[str]
    differences: list[str]
    changed_outputs: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def summary_zh(self) -> str:
        tail = [f"  提示：{n}" for n in self.notes]
        if self.identical:
            return "\n".join(["复核结果：一致（输入文件、报告文件与得分均与运行包一致）", *tail])
        lines = ["复核结果：存在差异"]
        lines += [f"  输入文件已改变：{x}" for x in self.changed_inputs]
        lines += [f"  运行包文件已改变：{x}" for x in self.changed_outputs]
        lines += [f"  结果不同：{x}" for x in self.differences]
        return "\n".join(lines + tail)


class _FileRef(BaseModel):
    """An input: a copy in the bundle (``file``), a file evallib supplies (``evallib``), or,
    in bundles of format 1, an absolute ``path``."""

    model_config = ConfigDict(extra="ignore")
    sha256: str
    file: str | None = None
    evallib: str | None = None
    path: str | None = None
    original: str | None = None


class _OutputRef(BaseModel):
    model_config = ConfigDict(extra="ignore")
    file: str
    sha256: str


class _Params(BaseModel):
    model_config = ConfigDict(extra="ignore")
    project: str
    original_project: str | None = None
    seed: int
    formats: list[str]
    kernel: str = "python3"


class _Manifest(BaseModel):
    model_config = ConfigDict(extra="ignore")
    bundle: int = 1
    inputs: dict[str, _FileRef]
    outputs: dict[str, _OutputRef]
    params: _Params


def load_manifest(bundle: Path) -> _Manifest:
    """Read and check a bundle's ``manifest.json`` (damaged or edited files are refused)."""
    from ..fileio import read_json
    from ..outdir import check_name

    mpath = bundle / "manifest.json"
    if not mpath.is_file():
        raise ReportError(
            "不是完整的运行包：缺少 manifest.json",
            file=str(bundle),
            fix="用 evallib report 重新生成运行包",
        )
    raw = read_json(mpath, what="运行包清单 manifest.json")
    try:
        m = _Manifest.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise ReportError(
            f"运行包清单已损坏：{'.'.join(str(x) for x in err['loc'])} {err['msg']}",
            file=str(mpath), fix="用 evallib report 重新生成运行包；不要手工编辑 manifest.json",
        ) from None  # fmt: skip
    for key, ref in m.outputs.items():
        check_name(ref.file, what="运行包清单中的文件名", file=str(mpath), column=key)
    for key, iref in m.inputs.items():
        if iref.file is not None and not _inside(bundle, iref.file):
            raise ReportError("运行包清单中的输入副本路径超出运行包", file=str(mpath), column=key,
                              value=iref.file, fix="用 evallib report 重新生成运行包")  # fmt: skip
    if m.bundle >= 2 and not _inside(bundle, m.params.project):
        raise ReportError("运行包清单中的项目文件路径超出运行包", file=str(mpath),
                          column="params.project", value=m.params.project)  # fmt: skip
    return m


def _inside(bundle: Path, rel: str) -> bool:
    """``rel`` is a relative path that stays inside ``bundle``."""
    p = Path(rel)
    return not p.is_absolute() and (bundle / p).resolve().is_relative_to(bundle.resolve())


def _input_path(bundle: Path, ref: _FileRef) -> Path | None:
    if ref.file is not None:
        return bundle / ref.file
    if ref.evallib is not None:
        return _evallib_file(ref.evallib)
    return Path(ref.path) if ref.path else None


def _changed_files(bundle: Path, m: _Manifest) -> tuple[list[str], list[str]]:
    """Inputs (the bundle's copies, evallib's own files) and bundle outputs whose SHA-256 is
    not the recorded one, or that are missing."""
    changed_in, changed_out = [], []
    for name, ref in m.inputs.items():
        p = _input_path(bundle, ref)
        shown = ref.file or (f"evallib 自带文件 {ref.evallib}" if ref.evallib else str(p))
        if p is None or not p.is_file():
            changed_in.append(f"{name}（{shown}，文件已不存在）")
        elif sha256_file(p) != ref.sha256:
            changed_in.append(f"{name}（{shown}）")
    for _name, ref in m.outputs.items():
        p = bundle / ref.file
        if not p.is_file():
            changed_out.append(f"{ref.file}（文件已不存在）")
        elif sha256_file(p) != ref.sha256:
            changed_out.append(f"{ref.file}（内容已改变）")
    return changed_in, changed_out


def changed_originals(m: _Manifest) -> list[str]:
    """Original input files (where the copies came from) that still exist and have changed
    since the run: the report no longer reflects them."""
    out = []
    for name, ref in m.inputs.items():
        if ref.original and Path(ref.original).is_file():
            if sha256_file(Path(ref.original)) != ref.sha256:
                out.append(f"{name}（{ref.original}）")
    return out


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


def reproduce(
    bundle: str | Path,
    *,
    kernel_name: str = "python3",
    from_originals: bool = False,
    warm: bool = False,
) -> ReproduceResult:
    """Check a bundle: every file its manifest lists (the copies of the inputs, evallib's own
    notebook and templates, the reports, ``result.json``) by SHA-256, then re-run it from its
    copies and compare the numbers.  The bundle may have been moved or copied to another
    machine: nothing outside it is needed but evallib.

    With ``from_originals`` the run uses the original input files instead (has anything changed
    since the report?), and every original that changed is listed.  With ``warm`` the re-run
    happens in a warm child process (:mod:`evallib.report.warm`; the same numbers, faster).

    Reports each file that changed or is missing and each number that differs.
    """
    bundle = Path(bundle)
    m = load_manifest(bundle)
    changed, changed_out = _changed_files(bundle, m)
    project = Path(m.params.project)
    if m.bundle >= 2:
        project = bundle / m.params.project
        if from_originals:
            changed = [c for c in changed if "evallib 自带文件" in c] + changed_originals(m)
            project = Path(m.params.original_project or m.params.project)
    result_path = bundle / "result.json"
    notes = [] if from_originals or m.bundle < 2 else [
        f"原始输入文件在生成运行包后已修改：{c}（复核使用运行包中的副本；加 --originals "
        "按原始文件重新计算）" for c in changed_originals(m)]  # fmt: skip
    if not project.is_file() or _missing_inputs(bundle, m, from_originals):
        return ReproduceResult(False, changed, ["输入文件缺失，无法重新计算"], changed_out, notes)
    tmp = Path(tempfile.mkdtemp(prefix="evallib-reproduce-"))
    try:
        if warm:
            from .warm import run_report_warm

            run_report_warm(project, tmp / "b", formats=("html",), seed=m.params.seed)
        else:
            run_report(project, tmp / "b", formats=("html",), seed=m.params.seed,
                       kernel_name=kernel_name)  # fmt: skip
        new_bytes = (tmp / "b" / "result.json").read_bytes()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if not result_path.is_file():
        return ReproduceResult(False, changed, ["result.json 已不存在，无法比对得分"], changed_out,
                               notes)  # fmt: skip
    old_bytes = result_path.read_bytes()
    if new_bytes == old_bytes:
        return ReproduceResult(not changed and not changed_out, changed, [], changed_out, notes)
    try:
        old = json.loads(old_bytes)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
        return ReproduceResult(False, changed, ["result.json 已损坏，无法比对得分"], changed_out,
                               notes)  # fmt: skip
    new = json.loads(new_bytes)
    fo, fn = _flatten(old), _flatten(new)
    diffs = []
    for k in sorted(set(fo) | set(fn)):
        if "provenance" in k and "inputs" not in k:
            continue
        if fo.get(k) != fn.get(k):
            diffs.append(f"{k}: {fo.get(k)!r} → {fn.get(k)!r}")
    more = [f"……另有 {len(diffs) - 50} 处"] if len(diffs) > 50 else []
    return ReproduceResult(False, changed, diffs[:50] + more, changed_out, notes)


def _missing_inputs(bundle: Path, m: _Manifest, from_originals: bool) -> bool:
    for r in m.inputs.values():
        if from_originals and r.original:
            p: Path | None = Path(r.original)
        else:
            p = _input_path(bundle, r)
        if p is None or not p.is_file():
            return True
    return False
