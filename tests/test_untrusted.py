"""Untrusted input end to end (issue: hostile and broken input).

- A project whose every text field and indicator name carries HTML/CSS/script payloads: the
  PDF has no attachments, a local HTTP server receives no request, 报告.html holds no element
  from user text, and the payload shows as literal text.
- Personal data of every kind in named columns and in free text of a survey export: zero
  occurrences in any output (PDF text, unzipped DOCX/XLSX, HTML, executed notebook, CSV, JSON).
- Formula injection: every XLSX and CSV writer keeps ``= + - @`` text inert.
- Output folders: two runs into one ``--out`` (one fails fast, the bundle is whole).
- ``reproduce`` names each changed or deleted bundle file.
"""

from __future__ import annotations

import http.server
import io
import json
import re
import shutil
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path
from typing import ClassVar

import openpyxl
import pandas as pd
import pytest
import yaml

from evallib.cli import main
from evallib.report import run_report
from evallib.report.bundle import _changed_files, load_manifest
from evallib.report.warm import run_report_warm

from .conftest import ROOT

DEMO = ROOT / "survey_data" / "demo"


# --------------------------------------------------------------------------- a hostile server
class _Hits(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:  # any request at all is a failure of the test
        _Hits.hits.append(self.path)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> tuple[str, list[str]]:
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Hits)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_address[1]}", _Hits.hits
    srv.shutdown()


def payloads(base: str) -> list[str]:
    return [
        '<link rel="attachment" href="file:///etc/passwd">',
        f'<img src="{base}/img.png">',
        f"<style>@import url({base}/x.css); body {{background: url({base}/bg.png)}}</style>",
        "<script>alert('x')</script>",
        f'<iframe src="{base}/frame"></iframe><object data="{base}/obj"></object>',
        f'<a href="{base}/a">点此</a>',
        f"![图]({base}/md.png) {{{{ 7*7 }}}}",
    ]


# --------------------------------------------------------------------------- personal data
def _luhn_complete(prefix: str) -> str:
    digits = [int(c) for c in prefix]
    for check in range(10):
        total = 0
        for i, n in enumerate(reversed([*digits, check])):
            if i % 2:
                n = n * 2 - 9 if n > 4 else n * 2
            total += n
        if total % 10 == 0:
            return prefix + str(check)
    raise AssertionError


BANK = _luhn_complete("622202020000123456")
#: kind → the values written in the export (fakes of the real shapes)
PERSONAL = {
    "mobile": ["13812345678", "139 8765 4321", "137.1111.2222", "１３６２２２２３３３３",
               "+86 135-4444-5555"],
    "landline": ["0731-84123456", "(010)62345678"],
    "id18": ["11010519491231002X", "430102 19800101 1234"],
    "id15": ["430102800101123"],
    "email": ["zhang.san@example.com", "li_si2020@mail.example.cn"],
    "wechat": ["wxid_abc12345"],
    "qq": ["987654321"],
    "ipv6": ["2001:db8::8a2e:370:7334"],
    "bank": [BANK],
    "name": ["欧阳娜娜", "诸葛孔明"],
    "address": ["湖南省郴州市北湖区人民东路88号3栋2单元"],
}  # fmt: skip


def _needles() -> list[str]:
    """Strings that must never appear in an output: every value, and its digits alone."""
    out = []
    for vals in PERSONAL.values():
        for v in vals:
            out.append(v)
            d = re.sub(r"\D", "", v.translate({c: c - 0xFEE0 for c in range(0xFF10, 0xFF1A)}))
            if len(d) >= 9:
                out.append(d)
    return out


