"""Parse targets (年度指标值) and actual values (实际完成值) as they are written on forms.

Published forms write "≥95%", "≧735人次", "═100%", "≤30天", "不低于90%", "100百分比", "1,200万元",
"1.2亿元", full-width "≥９５％", ranges "90%-95%", Chinese numerals "三个", and qualitative words
("达成年度指标", "有效", "较好").  :func:`parse_value` turns any of these into a
:class:`ParsedValue` (operator, number, unit, or qualitative tier); :func:`align` puts an actual
and a target in one unit or raises :class:`~evallib.errors.UnitMismatchError`.

Source: RULES.md §3 (operators, units, ranges, 百分比) and §4 (qualitative tiers).
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from .errors import TargetParseError, UnitMismatchError
from .units import Unit, compatible, lookup_unit

__all__ = [
    "ParsedValue",
    "Tier",
    "align",
    "chinese_to_number",
    "normalize_text",
    "parse_number",
    "parse_series",
    "parse_value",
    "tier_of_text",
]

Tier = Literal["achieved", "partial", "not_achieved"]
Operator = Literal[">=", ">", "<=", "<", "=", "range"]

_NO_UNIT = Unit("", "count:", 1.0)


@dataclass(frozen=True)
class ParsedValue:
    """A parsed target or actual value.

    Attributes
    ----------
    raw : str
        The text as given.
    operator : {">=", ">", "<=", "<", "=", "range"} or None
        None when the text carries no operator (a bare "98%").
    number : float or None
        The number as written, in ``unit`` (for a range: None, see ``low``/``high``).
    low, high : float or None
        Range bounds in ``unit``.
    unit : Unit
        The unit written ("" when none); ``unit_written`` tells whether one was written.
    text : str or None
        Qualitative text when there is no number.
    tier : {"achieved", "partial", "not_achieved"} or None
        Qualitative tier recognised in ``text`` (RULES.md §4).
    boolean : bool or None
        是/否, 有/无 and similar.
    """

    raw: str
    operator: str | None = None
    number: float | None = None
    low: float | None = None
    high: float | None = None
    unit: Unit = field(default=_NO_UNIT)
    unit_written: bool = False
    text: str | None = None
    tier: Tier | None = None
    boolean: bool | None = None

    @property
    def is_numeric(self) -> bool:
        return self.number is not None or self.low is not None

    @property
    def is_range(self) -> bool:
        return self.operator == "range"

    @property
    def base(self) -> float | None:
        """The number in the dimension's base unit (万元 → 元)."""
        return None if self.number is None else self.number * self.unit.factor

    def display(self) -> str:
        """Canonical short text, e.g. '≥95%'."""
        sym = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "=": "="}
        if self.is_range:
            return f"{_fmt(self.low)}-{_fmt(self.high)}{self.unit.symbol}"
        if self.number is not None:
            return f"{sym.get(self.operator or '', '')}{_fmt(self.number)}{self.unit.symbol}"
        return self.text or self.raw


def _fmt(x: float | None) -> str:
    if x is None:
        return ""
    return f"{x:.10g}"


