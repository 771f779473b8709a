"""Table model of the evaluator groups (评委类别): weight, trimming, ballots issued, recusal."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from evalapp.domain import Group, format_decimal
from evalapp.marks import to_decimal
from evalapp.setting_rules import min_trim_from, weight_total_words, weights_complete
from ui.setup.row_edit_table_model import (  # noqa: F401  (roles re-exported)
    ROW_ROLE,
    SORT_ROLE,
    Column,
    RowEditTableModel,
    number_error,
)

NAME, WEIGHT, TRIM, TRIM_FROM, EXPECTED, RECUSAL = range(6)


class GroupTableModel(RowEditTableModel):
    COLUMNS = (
        Column("name", "类别", tip="评委类别名称,如“四大班子领导”"),
        Column("weight", "权重", numeric=True, tip="百分数,大于 0;各类别合计应为 100"),
        Column("trim", "去掉最高最低分个数", numeric=True,
               tip="去掉 k 个最高分和 k 个最低分;0 表示不去"),
        Column("trim_from", "去极值起始人数", numeric=True,
               tip="某部门在本类别的评分人数达到此数才去极值;至少为 2k+1"),
        Column("expected", "发出票数", numeric=True, tip="发出的选票张数;可不填"),
        Column("recusal", "回避本部门", check=True, tip="本类别的评委不给自己所在部门计分"),
    )

    def blank_row(self) -> dict:
        return {"name": "", "weight": "", "trim": "0", "trim_from": "5", "expected": "",
                "recusal": False}

    def set_groups(self, groups: list[Group]) -> None:
        self.set_rows([{"name": g.name, "weight": format_decimal(g.weight),
                        "trim": str(g.trim), "trim_from": str(g.trim_from),
                        "expected": "" if g.expected is None else str(g.expected),
                        "recusal": g.recusal} for g in groups])

    def row_errors(self, row: dict) -> dict[str, str]:
        errors = {}
        if not row["name"]:
            errors["name"] = "不能为空"
        checks = {"weight": number_error(row["weight"], above=0),
                  "trim": number_error(row["trim"], integer=True, minimum=0),
                  "trim_from": number_error(row["trim_from"], integer=True, minimum=1),
                  "expected": number_error(row["expected"], integer=True, minimum=0,
                                           optional=True)}
        errors.update({k: v for k, v in checks.items() if v})
        if "trim" not in errors and "trim_from" not in errors:
            least = min_trim_from(int(to_decimal(row["trim"])))
            if int(to_decimal(row["trim_from"])) < least:
                errors["trim_from"] = f"去掉最高最低各 {row['trim']} 个时至少为 {least}"
        return errors

    def weight_total(self) -> Decimal | None:
        """Sum of the weights, or None while a weight is not a number."""
        try:
            return sum((to_decimal(r["weight"]) for r in self._rows), Decimal(0))
        except ValueError:
            return None

    def names(self) -> list[str]:
        return [r["name"] for r in self._rows if r["name"]]

    def table_problems(self) -> list[str]:
        """Duplicate names (the weight sum is checked by ``weight_problem``)."""
        return [f"评委类别“{n}”重复" for n, c in Counter(self.names()).items() if c > 1]

    def weight_problem(self) -> str | None:
        total = self.weight_total()
        if not self._rows or total is None or weights_complete(total):
            return None  # a weight that is not a number is already reported in its cell
        return weight_total_words(total)

    def groups(self) -> list[Group]:
        """The rows as groups; call only when ``problems()`` is empty."""
        return [Group(r["name"], to_decimal(r["weight"]), int(to_decimal(r["trim"])),
                      int(to_decimal(r["trim_from"])),
                      int(to_decimal(r["expected"])) if r["expected"] else None,
                      bool(r["recusal"])) for r in self._rows]
