"""The speed benchmark's quick mode runs end to end (a smoke test: its numbers are not judged)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.browser
def test_quick_benchmark_runs_and_writes_its_table(tmp_path, chromium_path):
    out = tmp_path / "results.md"
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--quick", "--out", str(out)],
        cwd=ROOT,
        check=False,  # the exit code is asserted below, with the output
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "CHROMIUM_PATH": chromium_path},
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    table = out.read_text(encoding="utf-8")
    assert "## Budgets" in table and "empty page" in table
    header = next(line for line in table.splitlines() if "browser CPU per press" in line)
    column = [cell.strip() for cell in header.split("|")].index("browser CPU per press (ms)")
    reference = next(line for line in table.splitlines() if line.startswith("| reference page"))
    cpu = [cell.strip() for cell in reference.split("|")][column]
    if Path("/proc/self/stat").exists():  # Linux: the renderer's CPU time per press is read
        assert float(cpu.replace(",", "")) > 0, reference
