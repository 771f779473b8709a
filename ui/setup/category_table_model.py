"""Table model of the department categories (部门类别) with their commend/admonish quotas."""

from __future__ import annotations

from collections import Counter

from evalapp.domain import Category, DomainError, parse_quota
from ui.setup.row_edit_table_model import (  # noqa: F401  (roles re-exported)
    ROW_ROLE,
    SORT_ROLE,
    Column,
    RowEditTableModel,
)

NAME, COMMEND, ADMONISH = range(3)
QUOTA_TIP = "名额:人数(如 3)或百分比(如 10%,按本类别参与排名的部门数计,四舍五入且至少 1 名)"


def quota_error(text: str) -> str | None:
    try:
        parse_quota(text)
    except DomainError:
        return "应为非负整数或百分比(如“10%”)"
    return None


class CategoryTableModel(RowEditTableModel):
    COLUMNS = (
        Column("name", "类别名称"),
        Column("commend", "表扬名额", numeric=True, tip=QUOTA_TIP),
        Column("admonish", "诫勉名额", numeric=True, tip=QUOTA_TIP),
    )

    def blank_row(self) -> dict:
        return {"name": "", "commend": "0", "admonish": "0"}

    def set_categories(self, categories: list[Category]) -> None:
        self.set_rows([{"name": c.name, "commend": c.commend.text(),
                        "admonish": c.admonish.text()} for c in categories])

    def row_errors(self, row: dict) -> dict[str, str]:
        errors = {"commend": quota_error(row["commend"]),
                  "admonish": quota_error(row["admonish"]),
                  "name": None if row["name"] else "不能为空"}
        return {k: v for k, v in errors.items() if v}

    def table_problems(self) -> list[str]:
        names = Counter(r["name"] for r in self._rows if r["name"])
        return [f"部门类别“{n}”重复" for n, c in names.items() if c > 1]

    def categories(self) -> list[Category]:
        """The rows as categories; call only when ``problems()`` is empty."""
        return [Category(r["name"], parse_quota(r["commend"]), parse_quota(r["admonish"]))
                for r in self._rows]
