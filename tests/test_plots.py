"""Charts: assert on what was drawn (line values, bar heights, point positions, words), not that "it ran".

The backend is set here, in the test module, before pyplot is imported: the
library itself never touches matplotlib's global state.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.collections import PathCollection  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from kpilab import evaluate, load_plan  # noqa: E402
from kpilab import plots  # noqa: E402
from kpilab.engine import Payouts  # noqa: E402
from kpilab.plan import Plan  # noqa: E402

# A small plan where every part of a statement can happen: an accelerator, a step bonus,
# a variable cap, a penalty and the salary floor.
PLAN = {
    "name": "Test plan",
    "currency": "RUB",
    "base": 30000,
    "target_bonus": 20000,
    "targets": {"revenue": 1_000_000, "deals": 10},
    "components": [
        {"name": "revenue_bonus", "kind": "bonus", "metric": "revenue", "share": 1.0,
         "curve": {"points": [[0.8, 0.5], [1.0, 1.0], [1.5, 2.0]], "extend": True}},
        {"name": "deals_bonus", "kind": "bonus", "metric": "deals", "amount": 5000,
         "curve": {"steps": [[0.5, 0.5], [1.0, 1.0]]}},
        {"name": "missed", "kind": "penalty", "metric": "missed_calls", "per_unit": 500, "free": 2},
    ],
    "limits": {"variable_cap": {"share": 2}, "floor": "base"},
}

REPS = {  # rep -> (archetype, revenue by period, deals by period, missed calls by period)
    "R01": ("star", [2_500_000, 1_600_000, 1_400_000], [12, 11, 10], [4, 0, 1]),
    "R02": ("hard_worker", [1_000_000, 1_100_000, 900_000], [10, 9, 8], [0, 3, 2]),
    "R03": ("minimum_doer", [800_000, 820_000, 790_000], [5, 5, 4], [2, 2, 2]),
    "R04": ("laggard", [500_000, 400_000, 450_000], [3, 2, 2], [30, 10, 5]),
}
PERIODS = ["2026-01", "2026-02", "2026-03"]


def make_test_team() -> pd.DataFrame:
    rows = [{"rep_id": rep, "period": period, "archetype": arch, "revenue": float(rev[i]),
             "deals": float(deals[i]), "missed_calls": float(missed[i])}
            for rep, (arch, rev, deals, missed) in REPS.items() for i, period in enumerate(PERIODS)]
    return pd.DataFrame(rows)


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_plan(PLAN)


@pytest.fixture(scope="module")
def team() -> pd.DataFrame:
    return make_test_team()


@pytest.fixture(scope="module")
def payouts(plan: Plan, team: pd.DataFrame) -> Payouts:
    return evaluate(plan, team)


@pytest.fixture(scope="module")
def scenario_payouts(plan: Plan, team: pd.DataFrame) -> Payouts:
    # five "years": the same team with revenue scaled, so payroll differs by scenario
    frames = [team.assign(scenario=s, revenue=team["revenue"] * (0.8 + 0.1 * s)) for s in range(5)]
    long = pd.concat(frames, ignore_index=True)
    return evaluate(plan, long[["scenario", *team.columns]])


def _texts(ax: Axes) -> str:
    """Every word on the axes: title, axis titles, tick labels, legend, annotations."""
    parts = [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
    parts += [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()]
    parts += [t.get_text() for t in ax.texts]
    legend = ax.get_legend()
    if legend is not None:
        parts += [t.get_text() for t in legend.get_texts()] + [legend.get_title().get_text()]
    return "\n".join(parts)


def _by_gid(ax: Axes, gid: str) -> list:
    return [a for a in ax.get_children() if a.get_gid() == gid]


# --------------------------------------------------------------------------- style and save

def test_style_restores_rcparams_and_uses_the_colorblind_palette() -> None:
    before = dict(matplotlib.rcParams)
    with plots.style():
        cycle = [c for c in matplotlib.rcParams["axes.prop_cycle"].by_key()["color"]]
        assert matplotlib.colors.to_rgb(cycle[0]) == pytest.approx(plots.palette()[0])
        assert matplotlib.rcParams["axes.spines.top"] is False
    assert dict(matplotlib.rcParams) == before


def test_drawing_a_chart_leaves_rcparams_alone(payouts: Payouts) -> None:
    before = dict(matplotlib.rcParams)
    plots.plot_waterfall(payouts, "R01", "2026-01")
    plots.plot_pay_vs_performance(payouts, lang="ru")
    assert dict(matplotlib.rcParams) == before


@pytest.mark.parametrize(("suffix", "magic"), [(".png", b"\x89PNG\r\n\x1a\n"), (".svg", b"<?xml"),
                                               (".pdf", b"%PDF-")])
def test_save_writes_the_format_of_the_extension(payouts: Payouts, tmp_path: Path, suffix: str,
                                                 magic: bytes) -> None:
    ax = plots.plot_waterfall(payouts, "R01", "2026-01", lang="ru")
    path = plots.save(ax.figure, tmp_path / f"chart{suffix}")
    data = path.read_bytes()
    assert path.stat().st_size > 1000
    assert data.startswith(magic)
    if suffix == ".svg":
        assert "Оклад".encode() in data  # text stays text in SVG, Cyrillic intact


def test_save_png_is_presentation_resolution(payouts: Payouts, tmp_path: Path) -> None:
    fig, ax = plt.subplots(figsize=(4, 3))
    plots.plot_waterfall(payouts, "R01", "2026-01", ax=ax)
    path = plots.save(ax, tmp_path / "a.PNG", dpi=200)  # an Axes saves its figure; extension case-blind
    width = int.from_bytes(path.read_bytes()[16:20], "big")
    assert width > 4 * 200 * 0.7  # tight bbox trims margins, never resolution


def test_save_is_byte_stable_for_svg(payouts: Payouts, tmp_path: Path) -> None:
    ax = plots.plot_waterfall(payouts, "R02", "2026-02")
    a = plots.save(ax.figure, tmp_path / "a.svg").read_bytes()
    b = plots.save(ax.figure, tmp_path / "b.svg").read_bytes()
    assert a == b


def test_save_rejects_other_extensions(payouts: Payouts, tmp_path: Path) -> None:
    ax = plots.plot_waterfall(payouts, "R01", "2026-01")
    for name in ("chart.jpg", "chart", "chart.png.txt"):
        with pytest.raises(ValueError, match=r"\.png, \.svg, \.pdf"):
            plots.save(ax.figure, tmp_path / name)
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- ax in, ax out

def _all_charts(payouts: Payouts, scenario_payouts: Payouts) -> dict[str, object]:
    comparison = pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, 4.0]}, index=["rho", "payroll"])
    return {
        "pay_vs_performance": lambda **kw: plots.plot_pay_vs_performance(payouts, **kw),
        "pay_distribution": lambda **kw: plots.plot_pay_distribution({"x": payouts, "y": payouts}, **kw),
        "budget_fan": lambda **kw: plots.plot_budget_fan(scenario_payouts, **kw),
        "waterfall": lambda **kw: plots.plot_waterfall(payouts, "R01", "2026-01", **kw),
        "comparison_bars": lambda **kw: plots.plot_comparison_bars(comparison, **kw),
    }


@pytest.mark.parametrize("chart", ["pay_vs_performance", "pay_distribution", "budget_fan", "waterfall",
                                   "comparison_bars"])
def test_a_passed_ax_is_drawn_on_and_returned(payouts: Payouts, scenario_payouts: Payouts, chart: str) -> None:
    fig, (left, right) = plt.subplots(1, 2)
    drawn = _all_charts(payouts, scenario_payouts)[chart](ax=right)
    assert drawn is right
    assert right.has_data() and not left.has_data()
    assert plt.get_fignums() == [fig.number]  # no stray figure


@pytest.mark.parametrize("chart", ["pay_vs_performance", "pay_distribution", "budget_fan", "waterfall",
                                   "comparison_bars"])
def test_without_ax_a_chart_makes_its_own_figure(payouts: Payouts, scenario_payouts: Payouts,
                                                 chart: str) -> None:
    ax = _all_charts(payouts, scenario_payouts)[chart]()
    assert isinstance(ax, Axes) and isinstance(ax.figure, Figure)
    assert len(plt.get_fignums()) == 1


@pytest.mark.parametrize("chart", ["pay_vs_performance", "pay_distribution", "budget_fan", "waterfall",
                                   "comparison_bars"])
def test_russian_labels(payouts: Payouts, scenario_payouts: Payouts, chart: str) -> None:
    ax = _all_charts(payouts, scenario_payouts)[chart](lang="ru")
    words = _texts(ax)
    assert any(w in words for w in ("Выплата", "Итого к выплате", "ФОТ", "Сравнение", "Оклад")), words
    english = _all_charts(payouts, scenario_payouts)[chart](lang="en")
    assert not any("\u0400" <= ch <= "\u04ff" for ch in _texts(english))


@pytest.mark.parametrize("chart", ["pay_vs_performance", "waterfall", "budget_fan"])
def test_unknown_language_fails_before_drawing(payouts: Payouts, scenario_payouts: Payouts, chart: str) -> None:
    with pytest.raises(ValueError, match="'en', 'ru'"):
        _all_charts(payouts, scenario_payouts)[chart](lang="fr")
    assert plt.get_fignums() == []


# --------------------------------------------------------------------------- pay vs performance

def test_scatter_has_one_point_per_rep_at_its_mean_revenue_and_pay(payouts: Payouts, team: pd.DataFrame) -> None:
    ax = plots.plot_pay_vs_performance(payouts, measure="revenue", lang="en")
    points = {}
    for coll in ax.collections:
        assert isinstance(coll, PathCollection)
        archetype = coll.get_gid().split(":", 1)[1]
        assert np.allclose(coll.get_facecolor()[0][:3], plots.archetype_color(archetype))
        for x, y in coll.get_offsets():
            points[archetype] = (x, y)
    assert len(points) == len(REPS) == sum(len(c.get_offsets()) for c in ax.collections)
    table = payouts.table
    for rep, (archetype, revenue, *_rest) in REPS.items():
        pay = table.loc[table["rep_id"] == rep, "total"].mean()
        np.testing.assert_allclose(points[archetype], (np.mean(revenue), pay))
    assert "Star" in _texts(ax) and "Revenue" in ax.get_xlabel()


def test_scatter_variable_pay_and_deals_and_a_separate_team(payouts: Payouts, team: pd.DataFrame) -> None:
    shuffled = team.sample(frac=1.0, random_state=1).reset_index(drop=True)  # joined by key, not position
    ax = plots.plot_pay_vs_performance(payouts, team=shuffled, measure="deals", pay="variable", lang="ru")
    offsets = np.concatenate([c.get_offsets() for c in ax.collections])
    expected = payouts.table.assign(deals=team["deals"]).groupby("rep_id", sort=False)[["deals", "variable"]].mean()
    got = pd.DataFrame(offsets, columns=["deals", "variable"]).sort_values("deals").to_numpy()
    np.testing.assert_allclose(got, expected.sort_values("deals").to_numpy())
    assert "Сделки" in ax.get_xlabel() and "Переменная часть" in ax.get_ylabel()
    assert "Звезда" in _texts(ax)


def test_scatter_without_archetypes_draws_one_unlabelled_group(plan: Plan, team: pd.DataFrame) -> None:
    po = evaluate(plan, team.drop(columns="archetype"))
    ax = plots.plot_pay_vs_performance(po)
    assert [c.get_gid() for c in ax.collections] == ["reps:unlabelled"]
    assert len(ax.collections[0].get_offsets()) == 4
    assert ax.get_legend() is None


def test_scatter_unknown_measure_names_the_columns(payouts: Payouts) -> None:
    with pytest.raises(ValueError, match="'calls'.*columns: rep_id"):
        plots.plot_pay_vs_performance(payouts, measure="calls")


# --------------------------------------------------------------------------- waterfall

def test_waterfall_bars_are_the_statement_parts_and_end_at_the_total(payouts: Payouts) -> None:
    ax = plots.plot_waterfall(payouts, "R01", "2026-01")
    bars = [p for p in ax.patches if (p.get_gid() or "").startswith("waterfall:")]
    names = [b.get_gid().split(":", 1)[1] for b in bars]
    # revenue 2.5x plan: curve 2 + 2*(2.5-1.5) = 4 -> 80 000; deals on plan 5 000; cap at 2 x 20 000;
    # 4 missed calls, 2 free -> -1 000; no floor top-up (hidden as zero)
    assert names == ["base", "revenue_bonus", "deals_bonus", "cap_adjustment", "missed", "total"]
    heights = [b.get_height() for b in bars]
    np.testing.assert_allclose(heights, [30000, 80000, 5000, -45000, -1000, 69000])
    row = payouts.table.iloc[payouts.position("R01", "2026-01")]
    np.testing.assert_allclose(heights[:-1], [row[n] for n in names[:-1]])
    bottoms = [b.get_y() for b in bars]
    np.testing.assert_allclose(bottoms[:-1], np.concatenate([[0.0], np.cumsum(heights[:-2])]))
    assert bottoms[-1] == 0.0 and heights[-1] == pytest.approx(row["total"])
    assert bottoms[-2] + heights[-2] == pytest.approx(row["total"])  # the last step lands on the total
    # the same numbers as the explain() statement (a component's last line is its pay after gates)
    lines = payouts.explain("R01", "2026-01").table
    statement = lines.drop_duplicates("item", keep="last").set_index("item")["amount"]
    for name, height in zip(names, heights):
        assert statement[name] == pytest.approx(height)


def test_waterfall_shows_the_floor_top_up_and_zero_parts_on_request(payouts: Payouts) -> None:
    ax = plots.plot_waterfall(payouts, "R04", "2026-01", hide_zero=False, lang="ru")
    bars = {b.get_gid().split(":", 1)[1]: b for b in ax.patches if (b.get_gid() or "").startswith("waterfall:")}
    assert list(bars) == ["base", "revenue_bonus", "deals_bonus", "cap_adjustment", "missed",
                          "floor_adjustment", "total"]
    assert bars["missed"].get_height() == pytest.approx(-14000)  # (30 - 2) x 500
    assert bars["floor_adjustment"].get_height() == pytest.approx(14000)
    assert bars["floor_adjustment"].get_y() == pytest.approx(16000)
    assert bars["total"].get_height() == pytest.approx(30000)
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels[0] == "Оклад" and labels[-1] == "Итого к выплате" and "Доплата до минимума" in labels
    assert ax.get_title() == "Расчёт выплаты: R04, 2026-01"
    assert "₽" in ax.get_ylabel()


def test_waterfall_money_ticks_have_thousands_separators(payouts: Payouts) -> None:
    ax = plots.plot_waterfall(payouts, "R01", "2026-01", lang="ru")
    ax.figure.canvas.draw()
    ticks = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    assert any("\u00a0000" in t for t in ticks), ticks
    ax = plots.plot_waterfall(payouts, "R01", "2026-01", lang="en")
    ax.figure.canvas.draw()
    assert any(",000" in t.get_text() for t in ax.get_yticklabels())


def test_waterfall_unknown_row_is_a_key_error(payouts: Payouts) -> None:
    with pytest.raises(KeyError, match="R99"):
        plots.plot_waterfall(payouts, "R99", "2026-01")


# --------------------------------------------------------------------------- distribution

def test_distribution_per_plan_boxes_have_the_per_rep_medians(plan: Plan, team: pd.DataFrame,
                                                              payouts: Payouts) -> None:
    richer = evaluate(load_plan({**PLAN, "name": "Richer", "base": 40000}), team)
    ax = plots.plot_pay_distribution({"current": payouts, "richer": richer}, kind="box")
    medians = [_by_gid(ax, f"median:{name}")[0].get_ydata()[0] for name in ("current", "richer")]
    expected = [np.median(p.table.groupby("rep_id")["total"].mean()) for p in (payouts, richer)]
    np.testing.assert_allclose(medians, expected)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["current", "richer"]
    dots = {c.get_gid(): c.get_offsets() for c in ax.collections}
    np.testing.assert_allclose(np.sort(dots["values:richer"][:, 1]),
                               np.sort(richer.table.groupby("rep_id")["total"].mean()))


def test_distribution_of_one_plan_is_by_archetype(payouts: Payouts) -> None:
    ax = plots.plot_pay_distribution(payouts, pay="variable", per="row", kind="strip", lang="ru")
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Звезда", "Трудяга", "Минимальщик", "Отстающий"]
    star = [c for c in ax.collections if c.get_gid() == "values:star"][0]
    np.testing.assert_allclose(np.sort(star.get_offsets()[:, 1]),
                               np.sort(payouts.table.loc[payouts.table["rep_id"] == "R01", "variable"]))
    assert "Переменная часть" in ax.get_ylabel()


def test_distribution_violin_and_bad_kind(payouts: Payouts) -> None:
    ax = plots.plot_pay_distribution({"a": payouts, "b": payouts}, kind="violin")
    assert len([c for c in ax.collections if (c.get_gid() or "").startswith("values:")]) == 2
    with pytest.raises(ValueError, match="'box', 'violin' or 'strip'"):
        plots.plot_pay_distribution(payouts, kind="pie")


# --------------------------------------------------------------------------- budget fan

def test_budget_fan_is_the_cumulative_payroll_quantiles(scenario_payouts: Payouts) -> None:
    ax = plots.plot_budget_fan(scenario_payouts, lang="en")
    per = scenario_payouts.table.groupby(["scenario", "period"])["total"].sum().unstack("period")[PERIODS]
    cumulative = per.cumsum(axis=1).to_numpy()
    median = _by_gid(ax, "budget_p50")[0]
    np.testing.assert_allclose(median.get_ydata(), np.quantile(cumulative, 0.5, axis=0))
    band = _by_gid(ax, "budget_band")[0]
    verts = band.get_paths()[0].vertices
    ys = verts[:, 1]
    np.testing.assert_allclose(ys.max(), np.quantile(cumulative[:, -1], 0.9))
    np.testing.assert_allclose(ys[np.isclose(verts[:, 0], 0)].min(), np.quantile(cumulative[:, 0], 0.1))
    assert [t.get_text() for t in ax.get_xticklabels()] == PERIODS
    assert "Cumulative payroll" in ax.get_ylabel()


def test_budget_fan_from_a_quantile_table_and_several_plans(scenario_payouts: Payouts) -> None:
    q = pd.DataFrame({"month": [1, 2, 3], "p10": [1.0, 2.0, 3.0], "p50": [2.0, 4.0, 6.0], "p90": [3, 6, 9]})
    ax = plots.plot_budget_fan({"A": q, "B": scenario_payouts}, cumulative=False, lang="ru")
    np.testing.assert_allclose(_by_gid(ax, "budget_p50:A")[0].get_ydata(), [2, 4, 6])
    per_month = scenario_payouts.table.groupby(["period", "scenario"])["total"].sum().unstack()
    np.testing.assert_allclose(_by_gid(ax, "budget_p50:B")[0].get_ydata(), per_month.median(axis=1))
    assert ax.get_ylabel() == "Фонд оплаты труда, ₽"  # per month, not cumulative


def test_budget_quantiles_table(scenario_payouts: Payouts) -> None:
    q = plots.budget_quantiles(scenario_payouts, cumulative=False)
    assert list(q.columns) == ["period", "p10", "p50", "p90"]
    assert (q["p10"] <= q["p50"]).all() and (q["p50"] <= q["p90"]).all()


# --------------------------------------------------------------------------- comparison bars

def test_comparison_bars_single_metric_are_the_values() -> None:
    # plans are columns under the names their files give them (a plan's name is written once, in its file)
    table = pd.DataFrame({"Только оклад": [1.2e6, 0.1], "Сбалансированная матрица KPI": [1.5e6, 0.9]},
                         index=["payroll", "rho"])
    ax = plots.plot_comparison_bars(table, "payroll", lang="ru")
    heights = {p.get_gid(): p.get_height() for p in ax.patches}
    assert heights == {"bar:payroll:Только оклад": 1.2e6, "bar:payroll:Сбалансированная матрица KPI": 1.5e6}
    assert "Только оклад" in _texts(ax) and ax.get_ylabel() == "Фонд оплаты труда, ₽"


def test_comparison_bars_several_metrics_are_scaled_and_labelled_with_real_values() -> None:
    table = pd.DataFrame({"A": [1.2e6, 0.4], "B": [1.5e6, 0.8]}, index=["payroll", "rho"])
    ax = plots.plot_comparison_bars(table, lang="en")
    heights = {p.get_gid(): p.get_height() for p in ax.patches}
    assert heights == pytest.approx({"bar:payroll:A": 0.8, "bar:payroll:B": 1.0,
                                     "bar:rho:A": 0.5, "bar:rho:B": 1.0})
    assert {"1,200,000", "1,500,000", "0.40", "0.80"} <= {t.get_text() for t in ax.texts}


def test_comparison_bars_hatch_failed_criteria() -> None:
    class Comparison:  # the shape of kpilab.analysis.Comparison the chart reads
        table = pd.DataFrame({"A": [0.5], "B": [0.9], "C": [np.nan]}, index=["rho"])
        verdict = pd.DataFrame({"A": ["fail"], "B": ["pass"], "C": ["not assessed"]}, index=["rho"])

    ax = plots.plot_comparison_bars(Comparison(), "rho", lang="ru")
    hatches = {p.get_gid(): p.get_hatch() for p in ax.patches}
    assert hatches == {"bar:rho:A": "//", "bar:rho:B": None, "bar:rho:C": None}
    assert {p.get_gid(): p.get_height() for p in ax.patches}["bar:rho:C"] == 0.0  # NaN draws no bar...
    assert "н/д" in {t.get_text() for t in ax.texts}  # ...and says so
    assert "Критерий не выполнен" in _texts(ax)


def test_comparison_bars_unknown_metric() -> None:
    with pytest.raises(ValueError, match="'nope'.*metrics: rho"):
        plots.plot_comparison_bars(pd.DataFrame({"A": [1.0]}, index=["rho"]), "nope")


def test_comparison_bars_from_a_real_comparison(team: pd.DataFrame) -> None:
    from kpilab.analysis import compare

    cheaper = load_plan({**PLAN, "name": "Cheaper", "target_bonus": 10000})
    comparison = compare({"current": load_plan(PLAN), "cheaper": cheaper}, team)
    ax = plots.plot_comparison_bars(comparison, ["payroll", "rho"])
    heights = {p.get_gid(): p.get_height() for p in ax.patches}
    table = comparison.table
    top = max(table.loc["payroll", "current"], table.loc["payroll", "cheaper"])
    assert heights["bar:payroll:cheaper"] == pytest.approx(table.loc["payroll", "cheaper"] / top)
    assert heights["bar:payroll:current"] == pytest.approx(table.loc["payroll", "current"] / top)


# --------------------------------------------------------------------------- payout curve

GRID = np.linspace(0, 2, 401)


def _curve_line(ax: Axes, gid: str = "payout_curve"):
    lines = [line for line in ax.lines if line.get_gid() == gid]
    assert len(lines) == 1
    return lines[0]


def test_payout_curve_of_a_component_is_the_engines(plan: Plan) -> None:
    from kpilab.analysis import payout_curve

    ax = plots.plot_payout_curve(plan, "revenue_bonus")
    line = _curve_line(ax)
    np.testing.assert_allclose(line.get_xdata(), GRID)
    np.testing.assert_allclose(line.get_ydata(), payout_curve(plan, attainments=GRID)["revenue_bonus"])
    y = dict(zip(np.round(GRID, 3), line.get_ydata()))
    # 20 000 x curve: nothing under 80 %, 0.5 at 80 %, 1 on plan, 2 at 150 %, extended slope to 3 at 200 %
    assert (y[0.79], y[0.8], y[1.0], y[1.25], y[1.5], y[2.0]) == pytest.approx((0, 10000, 20000, 30000, 40000, 60000))
    assert ax.get_title() == "Payout curve: revenue_bonus"  # a name the consultant chose stays verbatim


def test_payout_curve_of_the_whole_plan_and_of_one_metric(plan: Plan) -> None:
    from kpilab.analysis import payout_curve

    ax = plots.plot_payout_curve(plan, lang="ru")
    expected = payout_curve(plan, attainments=GRID)
    np.testing.assert_allclose(_curve_line(ax).get_ydata(), expected["variable"])
    assert ax.get_xlabel() == "Выполнение плана, %" and ax.get_ylabel() == "Переменная часть, ₽"
    assert ax.get_title() == "Кривая выплат: Test plan"
    total = plots.plot_payout_curve(plan, pay="total")
    np.testing.assert_allclose(_curve_line(total).get_ydata(), expected["total"])
    deals = plots.plot_payout_curve(plan, "deals_bonus", metric="deals")
    np.testing.assert_allclose(_curve_line(deals).get_ydata(),
                               payout_curve(plan, metric="deals", attainments=GRID)["deals_bonus"])
    assert set(np.round(_curve_line(deals).get_ydata(), 6)) == {0.0, 2500.0, 5000.0}  # the step bonus


def test_payout_curve_marks_findings_on_the_drawn_component_and_axis(plan: Plan) -> None:
    from kpilab.analysis import Finding

    findings = [
        Finding("revenue_bonus", "cliff", "revenue", 0.8, 10000.0, "warning", "jumps at 80 %"),
        Finding("deals_bonus", "cliff", "deals", 0.5, 2500.0, "warning", "jumps at 50 %"),
        Finding("revenue_bonus", "cap_hit", "all", float("nan"), 0.3, "info", "no attainment: not marked"),
    ]
    ax = plots.plot_payout_curve(plan, "revenue_bonus", findings=findings, lang="ru")
    marks = [line for line in ax.lines if (line.get_gid() or "").startswith("finding:")]
    assert [m.get_xdata()[0] for m in marks] == [0.8]
    point = [line for line in ax.lines if line.get_gid() == "finding_point:0"][0]
    assert point.get_ydata()[0] == pytest.approx(10000)  # the dot sits on the curve
    labels = [t.get_text() for t in ax.texts if (t.get_gid() or "").startswith("finding_label")]
    assert labels == ["Обрыв · Выручка"]  # every metric moves: the label says which one broke
    whole = plots.plot_payout_curve(plan, findings=findings, lang="en")  # whole plan: every component
    assert sorted(line.get_xdata()[0] for line in whole.lines if (line.get_gid() or "").startswith("finding:")) \
        == [0.5, 0.8]
    assert "Cliff · Deals" in [t.get_text() for t in whole.texts]


def test_payout_curve_with_a_real_lint_report() -> None:
    from kpilab.analysis import lint

    plan = load_plan("data/plans/tiered_commission.yaml")
    report = lint(plan)
    ax = plots.plot_payout_curve(plan, findings=report)
    drawn = sorted({round(line.get_xdata()[0], 6) for line in ax.lines if (line.get_gid() or "").startswith("finding:")})
    expected = sorted({round(f.attainment, 6) for f in report.findings if np.isfinite(f.attainment)
                       and (f.metric == "all" or f.metric in plan.targets)})
    assert drawn == expected


def test_payout_curve_of_a_scheme_draws_each_role() -> None:
    from kpilab.analysis import payout_curve

    scheme = load_plan("data/plans/roles_scheme.yaml")
    ax = plots.plot_payout_curve(scheme)
    for role, role_plan in scheme.plans().items():
        np.testing.assert_allclose(_curve_line(ax, f"payout_curve:{role}").get_ydata(),
                                   payout_curve(role_plan, attainments=GRID)["variable"])


def test_payout_curve_unknown_component(plan: Plan) -> None:
    with pytest.raises(ValueError, match="'bonus'.*components: deals_bonus, missed, revenue_bonus"):
        plots.plot_payout_curve(plan, "bonus")


def test_payout_curve_passed_ax(plan: Plan) -> None:
    fig, ax = plt.subplots()
    assert plots.plot_payout_curve(plan, ax=ax) is ax
    assert plt.get_fignums() == [fig.number]


# --------------------------------------------------------------------------- tail and replacement

class _Replacement:  # the documented shape of kpilab.analysis.ReplacementResult.table
    months = np.arange(1, 5)
    table = pd.DataFrame(
        {f"{series}_{q}": base * (1 + 0.1 * np.arange(4)) * factor
         for series, base in [("output_keep", 100.0), ("output_replace", 90.0), ("cost_keep", 50.0),
                              ("cost_replace", 55.0), ("output_gain", -10.0), ("cost_gain", 5.0),
                              ("cum_output_gain", -10.0), ("cum_cost_gain", 5.0)]
         for q, factor in [("p10", 0.9), ("p50", 1.0), ("p90", 1.1)]},
        index=pd.Index(months, name="month"))


def test_replacement_path_draws_keep_and_replace_bands() -> None:
    ax = plots.plot_tail(_Replacement(), lang="ru", what="output", measure="revenue")
    t = _Replacement.table
    for series in ("output_keep", "output_replace"):
        median = _by_gid(ax, f"tail_p50:{series}")[0]
        np.testing.assert_allclose(median.get_xdata(), [1, 2, 3, 4])
        np.testing.assert_allclose(median.get_ydata(), t[f"{series}_p50"])
        ys = _by_gid(ax, f"tail_band:{series}")[0].get_paths()[0].vertices[:, 1]
        assert ys.min() == pytest.approx(t[f"{series}_p10"].min()) and ys.max() == pytest.approx(t[f"{series}_p90"].max())
    words = _texts(ax)
    assert "С заменой" in words and "Без замены" in words and ax.get_ylabel() == "Выручка, ₽"
    cost = plots.plot_tail(_Replacement(), what="cum_cost_gain")
    np.testing.assert_allclose(_by_gid(cost, "tail_p50:cum_cost_gain")[0].get_ydata(), t["cum_cost_gain_p50"])
    assert cost.get_ylabel() == "Cumulative extra cost, ₽"
    with pytest.raises(ValueError, match="what must be one of output, cost"):
        plots.plot_tail(_Replacement(), what="profit")


def test_tail_report_bars_are_months_in_the_tail() -> None:
    class Tail:  # the documented shape of kpilab.analysis.TailReport
        k, n, quantile = 3, 6, 0.25
        table = pd.DataFrame({"rep_id": ["R01", "R02", "R03"], "archetype": ["laggard", "star", "newcomer"],
                              "periods_in_tail": [5.0, 0.0, 3.0], "last_n": [6, 6, 6],
                              "flagged": [True, False, True]})

    ax = plots.plot_tail(Tail(), lang="ru")
    bars = {p.get_gid(): p for p in ax.patches if (p.get_gid() or "").startswith("tail_rep:")}
    assert {g: b.get_width() for g, b in bars.items()} == {"tail_rep:R01": 5.0, "tail_rep:R02": 0.0,
                                                          "tail_rep:R03": 3.0}
    vermillion = plots.palette()[3]
    assert np.allclose(bars["tail_rep:R01"].get_facecolor()[:3], vermillion)
    assert not np.allclose(bars["tail_rep:R02"].get_facecolor()[:3], vermillion)
    assert _by_gid(ax, "tail_threshold")[0].get_xdata()[0] == 3
    assert [t.get_text() for t in ax.get_yticklabels()] == ["R02 · Звезда", "R03 · Новичок", "R01 · Отстающий"]


def test_tail_and_replacement_from_the_analysis() -> None:
    from kpilab.analysis import simulate_replacement, tail
    from kpilab.data.synth import make_team

    team = make_team(12, periods=8, seed=3)
    plan = load_plan("data/plans/balanced_kpi.yaml")
    report = tail(evaluate(plan, team))
    ax = plots.plot_tail(report)
    assert len([p for p in ax.patches if (p.get_gid() or "").startswith("tail_rep:")]) == len(report.table)
    result = simulate_replacement(plan, team, horizon=6, n_scenarios=20, seed=1)
    ax = plots.plot_tail(result, what="cost")
    np.testing.assert_allclose(_by_gid(ax, "tail_p50:cost_replace")[0].get_ydata(),
                               result.table["cost_replace_p50"])


# --------------------------------------------------------------------------- report sheet

def test_report_sheet_is_a_figure_of_the_four_key_charts(payouts: Payouts) -> None:
    before = dict(matplotlib.rcParams)
    fig = plots.report_sheet(payouts, lang="ru")
    assert isinstance(fig, Figure) and len(fig.axes) == 4
    titles = [ax.get_title() for ax in fig.axes]
    assert titles[0] == "Кривая выплат: Test plan" and titles[1] == "Выплата и результат"
    assert titles[2] == "Распределение выплат" and titles[3].startswith("Расчёт выплаты: ")
    assert fig._suptitle.get_text() == "Test plan: ключевые графики"
    assert dict(matplotlib.rcParams) == before
    assert plt.get_fignums() == [fig.number]
    # the default waterfall is the median rep of the last period
    last = payouts.table[payouts.table["period"] == "2026-03"].sort_values("total", kind="stable")
    assert titles[3] == f"Расчёт выплаты: {last.iloc[(len(last) - 1) // 2]['rep_id']}, 2026-03"


def test_report_sheet_saves(payouts: Payouts, tmp_path: Path) -> None:
    fig = plots.report_sheet(payouts, rep_id="R02", period="2026-01")
    assert fig.axes[3].get_title() == "Pay statement: R02, 2026-01"
    assert plots.save(fig, tmp_path / "sheet.pdf").read_bytes().startswith(b"%PDF-")


def test_findings_off_the_attainment_axis_are_not_marked(plan: Plan) -> None:
    from kpilab.analysis import Finding

    value_plan = load_plan({**PLAN, "components": [
        {"name": "deals_bonus", "kind": "bonus", "metric": "deals", "basis": "value", "amount": 5000,
         "curve": {"steps": [[4, 0.5], [8, 1.0]]}}]})
    findings = [Finding("deals_bonus", "cliff", "deals", 4.0, 2500.0, "warning", "at 4 deals, a value"),
                Finding("revenue_bonus", "cliff", "revenue", 961200.0, 1.0, "warning", "a value far off the axis")]
    ax = plots.plot_payout_curve(value_plan, findings=findings)
    assert not [line for line in ax.lines if (line.get_gid() or "").startswith("finding")]
    ax = plots.plot_payout_curve(plan, findings=findings)
    assert ax.get_xlim() == (0.0, 2.0)  # a stray finding never stretches the chart


def test_large_money_axes_switch_to_millions() -> None:
    fig, ax = plt.subplots()
    ax.plot([0, 3_000_000], [0, 16_000_000])
    ax.xaxis.set_major_formatter(plots.money_formatter("ru"))
    ax.yaxis.set_major_formatter(plots.money_formatter("en"))
    fig.canvas.draw()
    assert {"0\u00a0M", "2\u00a0M", "4\u00a0M", "16\u00a0M"} <= {t.get_text() for t in ax.get_yticklabels()}
    assert {"0,5\u00a0млн", "1,0\u00a0млн"} <= {t.get_text() for t in ax.get_xticklabels()}
    ax.set_ylim(0, 900_000)
    fig.canvas.draw()
    assert "800,000" in [t.get_text() for t in ax.get_yticklabels()]
