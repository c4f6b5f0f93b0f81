"""Target/actual parsing (RULES.md §3): operators, units, Chinese multipliers, full-width
characters, ranges, 百分比, Chinese numerals, qualitative words."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evallib.errors import TargetParseError, UnitMismatchError
from evallib.parsing import align, chinese_to_number, normalize_text, parse_number, parse_value

# (text, operator, number, unit symbol, base value in the dimension's base unit)
NUMERIC = [
    ("≥95%", ">=", 95, "%", 95),
    ("≧735人次", ">=", 735, "人次", 735),
    ("═100%", "=", 100, "%", 100),
    ("≤30天", "<=", 30, "天", 30),
    ("不低于90%", ">=", 90, "%", 90),
    ("100百分比", None, 100, "百分比", 100),
    ("1,200万元", None, 1200, "万元", 12_000_000),
    ("1.2亿元", None, 1.2, "亿元", 120_000_000),
    ("≥９５％", ">=", 95, "%", 95),
    ("＞＝98%", ">=", 98, "%", 98),
    ("≦15天", "<=", 15, "天", 15),
    (">=90%", ">=", 90, "%", 90),
    ("<=5%", "<=", 5, "%", 5),
    ("＜3次", "<", 3, "次", 3),
    ("＞0", ">", 0, "", 0),
    ("=1项", "=", 1, "项", 1),
    ("＝１项", "=", 1, "项", 1),
    ("不少于500户", ">=", 500, "户", 500),
    ("不超过10个工作日", "<=", 10, "个工作日", 10),
    ("不高于3‰", "<=", 3, "‰", 0.3),
    ("达到100%", ">=", 100, "%", 100),
    ("95%以上", ">=", 95, "%", 95),
    ("30天以内", "<=", 30, "天", 30),
    ("2年以下", "<=", 2, "年", 2),
    ("≥12.5公里", ">=", 12.5, "公里", 12_500),
    ("≥1.2万人次", ">=", 1.2, "万人次", 12_000),
    ("5万", None, 5, "万", 50_000),
    ("3,500,000元", None, 3_500_000, "元", 3_500_000),
    ("≥ 95 %", ">=", 95, "%", 95),
    ("98.5%", None, 98.5, "%", 98.5),
    ("-5%", None, -5, "%", -5),
    ("800亩", None, 800, "亩", 800 * 10000 / 15),
    ("三个", None, 3, "个", 3),
    ("十二项", None, 12, "项", 12),
    ("≥两百人", ">=", 200, "人", 200),
    ("百分之九十五", None, 95, "%", 95),
    ("约50台", None, 50, "台", 50),
    ("735", None, 735, "", 735),
    ("≥2小时", ">=", 2, "小时", 2),
    ("大于等于80分", ">=", 80, "分", 80),
    ("小于1%", "<", 1, "%", 1),
    ("≤100万元", "<=", 100, "万元", 1_000_000),
]


@pytest.mark.parametrize(("text", "op", "num", "unit", "base"), NUMERIC)
def test_numeric(text: str, op: str | None, num: float, unit: str, base: float) -> None:
    v = parse_value(text)
    assert v.operator == op
    assert v.number == pytest.approx(num)
    assert v.unit.symbol == unit
    assert v.base == pytest.approx(base)


RANGES = [
    ("90%-95%", 90, 95, "%"),
    ("90%~95%", 90, 95, "%"),
    ("90-95%", 90, 95, "%"),
    ("９０％－９５％", 90, 95, "%"),
    ("90%至95%", 90, 95, "%"),
    ("10～20天", 10, 20, "天"),
]


@pytest.mark.parametrize(("text", "low", "high", "unit"), RANGES)
def test_ranges(text: str, low: float, high: float, unit: str) -> None:
    v = parse_value(text)
    assert (v.operator, v.low, v.high, v.unit.symbol) == ("range", low, high, unit)


QUALITATIVE = [
    ("达成年度指标", "achieved", None),
    ("部分达成年度指标并具有一定效果", "partial", None),
    ("未达成年度指标且效果较差", "not_achieved", None),
    ("有效", "achieved", None),
    ("较好", "achieved", None),
    ("显著提升", "achieved", None),
    ("基本达成", "partial", None),
    ("一般", "partial", None),
    ("效果较差", "not_achieved", None),
    ("是", "achieved", True),
    ("否", "not_achieved", False),
    ("群众出行", None, None),
]


@pytest.mark.parametrize(("text", "tier", "boolean"), QUALITATIVE)
def test_qualitative(text: str, tier: str | None, boolean: bool | None) -> None:
    v = parse_value(text)
    assert not v.is_numeric
    assert v.tier == tier
    assert v.boolean == boolean


def test_at_least_forty_forms() -> None:
    assert len(NUMERIC) + len(RANGES) + len(QUALITATIVE) >= 40


def test_numbers_pass_through() -> None:
    assert parse_value(0.95).number == 0.95
    assert parse_value(12).unit.symbol == ""


@pytest.mark.parametrize(
    "bad", ["", "   ", "≥", "≥%", "不低于", "≥较好", "95%%", "≥9a5%", "95%-90%", "90%-95天"]
)
def test_malformed(bad: str) -> None:
    with pytest.raises(TargetParseError):
        parse_value(bad, file="f.xlsx", row=3, column="年度指标值")


def test_error_names_location() -> None:
    with pytest.raises(TargetParseError) as ei:
        parse_value("≥较好", file="体系.xlsx", sheet="Sheet1", row=7, column="年度指标值")
    msg = str(ei.value)
    assert "体系.xlsx" in msg and "Sheet1" in msg and "第 7 行" in msg and "年度指标值" in msg


def test_chinese_numerals() -> None:
    assert chinese_to_number("一百零五") == 105
    assert chinese_to_number("三千零二十") == 3020
    assert chinese_to_number("十") == 10
    assert chinese_to_number("一亿二千万") == 120_000_000
    assert chinese_to_number("三点五") == 3.5
    with pytest.raises(ValueError):
        chinese_to_number("一般")


class TestAlign:
    def test_converts_money(self) -> None:
        a, t, unit = align(parse_value("1.1亿元"), parse_value("≥12000万元"))
        assert unit.symbol == "万元"
        assert a == pytest.approx(11000) and t == 12000

    def test_bare_actual_takes_target_unit(self) -> None:
        a, t, unit = align(parse_value("96"), parse_value("≥95%"))
        assert (a, t, unit.symbol) == (96, 95, "%")

    def test_percent_aliases(self) -> None:
        a, t, _ = align(parse_value("98%"), parse_value("100百分比"))
        assert (a, t) == (98, 100)

    def test_mass(self) -> None:
        a, t, _ = align(parse_value("1.5吨"), parse_value("≥1200公斤"))
        assert a == pytest.approx(1500) and t == 1200

    @pytest.mark.parametrize(
        ("actual", "target"),
        [("735人", "≥700人次"), ("12天", "≤1个月"), ("95%", "≥100人"), ("3公里", "≥2亩")],
    )
    def test_mismatch(self, actual: str, target: str) -> None:
        with pytest.raises(UnitMismatchError, match="unit mismatch"):
            align(parse_value(actual), parse_value(target), file="e.csv", row=4)


@pytest.mark.parametrize(
    ("text", "value"), [("10", 10), ("1,200", 1200), ("１２.５", 12.5), (7, 7)]
)
def test_parse_number(text: object, value: float) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize("bad", ["十分", "abc", None, "", True])
def test_parse_number_rejects(bad: object) -> None:
    with pytest.raises(TargetParseError, match="数值"):
        parse_number(bad, file="x.xlsx", row=2, column="分值")


def test_every_operator_word_reads_as_the_longest_match() -> None:
    """Each operator word of the table, before a number, gives its own operator — the longest
    word wins (不低于 is ≥, not 低于's <; 大于或等于 is ≥, not 大于's >), whatever order the
    table lists them in; a suffix word is taken only when something stands before it."""
    from evallib.parsing import _PREFIX_OPS, _SUFFIX_OPS

    for word, op in _PREFIX_OPS:
        longest = max((w for w, _ in _PREFIX_OPS if (word + "5个").startswith(w)), key=len)
        assert longest == word
        v = parse_value(f"{word}5个")
        assert (v.operator, v.number, v.unit.symbol) == (op, 5.0, "个"), word
    for word, op in _SUFFIX_OPS:
        v = parse_value(f"5个{word}")
        assert (v.operator, v.number, v.unit.symbol) == (op, 5.0, "个"), word
    assert parse_value("以上").operator is None and parse_value("以上").text == "以上"


_TEXT = list("0123456789,.%≥≧ \t\u3000\u00a0\u2009\n人次万元一二十月前")


@given(st.text(alphabet=st.sampled_from(_TEXT), max_size=12))
@settings(max_examples=300, deadline=None)
def test_normalize_text_removes_exactly_the_regex_whitespace(text: str) -> None:
    """Whitespace is dropped as ``re.sub(r"\\s+", "")`` does (every Unicode space, after NFKC),
    and thousands separators only between a digit and three digits."""
    import re
    import unicodedata

    from evallib.parsing import _CHAR_MAP

    want = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text).translate(_CHAR_MAP))
    want = re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", want)
    assert normalize_text(text) == want
