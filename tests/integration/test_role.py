# Copyright: (c) 2026, alibabacloud.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""alibabacloud.ram.role through real ansible-playbook runs against the emulator.

State is checked independently, through the emulator's state dump or the SDK, never through the module.
Every change follows the four-step pattern, and the emulator counters prove that check mode writes nothing
and that a run with nothing to do stays within its call budget.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Mapping

import pytest
from alibabacloud_ram20150501 import models as ram_models
from helpers import calls_between, ram_client

from ansible_collections.alibabacloud.ram.plugins.module_utils._policy_document import canonical_policy_document, documents_equal

ACCOUNT = "dev"
ROLE = "it-role"
CR_ROLE = "AliyunContainerRegistryCustomizedOSSBucketRole"
SERVICE_LINKED_ROLE = "AliyunServiceRoleForResourceDirectory"

CR_TRUST = {
    "Statement": [{"Action": "sts:AssumeRole", "Effect": "Allow", "Principal": {"Service": "cr.aliyuncs.com"}}],
    "Version": "1",
}
ECS_TRUST = {
    "Version": "1",
    "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": ["ecs.aliyuncs.com"]}}],
}
# The budget for a run that finds nothing to change (GetRole + ListPoliciesForRole).
# Read-only views: they are default arguments below.
NOOP_CALLS = MappingProxyType({"GetRole": 1, "ListPoliciesForRole": 1})
NOOP_CALLS_WITH_TAGS = MappingProxyType({**NOOP_CALLS, "ListTagResources": 1})


# --- helpers -----------------------------------------------------------------------------------------------------
def create_role_out_of_band(emulator, name: str = ROLE, trust: dict | None = None, **extra: Any) -> None:
    request = ram_models.CreateRoleRequest(role_name=name, assume_role_policy_document=json.dumps(trust or ECS_TRUST), **extra)
    ram_client(emulator, ACCOUNT).create_role(request)


def stored_role(emulator, name: str = ROLE, account: str = ACCOUNT) -> dict[str, Any] | None:
    roles = emulator.state(account)["roles"]
    return next((role for role_name, role in roles.items() if role_name.lower() == name.lower()), None)


def writes(before: dict[str, Any], after: dict[str, Any]) -> int:
    return after["writes"] - before["writes"]


@dataclass
class Step:
    """One task of a sequence: the module arguments and how it runs (task-level check/diff mode)."""

    args: dict[str, Any]
    check: bool = False
    diff: bool = False
    module: str = "alibabacloud.ram.role"
    may_fail: bool = False


@dataclass
class StepRun:
    """What one step returned and the API calls it caused (from counter snapshots taken around it)."""

    result: Any
    calls: dict[str, int]
    writes: int
    run: Any

    @property
    def changed(self) -> bool:
        return self.result.changed


def counters_task(playbook, label: str, account: str) -> dict[str, Any]:
    # Control routes are not counted, so reading the counters between steps leaves them as they are.
    return {"name": label, "ansible.builtin.uri": {"url": f"{playbook.emulator.url}/_emulator/counters?account={account}"}}


def run_steps(playbook, steps: list[Step], *, account: str = ACCOUNT, **options: Any) -> list[StepRun]:
    """Run the steps as one playbook (one ansible-playbook start-up), with the counters read around each step."""
    tasks = [counters_task(playbook, "counters 0", account)]
    for index, step in enumerate(steps, start=1):
        task: dict[str, Any] = {"name": f"step {index}", step.module: copy.deepcopy(step.args), "check_mode": step.check, "diff": step.diff}
        if step.may_fail:
            task["ignore_errors"] = True
        tasks += [task, counters_task(playbook, f"counters {index}", account)]
    run = playbook.run(tasks, account=account, **options)
    assert run.rc == 0, f"playbook failed:\n{run.stdout}\n{run.stderr}"
    results = []
    for index in range(1, len(steps) + 1):
        before, after = run.task(f"counters {index - 1}").result["json"], run.task(f"counters {index}").result["json"]
        results.append(StepRun(run.task(f"step {index}"), calls_between(before, after), writes(before, after), run))
    return results


def run_task(playbook, module_args: dict[str, Any], *, check: bool = False, diff: bool = False, may_fail: bool = False) -> StepRun:
    return run_steps(playbook, [Step(module_args, check=check, diff=diff, may_fail=may_fail)])[0]


def four_step_sequence(module_args: dict[str, Any]) -> list[Step]:
    return [Step(module_args, check=check) for check in (True, False, True, False)]


