"""Everything a key-evaluation report shows, computed by evallib (the notebook only displays).

Sections follow the reference outline of 财预〔2020〕10号 (RULES.md §10):
一、基本情况; 二、绩效评价工作开展情况; 三、综合评价情况及评价结论（附评分表）;
四、绩效评价指标分析; 五、主要经验及做法、存在的问题及原因分析; 六、有关建议;
七、其他需要说明的问题.  Standard paragraphs are evallib's own wording.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ..evidence import load_evidence
from ..indicators import IndicatorSystem, load_system
from ..project import ProjectFile, load_project
from ..results import EvaluationResult, Provenance, _clean
from ..scoring import evaluate
from .blocks import Payload, Section

__all__ = ["CN_NUM", "REPORT_KINDS", "ReportContext", "prepare"]

CN_NUM = "一二三四五六七八九十"

#: report kind → notebook, report title, what is done (评价/评估), what the grade is called
REPORT_KINDS: dict[str, dict[str, str]] = {
    "key_evaluation": {"notebook": "key_evaluation.ipynb", "title": "绩效评价报告", "act": "评价",
                       "grade": "评价等级", "year": "评价年度"},
    "ex_ante": {"notebook": "ex_ante.ipynb", "title": "事前绩效评估报告", "act": "评估",
                "grade": "评估结论", "year": "申报年度"},
    "department": {"notebook": "department.ipynb", "title": "绩效评价报告", "act": "评价",
                   "grade": "评价等级", "year": "评价年度"},
    "self_evaluation": {"notebook": "self_evaluation.ipynb", "title": "绩效自评报告",
                        "act": "自评", "grade": "自评等级", "year": "自评年度"},
}  # fmt: skip

#: 评价目的、对象和范围 per kind ({name}, {year}, {department} filled in)
PURPOSE = {
    "key_evaluation": "本次评价以{name}为对象，范围为 {year} 年度项目资金的使用及项目实施的全过程，"
    "目的是客观评价项目决策、过程、产出和效益情况，总结经验、查找问题，"
    "为改进预算管理、优化资源配置和安排以后年度预算提供参考。",
    "ex_ante": "本次评估以{name}为对象，在预算安排前对项目的立项必要性、投入经济性、绩效目标"
    "合理性、实施方案可行性和筹资合规性进行评估，为财政部门审核预算、决定是否安排资金"
    "以及如何安排提供参考。",
    "department": "本次评价以{department}{year}年度部门整体支出为对象，范围包括部门基本支出和全部"
    "项目支出，目的是评价部门履职效能、预算管理和资金使用效益，总结经验、查找问题，"
    "为改进部门预算管理和安排以后年度预算提供参考。",
    "self_evaluation": "本次自评以{name}为对象，范围为 {year} 年度项目资金的使用和绩效目标的完成"
    "情况，目的是对照年度绩效目标检查实际完成情况，分析偏差原因，改进项目管理，"
    "并为以后年度预算安排提供参考。",
}
ANALYSIS_TITLES = {"决策": "项目决策", "过程": "项目过程", "产出": "项目产出", "效益": "项目效益"}


def _cn(i: int) -> str:
    return CN_NUM[i] if i < len(CN_NUM) else str(i + 1)


@dataclass
class ReportContext:
    """The computed evaluation of a project and the report sections built from it."""

    project: ProjectFile
    system: IndicatorSystem
    result: EvaluationResult
    survey: Any | None
    seed: int

    @property
    def words(self) -> dict[str, str]:
        """The report kind's wording (评价 or 评估, 评价等级 or 评估结论 …)."""
        return REPORT_KINDS[self.project.kind]

    # ------------------------------------------------------------------ payload
    def payload(self) -> Payload:
        """The numbers of the report (becomes result.json of the run bundle)."""
        p = self.project.project
        data: dict[str, Any] = {
            "report": {
                "title": f"{p.name}{self.words['title']}",
                "kind": self.project.kind,
                "project": p.name,
                "department": p.department,
                "implementer": p.implementer,
                "year": p.year,
                "agency": self.project.evaluator.agency,
                "date": self.project.evaluator.date,
            },
            "evaluation": self.result.to_dict(),
            "seed": self.seed,
        }
        if self.survey is not None:
            s = self.survey.to_dict()
            data["survey"] = {k: s[k] for k in ("overall", "sample", "cleaning", "params")}
        return Payload(_clean(data))

    # ------------------------------------------------------------------ 一、基本情况
    def overview(self) -> Section:
        p = self.project.project
        facts = (
            f"{p.name}（以下简称“项目”）由{p.department or '主管部门'}主管、"
            f"{p.implementer or '实施单位'}具体实施，{self.words['year']}为 {p.year} 年。"
        )
        return Section().para(facts).para(p.overview)

    def funds_table(self) -> Section:
        rows = self.project.project.funds
        s = Section()
        if not rows:
            return s.para("项目资金情况见证据资料。")
        if self.project.kind == "ex_ante":  # nothing spent yet: the money asked for
            df = pd.DataFrame({"资金来源": [r.item for r in rows],
                               "申请资金（万元）": [r.full_year_budget for r in rows]})  # fmt: skip
            return s.table(df, "项目申请资金情况")
        df = pd.DataFrame(
            [
                {
                    "资金项目": r.item,
                    "年初预算数": r.initial_budget,
                    "全年预算数": r.full_year_budget,
                    "实际到位资金": r.received,
                    "全年执行数": r.spent,
                    "执行率": (r.spent / r.full_year_budget)
                    if r.spent is not None and r.full_year_budget
                    else None,
                }
                for r in rows
            ]
        )
        dept = self.project.kind == "department"
        caption = "部门整体支出情况（万元）" if dept else "项目资金情况（万元）"
        s.table(df, caption)
        return s.para(
            "注：本表执行率 = 全年执行数 ÷ 全年预算数；评分中“预算执行率”指标的分母按评分口径"
            "确定，见评分表该指标的扣分原因。"
        )

    def goals(self) -> Section:
        return Section().para(self.project.project.goals or "（项目单位未提供绩效目标说明。）")

    # ------------------------------------------------------------------ 二、工作开展情况
    def purpose(self) -> Section:
        p = self.project.project
        text = PURPOSE[self.project.kind].format(
            name=p.name, year=p.year, department=p.department or p.name
        )
        return Section().para(text)

    def method(self) -> Section:
        r = self.result
        levels = r.level_scores(1)
        parts = "、".join(
            f"{n}（{p:g} 分）" for n, p in zip(levels["name"], levels["points"], strict=True)
        )
        n_leaf = len(r.indicators)
        text = (
            f"{self.words['act']}遵循科学公正、统筹兼顾、激励约束、公开透明的原则。"
            f"指标体系采用“{r.system_name}”，"
            f"设一级指标 {len(levels)} 个：{parts}，合计 {r.declared_total:g} 分，末级指标 "
            f"{n_leaf} 个。{self._rules_sentence()}"
            f"评分口径为“{r.profile.description}”，各指标得分保留两位小数（四舍五入），总分为各指标"
            f"得分之和；{self.words['grade']}标准为“{r.grade_scale.description}”。"
        )
        return Section().para(text)

    def _rules_sentence(self) -> str:
        """How the leaves of this system are scored, from the rules they actually use."""
        phrases = {
            "auto": "定量指标按完成值与指标值的比例计分",
            "positive": "定量指标按完成值与指标值的比例计分",
            "qualitative": "定性指标按“达成年度指标、部分达成年度指标并具有一定效果、未达成年度"
            "指标且效果较差”三档计分",
            "criteria": f"要点类指标按{self.words['act']}要点逐项核实、符合即得该项分值",
            "deduction": "合规类指标按发现的问题扣分",
            "budget_execution": "预算执行率按执行数与预算数之比计分",
            "from_survey": "满意度指标依据问卷调查结果计分",
        }
        used = dict.fromkeys(phrases[r] for r in self.result.indicators["rule"] if r in phrases)
        return ("；".join(used) + "。") if used else ""

    def process(self) -> Section:
        t = self.project.texts.process or (
            "评价工作分为前期准备、资料收集与现场核查、问卷调查、数据分析与综合评分、报告撰写五个"
            "阶段。"
        )
        return Section().para(t)

    # ------------------------------------------------------------------ 三、综合评价
    def conclusion(self) -> Section:
        r = self.result
        name = self.project.project.name
        w = self.words
        text = (f"经综合{w['act']}，{name}得分 {r.total:.2f} 分，"
                f"{w['grade']}为“{r.grade or '未定级'}”。")  # fmt: skip
        for c in r.caps_applied:
            text += (
                f"按等级封顶规则（{c['reason']}），等级由“{c['grade_before']}”"
                f"调整为“{c['grade_after']}”。"
            )
        for v in r.vetoes_applied:
            text += f"因{v['reason']}，等级调整为“{v['grade_after']}”。"
        consequence = (
            (self.project.consequences.get(r.grade or "") or r.consequence) if r.grade else None
        )
        if consequence:
            text += f"根据评价结果应用规定：{consequence}。"
        lv = r.level_scores(1)
        detail = "；".join(
            f"{n}得分 {s:.2f} 分（满分 {p:g} 分）"
            for n, s, p in zip(lv["name"], lv["score"], lv["points"], strict=True)
        )
        return Section().para(text).para(f"其中，{detail}。")

    def level_table(self) -> Section:
        lv = self.result.level_scores(1)
        df = pd.DataFrame(
            {
                "一级指标": lv["name"],
                "分值": lv["points"],
                "得分": lv["score"],
                "扣分": lv["lost"],
                "得分率": lv["score"] / lv["points"],
            }
        )
        total = pd.DataFrame(
            [
                {
                    "一级指标": "合计",
                    "分值": self.result.declared_total,
                    "得分": self.result.total,
                    "扣分": self.result.declared_total - self.result.total,
                    "得分率": self.result.total / self.result.declared_total,
                }
            ]
        )
        return Section().table(pd.concat([df, total], ignore_index=True), "各一级指标得分情况")

    def level_chart(self) -> Section:
        from ..plotting import level_scores_bar

        return Section().figure(level_scores_bar(self.result), "图：各一级指标得分与分值")

    def score_table(self) -> Section:
        """附：评分表, on its own page, every leaf with 分值, 得分 and 扣分原因."""
        r = self.result
        sheet = r.score_sheet()
        n_par = sum(c.endswith("级指标") for c in sheet.columns) - 1
        pts = dict(zip(r.subtotals["name"], r.subtotals["points"], strict=False))
        for c in sheet.columns[:n_par]:  # 决策（15分）, as on the printed forms
            sheet[c] = [f"{v}（{pts[v]:g}分）" if v and v in pts else v for v in sheet[c]]
        widths = [*[7.0, 8.0, 8.0][:n_par], 15.0, 9.0, 9.0, 10.0, 9.0]
        widths.append(100.0 - sum(widths))
        blanks = [""] * (len(sheet.columns) - n_par - 1)
        total = [*blanks]
        total[0], total[3] = f"{r.declared_total:.2f}", f"{r.total:.2f}"
        grade = [*blanks]
        grade[3] = r.grade or "未定级"
        return (
            Section()
            .heading(f"附：{self.words['title'].removesuffix('报告')}评分表", 3, new_page=True)
            .table(
                sheet,
                "",
                widths=widths,
                merge=n_par,
                foot=[["合计", *total], [self.words["grade"], *grade]],
            )
        )

    # ------------------------------------------------------------------ 四、指标分析
    def indicator_analysis(self) -> Section:
        r = self.result
        s = Section()
        ind = r.indicators
        for i, lv in enumerate(r.level_scores(1).itertuples(index=False)):
            title = ANALYSIS_TITLES.get(lv.name, lv.name)
            s.heading(f"（{_cn(i)}）{title}情况", 3)
            sub = ind[ind["code"].str.split(".").str[0] == str(lv.code).split(".")[0]]
            rate = lv.score / lv.points if lv.points else 0
            text = f"该部分指标分值 {lv.points:g} 分，得分 {lv.score:.2f} 分，得分率 {rate:.2%}。"
            lost = sub[sub["lost"] > 0]
            if lost.empty:
                text += "各项指标均得满分。"
            else:
                text += "扣分情况如下："
            s.para(text)
            for row in lost.itertuples(index=False):
                s.para(f"{row.name}（{row.points:g} 分，得 {row.score:.2f} 分）：{row.reason}。")
            tbl = pd.DataFrame(
                {
                    "指标": sub["name"],
                    "分值": sub["points"],
                    "年度指标值": sub["target"],
                    "实际完成值": sub["actual"],
                    "得分": sub["score"],
                }
            )
            s.table(tbl, f"{lv.name}指标得分")
        return s

    def lost_points_chart(self) -> Section:
        from ..plotting import lost_points_bar

        if (self.result.indicators["lost"] <= 0).all():
            return Section().para("各指标均未扣分。")
        return Section().figure(lost_points_bar(self.result), "图：主要扣分指标")

    def survey_section(self) -> Section:
        s = Section()
        if self.survey is None:
            return s.para("本项目未开展服务对象满意度问卷调查。")
        from ..plotting import group_satisfaction, item_distribution

        sv = self.survey
        s.heading(f"（{_cn(len(self.result.level_scores(1)))}）服务对象满意度调查", 3)
        s.para(sv.summary_zh())
        s.table(sv.cleaning.table_zh(), "问卷回收与清洗情况")
        items = sv.items_zh()
        items = items[~items["编码"].isin([i.code for i in sv.spec.importance_items])]
        s.table(items[["题目", "维度", "有效回答", "满意率", "满意度得分"]], "各题目满意度")
        s.figure(item_distribution(sv), "图：各题目满意度分布")
        for g in sv.groups:
            s.table(sv.groups_zh(g)[[g, "有效答卷", "满意率", "满意度得分"]], f"按{g}的满意度")
        if sv.groups:
            first = next(iter(sv.groups))
            s.figure(group_satisfaction(sv, first), f"图：按{first}的满意率")
        s.table(sv.reliability_zh(), "问卷信度与效度")
        return s

    # ------------------------------------------------------------------ 五–七
    def _text(self, text: str, default: str) -> Section:
        return Section().para(text or default)

    def experience(self) -> Section:
        return self._text(self.project.texts.experience, "（评价机构未填写。）")

    def problems(self) -> Section:
        s = self._text(self.project.texts.problems, "")
        lost = self.result.indicators.sort_values("lost", ascending=False)
        lost = lost[lost["lost"] > 0].head(5)
        if not lost.empty:
            s.para(
                "从评分结果看，扣分较多的指标为："
                + "；".join(f"{r.name}（扣 {r.lost:.2f} 分）" for r in lost.itertuples(index=False))
                + "。"
            )
        return s

    def suggestions(self) -> Section:
        return self._text(self.project.texts.suggestions, "（评价机构未填写。）")

    def other(self) -> Section:
        r = self.result
        s = self._text(self.project.texts.other, "")
        s.para(
            f"本报告数据由 evallib {r.provenance.versions.get('evallib', '')} 计算，评分口径为"
            f"“{r.profile.description}”；输入文件的 SHA-256、参数和软件版本记录于工作底稿（运行包）"
            "manifest.json，可复核每一项得分的计算过程。"
        )
        if r.warnings:
            s.para("需要说明的情况：" + "；".join(r.warnings) + "。")
        return s


