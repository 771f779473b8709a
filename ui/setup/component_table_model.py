"""Table model of the score components (得分构成): 集中考评 and others, with weights."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from evalapp.domain import ONSITE_COMPONENT, Component, format_decimal
from evalapp.marks import to_decimal
from evalapp.setting_rules import weight_total_words, weights_complete
from ui.setup.row_edit_table_model import (  # noqa: F401  (roles re-exported)
    ROW_ROLE,
    SORT_ROLE,
    Column,
    RowEditTableModel,
    number_error,
)

NAME, WEIGHT = range(2)


class ComponentTableModel(RowEditTableModel):
    COLUMNS = (
        Column("name", "得分项目", tip="必须包含“集中考评”;其他如“目标考核”“日常考核”"),
        Column("weight", "权重", numeric=True, tip="百分数;各项合计应为 100"),
    )

    def set_components(self, components: list[Component]) -> None:
        self.set_rows([{"name": c.name, "weight": format_decimal(c.weight)}
                       for c in components])

    def row_errors(self, row: dict) -> dict[str, str]:
        errors = {"name": None if row["name"] else "不能为空",
                  "weight": number_error(row["weight"], above=0, maximum=100)}
        return {k: v for k, v in errors.items() if v}

    def weight_total(self) -> Decimal | None:
        try:
            return sum((to_decimal(r["weight"]) for r in self._rows), Decimal(0))
        except ValueError:
            return None

    def table_problems(self) -> list[str]:
        if not self._rows:
            return []
        names = [r["name"] for r in self._rows if r["name"]]
        problems = [f"得分项目“{n}”重复" for n, c in Counter(names).items() if c > 1]
        if ONSITE_COMPONENT not in names:
            problems.append(f"得分构成必须包含“{ONSITE_COMPONENT}”")
        total = self.weight_total()
        if total is not None and not weights_complete(total):
            problems.append(weight_total_words(total))
        return problems

    def components(self) -> list[Component]:
        """The rows as components; call only when ``problems()`` is empty."""
        return [Component(r["name"], to_decimal(r["weight"])) for r in self._rows]