def check_four_steps(runs: list[StepRun], noop_calls: Mapping[str, int] | None = NOOP_CALLS) -> list[StepRun]:
    """check (changed) -> apply (changed) -> check (unchanged) -> apply (unchanged), with identical arguments."""
    assert len(runs) == 4
    for number, (step, expect_changed) in enumerate(zip(runs, (True, True, False, False), strict=True), start=1):
        check = number in (1, 3)
        label = f"{'check' if check else 'apply'} run {number}"
        assert not step.result.failed, f"{label} failed: {step.result.result}"
        assert step.changed is expect_changed, f"{label}: changed={step.changed}, result {step.result.result}"
        if check or not expect_changed:
            assert step.writes == 0, f"{label} wrote: {step.calls}"
        if not expect_changed and noop_calls is not None:
            assert step.calls == noop_calls, f"{label} exceeded the call budget: {step.calls}"
    return runs


def four_steps(playbook, module_args: dict[str, Any], noop_calls: Mapping[str, int] | None = NOOP_CALLS) -> list[StepRun]:
    return check_four_steps(run_steps(playbook, four_step_sequence(module_args)), noop_calls)


def log_entries(emulator, action: str) -> list[dict[str, Any]]:
    return [entry for entry in emulator.log() if entry["action"] == action]


# --- create --------------------------------------------------------------------------------------------------------
def test_create_cr_role_four_steps(playbook):
    args = {"name": CR_ROLE, "description": "Container Registry custom OSS bucket", "trusted_services": ["cr.aliyuncs.com"]}
    check, apply, _check_again, _apply_again = four_steps(playbook, args)

    # A would-be role: no id, arn or dates, and only the read that found it missing.
    preview = check.result.result["role"]
    assert check.calls == {"GetRole": 1}
    assert preview["name"] == CR_ROLE
    assert not {"id", "arn", "create_date"} & set(preview)
    assert documents_equal(preview["assume_role_policy_document"], CR_TRUST)
    assert preview["max_session_duration"] == 3600

    assert apply.calls == {"GetRole": 1, "CreateRole": 1}
    created = apply.result.result["role"]
    stored = stored_role(playbook.emulator, CR_ROLE)
    assert stored is not None
    assert stored["Description"] == "Container Registry custom OSS bucket"
    assert documents_equal(stored["AssumeRolePolicyDocument"], CR_TRUST)
    assert created["id"] == stored["RoleId"]
    assert created["arn"] == stored["Arn"]
    assert created["assume_role_policy_document"] == json.loads(stored["AssumeRolePolicyDocument"])
    assert created["attached_policies"] == []
    # Check mode showed exactly what the real run then returned, apart from what only RAM can assign.
    assert {key: created[key] for key in preview} == preview


def test_create_with_every_option(playbook):
    args = {
        "name": ROLE,
        "description": "deployer",
        "max_session_duration": 7200,
        "trusted_accounts": ["1000000000000001"],
        "trusted_services": ["ecs.aliyuncs.com"],
        "tags": {"team": "platform", "build": 42},
    }
    four_steps(playbook, args, noop_calls=NOOP_CALLS_WITH_TAGS)
    stored = stored_role(playbook.emulator)
    assert stored["MaxSessionDuration"] == 7200
    assert stored["Tags"] == {"team": "platform", "build": "42"}
    principal = json.loads(stored["AssumeRolePolicyDocument"])["Statement"][0]["Principal"]
    assert principal == {"Service": ["ecs.aliyuncs.com"], "RAM": ["acs:ram::1000000000000001:root"]}


def test_create_without_trust_policy_fails_before_any_write(playbook):
    for counted in run_steps(playbook, [Step({"name": ROLE, "description": "no trust"}, check=check, may_fail=True) for check in (True, False)]):
        assert counted.result.failed
        message = counted.result.result["msg"]
        assert "assume_role_policy_document" in message and "trusted_services" in message
        assert counted.calls == {"GetRole": 1}
    assert stored_role(playbook.emulator) is None


