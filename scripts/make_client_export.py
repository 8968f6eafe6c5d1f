"""Write data/client_export.xlsx: what a client typically hands over.

Six reps x three months with Russian headers and the usual mess: some
numbers stored as text ("1 234 567" with non-breaking spaces, "812 " with a
trailing space, "1234567,50" with a decimal comma), a blank line, then an
"Итого" total row. ``data/README.md`` shows how kpilab reads it and what it
flags instead of guessing.

Run from the repository top: ``python scripts/make_client_export.py [OUT.xlsx]``
(default: data/client_export.xlsx). It is written with the current (issue 11)
generator: ``make_team(6, 3, seed=11)``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import openpyxl
from openpyxl.styles import Font

from kpilab.data.datasets import DATA_DIR
from kpilab.data.synth import make_team

NAMES = ["Иванов А.", "Петрова Е.", "Сидоров К.", "Кузнецова М.", "Смирнов Д.", "Волкова О."]
HEADERS = ["Менеджер", "Месяц", "Звонки", "Пропущенные", "Встречи", "Сделки", "Выручка", "План выручки"]


def main(out: Path | None = None) -> None:
    team = make_team(6, periods=3, seed=11, start="2026-01")
    team["name"] = team["rep_id"].map(dict(zip(sorted(team["rep_id"].unique()), NAMES)))
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Продажи"
    ws.append(HEADERS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for i, r in enumerate(team.itertuples(index=False)):
        calls: object = int(r.calls)
        revenue: object = float(r.revenue)
        if i % 5 == 1:                       # numbers stored as text, Russian style
            revenue = f"{int(r.revenue):,}".replace(",", "\u00a0")
        if i % 7 == 3:
            calls = f"{int(r.calls)} "
        if i == 10:
            revenue = f"{int(r.revenue)},50"
        ws.append([r.name, r.period, calls, int(r.missed_calls), int(r.meetings), int(r.deals),
                   revenue, float(r.plan_revenue)])
    ws.append([])                            # a blank line before the totals
    ws.append(["Итого", None, int(team.calls.sum()), int(team.missed_calls.sum()),
               int(team.meetings.sum()), int(team.deals.sum()), float(team.revenue.sum()),
               float(team.plan_revenue.sum())])
    ws[ws.max_row][0].font = Font(bold=True)
    for col in "ABCDEFGH":
        ws.column_dimensions[col].width = 16
    out = out or DATA_DIR / "client_export.xlsx"
    wb.save(out)
    print(f"wrote {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else None)
