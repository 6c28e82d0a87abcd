"""The benchmark runs end to end at a tiny scale, so it cannot rot (the real run is `make bench`)."""
from __future__ import annotations

import json

import pytest

from tools.bench.runner import main
from tools.search_bench import measure_search

pytestmark = pytest.mark.database_independent


@pytest.mark.long_running
def test_bench_runs_at_tiny_scale_and_writes_every_key(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("CASEWORK_BENCH_DATABASE_URL", raising=False)
    output = tmp_path / "bench-results.json"
    args = ["--scale", "400", "--import-rows", "200", "--runs", "2", "--cache-dir", str(tmp_path / "cache"),
            "--output", str(output)]
    assert main(args) == 0
    results = json.loads(output.read_text())["sqlite"]
    for key in ("case_list_p95_ms", "case_list_vs_trivial", "queries_per_page", "queries_grow_with_page_size",
                "queries_grow_with_family_size", "import_rows_per_s", "import_vs_raw", "export_peak_mb"):
        assert key in results, key
    assert results["scale_cases"] == 400 and results["import_rows"] == 200
    assert results["export_csv_rows"] >= 400
    assert results["queries_grow_with_page_size"] is False
    assert isinstance(results["report_vs_sql"], float) and results["report_cases"] > 0
    assert isinstance(results["queries_report_page"], int)
    # The budget of statements per page holds for the case list, the case page and the report page.
    assert results["queries_per_page"] <= 8, results  # the case list, grant list and report page
    # Each tab of the case page reads its section in one statement, and one for each kind of row it
    # loads beside its own when there are any (a closed case's closure; the visits' checks; the surveys'
    # instrument versions): the same whatever the number of rows.
    assert results["queries_case_page"] <= 6, results
    assert results["queries_case_page_full"] <= 8, results  # the costliest tab of a case with all of them
    assert results["queries_grow_with_family_size"] is False
    assert isinstance(results["queries_my_work_caseworker"], int) and results["ratio_caseworker_open_cases"] > 0
    assert isinstance(results["search_p95_ms"], float) and results["search_vs_trivial"] > 0
    # Each slow page over the account page: three rounds and their median.
    assert results["ratio_trivial_url"] == "/account"
    assert set(results["ratios_vs_trivial"]) == {"decision_queue", "search_family_name", "search_full_name",
                                                 "grant_list", "case_list", "dashboard", "my_work_caseworker",
                                                 "my_work_supervisor", "case_page", "case_page_plan",
                                                 "case_page_tasks", "case_page_notes", "case_page_grants",
                                                 "case_page_monitoring", "case_page_surveys",
                                                 "case_page_documents", "case_page_history"}
    for figures in results["ratios_vs_trivial"].values():
        assert len(figures["runs"]) == 3 and figures["median"] == sorted(figures["runs"])[1]
    assert "case_list_vs_trivial" in capsys.readouterr().out
    # The synthetic database is built once and reused.
    assert main(args) == 0


def test_search_bench_gives_the_figures_on_a_small_database(app, office):
    figures = measure_search(app, runs=1)
    assert figures["persons"] == 3
    assert figures["search_p95_ms"] > 0 and figures["search_vs_trivial"] > 0
