"""Questionnaire specification (问卷说明): items, scale, dimensions, groups, PII, quality rules.

YAML, validated by pydantic; see ``docs/survey.md``.  Defaults follow RULES.md §8: a 5-level
Likert scale 非常满意 100 / 满意 80 / 一般 60 / 不满意 40 / 非常不满意 20; "不了解 / 不适用 /
说不清" are missing, not dissatisfied; 满意率 counts the top two levels.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..errors import InputDataError, Problem
from ..fileio import read_yaml

__all__ = [
    "CODE_BLANK",
    "CODE_DONT_KNOW",
    "CODE_INVALID",
    "CODE_SKIPPED",
    "Dimension",
    "GroupSpec",
    "Item",
    "PIISpec",
    "Quality",
    "QuestionnaireSpec",
    "ScaleLevel",
    "load_spec",
]

# Codes in the response matrix besides the scale positions 1..k.
CODE_BLANK = 0  # (空): left blank — item non-response
CODE_DONT_KNOW = -1  # 不了解/不适用/说不清: missing, not dissatisfied
CODE_SKIPPED = -3  # (跳过) / -3: not asked (skip logic) — excluded from the denominator
CODE_INVALID = -9  # out-of-range code

DEFAULT_SCALE = [
    ("非常满意", 100.0),
    ("满意", 80.0),
    ("一般", 60.0),
    ("不满意", 40.0),
    ("非常不满意", 20.0),
]


class ScaleLevel(BaseModel):
    """One answer level of the scale.

    ``code`` is the number this level has in a numeric export (问卷星 按选项序号, SPSS, a
    0–10 rating): platforms number options in the order the questionnaire lists them, so
    1 may be the best or the worst level — only the questionnaire can say.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    label: str
    points: float
    aliases: list[str] = Field(default_factory=list)
    code: int | None = Field(None, ge=0, le=1000)


class Item(BaseModel):
    """A scored item (题目/子题).

    ``question`` is the question number in the export ("8、…"); ``sub`` the matrix row text
    ("8(路面平整程度)"); either ``question`` or ``text`` must let the importer find the column.
    ``importance_of`` marks an importance item paired with a satisfaction item (for IPA).
    ``column`` names the export column (header as written, or the SPSS variable name) when
    number and text cannot find it.  ``reverse`` marks a negatively worded item: its levels
    are mirrored (level j counts as level k+1−j) for every figure — points and 满意率.
    """

    model_config = ConfigDict(extra="forbid")
    code: str
    question: int | None = None
    sub: str | None = None
    text: str | None = None
    dimension: str | None = None
    weight: float = Field(1.0, gt=0)
    reverse: bool = False
    importance_of: str | None = None
    column: str | None = None

    @property
    def label(self) -> str:
        return self.sub or self.text or self.code