def _survey_with_pii(dest: Path) -> None:
    wb = openpyxl.load_workbook(DEMO / "问卷星_按选项文本.xlsx")
    ws = wb.active
    head = [c.value for c in ws[1]]
    extra = ["姓名", "手机号码", "身份证号", "电子邮件", "微信号", "QQ号", "家庭住址", "银行卡号",
             "固定电话"]  # fmt: skip
    for j, h in enumerate(extra, len(head) + 1):
        ws.cell(1, j, h)
    free = head.index("7、您对本项目还有哪些意见和建议？") + 1
    name_col = head.index("8、您的姓名（选填）：") + 1
    phone_col = head.index("9、您的联系电话（选填）：") + 1
    ip_col = head.index("来自IP") + 1
    p = PERSONAL
    text = (f"我叫{p['name'][0]}，手机{p['mobile'][1]}，座机{p['landline'][0]}，身份证"
            f"{p['id18'][1]}，老身份证{p['id15'][0]}，邮箱{p['email'][1]}，微信 {p['wechat'][0]}，"
            f"QQ {p['qq'][0]}，卡号{p['bank'][0]}，住{p['address'][0]}，"
            f"电话{p['mobile'][3]} 或 {p['mobile'][4]}，{p['mobile'][2]}")  # fmt: skip
    for r in range(2, ws.max_row + 1):
        k = r - 2
        ws.cell(r, free, text if k % 3 == 0 else ws.cell(r, free).value)
        ws.cell(r, name_col, p["name"][k % 2])
        ws.cell(r, phone_col, p["mobile"][k % 5])
        if k % 4 == 0:
            ws.cell(r, ip_col, f"{p['ipv6'][0]}(湖南-郴州)")
        vals = [
            p["name"][k % 2],
            p["mobile"][k % 5],
            p["id18"][k % 2],
            p["email"][k % 2],
            p["wechat"][0],
            p["qq"][0],
            p["address"][0],
            p["bank"][0],
            p["landline"][k % 2],
        ]
        for j, v in enumerate(vals, len(head) + 1):  # fmt: skip
            ws.cell(r, j, v)
    wb.save(dest)


# --------------------------------------------------------------------------- the project
@pytest.fixture(scope="module")
def hostile_dir(tmp_path_factory: pytest.TempPathFactory, server: tuple[str, list[str]]) -> Path:
    base, _ = server
    d = tmp_path_factory.mktemp("hostile")
    pl = payloads(base)
    evidence = (DEMO / "evidence.yaml").read_text("utf-8")
    evidence = evidence.replace("问卷星_按选项文本.xlsx", "survey.xlsx")
    (d / "evidence.yaml").write_text(evidence, "utf-8")
    shutil.copy(DEMO / "spec.yaml", d / "spec.yaml")
    _survey_with_pii(d / "survey.xlsx")
    system = yaml.safe_load((ROOT / "evallib/templates/key_project.yaml").read_text("utf-8"))
    system["name"] = "体系" + pl[0]
    system["indicators"][0]["children"][0]["name"] = "项目立项" + pl[3]
    system["indicators"][0]["children"][0]["children"][0]["name"] = "立项依据" + pl[1]
    system["indicators"][1]["children"][0]["children"][0]["name"] = '=HYPERLINK("x","y")'
    system["indicators"][3]["name"] = "效益" + pl[5]  # a 一级 name: cover, TOC, headings, charts
    (d / "system.yaml").write_text(yaml.safe_dump(system, allow_unicode=True), "utf-8")
    project = yaml.safe_load((DEMO / "project.yaml").read_text("utf-8"))
    pr = project["project"]
    pr["name"] = "某县道路项目" + pl[0]
    pr["department"] = "<script>alert('x')</script>"
    pr["implementer"] = pl[1]
    pr["overview"] = pl[2] + "\n\n" + pl[4]
    pr["goals"] = pl[5] + pl[6]
    pr["funds"][1]["item"] = pl[3]
    project["system"] = "system.yaml"
    project["survey"] = {"spec": "spec.yaml", "data": "survey.xlsx"}
    project["texts"] = {k: pl[i % len(pl)] for i, k in enumerate(
        ("process", "experience", "problems", "suggestions", "other"))}  # fmt: skip
    project["evaluator"] = {"agency": pl[0], "date": pl[2], "team": [pl[3]]}
    project["consequences"] = {g: pl[6] for g in ("优", "良", "中", "差")}
    (d / "project.yaml").write_text(yaml.safe_dump(project, allow_unicode=True), "utf-8")
    return d