# Operators, longest first so that 不低于 wins over 低于.
_PREFIX_OPS: list[tuple[str, str]] = sorted(
    [
        ("≥", ">="), (">=", ">="), ("=>", ">="), ("≮", ">="),
        ("不低于", ">="), ("不少于", ">="), ("不小于", ">="), ("大于等于", ">="),
        ("大于或等于", ">="), ("达到", ">="), ("至少", ">="), ("不得低于", ">="),
        ("不得少于", ">="),
        (">", ">"), ("大于", ">"), ("高于", ">"), ("超过", ">"), ("多于", ">"),
        ("≤", "<="), ("<=", "<="), ("=<", "<="), ("≯", "<="),
        ("不高于", "<="), ("不超过", "<="), ("不大于", "<="), ("不多于", "<="),
        ("小于等于", "<="), ("小于或等于", "<="), ("至多", "<="), ("控制在", "<="),
        ("不得超过", "<="), ("不得高于", "<="),
        ("<", "<"), ("小于", "<"), ("低于", "<"), ("少于", "<"),
        ("==", "="), ("=", "="), ("等于", "="),
    ],
    key=lambda p: len(p[0]),
    reverse=True,
)  # fmt: skip
_PREFIX_OP_RE = re.compile("|".join(re.escape(w) for w, _ in _PREFIX_OPS))  # same order
_PREFIX_OP = dict(_PREFIX_OPS)
_SUFFIX_OPS: list[tuple[str, str]] = [
    ("及以上", ">="), ("以上", ">="), ("及以下", "<="), ("以下", "<="), ("以内", "<="),
]  # fmt: skip
_SUFFIX_LAST = frozenset(w[-1] for w, _ in _SUFFIX_OPS)  # cheap test before the loop
# A deadline in a calendar month: "9月前", "11月底前", "6月份以前", "九月之前" → ≤ that month
# (read as 不晚于 — not later than); "3个月前" (three months ago) is not one.  The month number is
# then compared like any ≤ target, so an actual "7月" meets "9月前".
_DEADLINE_RE = re.compile(r"^(\d{1,2}|[一二三四五六七八九十]{1,3})月(?:份|底|末)?(?:之前|以前|前)$")
# An actual written as a calendar month: "7月份", "10月底", "12月末" → that month.
_MONTH_RE = re.compile(r"^(\d{1,2}|[一二三四五六七八九十]{1,3})月(?:份|底|末)$")
_CHAR_MAP = str.maketrans(
    {
        "═": "=", "≧": "≥", "≦": "≤", "〇": "零", "—": "-", "–": "-", "―": "-",
        "～": "~", "∽": "~", "≈": "", "㎡": "m2", "㎞": "km",
    }
)  # fmt: skip
_THOUSANDS_RE = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_NUM = r"[+-]?\d+(?:\.\d+)?"
_RANGE_RE = re.compile(rf"^({_NUM})([^\d~\-至到]*?)(?:-|~|至|到)({_NUM})(\D*)$")
_NUMBER_RE = re.compile(rf"^({_NUM})(.*)$")
_PERCENT_OF_RE = re.compile(r"^百分之(.+)$")
_FORBIDDEN_IN_UNIT = re.compile(r"[\d<>=≥≤~+]|%.|^\.|-")

# Qualitative vocabularies (RULES.md §4 tiers; words as printed on published forms).
_NOT_ACHIEVED = (
    "未达成", "未达到", "未完成", "没有完成", "未实现", "未按时", "效果较差", "较差", "很差",
    "差", "无效", "不合格", "不达标", "不符合", "不满意", "不及时", "不规范", "不健全",
    "不充分", "未", "否",
)  # fmt: skip
_PARTIAL = (
    "部分达成", "部分完成", "部分实现", "基本达成", "基本达到", "基本完成", "基本实现",
    "基本符合", "基本满意", "一定效果", "一般", "部分", "基本",
)  # fmt: skip
_ACHIEVED = (
    "达成年度指标", "达成", "达到预期", "达标", "完成", "实现", "有效", "显著", "明显",
    "较好", "良好", "较高", "优秀", "好", "优", "高", "合格", "符合", "满意", "提升",
    "提高", "改善", "增加", "增强", "降低", "减少", "持续", "长期", "规范", "健全", "充分",
    "及时", "按时", "是", "有",
)  # fmt: skip
_TRUE_WORDS = {"是", "有", "已完成", "完成", "true", "yes", "y", "√", "✓", "符合", "已"}
_FALSE_WORDS = {"否", "无", "未完成", "false", "no", "n", "×", "✗", "不符合", "未"}

_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
              "八": 8, "九": 9}  # fmt: skip
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10_000, "亿": 100_000_000}
_CN_NUM_RE = re.compile(r"^([零一二两三四五六七八九十百千万亿点]+)(.*)$")
_COUNT_UNITS = set(
    "个 人 人次 次 项 家 所 户 件 台 套 座 处 名 篇 期 场 批 份 辆 株 棵 头 只 册 本 部 间 张 "
    "条 支 根 栋 幢 宗 笔 类 门 例 床 班 村 校 课时 学时 轮 种 户次 个次 批次 场次 期次 "
    "对 组 片 块 座次 所次 份次".split()
)


