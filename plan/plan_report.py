"""The plan-evaluation report (规划中期/终期评估) for a date: an XLSX and a Chinese PDF.

Every number comes from the same selectors as the API for the same date (`goals_progress`,
`statistics_table`, `overview`, `cloud_tier_counts`), so the report equals what
`GET /api/v1/goals/` and `GET /api/v1/stats/...?as_of=` answer the commission. The report is made by
the `build_plan_report` task (`build_report_files`) and downloaded when ready.
"""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook

from assessments.pdf import render_pdf
from cloud.models import Platform
from cloud.selectors import cloud_tier_counts
from core import charts
from enterprises.models import Enterprise, KeyIndustry, Sector
from parks.models import District, Park, Zone
from plan import exports, statistics
from plan.goals import goals_progress
from plan.models import Goal, PlanReport

# The tables of the report: (grouping of `statistics_table`, sheet title).
TABLES = (
    ("zone", "按区域（一核一圈多点）"),
    ("park", "按园区"),
    ("district", "按区县"),
    ("sector", "按行业门类"),
    ("key", "按重点行业"),
)
STATUS_WORDS = {
    "met": "已完成",
    "met_at_deadline": "按期完成",
    "missed": "未按期完成",
    "on_track": "进展顺利",
    "behind": "进度滞后",
    "no_data": "暂无数据",
}
KIND_WORDS = {"computed": "由记录统计", "entered": "由市发改委录入", "qualitative": "定性目标"}


def report_content(*, as_of: date) -> dict[str, Any]:
    """Everything the report shows for `as_of`, computed by the API's selectors (commission scope)."""
    enterprises = Enterprise.objects.all()
    parks = list(Park.objects.order_by("code"))
    goals = goals_progress(
        Goal.objects.select_related("scope_park").order_by("deadline", "code"), today=as_of
    )
    tables = {
        by: statistics.statistics_table(
            enterprises, by=by, as_of=as_of, parks=parks, include_outside=by == "park"
        )
        for by, _title in TABLES
    }
    platforms = [
        {
            "name": platform.name,
            "operator": platform.operator,
            "tier": platform.get_tier_display(),
            "recognised": platform.nationally_recognised,
            "recognition": platform.recognition_evidence,
        }
        for platform in Platform.objects.order_by("name")
    ]
    return {
        "as_of": as_of,
        "overview": statistics.overview(enterprises, as_of=as_of),
        "goals": goals,
        "tables": tables,
        "cloud_tiers": cloud_tier_counts(enterprises, as_of),
        "platforms": platforms,
    }


def _labels() -> dict[str, dict]:
    """Names of the table rows' codes, in Chinese."""
    labels = {
        "zone": dict(Zone.choices),
        "park": {park.code: park.name for park in Park.objects.all()},
        "district": {district.code: district.name for district in District.objects.all()},
        "sector": dict(Sector.choices),
        "key": {"": "其他行业", **dict(KeyIndustry.choices)},
    }
    return {by: {code: str(name) for code, name in names.items()} for by, names in labels.items()}


def _number(value: Any) -> Any:
    return float(value) if isinstance(value, Decimal) else value


def goal_rows(goals: list[dict]) -> list[list]:
    """One row per goal: name, kind, target, deadline, value at the deadline, its source, value now, status."""
    rows = []
    for goal in goals:
        if goal["kind"] == "qualitative":
            target = "定性"
        elif goal["target_high"] is not None:
            target = f"{_number(goal['target_low']):g}–{_number(goal['target_high']):g}"
        else:
            target = _number(goal["target"])
        rows.append(
            [
                goal["name"],
                KIND_WORDS.get(goal["kind"], goal["kind"]),
                target,
                goal["deadline"].isoformat(),
                _number(goal["value_at_deadline"]),
                goal["value_at_deadline_source"] or "",
                _number(goal["value_now"]),
                STATUS_WORDS.get(goal["status"], goal["status"]),
            ]
        )
    return rows


GOAL_HEADER = ["目标", "数值类型", "目标值", "截止日期", "截止日数值", "截止日数值来源", "当前值", "状态"]