@pytest.fixture(scope="module")
def hostile_bundle(hostile_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("hb") / "bundle"
    run_report_warm(hostile_dir / "project.yaml", out)  # as evallib report and batch run it
    return out


def _pdftext(pdf: Path) -> str:
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout  # fmt: skip


def _zip_text(p: Path) -> str:
    with zipfile.ZipFile(p) as z:
        return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist()
                         if n.endswith((".xml", ".rels")))  # fmt: skip


def test_report_renders_no_user_markup(hostile_bundle: Path, server: tuple[str, list[str]]) -> None:
    from lxml import html as lhtml

    _, hits = server
    pdf = hostile_bundle / "报告.pdf"
    detach = subprocess.run(["pdfdetach", "-list", str(pdf)], capture_output=True, text=True,
                            check=True).stdout  # fmt: skip
    assert detach.strip().startswith("0 embedded files"), detach
    assert hits == [], f"rendering fetched {hits}"
    text = _pdftext(pdf)
    assert "<script>alert('x')</script>" in text  # the department, shown literally
    assert "{{ 7*7 }}" in text or "{{ 7*7 }}" in text.replace("\n", " ")
    page = (hostile_bundle / "报告.html").read_text("utf-8")
    tree = lhtml.fromstring(page)
    tags = {el.tag for el in tree.iter() if isinstance(el.tag, str)}
    assert not tags & {"script", "link", "iframe", "object", "embed", "base", "form"}, tags
    assert [el.tag for el in tree.iter("style")] == ["style"]  # the template's own only
    for el in tree.iter("img"):
        assert el.get("src", "").startswith("data:image/png;base64,")
    for el in tree.iter("a"):
        assert el.get("href", "").startswith("#sec-")
    assert "127.0.0.1" not in " ".join(v for el in tree.iter() for v in el.attrib.values())
    assert "&lt;script&gt;alert(" in page  # escaped, visible
    assert "Content-Security-Policy" in page
    docx = _zip_text(hostile_bundle / "报告.docx")
    assert 'TargetMode="External"' not in docx
    assert "&lt;script&gt;alert(" in docx
    nb = (hostile_bundle / "report.ipynb").read_text("utf-8")
    for cell in json.loads(nb)["cells"]:
        for o in cell.get("outputs", []):
            html_out = "".join(o.get("data", {}).get("text/html", ""))
            assert "<script" not in html_out and "<link" not in html_out


def test_report_outputs_hold_no_personal_data(hostile_bundle: Path) -> None:
    texts = {
        "报告.pdf": _pdftext(hostile_bundle / "报告.pdf"),
        "报告.docx": _zip_text(hostile_bundle / "报告.docx"),
    }
    for name in ("报告.html", "report.ipynb", "result.json", "manifest.json"):
        texts[name] = (hostile_bundle / name).read_text("utf-8")
    for name, text in texts.items():
        for needle in _needles():
            assert needle not in text, f"{needle!r} in {name}"


def _survey_outputs(out: Path) -> dict[str, str]:
    texts = {}
    for p in sorted(out.iterdir()):
        if p.suffix == ".xlsx":
            texts[p.name] = _zip_text(p)
        else:
            texts[p.name] = p.read_bytes().decode("utf-8-sig")
    return texts