# --- updates -----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("change", "expected_parameters"),
    [
        ({"description": "new description"}, ["NewDescription"]),
        ({"description": ""}, ["NewDescription"]),
        ({"max_session_duration": 43200}, ["NewMaxSessionDuration"]),
        ({"assume_role_policy_document": CR_TRUST}, ["NewAssumeRolePolicyDocument"]),
        ({"assume_role_policy_document": json.dumps(CR_TRUST, indent=2)}, ["NewAssumeRolePolicyDocument"]),
        ({"trusted_services": ["cr.aliyuncs.com"]}, ["NewAssumeRolePolicyDocument"]),
        (
            {"description": "both", "max_session_duration": 3601, "trusted_accounts": ["1000000000000003"]},
            ["NewAssumeRolePolicyDocument", "NewDescription", "NewMaxSessionDuration"],
        ),
    ],
    ids=["description", "clear-description", "duration", "trust-dict", "trust-json-string", "trust-services", "all-at-once"],
)
def test_update_in_one_update_role_call(playbook, change, expected_parameters):
    create_role_out_of_band(playbook.emulator, description="old description")
    _check, apply, _check_again, _apply_again = four_steps(playbook, {"name": ROLE, **change})
    assert apply.calls == {**NOOP_CALLS, "UpdateRole": 1}
    update = log_entries(playbook.emulator, "UpdateRole")
    assert len(update) == 1
    # Only what changed is sent (the role name always is).
    assert sorted(name for name in update[0]["parameters"] if name != "RoleName") == expected_parameters

    stored = stored_role(playbook.emulator)
    if "description" in change:
        assert stored["Description"] == change["description"]
    else:
        assert stored["Description"] == "old description"
    if "max_session_duration" in change:
        assert stored["MaxSessionDuration"] == change["max_session_duration"]
    if "trusted_services" in change or "assume_role_policy_document" in change:
        assert documents_equal(stored["AssumeRolePolicyDocument"], CR_TRUST)
    if "trusted_accounts" in change:
        principal = json.loads(stored["AssumeRolePolicyDocument"])["Statement"][0]["Principal"]
        assert principal == {"RAM": ["acs:ram::1000000000000003:root"]}


def test_unset_options_leave_the_role_alone(playbook):
    create_role_out_of_band(playbook.emulator, description="keep me", max_session_duration=5000)
    before = stored_role(playbook.emulator)
    counted = run_task(playbook, {"name": ROLE})
    assert not counted.result.changed
    assert counted.calls == NOOP_CALLS
    assert stored_role(playbook.emulator) == before
    # Tags were not asked for: neither read nor returned.
    assert "tags" not in counted.result.result["role"]


def test_trust_policy_changed_out_of_band_is_restored(playbook):
    args = {"name": CR_ROLE, "trusted_services": ["cr.aliyuncs.com"]}
    assert run_task(playbook, args).result.changed
    ram_client(playbook.emulator, ACCOUNT).update_role(
        ram_models.UpdateRoleRequest(role_name=CR_ROLE, new_assume_role_policy_document=json.dumps(ECS_TRUST))
    )
    assert documents_equal(stored_role(playbook.emulator, CR_ROLE)["AssumeRolePolicyDocument"], ECS_TRUST)

    check, apply, _check_again, _apply_again = four_steps(playbook, args)
    assert documents_equal(stored_role(playbook.emulator, CR_ROLE)["AssumeRolePolicyDocument"], CR_TRUST)


def test_equivalent_documents_are_not_changes_even_when_ram_reformats(playbook):
    assert run_task(playbook, {"name": CR_ROLE, "assume_role_policy_document": CR_TRUST}).result.changed
    playbook.emulator.set_reformat(True)
    # The same meaning written differently: list vs scalar, key order, case of Effect and principal kind, JSON text.
    equivalents = [
        CR_TRUST,
        {"Version": "1", "Statement": [{"Principal": {"service": ["cr.aliyuncs.com"]}, "Effect": "allow", "Action": ["sts:AssumeRole"]}]},
        json.dumps(CR_TRUST, indent=4, sort_keys=True),
        {"trusted_services": ["cr.aliyuncs.com"]},
    ]
    steps = []
    for equivalent in equivalents:
        args = {"name": CR_ROLE, **(equivalent if "trusted_services" in equivalent else {"assume_role_policy_document": equivalent})}
        steps += [Step(args, check=check, diff=True) for check in (True, False)]
    for step, counted in zip(steps, run_steps(playbook, steps), strict=True):
        assert not counted.changed, f"{step.args!r} showed as a change: {counted.result.result.get('diff')}"
        assert counted.writes == 0
        assert counted.calls == NOOP_CALLS
        diff = counted.result.result["diff"]
        assert diff["before"] == diff["after"]
    # The returned document is the stored text parsed, not a normalised copy: reformatted text, same meaning.
    returned = counted.result.result["role"]["assume_role_policy_document"]
    assert documents_equal(returned, CR_TRUST)


