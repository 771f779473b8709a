"""Paging through the ranking and the one-line-at-a-time reveal (逐条揭晓), as plain logic."""

from __future__ import annotations

from dataclasses import dataclass

from ui.projector.projector_model import ProjectorView

BOTTOM_FIRST, TOP_FIRST = "bottom", "top"
ORDER_LABELS = {BOTTOM_FIRST: "每类从末位揭晓", TOP_FIRST: "每类从第一名揭晓"}


@dataclass(frozen=True)
class ScreenPage:
    """One screenful: rows [start, end) of one category."""

    category: str
    start: int
    end: int
    number: int  # 1-based page number within the category
    count: int  # pages in the category


def pages(view: ProjectorView | None, rows_per_page: int) -> list[ScreenPage]:
    """Every screenful, category after category (a category never shares a page)."""
    if view is None:
        return []
    size = max(1, rows_per_page)
    result = []
    for category in view.categories:
        count = max(1, -(-len(category.rows) // size))
        for i in range(count):
            result.append(ScreenPage(category.name, i * size,
                                     min(len(category.rows), (i + 1) * size), i + 1, count))
    return result


def page_of(all_pages: list[ScreenPage], category: str, row: int) -> int:
    """The index of the page that shows ``row`` of ``category`` (0 when none does)."""
    for index, page in enumerate(all_pages):
        if page.category == category and page.start <= row < page.end:
            return index
    return 0


def reveal_steps(view: ProjectorView | None, order: str = BOTTOM_FIRST) -> list[tuple[str, int]]:
    """(category, row index) in the order the lines are uncovered: category by category,
    the last-ranked first (or the first-ranked first)."""
    if view is None:
        return []
    steps = []
    for category in view.categories:
        indexes = range(len(category.rows))
        if order == BOTTOM_FIRST:
            indexes = reversed(indexes)
        steps += [(category.name, i) for i in indexes]
    return steps


class Reveal:
    """A snapshot of the ranking being uncovered step by step (the screen does not change
    under the chair's feet: a new result is taken only when the reveal restarts)."""

    def __init__(self, view: ProjectorView | None = None, order: str = BOTTOM_FIRST):
        self.view = view
        self.order = order
        self.steps = reveal_steps(view, order)
        self.shown = 0

    def restart(self, view: ProjectorView | None, order: str | None = None) -> None:
        self.__init__(view, order or self.order)

    def next(self) -> tuple[str, int] | None:
        if self.shown >= len(self.steps):
            return None
        self.shown += 1
        return self.steps[self.shown - 1]

    def previous(self) -> None:
        self.shown = max(0, self.shown - 1)

    @property
    def done(self) -> bool:
        return self.shown >= len(self.steps)

    def current(self) -> tuple[str, int] | None:
        """The line uncovered last (None before the first step)."""
        return self.steps[self.shown - 1] if self.shown else None

    def focus(self) -> tuple[str, int] | None:
        """The line the screen should show: the last uncovered, or the first to come."""
        if self.shown:
            return self.steps[self.shown - 1]
        return self.steps[0] if self.steps else None

    def revealed(self, category: str) -> set[int]:
        return {i for c, i in self.steps[:self.shown] if c == category}

    def status(self) -> str:
        return f"已揭晓 {self.shown}/{len(self.steps)} 条"