@pytest.mark.parametrize("keep_text", [False, True])
def test_survey_outputs_hold_no_personal_data(
    hostile_dir: Path, tmp_path: Path, keep_text: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = yaml.safe_load((hostile_dir / "spec.yaml").read_text("utf-8"))
    if keep_text:
        spec["keep_text"] = ["7"]
    (tmp_path / "spec.yaml").write_text(yaml.safe_dump(spec, allow_unicode=True), "utf-8")
    out = tmp_path / "out"
    assert main(["survey", str(tmp_path / "spec.yaml"), str(hostile_dir / "survey.xlsx"),
                 "--out", str(out)]) == 0  # fmt: skip
    printed = capsys.readouterr().out
    texts = _survey_outputs(out) | {"stdout": printed}
    for name, text in texts.items():
        for needle in _needles():
            assert needle not in text, f"{needle!r} in {name}"
    cleaned = pd.read_csv(out / "有效答卷.csv", encoding="utf-8-sig", dtype=str)
    kept = [c for c in cleaned.columns if c.startswith("7、")]
    if keep_text:
        assert kept, cleaned.columns
        joined = " ".join(cleaned[kept[0]].dropna())
        labels = ("〔手机号〕", "〔电话〕", "〔身份证号〕", "〔邮箱〕", "〔微信号〕", "〔QQ号〕",
                  "〔银行卡号〕")  # fmt: skip
        for label in labels:
            assert label in joined
    else:
        assert not kept  # free text is not copied by default
    masked = {c for c in cleaned.columns if c.endswith("（已脱敏）")}
    named = ("姓名", "手机号码", "身份证号", "电子邮件", "微信号", "QQ号", "家庭住址", "银行卡号",
             "固定电话")  # fmt: skip
    for col in named:
        assert f"{col}（已脱敏）" in masked, (col, sorted(masked))


# --------------------------------------------------------------------------- formula injection
FORMULAS = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "＝1+1"]


# The only formulas evallib writes: the reciprocal cells of the expert template.
OWN_FORMULA = re.compile(r'=IF\(([A-Z]+\d+)="","",1/\1\)')


def _assert_inert_xlsx(data: bytes, must_contain: list[str]) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for n in z.namelist():
            if n.startswith("xl/worksheets/"):
                for f in re.findall(r"<f>(.*?)</f>", z.read(n).decode("utf-8")):
                    assert OWN_FORMULA.fullmatch("=" + f.replace("&quot;", '"')), (n, f)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    seen = set()
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f":
                    assert OWN_FORMULA.fullmatch(c.value), (ws.title, c.coordinate, c.value)
                    continue
                if isinstance(c.value, str) and c.value.startswith(("=", "+", "-", "@", "\t")):
                    assert c.quotePrefix, (ws.title, c.coordinate, c.value)
                    seen.add(c.value)
    for text in must_contain:
        assert any(text in s for s in seen), (text, seen)


def _assert_inert_csv(data: bytes) -> None:
    if not data.decode("utf-8-sig").strip():
        return
    df = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    for v in [*df.columns, *df.to_numpy().ravel()]:
        assert not (v[:1] in ("=", "+", "@", "\t", "\r") and not re.fullmatch(
            r"[+-]?\d+(\.\d+)?%?", v)), v  # fmt: skip


def test_score_sheet_is_inert(tmp_path: Path) -> None:
    system = {"name": "=1+1体系", "total": 100, "indicators": [
        {"code": "1", "name": "-2+3", "points": 40, "target": "≥95%", "rule": "positive"},
        {"code": "2", "name": FORMULAS[0], "points": 30, "rule": "qualitative"},
        {"code": "3", "name": "@SUM(A1)", "points": 30, "rule": "qualitative"}]}  # fmt: skip
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(system, allow_unicode=True), "utf-8")
    (tmp_path / "e.yaml").write_text(yaml.safe_dump({"indicators": {
        "1": {"actual": "90%"}, "2": {"actual": "部分达成", "reason": "原因"},
        "3": {"actual": "达成"}}},
        allow_unicode=True), "utf-8")  # fmt: skip
    assert main(["score", str(tmp_path / "s.yaml"), str(tmp_path / "e.yaml"), "--out",
                 str(tmp_path / "o")]) == 0  # fmt: skip
    _assert_inert_xlsx((tmp_path / "o" / "评分表.xlsx").read_bytes(),
                       [FORMULAS[0], "@SUM(A1)", "-2+3"])  # fmt: skip


