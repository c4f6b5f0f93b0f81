"""Indicator library and results store, on SQLite and on a real PostgreSQL server (issue 15).

Every test that takes ``library_url`` or ``seeded_library`` runs once per backend (see
tests/conftest.py: a PostgreSQL server from Debian's binaries, one schema per test).
"""

from __future__ import annotations

import json
import multiprocessing as mp
import sqlite3
import statistics
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml
from hypothesis import given
from hypothesis import strategies as st

from evallib.cli import main
from evallib.errors import EvalError
from evallib.library import Library, LibraryIndicator, ResultRow, RunRecord, search, store
from evallib.library.compose import parse_picks, system_from_picks
from evallib.library.exchange import export_library, import_library, read_indicators
from evallib.library.grams import grams, norm_key
from evallib.library.starter import GOAL_CLASSES, starter_indicators
from evallib.library.suggest import suggest

from .conftest import DEMO_EVIDENCE

N_STARTER = len(starter_indicators()[0])

# query → the indicator a careful evaluator expects first (fragments, aliases, synonyms,
# one character, spaces, full-width text)
BEST_MATCH = {
    "培训合格率": "PX-04",  # exact name
    "结业率": "PX-04",  # alias
    "培训满意": "PX-09",  # fragment of the alias 培训满意度
    "满意率": "TY-01",  # alias, beats names holding the synonym 满意度
    "群众满意度": "TY-01",  # exact alias beats a longer name containing it (沿线群众满意度)
    "设备验收": "SB-02",
    "等保": "XX-04",  # fragment of an alias only
    "公里造价": "GC-06",
    "危桥": "JT-02",
    "桥": "JT-02",  # one character: too short for bigrams
    "造林成活": "ST-02",
    "垃圾处理": "ST-05",  # words in order with a gap (生活垃圾无害化处理率)
    "会议费": "HY-03",
    "发放及时": "BZ-06",
    "系统可用率": "XX-07",
    "家庭医生": "WS-03",
    "疫苗": "WS-02",
    "高标准农田": "NY-01",
    "出行时间": "JT-04",
    "一网通办": "XX-08",
    "政府采购": "SB-03",
    "人均培训费用": "PX-07",
    "预算执行率": "TY-03",  # exact name beats 预算执行率（实际到位口径）
    "培训 合格率": "PX-04",  # two words
    "补助对象数量": "BZ-01",  # synonym 补助 → 补贴
    "学员满意": "PX-09",
    "养护覆盖": "JT-05",
    "高标准农田建设面积（亩）": "NY-01",  # punctuation and unit in the query
    "ＰＸ培训合格率": "PX-04",  # full-width Latin letters are ignored noise, not an error
}


# --------------------------------------------------------------------------- opening


def test_new_library_is_created_seeded_and_versioned(library_url: str) -> None:
    lib = Library.open(library_url)
    assert lib.count() == N_STARTER
    info = lib.info()
    assert info["application"] == "evallib" and info["starter"]
    again = Library.open(library_url)  # reopening does not seed twice
    assert again.count() == N_STARTER
    with lib.engine.connect() as conn:
        from evallib.library.db import schema_state

        state, rev, head = schema_state(conn)
    assert (state, rev) == ("current", head)


