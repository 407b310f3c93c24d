# Copyright: (c) 2026, alibabacloud.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""alibabacloud.ram.policy_attachment through real ansible-playbook runs against the emulator.

Attachments are verified in the emulator's state dump; call budgets and "no write in check mode" come from its counters.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from alibabacloud_ram20150501 import models
from alibabacloud_ram20150501.client import Client
from helpers import calls_between

ACCOUNT = "dev"
MODULE = "alibabacloud.ram.policy_attachment"
POLICY = "attachment-test-policy"
ROLE = "attachment-test-role"
USER = "attachment-test-user"
GROUP = "attachment-test-group"
DOCUMENT = {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "oss:GetObject", "Resource": "*"}]}
TRUST = {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": ["ecs.aliyuncs.com"]}}]}
PRINCIPALS = {"role": ("role_name", ROLE, "roles", "ListPoliciesForRole", "AttachPolicyToRole", "DetachPolicyFromRole"),
              "user": ("user_name", USER, "users", "ListPoliciesForUser", "AttachPolicyToUser", "DetachPolicyFromUser"),
              "group": ("group_name", GROUP, "groups", "ListPoliciesForGroup", "AttachPolicyToGroup", "DetachPolicyFromGroup")}


def run_tasks(playbook, tasks: list[dict[str, Any]], **options: Any) -> tuple[Any, dict[str, int], int]:
    """Run tasks; return the run, the calls it made by operation, and how many of them were writes."""
    before = playbook.emulator.counters(ACCOUNT)
    run = playbook.run(tasks, account=ACCOUNT, **options)
    after = playbook.emulator.counters(ACCOUNT)
    return run, calls_between(before, after), after["writes"] - before["writes"]


def run_attachment(playbook, args: dict[str, Any], **options: Any) -> tuple[Any, dict[str, int], int]:
    run, calls, writes = run_tasks(playbook, [{"name": "attachment", MODULE: args}], **options)
    return run.task("attachment"), calls, writes


def four_steps(playbook, args: dict[str, Any], list_operation: str) -> list[tuple[Any, dict[str, int], int]]:
    steps = []
    for check, expect_changed in ((True, True), (False, True), (True, False), (False, False)):
        result, calls, writes = run_attachment(playbook, args, check=check, diff=True)
        assert not result.failed, result.result
        assert result.changed is expect_changed, (check, result.result)
        if check:
            assert writes == 0, calls
        steps.append((result, calls, writes))
    for _result, calls, _writes in steps[2:]:
        assert calls == {list_operation: 1}, calls
    assert steps[0][0].result["diff"] == steps[1][0].result["diff"]
    return steps


def attached_policies(playbook, kind: str, name: str) -> list[tuple[str, str]]:
    section = PRINCIPALS[kind][2]
    return [(policy["PolicyType"], policy["PolicyName"]) for policy in playbook.emulator.state(ACCOUNT)[section][name]["Policies"]]


@pytest.fixture
def principals(sdk) -> Client:
    """A custom policy plus one role, user and group, created through the SDK directly."""
    sdk.create_policy(models.CreatePolicyRequest(policy_name=POLICY, policy_document=json.dumps(DOCUMENT)))
    sdk.create_role(models.CreateRoleRequest(role_name=ROLE, assume_role_policy_document=json.dumps(TRUST)))
    sdk.create_user(models.CreateUserRequest(user_name=USER))
    sdk.create_group(models.CreateGroupRequest(group_name=GROUP))
    return sdk


@pytest.mark.parametrize("kind", ["role", "user", "group"])
@pytest.mark.parametrize("policy_type", ["Custom", "System"])
def test_attach_and_detach(playbook, principals, kind, policy_type):
    option, name, _section, list_operation, attach_operation, detach_operation = PRINCIPALS[kind]
    policy_name = POLICY if policy_type == "Custom" else "AliyunOSSReadOnlyAccess"
    args = {"policy_name": policy_name, "policy_type": policy_type, option: name}

    steps = four_steps(playbook, args, list_operation)
    assert attached_policies(playbook, kind, name) == [(policy_type, policy_name)]
    assert steps[1][1] == {list_operation: 2, attach_operation: 1}
    attachment = steps[1][0].result["attachment"]
    assert attachment == {
        "policy_name": policy_name,
        "policy_type": policy_type,
        "principal_type": kind,
        "principal_name": name,
        "attached": True,
        "attach_date": attachment["attach_date"],
    }
    assert attachment["attach_date"]
    assert steps[0][0].result["diff"] == {
        "before": {"policy_name": policy_name, "policy_type": policy_type, option: name, "attached": False},
        "after": {"policy_name": policy_name, "policy_type": policy_type, option: name, "attached": True},
    }
    # Check mode confirms that the policy exists (one GetPolicy) before promising an attachment.
    assert steps[0][1] == {list_operation: 1, "GetPolicy": 1}

    steps = four_steps(playbook, {**args, "state": "absent"}, list_operation)
    assert attached_policies(playbook, kind, name) == []
    assert steps[1][1] == {list_operation: 1, detach_operation: 1}
    assert steps[1][0].result["attachment"]["attached"] is False
    assert "attach_date" not in steps[1][0].result["attachment"]


def test_policy_name_matches_regardless_of_case(playbook, principals):
    result, calls, _writes = run_attachment(playbook, {"policy_name": POLICY, "role_name": ROLE})
    assert result.changed
    result, calls, writes = run_attachment(playbook, {"policy_name": POLICY.upper(), "role_name": ROLE})
    assert not result.changed, result.result
    assert result.result["attachment"]["policy_name"] == POLICY
    assert writes == 0


def test_other_attachments_are_left_alone(playbook, principals):
    principals.attach_policy_to_role(models.AttachPolicyToRoleRequest(policy_name="ReadOnlyAccess", policy_type="System", role_name=ROLE))
    run_attachment(playbook, {"policy_name": POLICY, "role_name": ROLE})
    run_attachment(playbook, {"policy_name": POLICY, "role_name": ROLE, "state": "absent"})
    assert attached_policies(playbook, "role", ROLE) == [("System", "ReadOnlyAccess")]


def test_check_mode_dry_run_before_role_and_policy_exist(playbook):
    """A whole playbook in check mode: the role and the policy would be created by earlier tasks."""
    tasks = [
        {"name": "policy", "alibabacloud.ram.policy": {"name": POLICY, "policy_document": DOCUMENT}},
        {"name": "role", "alibabacloud.ram.role": {"name": ROLE, "assume_role_policy_document": TRUST}},
        {"name": "attachment", MODULE: {"policy_name": POLICY, "role_name": ROLE}},
    ]
    run, calls, writes = run_tasks(playbook, tasks, check=True, diff=True)
    attachment = run.task("attachment")
    assert not attachment.failed, attachment.result
    assert attachment.changed
    assert "does not exist" in attachment.result["msg"]
    assert any("would be attached once it exists" in warning for warning in attachment.result.get("warnings", []))
    assert attachment.result["diff"]["after"]["attached"] is True
    assert writes == 0, calls
    assert playbook.emulator.state(ACCOUNT)["policies"] == {}


def test_check_mode_with_existing_role_and_missing_custom_policy(playbook, sdk):
    sdk.create_role(models.CreateRoleRequest(role_name=ROLE, assume_role_policy_document=json.dumps(TRUST)))
    result, calls, writes = run_attachment(playbook, {"policy_name": POLICY, "role_name": ROLE}, check=True)
    assert not result.failed, result.result
    assert result.changed
    assert f"custom policy {POLICY!r} does not exist" in result.result["msg"]
    assert calls == {"ListPoliciesForRole": 1, "GetPolicy": 1}
    assert writes == 0


@pytest.mark.parametrize("kind", ["role", "user", "group"])
def test_missing_principal_is_an_error_in_a_real_run(playbook, sdk, kind):
    sdk.create_policy(models.CreatePolicyRequest(policy_name=POLICY, policy_document=json.dumps(DOCUMENT)))
    option, name, _section, list_operation, _attach, _detach = PRINCIPALS[kind]
    result, calls, writes = run_attachment(playbook, {"policy_name": POLICY, option: name})
    assert result.failed
    assert result.result["msg"].startswith(f"{option}: the {kind} {name!r} does not exist")
    assert result.result["error_code"] == f"EntityNotExist.{kind.capitalize()}"
    assert calls == {list_operation: 1}
    assert writes == 0


def test_missing_policy_is_an_error_in_a_real_run(playbook, sdk):
    sdk.create_role(models.CreateRoleRequest(role_name=ROLE, assume_role_policy_document=json.dumps(TRUST)))
    result, _calls, _writes = run_attachment(playbook, {"policy_name": POLICY, "role_name": ROLE})
    assert result.failed
    assert result.result["msg"].startswith(f"policy_name: the Custom policy {POLICY!r} does not exist")
    assert result.result["error_code"] == "EntityNotExist.Policy"
    assert attached_policies(playbook, "role", ROLE) == []


def test_missing_system_policy_fails_even_in_check_mode(playbook, sdk):
    sdk.create_role(models.CreateRoleRequest(role_name=ROLE, assume_role_policy_document=json.dumps(TRUST)))
    result, calls, writes = run_attachment(playbook, {"policy_name": "NoSuchSystemPolicy", "policy_type": "System", "role_name": ROLE}, check=True)
    assert result.failed
    assert result.result["msg"] == "policy_name: there is no System policy named 'NoSuchSystemPolicy'"
    assert calls == {"ListPoliciesForRole": 1, "GetPolicy": 1}
    assert writes == 0


def test_detach_when_not_attached_or_principal_missing(playbook, principals):
    for args in ({"policy_name": POLICY, "role_name": ROLE, "state": "absent"},
                 {"policy_name": POLICY, "role_name": "no-such-role", "state": "absent"}):
        for check in (True, False):
            result, calls, writes = run_attachment(playbook, args, check=check)
            assert not result.failed and not result.changed, result.result
            assert calls == {"ListPoliciesForRole": 1}
            assert writes == 0


BAD_INPUT = [
    pytest.param({"policy_name": "bad name", "role_name": ROLE}, "policy_name", id="policy-name-chars"),
    pytest.param({"policy_name": "p" * 129, "role_name": ROLE}, "policy_name", id="policy-name-length"),
    pytest.param({"policy_name": POLICY, "role_name": "bad_role"}, "role_name", id="role-name-chars"),
    pytest.param({"policy_name": POLICY, "role_name": "r" * 65}, "role_name", id="role-name-length"),
    pytest.param({"policy_name": POLICY, "user_name": "bad user"}, "user_name", id="user-name-chars"),
    pytest.param({"policy_name": POLICY, "group_name": "bad.group"}, "group_name", id="group-name-chars"),
    pytest.param({"policy_name": POLICY}, "role_name, user_name, group_name", id="no-principal"),
    pytest.param({"policy_name": POLICY, "role_name": ROLE, "user_name": USER}, "role_name|user_name", id="two-principals"),
    pytest.param({"policy_name": POLICY, "role_name": ROLE, "policy_type": "custom"}, "policy_type", id="policy-type-choice"),
]


@pytest.mark.parametrize(("args", "option"), BAD_INPUT)
def test_bad_input_fails_before_any_call(playbook, args, option):
    result, calls, _writes = run_attachment(playbook, args)
    assert result.failed
    assert option in result.result["msg"]
    assert calls == {}