def methods() -> list[str]:
    """How each figure is counted: the methods page of the report."""
    return [
        "企业数：截至报告日已在本系统登记的企业（辛集市是否计入以各区县设置为准）。",
        "已评估：截至报告日有已通过审核的当前评估的企业；当前评估为截至该日已审核通过、提交时间最晚的一次评估。",
        "评估等级、平均分、维度均分：按当前评估计算；制造业问卷与国家评测指标的对应关系见问卷说明。",
        "上云企业：截至报告日至少有一项经审核确认、合同在有效期内的上云备案的企业。",
        "使用工业互联网平台：至少有一项经审核确认的平台使用登记的企业。",
        "农业信息化：本报告暂以农业企业当前评估的平均分表示（农业农村部县域综合指标尚在录入）。",
        "目标截止日数值：截止日前一个季度内本系统记录的数值，或市发改委录入并注明来源的数值；无记录时为“暂无数据”。",
        "区间目标（如1-2个平台）达到下限即为完成；规划未设园区、区县分解目标。",
    ]


def write_xlsx(content: dict[str, Any]) -> bytes:
    """The report as a workbook: goals, the figures by zone, park, county, sector and key industry,
    cloud by star, platforms, methods."""
    labels = _labels()
    workbook = Workbook(write_only=True)

    def sheet(title: str, header: list[str], rows: list[list]) -> None:
        target = workbook.create_sheet(title=title[:31])
        target.append([exports.cell(name) for name in header])
        for row in rows:
            target.append([exports.cell(_number(value)) for value in row])

    sheet("规划目标", GOAL_HEADER, goal_rows(content["goals"]))
    sheet("全市总览", exports.stats_header(None), [exports.stats_row(content["overview"], None)])
    for by, title in TABLES:
        header = exports.stats_header(by if by != "key" else "sector")
        header[0] = {"key": "重点行业"}.get(by, header[0])
        rows = []
        for row in content["tables"][by]:
            values = exports.stats_row({**row, by: row[by]}, by)
            code = row[by]
            values[0] = labels[by].get(code, code) if code is not None else "不在园区内"
            rows.append(values)
        sheet(title, header, rows)
    sheet("上云等级", ["等级", "企业数"], [[f"{tier}级", n] for tier, n in content["cloud_tiers"].items()])
    sheet(
        "工业互联网平台",
        ["平台", "运营方", "类型", "国家级认定", "认定依据"],
        [
            [p["name"], p["operator"], p["tier"], "是" if p["recognised"] else "否", p["recognition"]]
            for p in content["platforms"]
        ],
    )
    sheet("方法说明", ["说明"], [[line] for line in methods()])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_pdf(content: dict[str, Any]) -> bytes:
    """The report as a Chinese PDF with charts, from templates/plan/plan_report_pdf.html."""
    labels = _labels()
    zone_rows = content["tables"]["zone"]
    chart = charts.bar_chart(
        [
            charts.Bar(label=str(labels["zone"].get(row["zone"], row["zone"])), value=row["on_cloud"])
            for row in zone_rows
        ],
        label="各区域上云企业数",
    )
    tables = []
    for number, (by, title) in zip("三四五六七", TABLES, strict=True):
        tables.append(
            {
                "title": f"{number}、{title}",
                "rows": [
                    {
                        "name": labels[by].get(row[by], row[by]) if row[by] is not None else "不在园区内",
                        **row,
                    }
                    for row in content["tables"][by]
                ],
            }
        )
    html = render_to_string(
        "plan/plan_report_pdf.html",
        {
            **content,
            "goal_header": GOAL_HEADER,
            "goal_rows": goal_rows(content["goals"]),
            "report_tables": tables,
            "zone_chart": chart,
            "methods": methods(),
        },
    )
    return render_pdf(html)


def build_report_files(*, report_id: int) -> None:
    """Make a report's XLSX and PDF; idempotent (a finished report is left alone)."""
    report = PlanReport.objects.filter(pk=report_id).first()
    if report is None or report.status == PlanReport.Status.DONE:
        return
    PlanReport.objects.filter(pk=report.pk).update(status=PlanReport.Status.RUNNING)
    try:
        with translation.override("zh-hans"):
            content = report_content(as_of=report.as_of)
            xlsx = write_xlsx(content)
            pdf = write_pdf(content)
        name = f"plan-report-{report.as_of.isoformat()}-{report.pk}"
        report.xlsx.save(f"{name}.xlsx", ContentFile(xlsx), save=False)
        report.pdf.save(f"{name}.pdf", ContentFile(pdf), save=False)
    except Exception as exc:
        PlanReport.objects.filter(pk=report.pk).update(
            status=PlanReport.Status.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    report.status = PlanReport.Status.DONE
    report.finished_at = timezone.now()
    report.error = ""
    report.save(update_fields=["xlsx", "pdf", "status", "finished_at", "error"])


def report_title(as_of: date) -> str:
    return _("Plan evaluation as of %(date)s") % {"date": as_of.isoformat()}