def test_migrations_build_exactly_the_declared_schema(library_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from evallib.library.schema import metadata

    lib = Library.open(library_url, seed=False)
    with lib.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def test_foreign_database_is_refused(library_url: str) -> None:
    engine = sa.create_engine(_sa_url(library_url))
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE customers (id integer primary key, name text)"))
    engine.dispose()
    with pytest.raises(EvalError, match="不是 evallib 指标库"):
        Library.open(library_url)


def _sa_url(url: str) -> sa.URL:
    from evallib.library.db import resolve_url

    return resolve_url(url)


def test_newer_schema_is_refused(library_url: str) -> None:
    lib = Library.open(library_url, seed=False)
    with lib.engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
    lib.close()
    with pytest.raises(EvalError, match="更新版本的 evallib") as err:
        Library.open(library_url)
    assert err.value.fix and "升级 evallib" in err.value.fix


def test_empty_database_without_create_is_refused(library_url: str) -> None:
    with pytest.raises(EvalError, match="指标库为空"):
        Library.open(library_url, create=False)


@pytest.mark.parametrize(
    "content",
    [b"PK\x03\x04 not a database", b"SQLite format 3\x00" + b"\xff" * 2000, "指标库".encode() * 50],
)
def test_broken_sqlite_file_is_an_evalerror(tmp_path: Path, content: bytes) -> None:
    f = tmp_path / "library.sqlite"
    f.write_bytes(content)
    with pytest.raises(EvalError) as err:
        Library.open(f)
    assert err.value.file == str(f.resolve()) and err.value.fix
    assert f.read_bytes() == content  # the input is not modified


def test_unreachable_server_hides_the_password() -> None:
    with pytest.raises(EvalError, match="无法连接") as err:
        Library.open("postgresql://evaluator:s3cret-pw@/nodb?host=/nonexistent&port=1")
    assert "s3cret-pw" not in str(err.value)


def test_unsupported_database_url_is_refused() -> None:
    with pytest.raises(EvalError, match="不支持的数据库"):
        Library.open("mysql://u:secretpw@host/db")


def test_default_location_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from evallib.library.db import resolve_url

    monkeypatch.setenv("EVALLIB_LIBRARY", str(tmp_path / "团队" / "库.sqlite"))
    assert resolve_url(None).database == str(tmp_path / "团队" / "库.sqlite")
    assert resolve_url("postgres://u@h/db").drivername == "postgresql+psycopg"


# --------------------------------------------------------------------------- search


@pytest.mark.parametrize(("query", "code"), list(BEST_MATCH.items()))
def test_search_ranks_the_known_best_match_first(
    seeded_library: Library, query: str, code: str
) -> None:
    hits = search(seeded_library, query, limit=5)
    assert hits, query
    assert hits[0].indicator.code == code, [(h.indicator.code, h.score) for h in hits]
    assert hits[0].reasons  # says why


def test_search_finds_nothing_for_unrelated_words(seeded_library: Library) -> None:
    assert search(seeded_library, "量子计算机") == []
    assert search(seeded_library, "GDP") == []


def test_search_filters_and_listing(seeded_library: Library) -> None:
    hits = search(seeded_library, "满意度", project_type="会议")
    assert [h.indicator.code for h in hits] == ["HY-07"]
    quality = search(seeded_library, "", level2="质量指标", limit=500)
    assert quality and all(h.indicator.level2 == "质量指标" for h in quality)
    assert len(search(seeded_library, "", limit=7)) == 7


def test_search_query_is_bounded(seeded_library: Library) -> None:
    with pytest.raises(EvalError, match="查询过长"):
        search(seeded_library, "培训" * 200)


def test_search_text_is_data_not_sql(seeded_library: Library) -> None:
    for q in ["'; DROP TABLE indicator; --", "%", "_", "培训%' OR '1'='1", "\\"]:
        search(seeded_library, q)
    assert seeded_library.count() == N_STARTER


@pytest.mark.slow
def test_both_backends_rank_identically(pg_server_url: str, tmp_path: Path) -> None:
    from .conftest import _pg_schema_url

    url, drop = _pg_schema_url(pg_server_url)
    try:
        lite, pg = Library.open(tmp_path / "l.sqlite"), Library.open(url)
        for q in [*BEST_MATCH, "满意度", "合格率", "成本"]:
            a = [(h.indicator.code, h.score) for h in search(lite, q, limit=15)]
            b = [(h.indicator.code, h.score) for h in search(pg, q, limit=15)]
            assert a == b, q
        pg.close()
    finally:
        drop()


def test_grams_cover_fragments() -> None:
    assert {"培训", "合格", "格率"} <= grams("培训合格率")
    assert grams("Ｗｉｆｉ覆盖率") == {"wifi", "覆盖", "盖率"}
    assert norm_key("服务对象 满意度（%）") == "服务对象满意度%"


# --------------------------------------------------------------------------- editing


def _item(code: str = "T-1", **kw: object) -> LibraryIndicator:
    base = {
        "code": code,
        "name": "测试指标完成率",
        "level1": "产出指标",
        "level2": "数量指标",
        "unit": "%",
        "direction": "正向",
        "rule": "positive",
        "project_types": ["测试"],
    }
    return LibraryIndicator.model_validate({**base, **kw})


def test_add_replace_remove(library_url: str) -> None:
    lib = Library.open(library_url, seed=False)
    lib.add(_item(aliases=["甲乙完成度"]))
    assert search(lib, "甲乙")[0].indicator.code == "T-1"
    with pytest.raises(EvalError, match="编码已在指标库中"):
        lib.add(_item())
    lib.add(_item(name="新名称丙丁", aliases=[]), replace=True)
    assert lib.get("T-1").name == "新名称丙丁"
    assert search(lib, "甲乙") == []  # the old alias left the index with the old row
    assert search(lib, "丙丁")[0].indicator.code == "T-1"
    assert lib.remove(["T-1"]) == 1 and lib.count() == 0
    with pytest.raises(EvalError, match="没有编码"):
        lib.get("T-1")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("direction", "越大越好", "指标方向"),
        ("rule", "no_such_rule", "未知的评分规则"),
        ("code", "有 空格", "编码"),
        ("aliases", ["a；b"], "分隔符"),
        ("params", "{not json", "JSON"),
    ],
)
def test_invalid_indicator_fields_are_refused(field: str, value: object, message: str) -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match=message):
        _item(**{field: value})


