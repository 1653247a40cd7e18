"""ECharts options for the dashboard pages, built from the dashboards' data (plain dicts: the
page hands them to ``echarts.init(el).setOption(option)``)."""

from __future__ import annotations

from typing import Any

from services.oversight.warnings.base import RULES

COLORS = ["#2f7ed8", "#91cc75", "#ee6666", "#fac858", "#73c0de", "#3ba272", "#fc8452", "#9a60b4"]


def _base(title: str) -> dict[str, Any]:
    return {"title": {"text": title, "left": "center", "textStyle": {"fontSize": 14}}, "color": COLORS,
            "tooltip": {"trigger": "axis"}, "grid": {"left": 40, "right": 16, "top": 48, "bottom": 48},
            "animation": False}


def trend(rows: list[dict[str, Any]], title: str = "近30天出勤趋势") -> dict[str, Any]:
    option = _base(title)
    option |= {"legend": {"bottom": 0}, "xAxis": {"type": "category", "data": [r["date"][5:] for r in rows]},
               "yAxis": {"type": "value", "minInterval": 1},
               "series": [{"name": name, "type": "bar", "stack": "days", "data": [r[key] for r in rows]}
                          for key, name in (("present", "出勤"), ("half", "半天"), ("absent", "缺勤"))]}
    return option


def today(figures: dict[str, int]) -> dict[str, Any]:
    option = _base("今日在场")
    labels = [("enrolled", "在册"), ("clocked_in", "已打卡"), ("on_site", "在场")]
    option |= {"xAxis": {"type": "category", "data": [n for _k, n in labels]}, "yAxis": {"type": "value", "minInterval": 1},
               "series": [{"type": "bar", "data": [figures[k] for k, _n in labels], "label": {"show": True,
                                                                                              "position": "top"}}]}
    return option


def warnings_by_rule(counts: dict[str, int]) -> dict[str, Any]:
    option = _base("风险预警（按规则）")
    option["grid"] = {"left": 190, "right": 24, "top": 40, "bottom": 24}
    option |= {"yAxis": {"type": "category", "data": [RULES[r][1] for r in counts], "inverse": True},
               "xAxis": {"type": "value", "minInterval": 1},
               "series": [{"type": "bar", "data": list(counts.values()), "label": {"show": True, "position": "right"}}]}
    return option


def missing(enrolled: int, contracts: int, training: int) -> dict[str, Any]:
    option = _base("合同与安全教育缺失")
    option |= {"xAxis": {"type": "category", "data": ["在册工人", "未签合同", "培训未满"]},
               "yAxis": {"type": "value", "minInterval": 1},
               "series": [{"type": "bar", "label": {"show": True, "position": "top"}, "data": [
                   enrolled, {"value": contracts, "itemStyle": {"color": "#ee6666"}},
                   {"value": training, "itemStyle": {"color": "#fac858"}}]}]}
    return option


def rate_gauge(title: str, value: float | None) -> dict[str, Any]:
    option = _base(title)
    option["tooltip"] = {"trigger": "item"}
    option["series"] = [{"type": "gauge", "min": 0, "max": 100, "progress": {"show": True},
                         "detail": {"formatter": "{value}%", "fontSize": 18},
                         "data": [{"value": round((value or 0) * 100, 1), "name": title}]}]
    return option


def projects_bar(rows: list[dict[str, Any]], title: str = "各项目在册与在场") -> dict[str, Any]:
    option = _base(title)
    option["grid"] = {"left": 40, "right": 16, "top": 64, "bottom": 72}
    option |= {"legend": {"top": 26}, "xAxis": {"type": "category", "data": [r["name"] for r in rows],
                                                  "axisLabel": {"interval": 0, "rotate": 20}},
               "yAxis": {"type": "value", "minInterval": 1},
               "series": [{"name": "在册", "type": "bar", "data": [r["enrolled"] for r in rows]},
                          {"name": "在场", "type": "bar", "data": [r["on_site"] for r in rows]}]}
    return option


def scores_bar(rows: list[dict[str, Any]]) -> dict[str, Any]:
    option = _base("各项目风险分")
    option["grid"] = {"left": 40, "right": 16, "top": 48, "bottom": 72}
    option |= {"xAxis": {"type": "category", "data": [r["name"] for r in rows], "axisLabel": {"interval": 0, "rotate": 20}},
               "yAxis": {"type": "value", "minInterval": 1},
               "series": [{"type": "bar", "data": [r["score"] for r in rows], "itemStyle": {"color": "#ee6666"}}]}
    return option


def project_page(d: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {"chart-today": today(d["today"]), "chart-trend": trend(d["trend"]),
            "chart-missing": missing(d["today"]["enrolled"], d["missing"]["contracts"], d["missing"]["training"]),
            "chart-post": rate_gauge("本月到岗率", d["checklist"]["to_post_rate"]),
            "chart-warnings": warnings_by_rule(d["warnings"]["by_rule"])}


def company_page(d: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {"chart-projects": projects_bar(d["projects"]), "chart-scores": scores_bar(d["projects"]),
            "chart-trend": trend(d["trend"]), "chart-warnings": warnings_by_rule(d["warnings_by_rule"])}


def regulator_page(d: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {"chart-projects": projects_bar(d["projects"]), "chart-scores": scores_bar(d["projects"]),
            "chart-trend": trend(d["trend"], "辖区近30天出勤趋势"), "chart-warnings": warnings_by_rule(d["warnings_by_rule"])}