def normalize_text(text: str) -> str:
    """NFKC-normalise (full-width → ASCII), map look-alike symbols, drop spaces and thousands
    separators.

    >>> normalize_text("≧ 1，200 人次")
    '≥1200人次'
    """
    s = "".join(unicodedata.normalize("NFKC", str(text)).translate(_CHAR_MAP).split())
    if "," in s:
        s = _THOUSANDS_RE.sub("", s)
    return s


def chinese_to_number(s: str) -> float:
    """Convert a Chinese numeral ("一百二十三", "两万五千", "三点五") to a number.

    Raises ValueError on anything else.

    >>> chinese_to_number("一百二十三"), chinese_to_number("十二"), chinese_to_number("两万五千")
    (123.0, 12.0, 25000.0)
    """
    if not s or any(c not in _CN_DIGITS and c not in _CN_UNITS and c not in _CN_BIG
                    and c != "点" for c in s):  # fmt: skip
        raise ValueError(s)
    if "点" in s:
        whole, _, frac = s.partition("点")
        if not frac or any(c not in _CN_DIGITS for c in frac):
            raise ValueError(s)
        w = chinese_to_number(whole) if whole else 0.0
        return w + float("0." + "".join(str(_CN_DIGITS[c]) for c in frac))
    total = 0
    section = 0
    digit: int | None = None
    for c in s:
        if c in _CN_DIGITS:
            digit = _CN_DIGITS[c]
        elif c in _CN_UNITS:
            section += (1 if digit is None else digit) * _CN_UNITS[c]
            digit = None
        else:  # 万 / 亿
            section += digit or 0
            if section == 0:
                raise ValueError(s)
            total += section * _CN_BIG[c]
            section = 0
            digit = None
    section += digit or 0
    return float(total + section)


def tier_of_text(text: str) -> Tier | None:
    """Qualitative tier (RULES.md §4) recognised in ``text``, or None.

    Negative words are checked first ("未达成年度指标" contains "达成年度指标"), then partial,
    then achieved.

    >>> tier_of_text("达成年度指标"), tier_of_text("部分达成年度指标并具有一定效果")
    ('achieved', 'partial')
    >>> tier_of_text("未达成年度指标且效果较差"), tier_of_text("群众出行")
    ('not_achieved', None)
    """
    s = normalize_text(text)
    for words, tier in ((_NOT_ACHIEVED, "not_achieved"), (_PARTIAL, "partial"),
                        (_ACHIEVED, "achieved")):  # fmt: skip
        if any(w in s for w in words):
            # "不断提升", "不断改善" are positive despite the 不.
            return tier  # type: ignore[return-value]
    return None


def _bool_of(s: str) -> bool | None:
    low = s.lower()
    if low in _TRUE_WORDS:
        return True
    if low in _FALSE_WORDS:
        return False
    return None


def _check_unit(unit_text: str, raw: str, where: dict[str, Any]) -> Unit:
    if unit_text and (_FORBIDDEN_IN_UNIT.search(unit_text) or len(unit_text) > 10):
        raise TargetParseError(
            f"无法识别数值后的单位 (unit)「{unit_text}」",
            value=raw,
            fix="写成「运算符+数字+单位」，如 ≥95%、≤30天、1200万元",
            **where,
        )
    return lookup_unit(unit_text)


def _is_month(digits: str) -> bool:
    n = float(digits) if digits.isdigit() else chinese_to_number(digits)
    return 1 <= n <= 12