def test_rule_parameters_are_validated_by_the_rule_registry() -> None:
    from pydantic import ValidationError

    ok = _item(rule="定性", params={"tier_bounds": [0.8, 0.6]})
    assert ok.rule == "qualitative"
    with pytest.raises(ValidationError):
        _item(rule="banded", params={"bands": "不是列表"})


# --------------------------------------------------------------------------- exchange

HOSTILE = ['=HYPERLINK("http://x","点击")', "+1+1", "@SUM(A1)", "-2", "带\n换行"]


def test_excel_round_trip_is_lossless(library_url: str, tmp_path: Path) -> None:
    lib = Library.open(library_url)
    lib.add(
        [
            _item("H-1", name=HOSTILE[0], explanation=HOSTILE[4], aliases=[HOSTILE[1], HOSTILE[2]]),
            _item(
                "H-2",
                name="定性带参数",
                rule="qualitative",
                params={"tier_bounds": [0.8, 0.6]},
                target=HOSTILE[3],
                criterion="好：满分；中：60%",
                project_types=["乙", "甲"],
            ),
            _item("00123", name="以零开头的编码"),
        ]
    )
    first = tmp_path / "库.xlsx"
    export_library(lib, first)
    other = Library.open(tmp_path / "other.sqlite", seed=False)
    assert import_library(other, first) == lib.count()
    second = tmp_path / "库2.xlsx"
    export_library(other, second)
    assert other.fetch() == lib.fetch()
    assert other.synonyms() == lib.synonyms()
    from openpyxl import load_workbook

    ws = load_workbook(second)["指标库"]
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)  # nothing live


def test_yaml_round_trip_is_lossless(seeded_library: Library, tmp_path: Path) -> None:
    f = tmp_path / "库.yaml"
    export_library(seeded_library, f)
    items, groups = read_indicators(f)
    assert items == seeded_library.fetch()
    assert groups and ["满意度", "满意率", "满意程度"] in groups


@given(
    st.lists(
        st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30)
        .map(str.strip)
        .filter(lambda s: s and "；" not in s and ";" not in s),
        min_size=0,
        max_size=3,
        unique=True,
    ),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=60)
    .map(str.strip)
    .filter(bool),
)
def test_excel_round_trip_property(
    tmp_path_factory: pytest.TempPathFactory, aliases: list[str], name: str
) -> None:
    from evallib.library.exchange import indicators_frame

    item = _item(name=name, aliases=aliases, explanation=name)
    folder = tmp_path_factory.mktemp("rt")
    from evallib.fileio import atomic_write_bytes
    from evallib.inert import frames_xlsx

    atomic_write_bytes(folder / "x.xlsx", frames_xlsx({"指标库": indicators_frame([item])}))
    back, _ = read_indicators(folder / "x.xlsx")
    assert back == [item]


def test_import_errors_name_row_and_column(tmp_path: Path) -> None:
    from evallib.library.exchange import indicators_frame

    frame = indicators_frame([_item("A-1"), _item("A-2")])
    frame.loc[1, "指标方向"] = "越高越好"
    f = tmp_path / "导入.xlsx"
    frame.to_excel(f, sheet_name="指标库", index=False)
    before = f.read_bytes()
    with pytest.raises(EvalError) as err:
        read_indicators(f)
    assert err.value.row == 3 and err.value.column == "指标方向" and err.value.sheet == "指标库"
    assert err.value.value == "越高越好"
    assert f.read_bytes() == before