def test_survey_outputs_are_inert(hostile_dir: Path, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(hostile_dir / "survey.xlsx")
    ws = wb.active
    col = [c.value for c in ws[1]].index("2、您所在的乡镇：") + 1
    for r in range(2, 40):
        ws.cell(r, col, FORMULAS[0]).data_type = "s"  # text, as a platform exports it
    wb.save(tmp_path / "s.xlsx")
    spec = yaml.safe_load((hostile_dir / "spec.yaml").read_text("utf-8"))
    spec["keep_text"] = ["7"]
    spec["groups"][0].pop("labels", None)
    spec.pop("margins", None)
    (tmp_path / "spec.yaml").write_text(yaml.safe_dump(spec, allow_unicode=True), "utf-8")
    assert main(["survey", str(tmp_path / "spec.yaml"), str(tmp_path / "s.xlsx"), "--out",
                 str(tmp_path / "o")]) == 0  # fmt: skip
    _assert_inert_xlsx((tmp_path / "o" / "满意度分析.xlsx").read_bytes(), [FORMULAS[0]])
    _assert_inert_csv((tmp_path / "o" / "有效答卷.csv").read_bytes())
    _assert_inert_csv((tmp_path / "o" / "剔除答卷.csv").read_bytes())
    raw = (tmp_path / "o" / "有效答卷.csv").read_bytes().decode("utf-8-sig")
    assert "'=HYPERLINK" in raw


def test_review_outputs_are_inert(tmp_path: Path) -> None:
    src = ROOT / "survey_data" / "review" / "复核样本_长表.csv"
    df = pd.read_csv(src, encoding="utf-8-sig", dtype=str)
    first = df["项目编号"].iloc[0]
    df.loc[df["项目编号"] == first, "项目编号"] = "=1+1"
    df.loc[df.index[:3], "三级指标"] = "@SUM(A1)"
    df.to_csv(tmp_path / "r.csv", index=False, encoding="utf-8-sig")
    assert main(["review", str(tmp_path / "r.csv"), "--out", str(tmp_path / "o")]) == 0
    for name in ("复核汇总.xlsx", "复核明细.xlsx"):
        _assert_inert_xlsx((tmp_path / "o" / name).read_bytes(), ["=1+1"])
    for name in ("summary.csv", "flags.csv"):
        _assert_inert_csv((tmp_path / "o" / name).read_bytes())


def test_weights_outputs_are_inert(tmp_path: Path) -> None:
    system = {"name": "赋权", "total": 100, "indicators": [
        {"code": "1", "name": "=1+1", "points": 50, "rule": "manual"},
        {"code": "2", "name": "@SUM(A1)", "points": 30, "rule": "manual"},
        {"code": "3", "name": "+cmd", "points": 20, "rule": "manual"}]}  # fmt: skip
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(system, allow_unicode=True), "utf-8")
    book = tmp_path / "w.xlsx"
    assert main(["weights", "template", str(tmp_path / "s.yaml"), "--experts", "3", "--out",
                 str(book)]) == 0  # fmt: skip
    _assert_inert_xlsx(book.read_bytes(), ["=1+1", "@SUM(A1)", "+cmd"])
    wb = openpyxl.load_workbook(book)
    for ws in wb.worksheets:
        for r in range(1, ws.max_row + 1):
            if ws.cell(r, 1).value == "判断矩阵":
                for i in range(3):
                    for j in range(i + 1, 3):
                        ws.cell(r + 2 + i, 3 + j, [2, 3, 1][i + j - 1])
    wb.save(book)
    assert main(["weights", "ahp", str(book), "--out", str(tmp_path / "o")]) == 0
    _assert_inert_xlsx((tmp_path / "o" / "权重结果.xlsx").read_bytes(), ["=1+1", "@SUM(A1)"])