def parse_value(text: Any, **where: Any) -> ParsedValue:
    """Parse a target (年度指标值) or actual value (实际完成值).

    Parameters
    ----------
    text : str or number
        The value as written.  Numbers are taken as they are, with no unit.
    **where
        Location (file, sheet, row, column) for the error message.

    Returns
    -------
    ParsedValue

    Raises
    ------
    TargetParseError
        Empty text, an operator without a number, a range with a bad unit, digits in the unit.

    Examples
    --------
    >>> v = parse_value("≧735人次"); (v.operator, v.number, v.unit.symbol)
    ('>=', 735.0, '人次')
    >>> parse_value("1.2亿元").base
    120000000.0
    >>> parse_value("90%-95%").low, parse_value("90%-95%").high
    (90.0, 95.0)
    >>> parse_value("达成年度指标").tier
    'achieved'
    >>> v = parse_value("9月底前"); (v.operator, v.number, v.unit.symbol)
    ('<=', 9.0, '月')
    """
    if isinstance(text, bool):
        return ParsedValue(raw=str(text), boolean=text, text=str(text),
                           tier="achieved" if text else "not_achieved")  # fmt: skip
    if isinstance(text, int | float):
        if not math.isfinite(text):
            raise TargetParseError("数值为空或非数 (NaN)", value=text, **where)
        return ParsedValue(raw=str(text), number=float(text))
    raw = "" if text is None else str(text)
    return ParsedValue(raw, *_parse_text(raw, where))


_Fields = tuple[str | None, float | None, float | None, float | None, Unit, bool, str | None,
                Tier | None, bool | None]  # fmt: skip


def _parse_text(raw: str, where: dict[str, Any]) -> _Fields:
    """:func:`parse_value` of a string: the fields of :class:`ParsedValue` after ``raw``
    (operator, number, low, high, unit, unit_written, text, tier, boolean)."""
    s = normalize_text(raw)
    if s in ("", "-", "/", "—", "无数据", "nan", "None"):
        raise TargetParseError(
            "值为空 (empty value)", value=raw, fix="填写指标值或实际完成值", **where
        )
    s = s.removeprefix("约").removesuffix("左右")
    op: str | None = None
    m = _PREFIX_OP_RE.match(s)  # the longest operator word the text starts with
    if m:
        op, s = _PREFIX_OP[m.group()], s[m.end() :]
    for word, o in _SUFFIX_OPS if s[-1:] in _SUFFIX_LAST else ():
        if s.endswith(word) and len(s) > len(word):
            if op is None or op == o:
                op, s = o, s[: -len(word)]
            break
    m = _DEADLINE_RE.match(s) or _MONTH_RE.match(s)
    if m and (op is None or op == "<=") and _is_month(m.group(1)):
        op = "<=" if m.re is _DEADLINE_RE else op
        s = f"{m.group(1)}月"
    if not s:
        raise TargetParseError(
            "运算符 (operator) 后缺少数值", value=raw, fix="如 ≥95%、≤30天", **where
        )
    m = _PERCENT_OF_RE.match(s)
    if m:  # 百分之九十五 / 百分之95
        inner = m.group(1)
        try:
            num = float(inner) if re.fullmatch(_NUM, inner) else chinese_to_number(inner)
        except ValueError:
            raise TargetParseError("无法识别「百分之」后的数值", value=raw, **where) from None
        return op, num, None, None, lookup_unit("%"), True, None, None, None
    m = _RANGE_RE.match(s)
    if m and op is None:
        lo, u1, hi, u2 = m.group(1), m.group(2), m.group(3), m.group(4)
        if u1 and u2 and u1 != u2:
            raise TargetParseError(f"区间 (range) 两端单位不一致：{u1} 与 {u2}", value=raw, **where)
        unit = _check_unit(u2 or u1, raw, where)
        low, high = float(lo), float(hi)
        if low > high:
            raise TargetParseError(
                "区间 (range) 下限大于上限", value=raw, fix="写成「下限-上限」，如 90%-95%", **where
            )
        return "range", None, low, high, unit, bool(u1 or u2), None, None, None
    m = _NUMBER_RE.match(s)
    if m:
        unit = _check_unit(m.group(2), raw, where)
        return op, float(m.group(1)), None, None, unit, bool(m.group(2)), None, None, None
    m = _CN_NUM_RE.match(s)
    if m:
        unit_text = m.group(2)
        known = unit_text in _COUNT_UNITS or lookup_unit(unit_text).dimension[:6] != "count:"
        if known or (unit_text == "" and op is not None):
            try:
                num = chinese_to_number(m.group(1))
            except ValueError:
                num = None
            if num is not None:
                unit = lookup_unit(unit_text)
                return op, num, None, None, unit, bool(unit_text), None, None, None
    if op is not None:
        raise TargetParseError(
            f"运算符 (operator) 后不是数值：「{s}」",
            value=raw,
            fix="定量指标写成「运算符+数字+单位」，如 ≥95%；定性指标不要加运算符",
            **where,
        )
    return None, None, None, None, _NO_UNIT, False, s, tier_of_text(s), _bool_of(s)