# --- tags --------------------------------------------------------------------------------------------------------
def test_tags_add_change_purge_and_keep(playbook):
    create_role_out_of_band(playbook.emulator)
    changes = [
        ({"tags": {"team": "platform", "env": "dev"}}, "TagResources", {"team": "platform", "env": "dev"}),
        ({"tags": {"team": "data", "env": "dev"}}, "TagResources", {"team": "data", "env": "dev"}),
        ({"tags": {"env": "dev"}}, "UntagResources", {"env": "dev"}),
        ({"tags": {"owner": "ops"}, "purge_tags": False}, "TagResources", {"env": "dev", "owner": "ops"}),
        # An empty dict with purging removes every tag.
        ({"tags": {}}, "UntagResources", {}),
    ]
    steps = [step for change, _write_operation, _expected_tags in changes for step in four_step_sequence({"name": ROLE, **change})]
    runs = run_steps(playbook, steps)
    for index, (change, write_operation, expected_tags) in enumerate(changes):
        check, apply, _check_again, last = check_four_steps(runs[index * 4:index * 4 + 4], noop_calls=NOOP_CALLS_WITH_TAGS)
        assert apply.calls == {**NOOP_CALLS_WITH_TAGS, write_operation: 1}, change
        assert check.result.result["role"]["tags"] == expected_tags
        assert apply.result.result["role"]["tags"] == expected_tags
        assert last.result.result["role"]["tags"] == expected_tags
    assert stored_role(playbook.emulator)["Tags"] == {}


# --- absent --------------------------------------------------------------------------------------------------------
def test_absent_detaches_every_policy_then_deletes(playbook):
    create_role_out_of_band(playbook.emulator)
    client = ram_client(playbook.emulator, ACCOUNT)
    client.create_policy(ram_models.CreatePolicyRequest(
        policy_name="it-custom",
        policy_document=json.dumps({"Version": "1", "Statement": [{"Effect": "Allow", "Action": "oss:GetObject", "Resource": "*"}]}),
    ))
    for policy_name, policy_type in (("AliyunOSSReadOnlyAccess", "System"), ("it-custom", "Custom")):
        client.attach_policy_to_role(ram_models.AttachPolicyToRoleRequest(policy_name=policy_name, policy_type=policy_type, role_name=ROLE))
    assert len(stored_role(playbook.emulator)["Policies"]) == 2

    check, apply, _check_again, _apply_again = four_steps(playbook, {"name": ROLE, "state": "absent"}, noop_calls={"GetRole": 1})
    assert check.calls == NOOP_CALLS
    assert apply.calls == {**NOOP_CALLS, "DetachPolicyFromRole": 2, "DeleteRole": 1}
    assert stored_role(playbook.emulator) is None
    state = playbook.emulator.state(ACCOUNT)
    # The custom policy itself stays: only the attachment belonged to the role.
    assert state["policies"]["it-custom"]["AttachedTo"] == []
    assert apply.result.result["role"] == {}


def test_absent_of_a_missing_role_is_ok(playbook):
    for counted in run_steps(playbook, [Step({"name": "never-existed", "state": "absent"}, check=check) for check in (True, False)]):
        assert counted.result.status == "ok"
        assert counted.calls == {"GetRole": 1}


def test_service_linked_role_is_refused(playbook):
    before = stored_role(playbook.emulator, SERVICE_LINKED_ROLE)
    assert before["IsServiceLinkedRole"]
    steps = [Step({"name": SERVICE_LINKED_ROLE, "state": "absent"}, check=check, may_fail=True) for check in (True, False)]
    for counted in run_steps(playbook, steps):
        assert counted.result.failed
        assert "service-linked" in counted.result.result["msg"]
        assert counted.writes == 0
    assert stored_role(playbook.emulator, SERVICE_LINKED_ROLE) == before


