"""The benchmark command runs and prints its table; no figure is judged here."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from bench.harness import load_rows, select_rows
from bench.run import main

ROOT = Path(__file__).resolve().parents[2]


def test_quick_run_prints_one_table_with_the_chosen_rows(tmp_path, capsys):
    saved = tmp_path / "bench.json"

    status = main(
        ["--quick", "--only", "identity-tokens,nova-flavors-images", "--json", str(saved)]
    )

    out = capsys.readouterr().out
    assert status == 0
    table = [line for line in out.splitlines() if line.startswith("|")]
    assert table[0].startswith("| row | measurement | figure | baseline")
    assert "| `identity-tokens` | POST /tokens" in out
    assert "| `nova-flavors-images` | GET /flavors/detail" in out
    assert "GET /images/detail" in out
    assert len(table) == 2 + 3  # header, rule, one tokens line, two list lines
    assert "Machine: " in out
    assert "load average" in out
    document = json.loads(saved.read_text())
    assert [r["name"] for r in document["rows"]] == ["identity-tokens", "nova-flavors-images"]
    assert all(line["ratio"] is not None for r in document["rows"] for line in r["lines"])


def test_a_misspelt_row_is_an_error_that_names_the_valid_ones(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["--only", "nova-lsit"])

    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "nova-lsit" in err
    assert "nova-list" in err
    assert "spine" in err


def test_a_group_name_picks_every_row_of_that_service():
    rows = load_rows()

    picked = select_rows(rows, "identity,nova-reset")

    assert [r.name for r in picked] == ["identity-tokens", "nova-reset"]
    assert {r.group for r in rows.values()} >= {"core", "identity", "nova"}


def test_the_script_path_works_as_well_as_the_module():
    done = subprocess.run(
        [sys.executable, "bench/run.py", "--list"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )

    assert "spine" in done.stdout
    assert "[nova]" in done.stdout
