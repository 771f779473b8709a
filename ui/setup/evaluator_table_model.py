"""Table model of the optional evaluator roster (评委名单): name, group, unit, seat."""

from __future__ import annotations

from evalapp.domain import Evaluator
from ui.setup.row_edit_table_model import (  # noqa: F401  (roles re-exported)
    ROW_ROLE,
    SORT_ROLE,
    Column,
    RowEditTableModel,
)

NAME, GROUP, UNIT, SEAT = range(4)


class EvaluatorTableModel(RowEditTableModel):
    COLUMNS = (
        Column("name", "姓名"),
        Column("group", "评委类别", tip="从已设的评委类别中选择"),
        Column("unit", "单位"),
        Column("seat", "座位号", tip="如“1排3号”"),
    )

    def __init__(self, parent=None):
        super().__init__(parent)
        self._groups: list[str] = []

    def set_group_names(self, names: list[str]) -> None:
        """The groups an evaluator may belong to; rows are checked again."""
        if names != self._groups:
            self._groups = list(names)
            self.revalidate()

    def choices(self, key: str) -> list[str]:
        return list(self._groups) if key == "group" else []

    def set_evaluators(self, evaluators: list[Evaluator]) -> None:
        self.set_rows([{"name": e.name, "group": e.group, "unit": e.unit, "seat": e.seat}
                       for e in evaluators])

    def row_errors(self, row: dict) -> dict[str, str]:
        errors = {}
        if not row["name"]:
            errors["name"] = "不能为空"
        if not row["group"]:
            errors["group"] = "请选择评委类别"
        elif row["group"] not in self._groups:
            errors["group"] = f"“{row['group']}”不是已设的评委类别"
        return errors

    def evaluators(self) -> list[Evaluator]:
        return [Evaluator(r["name"], r["group"], r["unit"], r["seat"]) for r in self._rows]