# --- input validation ------------------------------------------------------------------------------------------------
LONG_TRUST = {
    "Version": "1",
    "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"RAM": [f"acs:ram::{index:016d}:root" for index in range(300)]}}],
}
BAD_INPUT = [
    ("name-chars", {"name": "bad name!", "trusted_services": ["cr.aliyuncs.com"]}, "name"),
    ("name-underscore", {"name": "bad_name", "trusted_services": ["cr.aliyuncs.com"]}, "name"),
    ("name-too-long", {"name": "r" * 65, "trusted_services": ["cr.aliyuncs.com"]}, "name"),
    ("description-too-long", {"name": ROLE, "description": "d" * 1025}, "description"),
    ("duration-too-short", {"name": ROLE, "max_session_duration": 3599}, "max_session_duration"),
    ("duration-too-long", {"name": ROLE, "max_session_duration": 43201}, "max_session_duration"),
    ("document-not-json", {"name": ROLE, "assume_role_policy_document": "{not json"}, "assume_role_policy_document"),
    ("document-not-object", {"name": ROLE, "assume_role_policy_document": ["x"]}, "assume_role_policy_document"),
    (
        "document-without-principal",
        {"name": ROLE, "assume_role_policy_document": {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole"}]}},
        "assume_role_policy_document",
    ),
    ("document-too-long", {"name": ROLE, "assume_role_policy_document": LONG_TRUST}, "assume_role_policy_document"),
    ("account-not-digits", {"name": ROLE, "trusted_accounts": ["12ab"]}, "trusted_accounts"),
    ("service-empty", {"name": ROLE, "trusted_services": [""]}, "trusted_services"),
    ("service-not-a-service", {"name": ROLE, "trusted_services": ["not a service"]}, "trusted_services"),
    (
        "document-and-services",
        {"name": ROLE, "assume_role_policy_document": CR_TRUST, "trusted_services": ["cr.aliyuncs.com"]},
        "assume_role_policy_document",
    ),
    ("tag-reserved", {"name": ROLE, "tags": {"acs:owner": "x"}}, "tags"),
    ("tag-value-too-long", {"name": ROLE, "tags": {"owner": "x" * 129}}, "tags"),
    ("too-many-tags", {"name": ROLE, "tags": {f"k{index}": "v" for index in range(21)}}, "tags"),
    ("bad-state", {"name": ROLE, "state": "gone"}, "state"),
]


def test_bad_input_fails_without_any_api_call(playbook):
    # One playbook for all cases keeps the suite fast; ignore_errors lets every case run.
    tasks = [{"name": case, "alibabacloud.ram.role": args, "ignore_errors": True} for case, args, _option in BAD_INPUT]
    before = playbook.emulator.counters()
    run = playbook.run(tasks)
    after = playbook.emulator.counters()
    assert calls_between(before, after) == {}, "bad input reached the API"
    for case, _args, option in BAD_INPUT:
        result = run.task(case)
        assert result.failed, f"{case} was accepted: {result.result}"
        assert option in result.result["msg"], f"{case}: {result.result['msg']!r} does not name {option}"
    assert "mutually exclusive" in run.task("document-and-services").result["msg"]


# --- diff ----------------------------------------------------------------------------------------------------------
def test_diff_output(playbook):
    args = {"name": CR_ROLE, "description": "v1", "trusted_services": ["cr.aliyuncs.com"], "tags": {"team": "a"}}
    created = run_task(playbook, args, diff=True).result.result["diff"]
    assert created["before"] == {}
    assert created["after"] == {
        "description": "v1",
        "max_session_duration": 3600,
        "assume_role_policy_document": canonical_policy_document(CR_TRUST),
        "tags": {"team": "a"},
    }

    updated = run_task(playbook, {**args, "description": "v2", "trusted_services": ["ecs.aliyuncs.com", "cr.aliyuncs.com"]}, diff=True, check=True)
    assert updated.writes == 0
    diff = updated.result.result["diff"]
    assert diff["before"]["description"] == "v1" and diff["after"]["description"] == "v2"
    # Canonical layout: principal values sorted, scalars as lists, whatever order they were given in.
    assert diff["after"]["assume_role_policy_document"]["Statement"][0]["Principal"] == {"Service": ["cr.aliyuncs.com", "ecs.aliyuncs.com"]}
    assert diff["before"]["assume_role_policy_document"]["Statement"][0]["Principal"] == {"Service": ["cr.aliyuncs.com"]}

    ram_client(playbook.emulator, ACCOUNT).attach_policy_to_role(
        ram_models.AttachPolicyToRoleRequest(policy_name="AliyunOSSReadOnlyAccess", policy_type="System", role_name=CR_ROLE)
    )
    deleted = run_task(playbook, {"name": CR_ROLE, "state": "absent"}, diff=True).result.result["diff"]
    assert deleted["after"] == {}
    assert deleted["before"]["attached_policies"] == ["System:AliyunOSSReadOnlyAccess"]
    assert deleted["before"]["description"] == "v1"


def test_diff_is_printed_by_ansible(playbook):
    create_role_out_of_band(playbook.emulator, description="printed before")
    run = playbook.run([{"name": "under test", "alibabacloud.ram.role": {"name": ROLE, "description": "printed after"}}], check=True, diff=True)
    assert run.rc == 0
    assert '-    "description": "printed before"' in run.stdout
    assert '+    "description": "printed after"' in run.stdout
