# Copyright: (c) 2026, alibabacloud.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark of the playbook alibabacloud.ram.cr_oss_access over N member accounts of the local emulator.

    python -m bench [--sizes 10,100] [--forks 10] [--latency-ms 30] [--output build/bench/report.md]

For each size N: an emulator with N generated member accounts and a simulated round trip of --latency-ms on every
API call; the Resource Directory inventory plugin (alibabacloud.ram.resource_directory, include: member-*) as the
inventory; then, with the same forks, a first converge, a no-op rerun, a --check run, a baseline playbook of as
many ansible.builtin.ping tasks per host as the real run had module tasks per host (the ratio's base), one with a
ping for every task the real run had per host (controller-side actions included), and one with as many tasks of
bench/library/sdk_import_floor (starts like a collection module and imports the SDK, no API call) as module tasks:
the part of the ratio to ping that fewer API calls cannot remove. Reported per account: RAM reads and writes and STS
calls (the emulator's counters), wall seconds, and the controller's peak memory.

Speed is only reported, never judged: the exit status is 0 unless a playbook run itself failed (then 1).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
COLLECTIONS_PATH = REPO_ROOT / "build" / "collections"
CALLBACK_DIR = Path(__file__).resolve().parent / "callback_plugins"
LIBRARY_DIR = Path(__file__).resolve().parent / "library"
PING_LABEL = "ping"
FLOOR_LABEL = "sdk import"
BIN = Path(sys.executable).parent
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy")
BANNER = "ram_emulator listening on "
# The emulator's built-in central (Resource Directory management) account; emulator-only keys.
CENTRAL_KEYS = {"ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAI4EmuCentral0000000001", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "EmuCentralSecret00000000000000001"}
# What a no-op run must read at least: GetRole, GetPolicy, ListPoliciesForRole (one per resource the playbook manages).
NOOP_FLOOR_READS = 3
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


@dataclass
class RunResult:
    label: str
    accounts: int
    returncode: int
    wall_seconds: float
    largest_process_kib: int
    peak_tree_kib: int
    calls: dict[str, dict[str, int]] = field(default_factory=dict)
    per_host: dict[str, dict[str, int]] = field(default_factory=dict)
    log: Path | None = None

    def per_account(self, kind: str) -> tuple[float, int, int]:
        """Mean, min and max of one counter (reads, writes, sts) over the accounts."""
        values = [self.calls.get(account, {}).get(kind, 0) for account in self.calls] or [0]
        return sum(values) / max(self.accounts, 1), min(values), max(values)

    @property
    def module_tasks_per_host(self) -> int:
        return max((counts["module_tasks"] for counts in self.per_host.values()), default=0)

    @property
    def tasks_per_host(self) -> int:
        """Every task that ran for a host: module subprocesses and controller-side actions alike."""
        return max((counts["module_tasks"] + counts["controller_tasks"] for counts in self.per_host.values()), default=0)

    @property
    def failed_hosts(self) -> int:
        return sum(1 for counts in self.per_host.values() if counts["failed"])


def clean_environment(extra: dict[str, str]) -> dict[str, str]:
    environment = {key: value for key, value in os.environ.items() if key not in PROXY_VARIABLES}
    environment.update(extra)
    return environment


def collections_path_for(collection_root: Path, workdir: Path) -> Path:
    """A directory holding ansible_collections/alibabacloud/ram -> collection_root (the checkout by default)."""
    if collection_root.resolve() == REPO_ROOT:
        link = COLLECTIONS_PATH / "ansible_collections" / "alibabacloud" / "ram"
        if not link.exists():
            link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to(REPO_ROOT, target_is_directory=True)
        return COLLECTIONS_PATH
    collections = workdir / "collections"
    link = collections / "ansible_collections" / "alibabacloud" / "ram"
    link.parent.mkdir(parents=True, exist_ok=True)
    if link.is_symlink():
        link.unlink()
    link.symlink_to(collection_root.resolve(), target_is_directory=True)
    return collections


class Emulator:
    """python -m ram_emulator with N generated members and a simulated latency, stopped when leaving the block."""

    def __init__(self, workdir: Path, members: int, latency_ms: int) -> None:
        self.accounts_file = workdir / "accounts.yml"
        self.accounts_file.write_text(yaml.safe_dump({"members": members}))
        self.latency_ms = latency_ms
        self.process: subprocess.Popen[str] | None = None
        self.url = ""

    def __enter__(self) -> Emulator:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "ram_emulator", "--host", "127.0.0.1", "--port", "0", "--accounts", str(self.accounts_file),
             "--latency-ms", str(self.latency_ms)],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=REPO_ROOT,
            env=clean_environment({"PYTHONPATH": str(REPO_ROOT)}),
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline().strip()
        if not line.startswith(BANNER):
            self.process.kill()
            raise RuntimeError(f"the emulator did not start: {line!r}")
        self.url = line[len(BANNER):]
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def control(self, route: str) -> Any:
        import urllib.request

        with urllib.request.urlopen(f"{self.url}/_emulator/{route}", timeout=30) as response:  # noqa: S310 - local emulator
            return json.load(response)

    def counters(self, accounts: list[str]) -> dict[str, dict[str, int]]:
        snapshot = {}
        for account in accounts:
            counters = self.control(f"counters?account={account}")
            snapshot[account] = {kind: counters[kind] for kind in ("reads", "writes", "sts")}
        return snapshot


def member_names(emulator: Emulator) -> list[str]:
    return sorted(account["name"] for account in emulator.control("accounts")["accounts"] if account["name"].startswith("member-"))


def write_inventory(workdir: Path, emulator: Emulator) -> Path:
    """The Resource Directory inventory plugin over the emulator, limited to the generated members."""
    source = workdir / "members.resource_directory.yml"
    source.write_text(yaml.safe_dump({
        "plugin": "alibabacloud.ram.resource_directory",
        "endpoint": emulator.url,
        "member_ram_endpoint": emulator.url,
        "member_sts_endpoint": emulator.url,
        "hostname_source": "display_name",
        "include": ["member-*"],
        "session_name": "bench",
    }))
    return source


def write_baseline_playbook(workdir: Path, module: str, tasks: int) -> Path:
    """A baseline: the real play's shape (local connection, the playbook's Python, pipelining) with only ``module``."""
    playbook = workdir / f"{module.rpartition('.')[2]}{tasks}.yml"
    playbook.write_text(yaml.safe_dump([{
        "name": f"Baseline: {module} per host",
        "hosts": "all",
        "connection": "local",
        "gather_facts": False,
        "vars": {"ansible_python_interpreter": "{{ ansible_playbook_python }}", "ansible_pipelining": True},
        "tasks": [{"name": f"{module} {index}", module: {}} for index in range(1, tasks + 1)],
    }], sort_keys=False))
    return playbook


def sample_tree_rss(session_id: int) -> int:
    """Resident memory (KiB) of every process in the session the playbook was started in."""
    total = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="utf-8") as stat_file:
                fields = stat_file.read().rpartition(")")[2].split()
            # After the command name: state, ppid, pgrp, session, ...
            if int(fields[3]) != session_id:
                continue
            with open(f"/proc/{entry.name}/statm", encoding="utf-8") as statm:
                total += int(statm.read().split()[1]) * PAGE_SIZE // 1024
        except (OSError, IndexError, ValueError):
            continue  # the process ended while being read
    return total


