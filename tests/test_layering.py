"""The domain knows no screen; the UI never writes SQL."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _imports(folder: str):
    for path in sorted((ROOT / folder).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield path, alias.name
            elif isinstance(node, ast.ImportFrom) and node.module:
                yield path, node.module


def test_evalapp_imports_no_qt():
    bad = [(p.relative_to(ROOT), m) for p, m in _imports("evalapp")
           if m.split(".")[0] in ("PySide6", "shiboken6", "ui")]
    assert bad == []


def test_ui_never_uses_sqlalchemy_or_models():
    bad = [(p.relative_to(ROOT), m) for p, m in _imports("ui")
           if m.split(".")[0] in ("sqlalchemy", "sqlite3", "psycopg")
           or m.startswith("evalapp.db.models")]
    assert bad == []


def test_no_float_columns_in_models():
    text = (ROOT / "evalapp" / "db" / "models.py").read_text(encoding="utf-8")
    assert "Float" not in text and "REAL" not in text and "Numeric" not in text