def test_import_refuses_duplicate_codes(tmp_path: Path) -> None:
    data = {"indicators": [_item("D-1").model_dump(), _item("D-1").model_dump()]}
    f = tmp_path / "dup.yaml"
    f.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    lib = Library.open(tmp_path / "l.sqlite", seed=False)
    with pytest.raises(EvalError, match="编码重复"):
        import_library(lib, f)
    assert lib.count() == 0  # nothing half-imported


# --------------------------------------------------------------------------- concurrency


def _writer(path: str, prefix: str, n: int) -> None:
    lib = Library.open(path, seed=False)
    for i in range(n):
        lib.add(_item(f"{prefix}-{i}", name=f"{prefix}并发指标{i}"))
        store.record(
            lib,
            RunRecord(
                kind="score",
                project=f"{prefix}项目{i}",
                year=2024,
                sha256=f"{i:064x}",
                rows=[ResultRow(name="并发", actual="1")],
            ),
        )


def test_two_processes_writing_do_not_corrupt_sqlite(tmp_path: Path) -> None:
    path = str(tmp_path / "shared.sqlite")
    Library.open(path, seed=False).close()
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(path, p, 40)) for p in ("A", "B")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert con.execute("SELECT count(*) FROM indicator").fetchone() == (80,)
    assert con.execute("SELECT count(*) FROM run").fetchone() == (80,)
    assert con.execute("SELECT count(*) FROM result").fetchone() == (80,)
    con.close()


# --------------------------------------------------------------------------- results store


def _run(
    project: str,
    year: int,
    actual: str,
    *,
    dept: str = "某县交通运输局",
    total: float = 88.0,
    grade: str = "良",
    name: str = "工程验收合格率",
) -> RunRecord:
    sha = f"{abs(hash((project, year, actual, name))):064x}"[-64:]
    return RunRecord(
        kind="report",
        project=project,
        department=dept,
        year=year,
        total=total,
        grade=grade,
        sha256=sha,
        rows=[ResultRow(name=name, target="100%", actual=actual)],
    )


def test_record_a_real_score_folder_once(library_url: str, tmp_path: Path) -> None:
    out = tmp_path / "结果"
    assert main(["score", "key_project", str(DEMO_EVIDENCE), "--out", str(out)]) == 0
    lib = Library.open(library_url)
    with pytest.raises(EvalError, match="项目名称"):
        store.record_bundle(lib, out)
    rid, new = store.record_bundle(
        lib, out, project="某县农村公路项目", year=2025, department="交通局"
    )
    assert new
    assert store.record_bundle(lib, out, project="某县农村公路项目", year=2025) == (rid, False)
    result = json.loads((out / "result.json").read_text(encoding="utf-8"))
    h = store.history(lib, "预算执行率")
    assert h.code == "TY-03"
    expected = next(r for r in result["indicators"] if r["name"] == "预算执行率")
    assert h.rows["实际完成值"].tolist() == [expected["actual"]]
    assert h.rows["得分"].tolist() == [expected["score"]]
    pf = store.portfolio(lib, kind="score")
    assert pf.loc[0, "项目数"] == 1 and pf.loc[0, result["grade"]] == 1


def test_history_statistics_match_independent_computation(library_url: str) -> None:
    lib = Library.open(library_url)
    data = {
        2023: ["96%", "98%", "100%"],
        2024: ["97.5%", "99%", "100%", "92%"],
        2025: ["95%", "100%"],
    }
    for year, actuals in data.items():
        for i, a in enumerate(actuals):
            store.record(lib, _run(f"项目{i}", year, a))
    store.record(
        lib, _run("项目甲", 2025, "达成年度指标", name="竣工验收合格率")
    )  # alias, no number
    h = store.history(lib, "竣工验收合格率")  # an alias finds the indicator and its history
    assert h.code == "GC-02" and len(h.rows) == 10
    by_year = h.by_year.set_index("年度")
    for year, actuals in data.items():
        nums = [float(a.rstrip("%")) for a in actuals]
        assert by_year.loc[year, "中位数"] == pytest.approx(statistics.median(nums))
        assert by_year.loc[year, "最小值"] == min(nums) and by_year.loc[year, "最大值"] == max(nums)
    st_ = h.standard(years=2).iloc[0]
    recent = [float(a.rstrip("%")) for y in (2024, 2025) for a in data[y]]
    assert st_["中位数"] == pytest.approx(statistics.median(recent))
    assert st_["上年中位数"] == pytest.approx(statistics.median([95, 100]))
    assert "不计入统计" in " ".join(h.notes)
    assert "历史标准" in h.standard_zh()
    assert store.last_actual(lib, "工程验收合格率", "项目1", 2025) == 99.0
    assert store.last_actual(lib, "工程验收合格率", "项目9", 2025) is None


