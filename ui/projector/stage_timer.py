"""The presentation timer (述职计时) as plain logic with an injectable clock: a countdown
per department in presentation order, warnings at 1 minute and at 0, overtime counting up,
and the time used handed to a recorder when the chair moves on."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

NORMAL, WARNING, OVER = "normal", "warning", "over"
WARNING_SECONDS = 60


@dataclass(frozen=True)
class Speaker:
    """A department on stage: the name, the presenter and the title (never a score)."""

    department: str
    presenter: str = ""
    title: str = ""

    @property
    def who(self) -> str:
        return " ".join(x for x in (self.presenter, self.title) if x)


def clock_text(seconds: float) -> str:
    """``462`` → ``07:42``; the sign is shown by the caller."""
    whole = int(abs(seconds) + 0.999) if seconds > 0 else int(abs(seconds))
    return f"{whole // 60:02d}:{whole % 60:02d}"


class StageTimer:
    """One running count: start, pause and read it; time comes from ``clock``."""

    def __init__(self, allowed_seconds: int, clock: Callable[[], float] = time.monotonic):
        self.clock = clock
        self.allowed = allowed_seconds
        self._before = 0.0  # seconds counted before the current run
        self._started: float | None = None

    @property
    def running(self) -> bool:
        return self._started is not None

    def start(self) -> None:
        if self._started is None:
            self._started = self.clock()

    def pause(self) -> None:
        if self._started is not None:
            self._before += self.clock() - self._started
            self._started = None

    def toggle(self) -> None:
        self.pause() if self.running else self.start()

    def reset(self, allowed_seconds: int, used: float = 0.0) -> None:
        self.allowed, self._before, self._started = allowed_seconds, float(used), None

    def elapsed(self) -> float:
        running = self.clock() - self._started if self._started is not None else 0.0
        return self._before + running

    def remaining(self) -> float:
        return self.allowed - self.elapsed()

    def phase(self) -> str:
        left = self.remaining()
        if left <= 0:
            return OVER
        return WARNING if left <= WARNING_SECONDS else NORMAL


Recorder = Callable[[Speaker, int, int], None]  # (speaker, allowed, used seconds)


class StageRun:
    """The whole session: who is on stage, their timer, and what was recorded."""

    def __init__(self, speakers: list[Speaker], allowed_seconds: int,
                 recorder: Recorder | None = None, clock: Callable[[], float] = time.monotonic,
                 used: dict[str, int] | None = None):
        self.speakers = list(speakers)
        self.allowed = allowed_seconds
        self.recorder = recorder
        self.used: dict[str, int] = dict(used or {})
        self.index = 0
        self.timer = StageTimer(allowed_seconds, clock)
        self._load()

    @property
    def speaker(self) -> Speaker | None:
        return self.speakers[self.index] if self.speakers else None

    @property
    def following(self) -> Speaker | None:
        nxt = self.index + 1
        return self.speakers[nxt] if nxt < len(self.speakers) else None

    def set_allowed(self, seconds: int) -> None:
        """A new length applies to the presenter on stage (kept elapsed) and later ones."""
        self.allowed = seconds
        elapsed = self.timer.elapsed()
        running = self.timer.running
        self.timer.reset(seconds, elapsed)
        if running:
            self.timer.start()

    def _load(self) -> None:
        speaker = self.speaker
        self.timer.reset(self.allowed, self.used.get(speaker.department, 0) if speaker else 0)

    def record(self) -> None:
        """Hand the current presenter's time to the recorder when any time was counted."""
        speaker = self.speaker
        if speaker is None:
            return
        self.timer.pause()
        used = round(self.timer.elapsed())
        if used <= 0 or self.used.get(speaker.department) == used:
            return
        if self.recorder is not None:
            self.recorder(speaker, self.allowed, used)
        self.used[speaker.department] = used

    def go(self, index: int) -> None:
        if not self.speakers or not 0 <= index < len(self.speakers) or index == self.index:
            return
        self.record()
        self.index = index
        self._load()

    def next(self) -> None:
        self.go(self.index + 1)

    def previous(self) -> None:
        self.go(self.index - 1)

    def status_word(self) -> str:
        """A word for the state, so colour is never the only signal."""
        phase = self.timer.phase()
        if phase == OVER:
            return "已超时"
        if phase == WARNING:
            return "还剩不到 1 分钟"
        if self.timer.running:
            return "述职中"
        return "已暂停" if self.timer.elapsed() > 0 else "准备开始"