def prepare(project: str | Path, *, seed: int | None = None) -> ReportContext:
    """Load a project file and compute the evaluation and the survey analysis."""
    proj = load_project(project)  # checks every input, keeping what it loaded
    system, evidence = proj.checked("system"), proj.checked("evidence")
    if system is None or evidence is None:  # pragma: no cover - load_project(check=True)
        sys_src = proj.system
        if (proj.base / proj.system).exists():
            sys_src = str(proj.resolve(proj.system))
        system, evidence = load_system(sys_src), load_evidence(proj.resolve(proj.evidence))
    from ..fileio import sha256_file

    prov = Provenance(
        inputs={k: sha256_file(v) for k, v in proj.input_files().items()},
        params={"profile": proj.profile, "grade_scale": proj.grade_scale, "seed": seed},
    )
    result = evaluate(
        system, evidence, profile=proj.profile, grade_scale=proj.grade_scale, provenance=prov
    )
    survey = None
    if proj.survey is not None:
        from ..survey import analyze, load_spec, read_survey

        sv = proj.survey
        spec = proj.checked("survey") or load_spec(proj.resolve(sv.spec))
        data = evidence.survey_read(proj.resolve(sv.spec), proj.resolve(sv.data), sv.sheet)
        if data is None:  # not read already for an evidence item
            data = read_survey(proj.resolve(sv.data), spec, sheet=sv.sheet)
        survey = analyze(data, seed=seed)
    return ReportContext(proj, system, result, survey, seed if seed is not None else 0)
