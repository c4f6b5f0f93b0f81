"""PDF engines side by side (issue 17): WeasyPrint against typst on the same report.

Runs the demo key evaluation once (not timed) unless ``--notebook`` names an executed report
notebook, then prints, from the same run, the median of ``--repeat`` conversions of that
notebook by each engine (:func:`evallib.report.render.render_report_pdf`), the pages, size and
embedded fonts of each PDF (``pdfinfo``, ``pdffonts``), and the floor: a one-page PDF with the
same two CJK fonts embedded and subset (what any PDF of the report costs before its layout).
Both PDFs are written to ``--out`` to be looked at (``pdftoppm``).

    python benchmarks/pdf_engine_bench.py [--notebook out/demo/report.ipynb] [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import tempfile
import time
from pathlib import Path


def _pdf_facts(path: Path) -> str:
    lines = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]  # fmt: skip
    names = sorted({ln.split()[0].split("+")[-1] for ln in lines if ln.strip()})
    embedded = all(ln.split()[-5] == "yes" for ln in lines if ln.strip())
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    pages = next((ln.split()[-1] for ln in info.splitlines() if ln.startswith("Pages:")), "?")
    return (f"{pages} pages, {path.stat().st_size / 1024:.0f} KiB, fonts {', '.join(names)} "
            f"({'all embedded' if embedded else 'NOT all embedded'})")  # fmt: skip


def _time(fn, repeat: int) -> tuple[float, bytes]:  # type: ignore[no-untyped-def]
    fn()  # first use: the engine's imports and font discovery
    times, data = [], b""
    for _ in range(repeat):
        t = time.perf_counter()
        data = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), data


def _one_page() -> bytes:
    import typst

    from evallib.report.typst_pdf import FONT_DIRS, SANS, SERIF

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "one.typ"
        src.write_text(f"#set text(font: {SERIF})\n某县农村公路项目绩效评价报告\n"
                       f"#text(font: {SANS})[一、基本情况]\n", encoding="utf-8")  # fmt: skip
        fonts = [d for d in FONT_DIRS if Path(d).is_dir()]
        return bytes(typst.compile(str(src), root=tmp, font_paths=fonts))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--notebook", type=Path)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--out", type=Path, default=Path("out/pdf_engines"))
    args = ap.parse_args()
    import nbformat

    from evallib.report.render import render_html, render_report_pdf

    nb_path = args.notebook
    if nb_path is None:
        from evallib.report.bundle import run_report

        tmp = Path(tempfile.mkdtemp()) / "demo"
        run_report(Path("survey_data/demo/project.yaml"), tmp, formats=("html",))
        nb_path = tmp / "report.ipynb"
    nb = nbformat.read(nb_path, as_version=4)
    args.out.mkdir(parents=True, exist_ok=True)
    floor, _ = _time(_one_page, args.repeat)
    html_text = render_html(nb)
    results = {}
    for engine in ("weasyprint", "typst"):
        med, data = _time(lambda e=engine: render_report_pdf(nb, html_text, e), args.repeat)
        path = args.out / f"{engine}.pdf"
        path.write_bytes(data)
        results[engine] = med
        print(f"{engine}: median {med:.2f} s of {args.repeat}; {_pdf_facts(path)}")
    print(f"floor (one page with the same CJK fonts embedded, typst): {floor:.3f} s")
    print(f"WeasyPrint / typst: {results['weasyprint'] / results['typst']:.1f}x; "
          f"PDFs in {args.out}/")  # fmt: skip


if __name__ == "__main__":
    main()
