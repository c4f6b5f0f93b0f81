"""Privacy (个人信息保护): personal data in survey exports never leaves unmasked.

Two defences:

1. **Free text is not copied.**  Open answers and other columns that are neither items,
   groups nor metadata are left out of every output unless the spec names them in
   ``keep_text``; kept columns go through :func:`scrub_text`.
2. **Values are recognised by their shape**, header words being hints only:

   =========== =============================================================================
   kind        shape (full-width digits and separators ``-``, space, ``.`` allowed)
   =========== =============================================================================
   phone       mobile 1[3-9]xxxxxxxxx, optionally +86 / 0086
   landline    0 + area code + number, 10–12 digits (0731-84123456, (010)12345678)
   id_number   18 digits (last may be X) or 15 digits, any spacing
   bank_card   13–19 digits passing the Luhn check
   email       name@domain.tld
   ip          IPv4 or IPv6 address (checked with :mod:`ipaddress`)
   wechat      an id after 微信/wx/vx/WeChat
   qq          5–12 digits after QQ
   contact     5–12 digits after 电话/联系/tel
   =========== =============================================================================

   Names and addresses have no strict shape: a header word (姓名, 联系人, 地址, 住址 …) is a
   hint that the values must confirm (a common surname and 1–3 more characters; an address
   word) before the column is masked; in free text they are one more reason free text is not
   copied by default.  No column is masked, dropped or used for de-duplication on a header
   word alone.

Masks: 138****5678, 110***********1234, 张**, 1.2.*.*; every other kind ``***``.  Inside
free text each value is replaced by its kind in brackets (〔手机号〕).  Outputs identify
respondents by the export's row id (序号) only.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable

import pandas as pd

__all__ = ["classify", "detect_column_kind", "mask_frame", "mask_value", "scrub_text"]

# Full-width ASCII (digits, letters, @ . + - ( ) :) → ASCII, one character for one, so that
# spans found in the folded text are the spans of the original.
_FOLD = str.maketrans({chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)} | {"\u3000": " "})

_DIGITS = re.compile(
    r"(?<![0-9A-Za-z])(?:(?:\+|00)86[ .\-]?)?\(?\d+\)?(?:[ .\-]?\(?\d+\)?)*[Xx]?(?![0-9A-Za-z])"
)
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
_IPV4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])")
_IPV6 = re.compile(r"(?<![0-9A-Fa-f:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![0-9A-Fa-f:])")
_WECHAT = re.compile(
    r"(?:微信号?|wx|vx|WeChat|wechat|weixin)[号\s:：是为]*([A-Za-z][-_A-Za-z0-9]{5,19})"
)
_QQ = re.compile(r"(?:QQ|qq|扣扣)[号码\s:：是为]*(\d{5,12})")
_CJK = "\u4e00-\u9fff"
_ADDRESS = re.compile(
    rf"(?:[{_CJK}]{{1,12}}(?:省|自治区|市|州|盟|县|区|旗|镇|乡|街道|村|社区))*"
    rf"[{_CJK}A-Za-z0-9]{{0,20}}(?:路|街|巷|道|大道|胡同|弄|组)\d+(?:号|弄)"
    rf"(?:[{_CJK}]{{0,10}}[\dA-Za-z一二三四五六七八九十]+(?:栋|幢|座|号楼|单元|室|楼|层|户))*"
)
#: Common surnames (single and compound) — a name introduced in free text starts with one.
_SURNAMES = (
    "欧阳|诸葛|司马|上官|东方|皇甫|令狐|慕容|公孙|夏侯|"
    "[王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏"
    "吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱"
    "严覃武戴莫孔向汤柳易常温康施文牛樊葛邢安齐庞颜倪包殷洪岳聂章鲁伍翟谷兰房尤苗喻柏梅胥]"
)
_SELF_NAME = re.compile(
    rf"(?:我叫|我是|本人|姓名[:：]?|名字[:：]?|联系人[:：]?)\s*((?:{_SURNAMES})[{_CJK}]{{1,2}}?)"
    r"(?=[，,。；;、\s(（]|$)"
)
_CONTACT = re.compile(r"(?:电话|联系|座机|tel|Tel|TEL|号码)[^\d]{0,6}$")

LABELS = {
    "phone": "〔手机号〕", "landline": "〔电话〕", "id_number": "〔身份证号〕",
    "bank_card": "〔银行卡号〕", "email": "〔邮箱〕", "ip": "〔IP〕", "wechat": "〔微信号〕",
    "qq": "〔QQ号〕", "contact": "〔联系方式〕", "address": "〔地址〕", "name": "〔姓名〕",
}  # fmt: skip

#: Header words that hint at personal columns (values decide where they have a shape).
HEADER_HINTS = {
    "name": ("姓名", "名字", "联系人", "受访者姓名", "用户名", "昵称", "户主"),
    "address": ("住址", "地址", "门牌", "居住地址", "家庭住址"),
    "wechat": ("微信",),
    "email": ("邮箱", "电子邮件", "邮件", "email", "Email", "E-mail", "e-mail"),
    "qq": ("QQ", "qq"),
    "phone": ("手机", "电话", "联系方式", "手机号"),
    "id_number": ("身份证", "证件号"),
}


def _luhn(d: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(d)):
        n = int(ch)
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def _digit_kind(raw: str, before: str) -> str | None:
    """Kind of a run of digits (separators removed), or None for an ordinary number."""
    d = re.sub(r"[^0-9Xx]", "", raw)
    intl = raw.lstrip("(").startswith(("+86", "0086"))
    if intl:
        d = d[4:] if d.startswith("0086") else d[2:]
    body = d[:-1] if d[-1:] in "Xx" else d
    if not body.isdigit():
        return None
    if len(d) == 18 and d[:17].isdigit():
        return "id_number"
    if d[-1:] in "Xx":
        return None
    if len(d) == 11 and re.match(r"1[3-9]", d):
        return "phone"
    if len(d) == 15:
        return "id_number"
    if 13 <= len(d) <= 19 and _luhn(d):
        return "bank_card"
    if d.startswith("0") and 10 <= len(d) <= 12:
        return "landline"
    if 5 <= len(d) <= 12 and _CONTACT.search(before):
        return "contact"
    return None


def _spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, kind) of every personal value in ``text``."""
    t = text.translate(_FOLD)
    found: list[tuple[int, int, str]] = []
    for m in _EMAIL.finditer(t):
        found.append((m.start(), m.end(), "email"))
    for m in _ADDRESS.finditer(t):
        start = m.start()
        while start < m.end() and t[start] in "住在于位家是":
            start += 1  # "住湖南省…": the verb is not part of the address
        found.append((start, m.end(), "address"))
    for m in _SELF_NAME.finditer(t):
        found.append((m.start(1), m.end(1), "name"))
    for rx, kind in ((_WECHAT, "wechat"), (_QQ, "qq")):
        for m in rx.finditer(t):
            found.append((m.start(1), m.end(1), kind))
    for m in _IPV6.finditer(t):
        try:
            ipaddress.IPv6Address(m.group(0))
        except ValueError:
            continue
        found.append((m.start(), m.end(), "ip"))
    for m in _IPV4.finditer(t):
        try:
            ipaddress.IPv4Address(m.group(0))
        except ValueError:
            continue
        found.append((m.start(), m.end(), "ip"))
    for m in _DIGITS.finditer(t):
        kind = _digit_kind(m.group(0), t[max(0, m.start() - 8) : m.start()])
        if kind:
            found.append((m.start(), m.end(), kind))
    found.sort(key=lambda s: (s[0], -s[1]))
    merged: list[tuple[int, int, str]] = []
    for s in found:
        if merged and s[0] < merged[-1][1]:
            continue  # inside an earlier value (an e-mail's digits, an id's phone-like part)
        merged.append(s)
    return merged