def test_batch_summary_is_inert(tmp_path: Path) -> None:
    from evallib.batch.manifest import BatchItem
    from evallib.batch.runner import _write_outputs

    summary = pd.DataFrame([{"id": "=1+1", "project": "@p.yaml", "status": "failed",
                             "total": None, "grade": None, "duration": None, "attempts": 1,
                             "bundle": str(tmp_path / "x"), "error": "+cmd"}])  # fmt: skip
    _write_outputs(summary, tmp_path, [BatchItem("=1+1", "@p.yaml")])
    _assert_inert_xlsx((tmp_path / "batch_summary.xlsx").read_bytes(), ["=1+1", "+cmd"])
    _assert_inert_csv((tmp_path / "batch_summary.csv").read_bytes())
    _assert_inert_csv((tmp_path / "项目得分比较.csv").read_bytes())


# --------------------------------------------------------------------------- output folders
@pytest.mark.parametrize("bad", ["../../x", "/tmp/abs", "a/b", "..", "CON", "a\\b", "nul.txt"])
def test_batch_ids_cannot_leave_the_output_folder(tmp_path: Path, bad: str) -> None:
    from evallib.batch.manifest import read_manifest
    from evallib.errors import InputDataError

    (tmp_path / "m.csv").write_text(f'project,id\np.yaml,"{bad}"\n', "utf-8")
    with pytest.raises(InputDataError) as err:
        read_manifest(tmp_path / "m.csv")
    assert "文件夹名" in str(err.value) and "m.csv" in str(err.value)


def test_two_runs_into_one_folder(tmp_path: Path) -> None:
    shutil.copytree(DEMO, tmp_path / "demo")
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "evallib.cli", "report", str(tmp_path / "demo/project.yaml"),
           "--out", str(out), "--format", "html"]  # fmt: skip
    first = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lock = tmp_path / ".out.evallib.lock"
    deadline = time.time() + 60
    while time.time() < deadline and first.poll() is None:
        time.sleep(0.2)  # wait until the first run holds the folder
        if lock.exists():
            break
    time.sleep(0.5)
    t0 = time.perf_counter()
    second = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    waited = time.perf_counter() - t0
    _, err1 = first.communicate(timeout=300)
    assert first.returncode == 0, err1
    assert second.returncode == 2, second.stderr
    assert "正被另一个 evallib 运行使用" in second.stderr and "Traceback" not in second.stderr
    assert waited < 10  # fails at once (imports included), does not wait for the first run
    m = load_manifest(out)
    changed_in, changed_out = _changed_files(out, m)
    assert not changed_in and not changed_out  # the finished bundle is whole
    assert not list(tmp_path.glob(".out.building-*"))  # no staging folder left behind


def test_out_with_foreign_files_is_not_replaced(tmp_path: Path) -> None:
    shutil.copytree(DEMO, tmp_path / "demo")
    from evallib.errors import InputDataError

    with pytest.raises(InputDataError, match="不覆盖"):
        run_report(tmp_path / "demo/project.yaml", tmp_path / "demo", formats=("html",))
    assert (tmp_path / "demo" / "evidence.yaml").is_file()


# --------------------------------------------------------------------------- reproduce
def test_reproduce_names_every_changed_file(hostile_bundle: Path, tmp_path: Path) -> None:
    b = tmp_path / "b"
    shutil.copytree(hostile_bundle, b)
    m = load_manifest(b)
    files = [ref.file for ref in m.outputs.values()]
    assert {"report.ipynb", "result.json", "报告.pdf", "报告.docx", "报告.html"} <= set(files)
    for name in files:
        p = b / name
        original = p.read_bytes()
        flipped = bytearray(original)
        flipped[len(flipped) // 2] ^= 0x01
        p.write_bytes(bytes(flipped))
        _, changed = _changed_files(b, m)
        assert changed == [f"{name}（内容已改变）"], (name, changed)
        p.write_bytes(original)
    assert _changed_files(b, m) == ([], [])
    (b / "报告.pdf").unlink()
    proc = subprocess.run([sys.executable, "-m", "evallib.cli", "reproduce", str(b)],
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    assert "报告.pdf（文件已不存在）" in proc.stdout
    assert "一致" not in proc.stdout.splitlines()[0]
