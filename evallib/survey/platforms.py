"""Export platforms as data: their meta columns, header styles and markers.

One table (:data:`PROFILES`) says, for each platform, which columns are metadata and what they
hold; one list (:data:`HEADER_PATTERNS`) says how question headers are written.  Detection
scores the profiles by the meta columns present; a spec may name the platform (``platform:``)
or add columns (``meta_columns:``).  Sources of the shapes: ``tests/data/surveys/README.md``.

Meta roles
----------
respondent, submitted, started, duration, source, source_detail, ip, country, province, city,
location, device, other — and the personal ones (:data:`PERSONAL_ROLES`), which are masked in
every output and never analysed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "HEADER_PATTERNS",
    "PERSONAL_ROLES",
    "PROFILES",
    "Profile",
    "detect_platform",
    "match_key",
    "norm_header",
    "parse_durations",
    "parse_ip",
]

#: Meta roles that identify a person, with the masking kind used for them.
PERSONAL_ROLES = {
    "nickname": "name",
    "submitter": "name",
    "username": "other",
    "user_id": "other",
    "openid": "other",
    "email": "email",
}


@dataclass(frozen=True)
class Profile:
    """One platform's export: ``meta`` maps a header (as normalised by :func:`norm_header`)
    to its role; ``signature`` lists headers typical of this platform only."""

    key: str
    name_zh: str
    meta: dict[str, str]
    signature: tuple[str, ...]
    notes: str = ""
    aliases: tuple[str, ...] = field(default_factory=tuple)


PROFILES: dict[str, Profile] = {
    p.key: p
    for p in (
        Profile(
            "wjx", "问卷星",
            {"序号": "respondent", "提交答卷时间": "submitted", "所用时间": "duration",
             "来源": "source", "来源详情": "source_detail", "来自IP": "ip", "总分": "other",
             "开始答卷时间": "started", "答卷开始时间": "started"},
            ("提交答卷时间", "所用时间", "来自IP", "来源详情"),
            "按选项文本/按选项序号; (跳过)/-3 skipped, (空)/-2 blank; 所用时间 '123秒'",
        ),
        Profile(
            "tencent", "腾讯问卷",
            {"编号": "respondent", "开始答题时间": "started", "结束答题时间": "submitted",
             "答题时长": "duration", "地理位置国家和地区": "country", "地理位置省": "province",
             "地理位置市": "city", "自定义字段": "other", "用户类型": "other",
             "用户标识": "user_id", "昵称": "nickname", "IP": "ip", "UA": "device",
             "Referrer": "source_detail", "语言": "other", "清洗数据结果": "other",
             "智能清洗数据无效概率": "other", "中奖时间": "other", "中奖金额": "other",
             "审核状态": "other", "原始记录编号": "other"},
            ("开始答题时间", "结束答题时间", "地理位置国家和地区", "地理位置省", "用户标识"),
            "headers '1.题干', matrix/multi '5.题干:子题', blanks '_填空1'; 答题时长 in seconds",
        ),
        Profile(
            "wenjuanwang", "问卷网",
            {"答卷编号": "respondent", "序号": "respondent", "用户名": "username",
             "邮件": "email", "开始时间": "started", "结束时间": "submitted",
             "提交时间": "submitted", "答题时长": "duration", "IP地址": "ip",
             "来源渠道": "source", "渠道": "source", "地理位置": "location",
             "答题设备": "device", "操作系统": "device", "浏览器": "device"},
            ("答卷编号", "IP地址", "来源渠道", "邮件"),
            "headers 'Q2_题干_子题'; 答题时长 '4分53秒'",
        ),
        Profile(
            "jinshuju", "金数据",
            {"序号": "respondent", "提交人": "submitter", "填写设备": "device",
             "操作系统": "device", "浏览器": "device", "填写时长": "duration",
             "填写地区": "location", "IP": "ip", "IP地址": "ip", "提交时间": "submitted",
             "修改时间": "other", "微信昵称": "nickname", "微信OpenID": "openid",
             "微信性别": "other", "微信国家": "other", "微信省份": "other",
             "微信城市": "other", "微信头像": "other", "填写开始时间": "started",
             "渠道": "source", "来源": "source"},
            ("提交人", "填写设备", "填写时长", "微信OpenID", "修改时间", "填写地区"),
            "headers are the question texts, without numbers; NPS 0–10",
        ),
        Profile(
            "credamo", "见数",
            {"作答ID": "respondent", "答卷ID": "respondent", "用户ID": "user_id",
             "开始时间": "started", "提交时间": "submitted", "作答时长": "duration",
             "作答时长(秒)": "duration", "IP": "ip", "IP地址": "ip", "作答状态": "other",
             "样本状态": "other", "省份": "province", "城市": "city", "设备": "device"},
            ("作答ID", "作答时长", "作答时长(秒)", "作答状态", "样本状态"),
            "headers 'Q1.题干', matrix 'Q5_子题'",
        ),
        Profile(
            "generic", "通用表格",
            {"序号": "respondent", "编号": "respondent", "ID": "respondent",
             "开始时间": "started", "提交时间": "submitted", "时长": "duration",
             "答题时长": "duration", "用时": "duration", "IP": "ip", "IP地址": "ip"},
            (),
        ),
    )
}  # fmt: skip

#: Question header styles, tried in order; named groups q (number), text, sub (matrix row or
#: option).  Headers are NFKC-normalised first (full-width brackets and colons become ASCII).
HEADER_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("5(子题)", re.compile(r"^(?P<q>\d+)\s*\((?P<sub>.+)\)$")),
    ("第6题(选项)", re.compile(r"^第(?P<q>\d+)题\s*\((?P<sub>.+)\)$")),
    ("8、(选项)", re.compile(r"^(?P<q>\d+)\s*[、.:]\s*\((?P<sub>[^()]+)\)$")),
    ("Q2_题干_子题", re.compile(r"^[Qq](?P<q>\d+)[_.、:\s]\s*(?P<text>.+?)_(?P<sub>[^_]+)$")),
    ("Q2.题干", re.compile(r"^[Qq](?P<q>\d+)\s*(?:[_.、:\s]\s*(?P<text>.*))?$")),
    ("第6题 题干", re.compile(r"^第(?P<q>\d+)题\s*[、.:]?\s*(?P<text>.*)$")),
    ("5、题干—子题", re.compile(r"^(?P<q>\d+)\s*[、.．:]\s*(?P<text>.*)$")),
]
#: Separators between a question text and its matrix row / option (after a numbered header).
SUB_SEPARATORS = re.compile(r"\s*(?:—+|－|--|:|_)\s*")

_PUNCT = re.compile(r"[\W_]+", re.UNICODE)


def norm_header(s: Any) -> str:
    """NFKC, no whitespace: the form headers are compared in."""
    return "".join(unicodedata.normalize("NFKC", str(s)).split())


def match_key(s: Any) -> str:
    """Text for tolerant matching: NFKC, lower case, without whitespace or punctuation
    (full/half-width brackets, colons, dashes, quotes all vanish)."""
    return _PUNCT.sub("", unicodedata.normalize("NFKC", str(s)).lower())


def detect_platform(headers: list[str], forced: str | None = None) -> Profile:
    """The profile whose meta columns the header row holds best (``forced``: by key or
    Chinese name); generic when no platform has two of its columns and one of its signature."""
    if forced is not None:
        for p in PROFILES.values():
            if forced in (p.key, p.name_zh, *p.aliases):
                return p
        raise KeyError(forced)
    have = {norm_header(h) for h in headers}
    best, best_score = PROFILES["generic"], (0, 0)
    for p in PROFILES.values():
        if p.key == "generic":
            continue
        sig = sum(norm_header(h) in have for h in p.signature)
        score = (sig, sum(norm_header(h) in have for h in p.meta))
        if sig >= 1 and score[1] >= 2 and score > best_score:
            best, best_score = p, score
    return best


_DUR = re.compile(
    r"^(?:(?P<h>\d+(?:\.\d+)?)\s*(?:小时|时|h|hr|hours?))?\s*"
    r"(?:(?P<m>\d+(?:\.\d+)?)\s*(?:分钟|分|min|mins|m))?\s*"
    r"(?:(?P<s>\d+(?:\.\d+)?)\s*(?:秒钟|秒|s|sec|secs)?)?$",
    re.IGNORECASE,
)
_CLOCK = re.compile(r"^(?:(?P<h>\d+):)?(?P<m>\d{1,2}):(?P<s>\d{1,2}(?:\.\d+)?)$")


def parse_durations(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Seconds from "123", "123秒", "4分53秒", "1小时2分", "00:04:53", "4:53" (m:ss).

    Returns the seconds (NaN where empty or unreadable) and a mask of the non-empty values
    that could not be read.  Each distinct text is parsed once.
    """
    codes, uniq = pd.factorize(series, use_na_sentinel=True)
    secs_u, bad_u = _parse_duration_texts(pd.Series([*list(uniq), None], dtype=object))
    return secs_u[codes], bad_u[codes]