class Dimension(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    weight: float = Field(1.0, gt=0)


class GroupSpec(BaseModel):
    """A respondent group column (乡镇, 年龄段): by question number or column name."""

    model_config = ConfigDict(extra="forbid")
    name: str
    question: int | None = None
    column: str | None = None
    labels: dict[int, str] | None = None  # option codes → names (按序号 export)


class PIISpec(BaseModel):
    """A column holding personal data: by question number or column name."""

    model_config = ConfigDict(extra="forbid")
    kind: Literal["name", "phone", "landline", "id_number", "ip", "address", "email", "wechat",
                  "qq", "bank_card", "contact", "other"] = "other"  # fmt: skip
    question: int | None = None
    column: str | None = None


class Quality(BaseModel):
    """Rules that exclude a response (nothing is dropped silently)."""

    model_config = ConfigDict(extra="forbid")
    min_duration: float | None = Field(60, description="seconds; shorter = speeder")
    straightline_min_items: int | None = Field(8, description="all answered items identical")
    max_blank_share: float = Field(0.5, ge=0, le=1, description="share of asked items blank")
    duplicate_ip_answers: bool = True
    duplicate_phone: bool = True
    max_invalid_share: float = Field(
        0.2, ge=0, le=1, description="above this, an item's codes are a mismatch"
    )


class QuestionnaireSpec(BaseModel):
    """The questionnaire specification.

    Attributes
    ----------
    population : int, optional
        Size N of the target population (服务对象总数), for the finite population correction.
    scale : list of ScaleLevel
        Best level first.  A numeric export needs each level's ``code`` (or SPSS value
        labels, or a text export of the same survey): the order alone does not say it.
    missing_labels : list of str
        Answers counted as missing ("不了解").
    missing_codes : list of int
        Their numbers in a numeric export (with ``scale[*].code``).
    satisfied_top : int
        How many top levels count as satisfied (top-2 box).
    """

    model_config = ConfigDict(extra="forbid")
    name: str = "满意度调查"
    population: int | None = Field(None, gt=0)
    scale: list[ScaleLevel] = Field(
        default_factory=lambda: [ScaleLevel(label=a, points=b) for a, b in DEFAULT_SCALE]
    )
    missing_labels: list[str] = Field(default_factory=lambda: ["不了解", "不适用", "说不清"])
    missing_codes: list[int] = Field(
        default_factory=list, description="numeric codes of the missing answers (不了解 = 6)"
    )
    satisfied_top: int = Field(2, ge=1)
    platform: str | None = Field(
        None,
        description="export platform (wjx, tencent, wenjuanwang, jinshuju, credamo, "
        "generic); detected from the header when not given",
    )
    meta_columns: dict[str, Literal[
        "respondent", "submitted", "started", "duration", "source", "source_detail", "ip",
        "country", "province", "city", "location", "device", "other", "nickname", "submitter",
        "username", "user_id", "openid", "email",
    ]] = Field(
        default_factory=dict, description="extra export columns → meta role (duration, ip, …)"
    )  # fmt: skip
    items: list[Item] = Field(min_length=1)
    dimensions: list[Dimension] = Field(default_factory=list)
    groups: list[GroupSpec] = Field(default_factory=list)
    pii: list[PIISpec] = Field(default_factory=list)
    keep_text: list[str] = Field(
        default_factory=list,
        description="free-text columns copied (scrubbed) into 有效答卷.csv; others are left out",
    )
    quality: Quality = Field(default_factory=Quality)
    margins: dict[str, dict[str, float]] = Field(
        default_factory=dict, description="population counts per group level, for weighting"
    )
    confidence: float = Field(0.95, gt=0, lt=1)
    margin_of_error: float = Field(0.05, gt=0, lt=1)
    seed: int = Field(0, ge=0, lt=2**32)

    @model_validator(mode="after")
    def _check(self) -> QuestionnaireSpec:
        codes = [i.code for i in self.items]
        dup = sorted({c for c in codes if codes.count(c) > 1})
        if dup:
            raise ValueError(f"duplicate item codes: {dup}")
        keys = [(i.question, i.sub, i.text, i.column) for i in self.items]
        dupq = sorted(
            {
                f"{q}{f'({s})' if s else ''}{t or ''}{c or ''}"
                for q, s, t, c in keys
                if keys.count((q, s, t, c)) > 1
            }
        )
        if dupq:
            raise ValueError(f"duplicated question numbers: {dupq}")
        for i in self.items:
            if i.question is None and not i.text and not i.column:
                raise ValueError(f"item {i.code}: give question (题号), text (题干) or column")
        dims = {d.name for d in self.dimensions}
        for i in self.items:
            if self.dimensions and i.dimension not in dims and i.importance_of is None:
                raise ValueError(f"item {i.code}: unknown dimension {i.dimension!r}")
            if i.importance_of and i.importance_of not in codes:
                raise ValueError(f"item {i.code}: importance_of {i.importance_of!r} is no item")
        if self.satisfied_top >= len(self.scale):
            raise ValueError("satisfied_top must be smaller than the number of scale levels")
        if len(self.scale) > 100:
            raise ValueError("at most 100 scale levels")
        given = [lv.code for lv in self.scale if lv.code is not None]
        if given and len(given) != len(self.scale):
            raise ValueError("scale: give code for every level or for none")
        if self.missing_codes and not given:
            raise ValueError("missing_codes needs scale codes (code: on every level)")
        allc = given + list(self.missing_codes)
        if len(set(allc)) != len(allc):
            raise ValueError(f"scale/missing codes repeated: {sorted(allc)}")
        return self

    @property
    def k(self) -> int:
        return len(self.scale)

    @property
    def satisfaction_items(self) -> list[Item]:
        return [i for i in self.items if i.importance_of is None]

    @property
    def importance_items(self) -> list[Item]:
        return [i for i in self.items if i.importance_of is not None]

    @property
    def codes_declared(self) -> bool:
        """True when the spec says which number each level has in a numeric export."""
        return bool(self.scale) and self.scale[0].code is not None

    def code_positions(self) -> dict[int, int]:
        """Export number → scale position 1..k (best first) or CODE_DONT_KNOW."""
        out = {int(lv.code): pos for pos, lv in enumerate(self.scale, 1) if lv.code is not None}
        out |= {int(c): CODE_DONT_KNOW for c in self.missing_codes}
        return out

    def label_codes(self) -> dict[str, int]:
        """Answer text → code (scale 1..k, missing labels → CODE_DONT_KNOW)."""
        out: dict[str, int] = {}
        for pos, lvl in enumerate(self.scale, 1):
            for text in (lvl.label, *lvl.aliases):
                out[text] = pos
        for text in self.missing_labels:
            out[text] = CODE_DONT_KNOW
        return out


def load_spec(path: str | Path) -> QuestionnaireSpec:
    """Load and validate a questionnaire spec from YAML; every problem is reported at once."""
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise InputDataError("问卷说明 (spec) 顶层应为映射 (mapping)", file=str(path))
    try:
        return QuestionnaireSpec.model_validate(data)
    except ValidationError as exc:
        probs = [
            Problem(
                f"问卷说明字段无效：{e['msg']}",
                file=str(path),
                column=".".join(str(x) for x in e["loc"]) or None,
                value=e.get("input") if not isinstance(e.get("input"), dict | list) else None,
                fix="对照 docs/survey.md 修改问卷说明",
            )
            for e in exc.errors()
        ]
        raise InputDataError(problems=probs) from None


def spec_from_dict(data: dict[str, Any]) -> QuestionnaireSpec:
    """Validate a spec given as a mapping (raises pydantic's ValidationError)."""
    return QuestionnaireSpec.model_validate(data)
