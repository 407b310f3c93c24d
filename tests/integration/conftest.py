"""Harness for the integration suite: runs real ansible-playbook processes against the emulator.

Each test describes tasks as Python data; the harness writes a playbook whose module_defaults point
the collection's modules at the emulator with one account's keys, runs it, and returns every task
result as recorded by the ``result_recorder`` callback.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import ram_client

REPO_ROOT = Path(__file__).resolve().parents[2]
COLLECTIONS_PATH = REPO_ROOT / "build" / "collections"
CALLBACK_DIR = Path(__file__).resolve().parent / "callback_plugins"
ANSIBLE_PLAYBOOK = Path(sys.executable).parent / "ansible-playbook"
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy")


@dataclass
class TaskResult:
    host: str
    task: str
    action: str
    status: str
    result: dict[str, Any]

    @property
    def changed(self) -> bool:
        return bool(self.result.get("changed"))

    @property
    def failed(self) -> bool:
        return self.status == "failed"


@dataclass
class PlaybookRun:
    rc: int
    stdout: str
    stderr: str
    tasks: list[TaskResult] = field(default_factory=list)

    def task(self, name: str) -> TaskResult:
        matches = [task for task in self.tasks if task.task == name]
        if not matches:
            raise KeyError(f"no result for task {name!r}; tasks run: {[task.task for task in self.tasks]}")
        return matches[-1]

    @property
    def last(self) -> TaskResult:
        return self.tasks[-1]


def ensure_collection_path() -> None:
    """The collection must be importable as ansible_collections.alibabacloud.ram from this checkout."""
    link = COLLECTIONS_PATH / "ansible_collections" / "alibabacloud" / "ram"
    if link.exists():
        return
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(REPO_ROOT, target_is_directory=True)


def connection_options(emulator, account: str) -> dict[str, Any]:
    credentials = emulator.account(account)
    return {
        "endpoint": emulator.url,
        "sts_endpoint": emulator.url,
        "access_key_id": credentials.access_key_id,
        "access_key_secret": credentials.access_key_secret,
    }


class PlaybookRunner:
    """Runs tasks as a real playbook on localhost, connected to one emulator account."""

    def __init__(self, emulator, workdir: Path) -> None:
        self.emulator = emulator
        self.workdir = workdir
        self.runs = 0

    def connection(self, account: str = "dev") -> dict[str, Any]:
        return connection_options(self.emulator, account)

    def environment(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if key not in PROXY_VARIABLES}
        env.update(
            {
                "ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS_PATH),
                "ANSIBLE_CALLBACK_PLUGINS": str(CALLBACK_DIR),
                "ANSIBLE_CALLBACKS_ENABLED": "result_recorder",
                "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
                "ANSIBLE_LOCALHOST_WARNING": "False",
                "ANSIBLE_INVENTORY_UNPARSED_WARNING": "False",
                "ANSIBLE_RETRY_FILES_ENABLED": "False",
                "ANSIBLE_NOCOLOR": "1",
                "ANSIBLE_FORCE_COLOR": "0",
                # Keep the credentials chain away from the developer's own ~/.aliyun and cloud metadata.
                "ALIBABA_CLOUD_ECS_METADATA_DISABLED": "true",
            }
        )
        env.update(extra or {})
        return env

    def run(
        self,
        tasks: list[dict[str, Any]],
        *,
        account: str | None = "dev",
        check: bool = False,
        diff: bool = False,
        verbosity: int = 0,
        extra_vars: dict[str, Any] | None = None,
        module_defaults: dict[str, Any] | None = None,
        env: dict[str, str] | None = None,
        timeout: float = 300,
    ) -> PlaybookRun:
        """Run ``tasks``; ``account=None`` leaves connection options out of module_defaults entirely."""
        self.runs += 1
        run_dir = self.workdir / f"run{self.runs}"
        run_dir.mkdir(parents=True)
        defaults = dict(connection_options(self.emulator, account)) if account else {}
        defaults.update(module_defaults or {})
        play: dict[str, Any] = {
            "name": "integration",
            "hosts": "localhost",
            "connection": "local",
            "gather_facts": False,
            "tasks": tasks,
        }
        if defaults:
            play["module_defaults"] = {"group/alibabacloud.ram.ram": defaults}
        playbook = run_dir / "playbook.yml"
        playbook.write_text(yaml.safe_dump([play], sort_keys=False))
        results_file = run_dir / "results.jsonl"
        command = [str(ANSIBLE_PLAYBOOK), "-i", "localhost,", str(playbook)]
        if check:
            command.append("--check")
        if diff:
            command.append("--diff")
        if verbosity:
            command.append("-" + "v" * verbosity)
        if extra_vars:
            command += ["-e", json.dumps(extra_vars)]
        completed = subprocess.run(
            command,
            cwd=run_dir,
            env=self.environment({"RESULT_RECORDER_FILE": str(results_file), **(env or {})}),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        tasks_run = []
        if results_file.exists():
            for line in results_file.read_text().splitlines():
                tasks_run.append(TaskResult(**json.loads(line)))
        return PlaybookRun(completed.returncode, completed.stdout, completed.stderr, tasks_run)


@pytest.fixture(scope="session", autouse=True)
def collection_path() -> Path:
    ensure_collection_path()
    return COLLECTIONS_PATH


@pytest.fixture
def playbook(emulator, tmp_path) -> PlaybookRunner:
    """A PlaybookRunner against a freshly reset emulator."""
    return PlaybookRunner(emulator, tmp_path)


@pytest.fixture
def sdk(playbook):
    """The official SDK on the dev account, straight at the emulator: the independent way to set up and read state."""
    return ram_client(playbook.emulator)