def classify(value: object) -> str | None:
    """Kind of a whole value (``"13812345678"`` → ``"phone"``), or None.

    >>> classify("138 1234 5678"), classify("0731-84123456"), classify("道路很好")
    ('phone', 'landline', None)
    """
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    s = str(value).strip()
    if not s:
        return None
    spans = _spans(s)
    if len(spans) == 1 and spans[0][0] == 0 and spans[0][1] == len(s):
        return spans[0][2]
    return None


def scrub_text(text: str, known: Iterable[str] = ()) -> str:
    """Replace every personal value in free text by its kind in brackets.

    ``known`` are values the export holds in personal columns (names, addresses of the
    respondents); wherever they occur in the text they are replaced too.

    >>> scrub_text("联系我 138-1234-5678 或 a.b@qq.com，微信 wx_abc123")
    '联系我 〔手机号〕 或 〔邮箱〕，微信 〔微信号〕'
    >>> scrub_text("我叫王小明，住长沙市岳麓区麓山路12号3栋。我是本村村民")
    '我叫〔姓名〕，住〔地址〕。我是本村村民'
    """
    for value in sorted({k for k in known if len(k) >= 2}, key=len, reverse=True):
        text = text.replace(value, "〔个人信息〕")
    spans = _spans(text)
    if not spans:
        return text
    out, pos = [], 0
    for start, end, kind in spans:
        out.append(text[pos:start])
        out.append(LABELS.get(kind, "〔个人信息〕"))
        pos = end
    out.append(text[pos:])
    return "".join(out)