def test_history_never_mixes_units(library_url: str) -> None:
    lib = Library.open(library_url, seed=False)
    store.record(lib, _run("甲", 2024, "12公里", name="道路里程"))
    store.record(lib, _run("乙", 2024, "8000米", name="道路里程"))
    h = store.history(lib, "道路里程")
    assert sorted(h.by_year["单位"]) == ["公里", "米"]
    assert any("单位" in n for n in h.notes)
    none = store.history(lib, "无此指标")
    assert none.rows.empty and none.by_year.empty and "无法给出历史标准" in none.standard_zh()


def test_portfolio_counts_grades_per_year(library_url: str) -> None:
    lib = Library.open(library_url, seed=False)
    runs = [
        ("甲", 2024, 92.0, "优"),
        ("乙", 2024, 81.0, "良"),
        ("丙", 2024, 55.0, "差"),
        ("甲", 2025, 86.0, "良"),
    ]
    for p, y, t, g in runs:
        store.record(lib, _run(p, y, "100%", total=t, grade=g))
    pf = store.portfolio(lib).set_index("年度")
    assert pf.loc[2024, "项目数"] == 3 and pf.loc[2024, "优"] == 1 and pf.loc[2024, "差"] == 1
    assert pf.loc[2024, "平均总分"] == pytest.approx((92 + 81 + 55) / 3, abs=1e-4)
    assert pf.loc[2025, "良"] == 1
    assert store.portfolio(lib, department="无此部门").empty


def test_record_review_results(library_url: str, tmp_path: Path) -> None:
    from evallib.review import from_long_frame, generate_forms, review

    long, _truth = generate_forms(3, seed=7)
    res = review(from_long_frame(long, "生成的自评表"))
    lib = Library.open(library_url, seed=False)
    out = store.record_review(lib, res, sha256="a" * 64, source="生成的自评表", year=2025)
    assert len(out) == 3 and all(new for _id, new in out)
    with lib.engine.connect() as conn:
        n_rows = conn.execute(sa.text("SELECT count(*) FROM result")).scalar()
    assert n_rows == len(res.rows)


# --------------------------------------------------------------------------- suggest, compose


@pytest.mark.parametrize("ptype", ["工程建设", "培训", "设备购置", "会议"])
def test_suggestions_cover_the_required_classes(seeded_library: Library, ptype: str) -> None:
    items = suggest(seeded_library, ptype, limit=8)
    level2 = {s.indicator.level2 for s in items}
    level1 = {s.indicator.level1 for s in items}
    assert {"数量指标", "质量指标", "时效指标", "服务对象满意度指标"} <= level2
    assert "效益指标" in level1
    if ptype in ("工程建设", "设备购置"):
        assert "成本指标" in level1
    assert all(s.reasons for s in items)


def test_suggestions_follow_the_project_text(seeded_library: Library) -> None:
    items = suggest(
        seeded_library, "培训", "乡村教师能力提升培训", "培训教师600人次，考核合格率95%", limit=6
    )
    top = [s.indicator.code for s in items[:3]]
    assert "PX-08" in top and "PX-04" in top
    assert any("项目名称/内容提到" in r for r in items[0].reasons)
    with pytest.raises(EvalError, match="没有项目类型"):
        suggest(seeded_library, "不存在的类型")


def test_system_from_picks_is_a_valid_system(seeded_library: Library) -> None:
    from evallib.indicators import system_from_dict

    data = system_from_picks(
        seeded_library, parse_picks(["PX-01=20", "PX-04", "PX-06", "PX-09"]), name="教师培训"
    )
    system = system_from_dict(data)
    leaves = {leaf.name: leaf.points for leaf in system.leaves()}
    assert leaves["培训人次"] == 20
    assert sum(leaves.values()) == pytest.approx(100)
    assert leaves["培训合格率"] == 26.67 and leaves["参训人员满意度"] == 26.66
    assert [g.name for g in system.indicators] == ["产出指标", "满意度指标"]
    with pytest.raises(EvalError, match="合计"):
        system_from_picks(seeded_library, parse_picks(["PX-01=80", "PX-04=30"]), name="x")
    with pytest.raises(EvalError, match="没有编码"):
        system_from_picks(seeded_library, parse_picks(["NOPE"]), name="x")