def _parse_duration_texts(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    s = series.astype("string").fillna("").str.strip()
    s = s.map(lambda v: unicodedata.normalize("NFKC", v) if v else v)
    empty = s.isin(["", "(空)", "-", "--"])
    secs = np.full(len(s), np.nan)
    a = s.str.extract(_DUR.pattern, flags=re.IGNORECASE)
    has = a.notna().any(axis=1) & ~empty
    parts = a.apply(pd.to_numeric, errors="coerce").fillna(0.0)
    total = parts["h"] * 3600 + parts["m"] * 60 + parts["s"]
    secs[has.to_numpy()] = total[has].to_numpy(dtype=float)
    c = s.str.extract(_CLOCK.pattern)
    hc = c["m"].notna() & ~empty
    cp = c.apply(pd.to_numeric, errors="coerce").fillna(0.0)
    ctot = cp["h"] * 3600 + cp["m"] * 60 + cp["s"]
    secs[hc.to_numpy()] = ctot[hc].to_numpy(dtype=float)
    bad = (~empty & ~has & ~hc).to_numpy()
    return secs, bad


_IPV4 = r"(?:\d{1,3}\.){3}\d{1,3}"
_IPV6 = r"[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}"
_IP_ANY = re.compile(rf"(?P<ip>{_IPV4}|{_IPV6})\s*(?:\((?P<loc>[^)]*)\))?")


def parse_ip(series: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """IP address and the location in brackets ("1.2.3.4(江苏-南京)", "1.2.3.4（江苏）",
    IPv6, bare) — the address as text ("" when none), the location ("" when none)."""
    s = (
        series.astype("string")
        .fillna("")
        .map(lambda v: unicodedata.normalize("NFKC", v) if v else v)
    )
    ext = s.str.extract(_IP_ANY.pattern)
    ip = ext["ip"].fillna("").str.lower().to_numpy(dtype=object)
    return ip, ext["loc"].fillna("")
