"""Regenerate the committed test inputs in this folder: ``python tests/data/make_data.py``.

- ``system_merged.xlsx``: an indicator system in the Excel layout evaluators use — a title row,
  merged 一级 cells with 分值 in the name ("产出指标（50分）"), blank repeated 二级 cells, a
  partly empty 评分方法 column (rules inferred from the targets) and a 合计 row.
- ``evidence_gbk.csv``: evidence for it, GBK-encoded as Chinese Excel saves CSV.
- ``evidence.xlsx``: the same evidence as XLSX.
"""

from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent

SYSTEM_ROWS = [
    # 一级, 二级, 三级, 分值, 年度指标值, 评分方法
    ("预算执行率", None, None, 10, None, "预算执行率"),
    ("产出指标（50分）", "数量指标", "新建村道里程", 15, "≥120公里", None),
    (None, None, "危桥改造数量", 10, "≥8座", None),
    (None, "质量指标", "验收合格率", 10, "≥98%", "正向"),
    (None, "时效指标", "按期完工率", 10, "≥95%", None),
    (None, "成本指标", "每公里造价", 5, "≤80万元", None),
    ("效益指标（30分）", "社会效益指标", "群众出行条件改善", 15, "明显改善", None),
    (None, "经济效益指标", "农产品运输成本降低", 5, "有效降低", None),
    (None, "可持续影响指标", "管护机制建立", 10, "是", "是否"),
    ("满意度指标（10分）", "服务对象满意度指标", "沿线群众满意度", 10, "≥90%", None),
]

EVIDENCE_HEADER = ["三级指标", "实际完成值", "得分", "评分理由", "全年预算数", "全年执行数"]
EVIDENCE_ROWS = [
    ["预算执行率", "", "", "", "2000", "1850"],
    ["新建村道里程", "112.6公里", "", "", "", ""],
    ["危桥改造数量", "8座", "", "", "", ""],
    ["验收合格率", "97%", "", "", "", ""],
    ["按期完工率", "100%", "", "", "", ""],
    ["每公里造价", "84万元", "", "", "", ""],
    ["群众出行条件改善", "明显改善", "13.5", "部分自然村通组路仍为砂石路面", "", ""],
    ["农产品运输成本降低", "部分达成", "3.5", "缺少运输成本的前后对比数据", "", ""],
    ["管护机制建立", "是", "", "", "", ""],
    ["沿线群众满意度", "88.6%", "", "", "", ""],
]


def system_xlsx(path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "指标体系"
    ws.append(["某县农村公路项目绩效评价指标体系"])
    ws.merge_cells("A1:F1")
    ws.append(["一级指标", "二级指标", "三级指标", "分值", "年度指标值", "评分方法"])
    for r in SYSTEM_ROWS:
        ws.append(list(r))
    ws.append(["合计", None, None, 100, None, None])
    # 产出 spans rows 4-8, 效益 rows 9-11 (merged as in published forms); 数量指标 rows 4-5.
    ws.merge_cells("A4:A8")
    ws.merge_cells("A9:A11")
    wb.create_sheet("说明").append(["本表为测试数据"])
    wb.save(path)


def evidence_files() -> None:
    lines = [",".join(EVIDENCE_HEADER)] + [",".join(r) for r in EVIDENCE_ROWS]
    (HERE / "evidence_gbk.csv").write_bytes(("\r\n".join(lines) + "\r\n").encode("gbk"))
    wb = Workbook()
    ws = wb.active
    ws.title = "证据"
    ws.append(EVIDENCE_HEADER)
    for r in EVIDENCE_ROWS:
        ws.append([float(v) if v.replace(".", "").isdigit() else (v or None) for v in r])
    wb.save(HERE / "evidence.xlsx")


if __name__ == "__main__":
    system_xlsx(HERE / "system_merged.xlsx")
    evidence_files()
