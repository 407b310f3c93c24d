"""Ansible runs each task in a worker forked from the controller: connections the controller opened must not leak.

The SDKs keep process-wide keep-alive pools. When the controller has used one (the Resource Directory inventory
lists accounts, or assumes a role, in the controller process) every forked worker inherits the same open socket; workers
that reuse it share one TCP stream and read each other's replies - one account's STS session handed to another
account's host. These tests fork like Ansible does, after the parent has a pooled connection to the emulator.
"""

from __future__ import annotations

import multiprocessing
import sys
from typing import Any

from ansible_collections.alibabacloud.ram.plugins.module_utils._credentials import ConnectionSettings
from ansible_collections.alibabacloud.ram.plugins.module_utils._resource_directory import assume_role_once

MEMBERS = {"dev": "1000000000000002", "staging": "1000000000000003", "prod": "1000000000000004"}
ROUNDS = 4


def member_role_arn(account_id: str) -> str:
    return f"acs:ram::{account_id}:role/ResourceDirectoryAccountAccessRole"


def session_account(params: dict[str, Any]) -> str:
    """In a forked worker: assume the role and report which account the returned session belongs to."""
    session, _client = assume_role_once(ConnectionSettings.from_params(params))
    # acs:ram::<account id>:assumed-role/<role>/<session>
    return session.arn.split(":")[3]


def inherited_pool_sizes(_unused: int) -> list[int]:
    pools = []
    for module_name, class_name in (("Tea.core", "TeaCore"), ("darabonba.core", "DaraCore")):
        core = getattr(sys.modules.get(module_name), class_name, None)
        pools.append(len(getattr(core, "_sessions", {})) if core is not None else 0)
    return pools


def test_forked_workers_never_read_each_others_sessions(emulator: Any, connection) -> None:
    # The parent opens a pooled keep-alive connection to the emulator, as the inventory plugin does.
    assume_role_once(ConnectionSettings.from_params(connection("central", assume_role={"role_arn": member_role_arn(MEMBERS["dev"])})))
    # Slow replies make the workers' requests overlap, so a shared stream would hand replies to the wrong worker.
    emulator.add_fault(kind="latency", operation="AssumeRole", latency_ms=150, count=1000)
    jobs = [
        (name, connection("central", assume_role={"role_arn": member_role_arn(account_id), "session_name": f"fork-{name}"}))
        for _round in range(ROUNDS)
        for name, account_id in MEMBERS.items()
    ]
    with multiprocessing.get_context("fork").Pool(len(MEMBERS)) as workers:
        accounts = workers.map(session_account, [params for _name, params in jobs], chunksize=1)
    assert accounts == [MEMBERS[name] for name, _params in jobs]


def test_a_forked_worker_starts_without_the_parents_pooled_connections(emulator: Any, connection) -> None:
    assume_role_once(ConnectionSettings.from_params(connection("central", assume_role={"role_arn": member_role_arn(MEMBERS["prod"])})))
    assert sum(inherited_pool_sizes(0)) > 0, "the parent should hold a pooled connection for this test to mean anything"
    with multiprocessing.get_context("fork").Pool(1) as workers:
        assert workers.map(inherited_pool_sizes, [0]) == [[0, 0]]