def test_goal_classes_are_the_national_ten_plus_sustainability() -> None:
    assert list(GOAL_CLASSES) == ["成本指标", "产出指标", "效益指标", "满意度指标"]
    assert sum(len(v) for v in GOAL_CLASSES.values()) == 11
    items, _syn, _v = starter_indicators()
    assert all(i.source for i in items)
    assert len({i.code for i in items}) == len(items)


# --------------------------------------------------------------------------- CLI


def test_cli_library_round(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "cli.sqlite")
    assert main(["library", "init", "--db", db]) == 0
    assert main(["library", "search", "培训", "满意", "--db", db]) == 0
    assert "PX-09" in capsys.readouterr().out
    assert main(["library", "suggest", "--type", "工程建设", "--db", db]) == 0
    assert "补足" in capsys.readouterr().out
    assert (
        main(
            [
                "library",
                "add",
                "--code",
                "Z-1",
                "--name",
                "自定义指标",
                "--direction",
                "正向",
                "--alias",
                "自定义别名",
                "--db",
                db,
            ]
        )
        == 0
    )
    assert main(["library", "search", "自定义别名", "--db", db]) == 0
    assert "Z-1" in capsys.readouterr().out
    assert (
        main(["library", "add", "--code", "Z-2", "--name", "x", "--direction", "坏", "--db", db])
        == 2
    )
    assert "指标方向" in capsys.readouterr().err
    out = tmp_path / "结果"
    assert main(["score", "key_project", str(DEMO_EVIDENCE), "--out", str(out)]) == 0
    assert (
        main(["library", "record", str(out), "--project", "示例", "--year", "2025", "--db", db])
        == 0
    )
    assert main(["library", "history", "服务对象满意度", "--db", db]) == 0
    assert "历史标准" in capsys.readouterr().out
    assert (
        main(
            [
                "templates",
                "from-library",
                "GC-01",
                "GC-02",
                "GC-04",
                "GC-06",
                "GC-11",
                "--name",
                "道路工程",
                "--out",
                str(tmp_path / "体系.yaml"),
                "--db",
                db,
            ]
        )
        == 0
    )
    from evallib.indicators import load_system

    assert load_system(tmp_path / "体系.yaml").total == 100


def test_cli_review_records_published_forms(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from .conftest import data_path

    db = str(tmp_path / "r.sqlite")
    forms = data_path("review") / "published_forms.csv"
    args = ["review", str(forms), "--record", "--db", db, "--year", "2022"]
    assert main(args) == 0
    assert "已记入结果库" in capsys.readouterr().out
    assert main(args) == 0  # the same file again: recognised, not duplicated
    assert "新记录 0 个项目" in capsys.readouterr().out
    con = sqlite3.connect(db)
    n_runs = con.execute("SELECT count(*) FROM run WHERE kind = 'review'").fetchone()[0]
    con.close()
    import pandas as pd

    assert n_runs == pd.read_csv(forms)["项目编号"].nunique()


@pytest.mark.notebook
def test_library_notebook_runs(tmp_path: Path) -> None:
    from .conftest import run_notebook

    db = tmp_path / "nb.sqlite"
    lib = Library.open(db)
    for y, a in ((2023, "88%"), (2024, "91%"), (2025, "93.5%")):
        store.record(lib, _run(f"项目{y}", y, a, name="服务对象满意度"))
    joined, images = run_notebook("library.ipynb", tmp_path / "library.out.ipynb", {"db": str(db)})
    assert "PX-04" in joined  # search
    assert "补足" in joined  # suggestions cover the required classes
    assert "历史标准" in joined and "91" in joined
    assert images == 1  # the history chart


def test_library_without_synonyms_round_trips(tmp_path: Path) -> None:
    lib = Library.open(tmp_path / "a.sqlite", seed=False)
    lib.add(_item("N-1"))
    export_library(lib, tmp_path / "无同义词.xlsx")  # an empty 同义词 sheet (header only)
    other = Library.open(tmp_path / "b.sqlite", seed=False)
    assert import_library(other, tmp_path / "无同义词.xlsx") == 1
    assert other.synonyms() == {} and other.fetch() == lib.fetch()
