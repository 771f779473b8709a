"""Scanned ballots in the window: import from the 文件 menu, the watched scanner folder, the
report per sheet and the random sample re-typing (the review page: ui/scan/scan_review_page.py)."""
