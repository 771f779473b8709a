"""The pages of the main window, in navigation order (设置 · 部门 · 评委 · … · 操作员 · 日志)."""

from __future__ import annotations


def page_classes() -> list:
    from ui.pages.audit_page import AuditPage
    from ui.pages.departments_page import DepartmentsPage
    from ui.pages.entry_page import EntryPage
    from ui.pages.groups_page import GroupsPage
    from ui.pages.integrity_page import IntegrityPage
    from ui.pages.meeting_page import MeetingPage
    from ui.pages.operators_page import OperatorsPage
    from ui.pages.print_page import PrintPage
    from ui.pages.reconcile_page import ReconcilePage
    from ui.pages.results_page import ResultsPage
    from ui.pages.scan_review_page import ScanReviewPage
    from ui.pages.scores_page import ScoresPage
    from ui.pages.settings_page import SettingsPage
    return [SettingsPage, DepartmentsPage, GroupsPage, ScoresPage, EntryPage, ReconcilePage,
            ScanReviewPage, ResultsPage, MeetingPage, PrintPage, IntegrityPage, OperatorsPage,
            AuditPage]
