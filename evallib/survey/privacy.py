"""Privacy (个人信息保护): names, phones, ID numbers and IPs never leave unmasked.

Columns are recognised by header words (姓名, 手机, 电话, 身份证, 地址, 微信, QQ, 邮箱, IP) and by
value patterns (mobile numbers, 18-digit ID numbers) — see :mod:`evallib.survey.importer` — and
masked here.  Outputs identify respondents by the export's row id (序号) only.
"""

from __future__ import annotations

import re

import pandas as pd

__all__ = ["PATTERNS", "mask_frame", "mask_value", "scrub_text"]

PATTERNS = {
    "phone": re.compile(r"(?<!\d)(?:\+?86[-\s]?)?1[3-9]\d[-\s]?\d{4}[-\s]?\d{4}(?!\d)"),
    "id_number": re.compile(r"(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])"),
    "ip": re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])"),
}


def mask_value(value: object, kind: str) -> str:
    """Mask one value: 138****5678, 110***********1234, 张*, 1.2.*.*, other → ***.

    >>> mask_value("13812345678", "phone"), mask_value("张三丰", "name")
    ('138****5678', '张**')
    """
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    s = str(value).strip()
    if s in ("", "(空)", "（空）", "(跳过)", "（跳过）"):
        return s
    if kind == "phone":
        d = re.sub(r"\D", "", s)[-11:]
        return f"{d[:3]}****{d[-4:]}" if len(d) >= 7 else "***"
    if kind == "id_number":
        return f"{s[:3]}{'*' * (len(s) - 7)}{s[-4:]}" if len(s) > 7 else "***"
    if kind == "name":
        return s[0] + "*" * (len(s) - 1)
    if kind == "ip":
        parts = s.split(".")
        return ".".join([*parts[:2], "*", "*"]) if len(parts) == 4 else "***"
    return "***"


def scrub_text(text: str) -> str:
    """Mask phone numbers, ID numbers and IPs inside free text (open answers)."""
    text = PATTERNS["id_number"].sub(lambda m: mask_value(m.group(0), "id_number"), text)
    text = PATTERNS["phone"].sub(lambda m: mask_value(m.group(0), "phone"), text)
    return PATTERNS["ip"].sub(lambda m: mask_value(m.group(0), "ip"), text)


def mask_frame(df: pd.DataFrame, kinds: dict[str, str]) -> pd.DataFrame:
    """A copy of ``df`` with each PII column masked according to its kind."""
    out = df.copy()
    for col, kind in kinds.items():
        if col in out.columns:
            out[col] = out[col].map(lambda v, k=kind: mask_value(v, k))
    return out
