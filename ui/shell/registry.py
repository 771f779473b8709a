"""The pages of the main window, in navigation order (设置 · 部门 · 评委 · … · 操作员 · 日志)."""

from __future__ import annotations

from ui.entry.entry_page import EntryPage
from ui.integrity.audit_page import AuditPage
from ui.integrity.integrity_page import IntegrityPage
from ui.operators.operators_page import OperatorsPage
from ui.printing.print_page import PrintPage
from ui.projector.meeting_page import MeetingPage
from ui.reconcile.reconcile_page import ReconcilePage
from ui.results.results_page import ResultsPage
from ui.scan.scan_review_page import ScanReviewPage
from ui.setup.departments_page import DepartmentsPage
from ui.setup.groups_page import GroupsPage
from ui.setup.scores_page import ScoresPage
from ui.setup.settings_page import SettingsPage


def page_classes() -> list:
    return [SettingsPage, DepartmentsPage, GroupsPage, ScoresPage, EntryPage, ReconcilePage,
            ScanReviewPage, ResultsPage, MeetingPage, PrintPage, IntegrityPage, OperatorsPage,
            AuditPage]
