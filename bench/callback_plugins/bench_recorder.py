# Copyright: (c) 2026, alibabacloud.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark-only callback: per host, how many tasks ran a module (a subprocess) and how many ran in the controller."""

from __future__ import annotations

import json
import os
from collections import defaultdict
from typing import Any

from ansible import constants as C
from ansible.plugins.callback import CallbackBase
from ansible.plugins.loader import action_loader

DOCUMENTATION = """
name: bench_recorder
type: aggregate
short_description: Count module tasks per host for the benchmark
description:
  - At the end of the run, writes to C(BENCH_RECORDER_FILE) a JSON object mapping each host to its number of module
    tasks (tasks whose action has no action plugin of its own, so Ansible runs the module in a subprocess) and of
    controller tasks (action plugins such as set_fact, assert or alibabacloud.ram.sts_assume_role), and its failures.
"""


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "bench_recorder"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self) -> None:
        super().__init__()
        self._per_host: dict[str, dict[str, Any]] = defaultdict(lambda: {"module_tasks": 0, "controller_tasks": 0, "failed": 0, "modules": []})
        self._runs_module: dict[str, bool] = {}

    def _count(self, result, failed: bool = False) -> None:
        action = result._task.resolved_action or result._task.action
        if action in C._ACTION_ALL_INCLUDES:
            return  # include_role/include_tasks only expand tasks inside the strategy
        if action not in self._runs_module:
            # An action with its own action plugin (set_fact, assert, sts_assume_role) runs inside the controller;
            # anything else goes through the 'normal' action, which starts the module as a subprocess.
            self._runs_module[action] = not action_loader.has_plugin(action)
        counts = self._per_host[result._host.get_name()]
        counts["module_tasks" if self._runs_module[action] else "controller_tasks"] += 1
        if self._runs_module[action]:
            counts["modules"].append(action)
        counts["failed"] += int(failed)

    def v2_runner_on_ok(self, result) -> None:
        self._count(result)

    def v2_runner_on_failed(self, result, ignore_errors: bool = False) -> None:
        self._count(result, failed=not ignore_errors)

    def v2_playbook_on_stats(self, stats) -> None:
        path = os.environ.get("BENCH_RECORDER_FILE")
        if path:
            with open(path, "w", encoding="utf-8") as output:
                json.dump(self._per_host, output)