def run_playbook(label: str, command: list[str], environment: dict[str, str], workdir: Path, accounts: list[str],
                 emulator: Emulator, timeout: float) -> RunResult:
    """Run one ansible-playbook; its memory is measured in a fresh wrapper process so RUSAGE_CHILDREN is this run's."""
    recorder = workdir / f"{label}.tasks.json"
    log = workdir / f"{label}.log"
    before = emulator.counters(accounts)
    # The wrapper reports the largest process of the tree (ru_maxrss of its waited-for descendants, in KiB).
    wrapper = ("import resource, subprocess, sys; "
               "code = subprocess.call(sys.argv[1:]); "
               "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(code)")
    peak_tree = 0
    with open(log, "w", encoding="utf-8") as output, tempfile.TemporaryFile("w+") as rusage:
        started = time.monotonic()
        process = subprocess.Popen([sys.executable, "-c", wrapper, *command], stdout=output, stderr=rusage, cwd=workdir,
                                   env={**environment, "BENCH_RECORDER_FILE": str(recorder)}, start_new_session=True, text=True)
        stop_sampling = threading.Event()

        def sample() -> None:
            nonlocal peak_tree
            while not stop_sampling.wait(0.5):
                peak_tree = max(peak_tree, sample_tree_rss(process.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        try:
            returncode = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 15)
            returncode = process.wait()
        wall = time.monotonic() - started
        stop_sampling.set()
        sampler.join()
        rusage.seek(0)
        lines = rusage.read().strip().splitlines()
    largest = int(lines[-1]) if lines and lines[-1].isdigit() else 0
    after = emulator.counters(accounts)
    calls = {account: {kind: after[account][kind] - before[account][kind] for kind in after[account]} for account in accounts}
    per_host = json.loads(recorder.read_text()) if recorder.exists() else {}
    return RunResult(label, len(accounts), returncode, wall, largest, peak_tree, calls, per_host, log)


def bench_size(size: int, forks: int, latency_ms: int, workdir: Path, timeout: float, collections: Path) -> list[RunResult]:
    workdir.mkdir(parents=True, exist_ok=True)
    results = []
    with Emulator(workdir, size, latency_ms) as emulator:
        accounts = member_names(emulator)
        inventory = write_inventory(workdir, emulator)
        environment = clean_environment({
            **CENTRAL_KEYS,
            "ANSIBLE_COLLECTIONS_PATH": str(collections),
            "ANSIBLE_CALLBACK_PLUGINS": str(CALLBACK_DIR),
            "ANSIBLE_CALLBACKS_ENABLED": "bench_recorder",
            "ANSIBLE_INVENTORY_UNPARSED_FAILED": "true",
            "ANSIBLE_LOCALHOST_WARNING": "False",
            "ANSIBLE_RETRY_FILES_ENABLED": "False",
            "ANSIBLE_NOCOLOR": "1",
            "ALIBABA_CLOUD_ECS_METADATA_DISABLED": "true",
        })
        playbook = [str(BIN / "ansible-playbook"), "-i", str(inventory), "-f", str(forks)]
        extra_vars = ["-e", json.dumps({"cr_oss_access_buckets": ["{{ inventory_hostname }}-images"]})]
        real = [*playbook, "alibabacloud.ram.cr_oss_access", *extra_vars]
        for label, args in (("converge", []), ("rerun", []), ("check", ["--check"])):
            results.append(run_playbook(label, real + args, environment, workdir, accounts, emulator, timeout))
            print(f"  N={size} {label}: {results[-1].wall_seconds:.1f} s, rc={results[-1].returncode}", file=sys.stderr, flush=True)
        module_tasks = results[0].module_tasks_per_host or 1
        all_tasks = results[0].tasks_per_host or 1
        # The ratio's base is one ping per module subprocess; one ping per task of any kind, and the SDK import
        # alone, are reported beside it (docs/benchmark.md explains both).
        baselines = (
            (f"{PING_LABEL} x{module_tasks}", "ansible.builtin.ping", module_tasks, {}),
            (f"{PING_LABEL} x{all_tasks} (every task)", "ansible.builtin.ping", all_tasks, {}),
            (f"{FLOOR_LABEL} x{module_tasks}", "sdk_import_floor", module_tasks, {"ANSIBLE_LIBRARY": str(LIBRARY_DIR)}),
        )
        for label, module, tasks, extra_environment in baselines:
            baseline = [*playbook, str(write_baseline_playbook(workdir, module, tasks))]
            results.append(run_playbook(label, baseline, {**environment, **extra_environment}, workdir, accounts, emulator, timeout))
            print(f"  N={size} {results[-1].label}: {results[-1].wall_seconds:.1f} s", file=sys.stderr, flush=True)
    return results


def format_table(size: int, forks: int, latency_ms: int, results: list[RunResult]) -> str:
    ping = next(result for result in results if result.label.startswith(PING_LABEL))
    ping_per_account = ping.wall_seconds / max(ping.accounts, 1)
    lines = [
        f"### N = {size} accounts, forks {forks}, {latency_ms} ms per API call",
        "",
        "| run | rc | module tasks/acct | RAM reads/acct | RAM writes/acct | RAM calls/acct (floor) | STS/acct (min-max)"
        " | wall s | wall s/acct | x ping | largest process MiB | peak tree MiB |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for result in results:
        reads, _reads_min, _reads_max = result.per_account("reads")
        writes, _writes_min, _writes_max = result.per_account("writes")
        sts, sts_min, sts_max = result.per_account("sts")
        per_account = result.wall_seconds / max(result.accounts, 1)
        floor = f" ({NOOP_FLOOR_READS})" if result.label in ("rerun", "check") else ""
        is_baseline = result.label.startswith((PING_LABEL, FLOOR_LABEL))
        lines.append(
            f"| {result.label} | {result.returncode} | {result.module_tasks_per_host} | {reads:.2f} | {writes:.2f} | "
            f"{reads + writes:.2f}{floor} | {'-' if is_baseline else f'{sts:.2f} ({sts_min}-{sts_max})'} | {result.wall_seconds:.1f} | "
            f"{per_account:.3f} | {per_account / ping_per_account:.2f} | "
            f"{result.largest_process_kib / 1024:.0f} | {result.peak_tree_kib / 1024:.0f} |"
        )
    failed = {result.label: result.failed_hosts for result in results if result.failed_hosts}
    if failed:
        lines += ["", f"Hosts with a failed task: {failed} (logs in {results[0].log.parent if results[0].log else '?'})"]
    return "\n".join(lines)


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10,100", help="comma-separated numbers of member accounts (default 10,100)")
    parser.add_argument("--forks", type=int, default=10, help="ansible-playbook forks (default 10)")
    parser.add_argument("--latency-ms", type=int, default=30, help="simulated round trip of every API call (default 30)")
    parser.add_argument("--workdir", type=Path, default=REPO_ROOT / "build" / "bench", help="logs and generated files")
    parser.add_argument("--output", type=Path, help="also write the tables (Markdown) to this file")
    parser.add_argument("--collection", type=Path, default=REPO_ROOT,
                        help="collection root to measure (default: this checkout; e.g. a `git archive` of a commit)")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds after which one playbook run is stopped")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    sizes = [int(size) for size in arguments.sizes.split(",") if size.strip()]
    collections = collections_path_for(arguments.collection, arguments.workdir)
    tables = []
    any_failed = False
    for size in sizes:
        print(f"benchmark: N={size}, forks={arguments.forks}, latency {arguments.latency_ms} ms", file=sys.stderr, flush=True)
        results = bench_size(size, arguments.forks, arguments.latency_ms, arguments.workdir / f"n{size}", arguments.timeout, collections)
        any_failed = any_failed or any(result.returncode != 0 for result in results)
        tables.append(format_table(size, arguments.forks, arguments.latency_ms, results))
        print(tables[-1] + "\n", flush=True)
    cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    footer = (f"Collection: {arguments.collection.resolve()}. Inventory: alibabacloud.ram.resource_directory (include: member-*). "
              f"Machine: {os.cpu_count()} CPUs; "
              f"CPU time of all runs: {cpu.ru_utime + cpu.ru_stime:.0f} s.")
    print(footer)
    if arguments.output:
        arguments.output.parent.mkdir(parents=True, exist_ok=True)
        arguments.output.write_text("\n\n".join(tables) + "\n\n" + footer + "\n")
    return 1 if any_failed else 0
