# Copyright: (c) 2026, alibabacloud.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``make bench`` (python -m bench) at a size CI can afford: it runs, and its table carries the figures issue #6 asks for.

Speed is never asserted. What is asserted are counts, which do not depend on the machine: API calls per account for
each run against the emulator's counters, one AssumeRole per account, and the three baselines: ping and the SDK
import alone as many times per host as the real playbook ran modules, and ping once per task the playbook ran.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
ACCOUNTS = 2


def table_rows(report: str) -> dict[str, dict[str, str]]:
    """The Markdown table of the report as {run label: {column: cell}}."""
    lines = [line for line in report.splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    rows = {}
    for line in lines[2:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        rows[cells[0]] = dict(zip(header, cells, strict=True))
    return rows


def test_bench_reports_calls_per_account_and_the_baselines(tmp_path: Path) -> None:
    output = tmp_path / "report.md"
    completed = subprocess.run(
        [sys.executable, "-m", "bench", "--sizes", str(ACCOUNTS), "--forks", "2", "--latency-ms", "0",
         "--workdir", str(tmp_path / "work"), "--output", str(output)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=900, check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    report = output.read_text()
    assert f"### N = {ACCOUNTS} accounts, forks 2, 0 ms per API call" in report
    rows = table_rows(report)
    every_task = next(label for label in rows if label.endswith("(every task)"))
    every_task_count = every_task.split()[1].lstrip("x")
    assert list(rows) == ["converge", "rerun", "check", "ping x3", every_task, "sdk import x3"]
    # The playbook also runs controller-side tasks (sts_assume_role, set_fact, assert): more tasks than modules.
    assert int(every_task_count) > 3, every_task
    for label, row in rows.items():
        assert row["rc"] == "0", (label, row)
        assert row["module tasks/acct"] == (every_task_count if label == every_task else "3"), (label, row)
        float(row["wall s/acct"])  # a figure is printed, whatever it is
        float(row["x ping"])
    # First converge writes CreateRole, CreatePolicy and AttachPolicyToRole once per account.
    assert rows["converge"]["RAM writes/acct"] == "3.00"
    # No-op rerun and check mode: no write, at most 4 reads against the floor of 3, one AssumeRole each.
    for label in ("rerun", "check"):
        assert rows[label]["RAM writes/acct"] == "0.00", rows[label]
        assert float(rows[label]["RAM reads/acct"]) <= 4, rows[label]
        assert rows[label]["RAM calls/acct (floor)"].endswith("(3)"), rows[label]
    for label in ("converge", "rerun", "check"):
        assert rows[label]["STS/acct (min-max)"] == "1.00 (1-1)", rows[label]
    for label in ("ping x3", every_task, "sdk import x3"):
        assert rows[label]["RAM reads/acct"] == rows[label]["RAM writes/acct"] == "0.00", rows[label]
        assert rows[label]["STS/acct (min-max)"] == "-"
    assert rows["ping x3"]["x ping"] == "1.00"