def parse_number(value: Any, **where: Any) -> float:
    """Parse a plain number cell (分值, 预算数...), allowing "1,200", full-width digits, "95%".

    Raises
    ------
    TargetParseError
        When the cell holds text that is not a number.
    """
    if isinstance(value, bool):
        raise TargetParseError("此处应为数值 (number)", value=value, **where)
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise TargetParseError("此处应为数值 (number)，但单元格为空", value=None, **where)
        return float(value)
    s = normalize_text("" if value is None else str(value)).removesuffix("%")
    for suffix in ("万元", "元", "分"):
        s = s.removesuffix(suffix)
    try:
        x = float(s)
    except ValueError:
        x = math.nan
    if math.isfinite(x):
        return x
    raise TargetParseError(
        "此处应为数值 (number)，但填写的是文字或为空",
        value=value,
        fix="只填写数字，如 10 或 12.5",
        **where,
    )


def align(actual: ParsedValue, target: ParsedValue, **where: Any) -> tuple[float, float, Unit]:
    """Express ``actual`` and ``target`` in one unit.

    A value written without a unit takes the other's unit (forms often write the actual as a
    bare number).  Otherwise the units must share a dimension (万元 and 亿元 do; 人 and 人次 do
    not).

    Returns
    -------
    (a, t, unit) : tuple
        Actual and target in ``unit`` (the target's unit when written, else the actual's).
        For a range target, ``t`` is the lower bound.

    Raises
    ------
    UnitMismatchError
    """
    t_num = target.low if target.is_range else target.number
    if actual.number is None or t_num is None:
        raise TargetParseError("需要数值 (numeric value)", value=actual.raw, **where)
    if not actual.unit_written or not target.unit_written:
        unit = target.unit if target.unit_written else actual.unit
        return actual.number, t_num, unit
    if not compatible(actual.unit, target.unit):
        raise UnitMismatchError(
            f"实际完成值单位「{actual.unit.symbol}」与指标值单位「{target.unit.symbol}」"
            "不一致，无法换算 (unit mismatch)",
            value=f"{actual.raw} vs {target.raw}",
            fix="统一两者的计量单位，或在实际完成值中只填写数字",
            **where,
        )
    factor = actual.unit.factor / target.unit.factor
    return actual.number * factor, t_num, target.unit


PARSED_COLUMNS = ["op", "num", "low", "high", "unit", "dim", "factor", "unit_written", "tier",
                  "boolean", "error"]  # fmt: skip


def _parsed_row(text: str) -> tuple[Any, ...]:
    """:func:`parse_value`'s reading of one string as a row (the error message on failure)."""
    try:
        op, num, low, high, unit, written, _, tier, boolean = _parse_text(text, {})
    except TargetParseError as exc:
        return (None, np.nan, np.nan, np.nan, "", "", 1.0, False, None, None,
                exc.problems[0].message)  # fmt: skip
    return (op, np.nan if num is None else num, np.nan if low is None else low,
            np.nan if high is None else high, unit.symbol, unit.dimension, unit.factor, written,
            tier, boolean, None)  # fmt: skip


def parse_series(values: pd.Series) -> pd.DataFrame:
    """Parse a column of targets or actuals at once: each distinct string is parsed once, by
    :func:`parse_value` itself — the one parser, so review reads a form exactly as ``evaluate``
    does.

    Returns a DataFrame aligned with ``values`` with columns op, num, low, high, unit, dim,
    factor, unit_written, tier, boolean, error (the parse error message, else None).
    """
    s = values.astype("string").fillna("")
    codes, uniq = pd.factorize(s)
    rows = [_parsed_row(u) for u in uniq.to_numpy(dtype=object)]
    table = pd.DataFrame(rows, columns=PARSED_COLUMNS)
    out = table.iloc[codes].reset_index(drop=True)
    out.index = values.index
    return out
