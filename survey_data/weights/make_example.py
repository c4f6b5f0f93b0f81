"""Regenerate 专家判断矩阵_示例.xlsx: ``python survey_data/weights/make_example.py``.

Five experts weigh the key_project template.  Each expert's judgements are the ratios of a
shared "true" priority vector per matrix, perturbed by log-normal noise (σ = 0.35) and rounded
to the nearest value of Saaty's 1–9 scale, so some matrices are inconsistent, as real ones are.
Seeded: the file is reproducible.
"""

from __future__ import annotations

import io
import math
from fractions import Fraction
from pathlib import Path

import numpy as np
import openpyxl

from evallib import templates
from evallib.weighting import write_template
from evallib.weighting.ahp import SAATY_SCALE

HERE = Path(__file__).resolve().parent
EXPERTS = 5
SEED = 20261122


def nearest(x: float) -> str:
    f: Fraction = min(SAATY_SCALE, key=lambda s: abs(math.log(float(s)) - math.log(x)))
    return str(f.numerator) if f.denominator == 1 else f"1/{f.denominator}"


def main() -> None:
    rng = np.random.default_rng(SEED)
    system = templates.load("key_project")
    wb = openpyxl.load_workbook(io.BytesIO(write_template(system, EXPERTS)))
    truth: dict[str, np.ndarray] = {}
    for k in range(1, EXPERTS + 1):
        ws = wb[f"专家{k}"]
        ws["B2"] = f"专家{k}（示例）"
        r = 1
        while r <= ws.max_row:
            if ws.cell(r, 1).value == "判断矩阵":
                parent = str(ws.cell(r, 2).value)
                n = 0
                while ws.cell(r + 2 + n, 1).value not in (None, "判断矩阵"):
                    n += 1
                if parent not in truth:
                    truth[parent] = rng.uniform(1.5, 4, n)
                w = truth[parent]
                for i in range(n):
                    for j in range(i + 1, n):
                        ratio = w[i] / w[j] * math.exp(rng.normal(0, 0.35))
                        ws.cell(r + 2 + i, 3 + j).value = nearest(ratio)
                r += n + 3
            else:
                r += 1
    wb.save(HERE / "专家判断矩阵_示例.xlsx")


if __name__ == "__main__":
    main()
