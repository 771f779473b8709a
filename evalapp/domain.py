"""Plain data for one evaluation: what the workbook, the database and the tally exchange.

Every number is a ``Decimal`` (exact, as typed); the tally turns them into ``Fraction``.
Objects refer to each other by name (names are unique within an evaluation), so the same
data can come from a workbook, from the database or from a test without any ids.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from evalapp.textnorm import plain_decimal

SCORE_MODE = "score"  # 百分制
GRADE_MODE = "grade"  # 等次制
MODE_LABELS = {SCORE_MODE: "百分制", GRADE_MODE: "等次制"}

STATUS_DRAFT = "draft"  # 初步
STATUS_FINAL = "final"  # 定稿
STATUS_LABELS = {STATUS_DRAFT: "初步", STATUS_FINAL: "定稿"}

ONSITE_COMPONENT = "集中考评"
IMPLICIT_CATEGORY = "全部"

# Tie-break keys (RULES §7): the on-site score, a named group's score, first-grade marks.
TIE_ONSITE = "集中考评得分"
TIE_EXCELLENT = "优秀票数"

DEFAULT_GRADES_TEXT = "优秀=100,良好=85,一般=70,较差=50"


class DomainError(Exception):
    """Bad input a user can act on; the message is Chinese and names the place."""


@dataclass(frozen=True)
class Quota:
    """A commend/admonish quota: a count, or a percentage of the category's departments."""

    count: int = 0
    percent: Decimal | None = None

    def text(self) -> str:
        if self.percent is not None:
            return f"{format_decimal(self.percent)}%"
        return str(self.count)


@dataclass(frozen=True)
class Grade:
    """One grade of 等次制; ``points`` None means an abstention (counts as blank)."""

    name: str
    points: Decimal | None


@dataclass
class Settings:
    """Every per-evaluation knob of RULES.md."""

    name: str
    year: int | None = None
    mode: str = SCORE_MODE
    low: Decimal = Decimal(0)
    high: Decimal = Decimal(100)
    mark_decimals: int = 1
    result_decimals: int = 2
    grades: tuple[Grade, ...] = ()
    excellent_ratio: Decimal | None = None
    high_line: Decimal | None = None
    void_identical: bool = False
    bonus_cap: Decimal | None = None
    admonish_below: Decimal | None = None
    tie_break: tuple[str, ...] = (TIE_ONSITE,)
    commend_quota: Quota = Quota()
    admonish_quota: Quota = Quota()
    named_ballots: bool = False
    double_entry: bool = False

    def __post_init__(self) -> None:
        if not self.grades:
            self.grades = parse_grades(DEFAULT_GRADES_TEXT)


@dataclass(frozen=True)
class Category:
    name: str
    commend: Quota = Quota()
    admonish: Quota = Quota()


@dataclass(frozen=True)
class Group:
    """An evaluator group (评委类别)."""

    name: str
    weight: Decimal
    trim: int = 0
    trim_from: int = 5
    expected: int | None = None
    recusal: bool = False


@dataclass(frozen=True)
class Department:
    order: int
    name: str
    short_name: str = ""
    category: str | None = None
    presenter: str = ""
    title: str = ""


@dataclass(frozen=True)
class Evaluator:
    name: str
    group: str
    unit: str = ""
    seat: str = ""


@dataclass(frozen=True)
class Component:
    name: str
    weight: Decimal


@dataclass(frozen=True)
class Adjustment:
    department: str
    points: Decimal
    reason: str = ""
    veto: bool = False


@dataclass(frozen=True)
class Ballot:
    """One paper ballot. ``marks`` maps department name to the mark text (never blank)."""

    serial: str
    group: str
    marks: dict[str, str]
    own_department: str | None = None
    void_reason: str | None = None


@dataclass
class EvaluationData:
    """A whole evaluation as plain data: the tally's input and the workbook's content."""

    settings: Settings
    categories: list[Category] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    departments: list[Department] = field(default_factory=list)
    evaluators: list[Evaluator] = field(default_factory=list)
    components: list[Component] = field(default_factory=list)
    component_values: dict[str, dict[str, Decimal]] = field(default_factory=dict)
    adjustments: list[Adjustment] = field(default_factory=list)
    ballots: list[Ballot] = field(default_factory=list)

    def effective_components(self) -> list[Component]:
        return self.components or [Component(ONSITE_COMPONENT, Decimal(100))]


def format_decimal(value: Decimal) -> str:
    """Canonical text of an exact number: no exponent, no trailing zeros ("95.50" -> "95.5")."""
    if value == value.to_integral_value():
        # format(), not quantize(): quantize raises beyond 28 digits (a typed 1e28)
        return format(value.to_integral_value(), "f")
    text = format(value.normalize(), "f")
    return text


def parse_grades(text: str) -> tuple[Grade, ...]:
    """Parse ``优秀=100,良好=85,不了解=`` (best first); raise DomainError on bad text."""
    grades: list[Grade] = []
    seen: set[str] = set()
    for part in text.replace("，", ",").split(","):
        part = part.strip()
        if not part:
            continue
        name, sep, points = part.partition("=")
        name = name.strip()
        if not sep or not name:
            raise DomainError(f"等次分值“{part}”格式不对,应为“等次=分值”,例如“优秀=100”")
        if name in seen:
            raise DomainError(f"等次“{name}”重复")
        seen.add(name)
        points = points.strip()
        if points:
            try:
                value = Decimal(points)
            except ArithmeticError:
                raise DomainError(f"等次“{name}”的分值“{points}”不是数字") from None
            if not value.is_finite():
                raise DomainError(f"等次“{name}”的分值“{points}”不是数字")
            grades.append(Grade(name, value))
        else:
            grades.append(Grade(name, None))
    if not any(g.points is not None for g in grades):
        raise DomainError("等次分值至少要有一个带分值的等次")
    if grades[0].points is None:
        raise DomainError("第一个等次(最好的等次)必须有分值")
    return tuple(grades)


def grades_text(grades: tuple[Grade, ...]) -> str:
    return ",".join(f"{g.name}={'' if g.points is None else format_decimal(g.points)}"
                    for g in grades)


MAX_QUOTA = 100_000  # more than any list of departments; bounds what the database stores


def parse_quota(text: object) -> Quota:
    """Parse a quota cell: ``3``, ``10%`` or blank (0)."""
    if text is None:
        return Quota()
    raw = str(text).strip().replace("％", "%")
    if not raw:
        return Quota()
    try:
        if raw.endswith("%"):
            percent = plain_decimal(raw[:-1])
            if percent < 0 or percent > 100:
                raise ValueError
            return Quota(percent=percent)
        value = plain_decimal(raw)
        if value < 0 or value != value.to_integral_value() or value > MAX_QUOTA:
            raise ValueError
        return Quota(count=int(value))
    except (ArithmeticError, ValueError):
        raise DomainError(f"名额“{raw}”不对:应为 0–{MAX_QUOTA} 的整数或百分比(如“10%”)") from None
