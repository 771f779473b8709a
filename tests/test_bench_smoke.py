"""Smoke test of bench/bench_core.py at a tiny size: the script's code works (no timings)."""

import importlib.util
import sys
from pathlib import Path

import pytest

from evalapp.tally import tally
from evalapp.services.validation import validate_evaluation

BENCH = Path(__file__).resolve().parent.parent / "bench" / "bench_core.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_core_under_test", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop(spec.name, None)


def test_builder_is_deterministic_and_valid(bench):
    data = bench.build_evaluation(5, 20)
    again = bench.build_evaluation(5, 20)
    assert data == again
    validate_evaluation(data)
    assert len(data.departments) == 5 and len(data.ballots) == 20
    assert len(data.categories) == 3
    assert sum(g.trim > 0 for g in data.groups) == 6
    assert sum(g.recusal for g in data.groups) == 1
    result = tally(data)
    assert result.invalid_ballots == len(bench.SPECIAL)
    assert result.total_ballots == 20


def test_builder_sizes(bench):
    data = bench.build_evaluation(12, 60)
    assert len(data.ballots) == 60
    assert 0 < bench.mark_count(data) <= 12 * 60
    assert len({b.serial for b in data.ballots}) == 60


def test_bench_functions_run(bench, tmp_path):
    data = bench.build_evaluation(5, 20)
    rows = bench.bench_tally(data, tmp_path, 1, "5×20")
    wb_rows, figures = bench.bench_workbook(data, tmp_path, 1, "5×20")
    assert len(rows) == 3 and len(wb_rows) == 4
    assert all(r.seconds >= 0 for r in rows + wb_rows)
    assert set(figures) == {"bare", "parse", "import"}
    assert wb_rows[-1].ok in (True, False)
    table = bench.format_table(rows + wb_rows)
    assert "tally from DB" in table and "full import" in table
    assert bench.bare_read(tmp_path / "bench-5×20.xlsx") > 20