#: Value shapes that confirm a header hint for kinds without a strict shape.
_HINT_SHAPES = {
    "name": re.compile(rf"(?:{_SURNAMES})[{_CJK}]{{1,3}}|[A-Za-z]+(?: [A-Za-z]+){{1,2}}"),
    "address": re.compile(
        rf".*[{_CJK}].*(?:省|市|区|县|镇|乡|村|街道|路|街|巷|号|小区|栋|幢|单元|室|组).*"
    ),
    "wechat": re.compile(r"[A-Za-z][-_A-Za-z0-9]{5,19}|1[3-9]\d{9}"),
    "qq": re.compile(r"\d{5,12}"),
    "contact": re.compile(r"[\d\s()+\-]{5,20}"),
}


def detect_column_kind(header: str, values: Iterable[object]) -> str | None:
    """Kind of personal data a column holds, decided by its values.

    A column is personal when at least half of its non-empty values have the shape of one
    kind (phone, ID number, e-mail, IP, …).  For kinds without a strict shape (names,
    addresses, WeChat/QQ ids, loose contact numbers) a header word is a hint that the values
    must confirm: "手机品牌" holding 华为/苹果 or "手机部数" holding 2 is no phone column.
    """
    vals = [v for v in values if v is not None and str(v).strip() not in ("", "nan", "<NA>")]
    if not vals:
        return None
    sample = [str(v).strip().translate(_FOLD) for v in vals[:2000]]
    kinds = pd.Series([classify(v) for v in sample])
    top = kinds.value_counts()
    if len(top) and top.iloc[0] >= 0.5 * len(sample):
        return str(top.index[0])
    s = pd.Series(sample)
    for kind, hint in (("name", "name"), ("address", "address"), ("wechat", "wechat"),
                       ("qq", "qq"), ("contact", "phone")):  # fmt: skip
        if any(w in header for w in HEADER_HINTS[hint]):
            if s.str.fullmatch(_HINT_SHAPES[kind].pattern).mean() >= 0.5:
                return kind
    return None


def mask_value(value: object, kind: str) -> str:
    """Mask one value: 138****5678, 110***********1234, 张**, 1.2.*.*, other → ***.

    >>> mask_value("13812345678", "phone"), mask_value("张三丰", "name")
    ('138****5678', '张**')
    """
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    s = str(value).strip()
    if s in ("", "(空)", "（空）", "(跳过)", "（跳过）"):
        return s
    if kind == "phone":
        d = re.sub(r"\D", "", s.translate(_FOLD))[-11:]
        return f"{d[:3]}****{d[-4:]}" if len(d) == 11 else "***"
    if kind == "id_number":
        d = re.sub(r"[^0-9Xx]", "", s.translate(_FOLD))
        return f"{d[:3]}{'*' * (len(d) - 7)}{d[-4:]}" if len(d) in (15, 18) else "***"
    if kind == "name":
        return s[0] + "*" * (len(s) - 1) if len(s) <= 4 else s[0] + "***"
    if kind == "ip":
        parts = s.split(".")
        return ".".join([*parts[:2], "*", "*"]) if len(parts) == 4 else "***"
    return "***"


def mask_frame(df: pd.DataFrame, kinds: dict[str, str]) -> pd.DataFrame:
    """A copy of ``df`` with each PII column masked according to its kind."""
    out = df.copy()
    for col, kind in kinds.items():
        if col in out.columns:
            out[col] = out[col].map(lambda v, k=kind: mask_value(v, k))
    return out
