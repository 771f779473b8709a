"""Table model of the audit log (操作日志): who changed what, when, old → new in plain words."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt

from evalapp.digest import with_check_codes
from evalapp.services.audit_log import AuditInfo
from evalapp.services.context import ROLE_LABELS
from ui.common.base_table_model import ROW_ROLE, SORT_ROLE, RowsTableModel

HEADERS = ["时间", "操作员", "角色", "操作", "对象", "原值 → 新值"]
TIME, OPERATOR, ROLE, ACTION, TARGET, CHANGE = range(len(HEADERS))
SHORT = 90  # characters of the change shown in the table; the rest in the tooltip/detail
EMPTY = "(空)"


FIELD_LABELS = {
    "name": "名称", "year": "年度", "mode": "评分方式", "low": "最低分", "high": "最高分",
    "mark_decimals": "评分小数位", "result_decimals": "结果小数位", "grades": "等次分值",
    "excellent_ratio": "优秀票上限比例", "high_line": "高分线", "void_identical": "全同分作废",
    "bonus_cap": "加分上限", "admonish_below": "诫勉分数线", "tie_break": "并列排序依据",
    "commend_quota": "表扬名额", "admonish_quota": "诫勉名额", "named_ballots": "记名投票",
    "double_entry": "双人录入", "order": "述职顺序", "short_name": "简称", "category": "类别",
    "presenter": "述职人", "title": "职务", "weight": "权重", "trim": "去掉最高最低各",
    "trim_from": "去分起始票数", "expected": "发出票数", "recusal": "回避本部门",
    "commend": "表扬名额", "admonish": "诫勉名额", "department": "部门", "points": "分值",
    "reason": "原因", "veto": "一票否决", "group": "评委类别", "unit": "单位", "seat": "座位",
    "count": "人数", "percent": "比例",
}
KEY_ORDER = ["票号", "评委类别", "所属部门", "作废原因", "评分"]


def _parse(text: str | None) -> object:
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def _label(key: str) -> str:
    return "·".join(FIELD_LABELS.get(part, part) for part in key.split("·"))


def _plain(value: object) -> str:
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dict):
        return f"{len(value)} 项"
    if isinstance(value, list):
        return "、".join(_plain(v) for v in value) or EMPTY
    return with_check_codes(str(value))  # a result digest is read as its 校验码


def _by_name(value: object) -> object:
    """A list of named records (groups, categories …) as a dict keyed by name, for diffing."""
    if (isinstance(value, list) and value and all(isinstance(v, dict) and "name" in v
                                                  for v in value)):
        return {v["name"]: {k: x for k, x in v.items() if k != "name"} for v in value}
    return value


def _ordered(value: dict) -> list[str]:
    return sorted(value, key=lambda k: (KEY_ORDER.index(k) if k in KEY_ORDER
                                        else len(KEY_ORDER), ""))


def _flatten(value: object, prefix: str = "") -> dict[str, object]:
    """{"评分": {"财务科": "88"}} -> {"评分·财务科": "88"}; a scalar becomes {"": value}."""
    value = _by_name(value)
    if not isinstance(value, dict):
        return {prefix: value}
    flat: dict[str, object] = {}
    for key in _ordered(value):
        inner = _by_name(value[key])
        name = f"{prefix}·{key}" if prefix else str(key)
        if isinstance(inner, dict):
            flat.update(_flatten(inner, name) if inner else {name: None})
        else:
            flat[name] = inner
    return flat


def change_lines(old_text: str | None, new_text: str | None) -> list[str]:
    """What changed, one line per value: "评分·财务科:88 → 85.5"."""
    old, new = _by_name(_parse(old_text)), _by_name(_parse(new_text))
    if old is None and new is None:
        return []
    if old is None and isinstance(new, dict):
        return [f"{_label(k)}:{_plain(new[k])}" for k in _ordered(new)]
    if new is None and isinstance(old, dict):
        return [f"{_label(k)}:{_plain(old[k])} → {EMPTY}" for k in _ordered(old)]
    before, after = _flatten(old), _flatten(new)
    lines = []
    for key in [*before, *(k for k in after if k not in before)]:
        a, b = before.get(key), after.get(key)
        if a != b:
            label = f"{_label(key)}:" if key else ""
            lines.append(f"{label}{_plain(a)} → {_plain(b)}")
    return lines or ["(内容无变化)"]


def _pretty(value: object, indent: str = "  ") -> list[str]:
    """Readable lines of a stored value: "评分:" then "  区委办:93" …"""
    value = _by_name(value)
    if not isinstance(value, dict):
        return [indent + _plain(value)]
    lines = []
    for key in _ordered(value):
        inner = _by_name(value[key])
        if isinstance(inner, dict) and inner:
            lines.append(f"{indent}{_label(key)}:")
            lines += _pretty(inner, indent + "  ")
        else:
            lines.append(f"{indent}{_label(key)}:{_plain(inner)}")
    return lines


def shorten(text: str, limit: int = SHORT) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def detail_text(info: AuditInfo) -> str:
    """Everything about one entry, for the detail pane: the changes, then both values in full."""
    role = ROLE_LABELS.get(info.role, info.role)
    parts = [f"{info.at:%Y-%m-%d %H:%M:%S}  {info.operator}({role})"
             f"  {info.action}  {info.target}", "", "变化:"]
    parts += [f"  {line}" for line in change_lines(info.old, info.new)] or ["  (无)"]
    for title, text in (("原值", info.old), ("新值", info.new)):
        if text is not None:
            parts += ["", f"{title}:", *_pretty(_parse(text))]
    return with_check_codes("\n".join(parts))


class AuditTableModel(RowsTableModel):
    """Newest first, as the service returns them."""

    headers = HEADERS

    def __init__(self, parent=None):
        super().__init__(parent)
        self._changes: list[list[str]] = []

    def set_rows(self, rows: list[AuditInfo]) -> None:
        rows = list(rows)
        self._changes = [change_lines(r.old, r.new) for r in rows]
        super().set_rows(rows)

    def _text(self, row: int, column: int) -> str:
        r = self._rows[row]
        if column == TIME:
            return f"{r.at:%Y-%m-%d %H:%M:%S}"
        values = {OPERATOR: r.operator, ROLE: ROLE_LABELS.get(r.role, r.role),
                  ACTION: r.action, TARGET: r.target, CHANGE: shorten(";".join(self._changes[row]))}
        return values[column]

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not self.has_row(index):
            return None
        row, column = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == SORT_ROLE:
            return self._rows[row].id if column == TIME else self._text(row, column)
        if role == ROW_ROLE:
            return self._rows[row]
        if role == Qt.ItemDataRole.ToolTipRole and column in (TARGET, CHANGE):
            if column == TARGET:
                return self._rows[row].target
            return "\n".join(self._changes[row][:40]) + ("\n……(详见下方明细)"
                                                          if len(self._changes[row]) > 40 else "")
        return None
