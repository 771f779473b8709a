"""What the projector may show, as plain data built from the services' Results: ranks, names,
final scores, outcome words, rank changes and ballot counts — never a ballot, a clerk's name
or anything per evaluator (a test inspects every field against a forbidden list)."""

from __future__ import annotations

from dataclasses import dataclass

# Outcome keys (the theme gives each a colour; the word is always shown too), re-exported.
from evalapp.outcome_words import (  # noqa: F401
    KEY_ADMONISH, KEY_COMMEND, KEY_NONE, KEY_REPEAT, KEY_UNSCORED, KEY_VETO, OUTCOME_WORDS,
    outcome_key,
)
from evalapp.rounding import fixed
from evalapp.ballot_status import CONFIRMED
from evalapp.services.results import Results
from evalapp.tally_result import DepartmentResult

PRELIMINARY, OFFICIAL = "初步结果", "正式结果"


@dataclass(frozen=True)
class ProjectorRow:
    """One line of the ranking on the big screen."""

    rank: int | None  # rank within the category
    name: str
    short_name: str
    score: str  # final score with the configured decimals ("" when unscored)
    outcome: str  # one of the KEY_* constants
    change: str  # "↑3", "↓2", "持平", "新" or ""

    @property
    def outcome_word(self) -> str:
        return OUTCOME_WORDS[self.outcome]

    @property
    def rank_text(self) -> str:
        return "—" if self.rank is None else str(self.rank)


@dataclass(frozen=True)
class ProjectorCategory:
    name: str
    rows: tuple[ProjectorRow, ...]


@dataclass(frozen=True)
class ProjectorProgress:
    """Ballot counts: handed out, entered (any state) and checked (counted).

    The one rule for what the hall may see of them: never a count above the issued count
    (a surplus is the secretariat's matter: ``secretariat_warning``, shown on the laptop
    only), and nothing per ballot or per evaluator group."""

    issued: int | None
    entered: int
    checked: int
    double_entry: bool

    def _capped(self, count: int) -> int:
        return min(count, self.issued) if self.issued else count

    @property
    def shown_entered(self) -> int:
        return self._capped(self.entered)

    @property
    def shown_checked(self) -> int:
        return self._capped(self.checked)

    @property
    def text(self) -> str:
        return ",".join(self.lines())

    def lines(self) -> tuple[str, ...]:
        """The progress-only screen: the entered count, then the checked count."""
        of = f"/{self.issued}" if self.issued else ""
        first = f"已录入 {self.shown_entered}{of} 张"
        if self.double_entry:
            return first, f"已核对 {self.shown_checked} 张"
        return (first,)

    @property
    def surplus(self) -> int:
        """Ballots entered beyond the issued count (0 when none or nothing was issued)."""
        return max(0, self.entered - self.issued) if self.issued else 0

    @property
    def secretariat_warning(self) -> str:
        """For the 会场大屏 page on the laptop, never for the projector."""
        if not self.surplus:
            return ""
        return (f"⚠ 已录入 {self.entered} 张,比发出的 {self.issued} 张多 {self.surplus} 张:"
                f"大屏只显示 {self.issued}/{self.issued} 张。请核对选票(定稿前须管理员确认)。")

    @property
    def fraction(self) -> float:
        if not self.issued:
            return 0.0
        return min(1.0, self.checked / self.issued)


@dataclass(frozen=True)
class ProjectorView:
    """Everything one projector frame needs."""

    title: str
    final: bool
    categories: tuple[ProjectorCategory, ...]
    progress: ProjectorProgress
    revision: str = ""  # identifies the counted input (the result digest); never displayed
    corrected: bool = False  # counts went down or a counted ballot changed: "已更正"
    has_previous: bool = False

    @property
    def status_label(self) -> str:
        return OFFICIAL if self.final else PRELIMINARY

    def category(self, name: str) -> ProjectorCategory | None:
        return next((c for c in self.categories if c.name == name), None)


def change_text(d: DepartmentResult, has_previous: bool) -> str:
    """"↑3" / "↓2" / "持平" / "新" (new this year) / "" (nothing to compare with)."""
    if not has_previous:
        return ""
    if d.previous is None:
        return "新"
    change = d.rank_change
    if change is None:
        return ""
    return "持平" if change == 0 else (f"↑{change}" if change > 0 else f"↓{-change}")


def _row(d: DepartmentResult, decimals: int, has_previous: bool) -> ProjectorRow:
    return ProjectorRow(d.category_rank, d.name, d.short_name or d.name,
                        fixed(d.final_score, decimals) or "", outcome_key(d),
                        change_text(d, has_previous))


def _category_order(results: Results) -> list[str]:
    names = [c.name for c in results.data.categories]
    for d in results.result.departments:
        if d.category not in names:
            names.append(d.category)
    return names


def progress_of(results: Results, counts: dict[str, int]) -> ProjectorProgress:
    """Entered = every ballot typed at least once; checked = counted (confirmed)."""
    issued = [g.issued for g in results.result.groups]
    total_issued = sum(i for i in issued if i) if any(issued) else None
    entered = sum(counts.values())
    return ProjectorProgress(total_issued, entered, counts.get(CONFIRMED, 0),
                             results.data.settings.double_entry)


def build_view(results: Results, counts: dict[str, int], final: bool,
               before: ProjectorView | None = None) -> ProjectorView:
    """The frame for ``results``; ``before`` (the frame on screen) decides "已更正"."""
    r = results.result
    has_previous = r.previous is not None
    order = sorted(r.departments, key=lambda d: (d.category_rank is None,
                                                 d.category_rank or 0, d.order))
    categories = tuple(
        ProjectorCategory(name, tuple(_row(d, r.decimals, has_previous)
                                      for d in order if d.category == name))
        for name in _category_order(results))
    progress = progress_of(results, counts)
    view = ProjectorView(r.evaluation, final, tuple(c for c in categories if c.rows), progress,
                         r.digest, False, has_previous)
    return _mark_correction(view, before)


def _mark_correction(view: ProjectorView, before: ProjectorView | None) -> ProjectorView:
    """A frame is a correction when a count went down, or when the counted input changed
    without any new ballot (an edit or a void); it stays marked until the next new ballot."""
    if before is None or before.title != view.title:
        return view
    old, new = before.progress, view.progress
    went_down = new.entered < old.entered or new.checked < old.checked
    grew = new.entered > old.entered or new.checked > old.checked
    changed = view.revision != before.revision
    corrected = went_down or (changed and not grew) or (before.corrected and not grew)
    if corrected == view.corrected:
        return view
    return ProjectorView(view.title, view.final, view.categories, view.progress,
                         view.revision, corrected, view.has_previous)


def view_fields() -> set[str]:
    """Every field name the projector model can hold (for the confidentiality test)."""
    names: set[str] = set()
    for cls in (ProjectorRow, ProjectorCategory, ProjectorProgress, ProjectorView):
        names |= set(cls.__dataclass_fields__)
    return names
