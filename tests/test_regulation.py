"""«Положение о премировании»: the DOCX opened back, its tables and numbers checked (kpilab.report.regulation)."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from kpilab import evaluate
from kpilab.analysis.fit import fit_plan
from kpilab.cli import main
from kpilab.data import datasets
from kpilab.data.profiles import load_client_team, load_profile
from kpilab.i18n import fmt_money
from kpilab.report.regulation import scale_words, typical_rows, write_regulation

EXPORT = datasets.DATA_DIR / "client_export.xlsx"
PROFILE = datasets.DATA_DIR / "client_export.profile.yaml"
NBSP = "\u00a0"


def _text(document: docx.document.Document) -> str:
    return "\n".join(p.text for p in document.paragraphs)


def _rows(table) -> list[list[str]]:
    return [[cell.text.replace(NBSP, " ") for cell in row.cells] for row in table.rows]


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory):
    team = load_client_team(EXPORT, load_profile(PROFILE))
    plan = fit_plan(datasets.load_plan("balanced_kpi"), team, lang="ru", title="Сбалансированные KPI").fitted
    path = tmp_path_factory.mktemp("reg") / "regulation.docx"
    assert write_regulation(plan, path, team=team, lang="ru", client="ООО «Пример»") == path
    return plan, team, docx.Document(str(path))


def test_the_first_page_says_it_is_a_draft_for_a_lawyer(written) -> None:
    _, _, document = written
    assert document.sections[0].header.paragraphs[0].text == "Проект — для проверки юристом"
    first = [p.text for p in document.paragraphs if p.text.strip()][:4]
    assert first[0].startswith("ПРОЕКТ.") and "проверен юристом" in first[0]
    assert first[2] == "Положение о премировании работников отдела продаж"
    assert "ООО «Пример»" in first[3] and "«Сбалансированные KPI (под данные клиента)»" in first[3]
    assert _text(document).rstrip().endswith("перед утверждением его должен проверить юрист.")


def test_salary_and_target_bonus_table(written) -> None:
    """45 000 salary, 45 000 target bonus, cap 4 × 45 000 = 180 000, floor = salary (Balanced KPI version 3)."""
    _, _, document = written
    assert _rows(document.tables[0]) == [
        ["Должность", "Оклад в месяц", "Целевая премия в месяц", "Предел переменной части",
         "Гарантированный минимум"],
        ["Менеджер по продажам", "45 000 ₽", "45 000 ₽", "180 000 ₽", "45 000 ₽"]]


def test_each_kpi_with_its_plan_weight_and_scale(written) -> None:
    _, _, document = written
    rows = _rows(document.tables[1])
    assert rows[0] == ["Часть премии", "Показатель", "План на месяц", "Вес", "Сумма при выполнении плана",
                       "Шкала: коэффициент от результата"]
    # the fitted activity scorecard: calls and meetings at 50 % each of its 10 % (0.1 × 45 000 = 4 500)
    assert rows[1][:5] == ["Бонус за активность", "Звонки", "800, если работнику не установлен личный план",
                           "50 % внутри части (10 % премии)", "4 500 ₽"]
    assert rows[2][1] == "Встречи"
    assert rows[3][:5] == ["Бонус за сделки", "Сделки", "8", "10 %", "4 500 ₽"]
    assert rows[4][:5] == ["Бонус за выручку", "Выручка", "1 200 000 ₽", "80 %", "36 000 ₽"]
    assert rows[4][5] == ("ниже 600 000 ₽ — 0; 600 000 ₽ → 0; 1 200 000 ₽ → 1; 1 800 000 ₽ → 3; "
                          "между точками — равномерно; выше 1 800 000 ₽ — по той же линии, без ограничения")
    assert len(rows) == 5


def test_conditions_and_the_lawful_disciplinary_cut(written) -> None:
    _, _, document = written
    text = _text(document).replace(NBSP, " ")
    assert ("Части премии «Бонус за активность», «Бонус за сделки» начисляются, только если за месяц выручка не "
            "меньше 960 000 ₽") in text
    assert ("Части премии «Бонус за сделки», «Бонус за выручку» умножаются на поправочный коэффициент в зависимости "
            "от звонков: ниже 20 % — 0") in text  # the mandatory activity minimum (version 3)
    assert "Переменная часть (все части премии вместе) за месяц не превышает 180 000 ₽." in text
    assert "только за тот месяц, в котором взыскание применено" in text
    assert "не может превышать 20 % месячной заработной платы" in text and "№ 144-ФЗ" in text
    assert "Основание и размер снижения указываются в приказе" in text
    assert "не реже чем каждые полмесяца" in text


def test_worked_examples_are_the_engines_low_median_and_high(written) -> None:
    plan, team, document = written
    payouts = evaluate(plan, team)
    rounded = payouts.rounded()
    picks = typical_rows(payouts)
    assert [k for k, _ in picks] == ["low", "median", "high"]
    summary = _rows(document.tables[-1])
    assert summary[0] == ["Пример", "Месяц", "Оклад в месяц", "Премия", "Итого"]
    for (kind, pos), row in zip(picks, summary[1:]):
        money = [fmt_money(rounded[c].iat[pos], "ru", "RUB", 2).replace(NBSP, " ") for c in ("base", "variable", "total")]
        assert row[2:] == money
    totals = [rounded["total"].iat[pos] for _, pos in picks]
    assert totals == sorted(totals) and totals[0] < totals[-1]
    # the examples are named by letter, never by the client's employees
    text = _text(document)
    assert "Менеджер А: низкий результат" in text and not any(rep in text for rep in team["rep_id"].unique())


def test_a_scheme_lists_each_role(tmp_path: Path) -> None:
    scheme = datasets.load_plan("roles_scheme")
    path = write_regulation(scheme, tmp_path / "r.docx", team=datasets.load_sample_team(), lang="en")
    document = docx.Document(str(path))
    roles = [row[0] for row in _rows(document.tables[0])[1:]]
    assert roles == ["Junior", "Senior"]
    assert "DRAFT." in _text(document)


def test_scale_words_of_steps_and_attainment() -> None:
    curve = datasets.load_plan("multi_condition").component("phone_bonus").curve
    assert scale_words(curve, "calls", "attainment", "ru").replace(NBSP, " ") == \
        "ниже 90 % — 0; от 90 % — 0,8; от 100 % — 1; от 120 % — 1,3"


def test_kpilab_regulation_writes_the_docx_and_refuses_a_plan_the_data_cannot_pay(
        tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "r.docx"
    assert main(["regulation", "balanced_kpi", "--team", str(EXPORT), "--profile", str(PROFILE), "--lang", "ru",
                 "-o", str(out)]) == 2
    assert not out.exists() and "kpilab fit balanced_kpi" in capsys.readouterr().err
    assert main(["regulation", "tiered_commission", "--team", str(EXPORT), "--profile", str(PROFILE),
                 "--lang", "ru", "-o", str(out)]) == 0
    document = docx.Document(str(out))
    assert "Схема оплаты: «Ступенчатый процент с выручки»" in _text(document)  # the plan file's own Russian name
    assert "ООО «Пример»" in _text(document)                          # the employer from the profile
