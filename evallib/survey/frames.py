"""One row per kept respondent: group columns beside the item answers, as the input of the
survey statistics (cross-tabulation, group comparisons, factor analysis, fuzzy membership)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .analysis import oriented_codes, points_matrix
from .clean import CleaningResult, clean
from .importer import SurveyData
from .spec import QuestionnaireSpec

__all__ = ["item_names", "respondent_frame"]


def item_names(spec: QuestionnaireSpec) -> dict[str, str]:
    """Item code → the name a reader knows it by: the matrix row text, else the question text,
    else the code; importance items get "（重要性）"; a name met twice gets its code appended,
    so the names are unique column labels."""
    out: dict[str, str] = {}
    for it in spec.items:
        name = it.sub or it.text or it.code
        if it.importance_of is not None:
            name = f"{name}（重要性）"
        if name in out.values():
            name = f"{name}（{it.code}）"
        out[it.code] = name
    return out


def respondent_frame(
    data: SurveyData,
    cleaning: CleaningResult | None = None,
    *,
    kind: str = "points",
    oriented: bool = False,
) -> pd.DataFrame:
    """Kept respondents: the group columns (labels), then one column per item code.

    ``kind="points"``: item points (reverse items mirrored, NaN for 不了解/blank);
    ``kind="labels"``: the scale label each respondent chose (as answered, NaN when none), or
    with ``oriented=True`` the label it counts as (reverse items mirrored, as for points).
    """
    cleaning = clean(data) if cleaning is None else cleaning
    keep = cleaning.keep
    codes = [it.code for it in data.spec.items]
    if kind == "points":
        items = pd.DataFrame(points_matrix(data.codes, data.spec).astype(float), columns=codes)
    elif kind == "labels":
        labels = np.array([None, *[lv.label for lv in data.spec.scale]], dtype=object)
        c = data.codes.astype(int)
        if oriented:
            c = oriented_codes(c, data.spec.items, data.spec.k)
        on = (c >= 1) & (c <= data.spec.k)
        cat = pd.CategoricalDtype([lv.label for lv in data.spec.scale], ordered=True)
        raw = np.where(on, labels[np.where(on, c, 0)], None)
        items = pd.DataFrame(
            {code: pd.Categorical(raw[:, j], dtype=cat) for j, code in enumerate(codes)}
        )
    else:
        raise ValueError(f"kind must be 'points' or 'labels', not {kind!r}")
    groups = data.groups.reset_index(drop=True).copy()
    for g in data.spec.groups:
        if g.name in groups.columns and g.labels:
            order = [g.labels[k] for k in sorted(g.labels)]
            seen = [v for v in groups[g.name].dropna().unique() if v not in order]
            groups[g.name] = pd.Categorical(groups[g.name], categories=order + sorted(seen))
    out = pd.concat([groups, items], axis=1).loc[keep].reset_index(drop=True)
    return out
