# Copyright: (c) 2026, alibabacloud.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""alibabacloud.ram.policy through real ansible-playbook runs against the emulator.

State is verified through the emulator's state dump or the SDK directly, never through the module under test;
API-call budgets and "no write in check mode" come from the emulator's counters.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from alibabacloud_ram20150501 import models
from alibabacloud_ram20150501.client import Client
from helpers import calls_between

ACCOUNT = "dev"
MODULE = "alibabacloud.ram.policy"
POLICY = "test-policy-ops"

READ_BUCKET = {
    "Version": "1",
    "Statement": [{"Effect": "Allow", "Action": ["oss:GetObject", "oss:ListObjects"], "Resource": "acs:oss:*:*:artifacts/*"}],
}
WRITE_BUCKET = {
    "Version": "1",
    "Statement": [{"Effect": "Allow", "Action": ["oss:PutObject", "oss:GetObject"], "Resource": "acs:oss:*:*:artifacts/*"}],
}
# READ_BUCKET written differently: other key order, a one-element list, lower-case Effect, statements duplicated.
READ_BUCKET_REWRITTEN = {
    "Statement": [
        {"Resource": ["acs:oss:*:*:artifacts/*"], "Action": ["oss:ListObjects", "oss:GetObject"], "Effect": "allow"},
        {"Effect": "Allow", "Resource": "acs:oss:*:*:artifacts/*", "Action": ["oss:GetObject", "oss:ListObjects"]},
    ],
    "Version": "1",
}


def document_number(number: int) -> dict[str, Any]:
    return {"Version": "1", "Statement": [{"Effect": "Allow", "Action": f"ecs:DescribeInstance{number}", "Resource": "*"}]}


@dataclass
class Calls:
    """API calls one playbook run made, from the emulator's counters."""

    by_operation: dict[str, int]
    reads: int
    writes: int
    sts: int

    @property
    def total(self) -> int:
        return self.reads + self.writes + self.sts


def counted_run(playbook, tasks: list[dict[str, Any]], **options: Any) -> tuple[Any, Calls]:
    before = playbook.emulator.counters(ACCOUNT)
    run = playbook.run(tasks, account=ACCOUNT, **options)
    after = playbook.emulator.counters(ACCOUNT)
    return run, Calls(calls_between(before, after), *(after[kind] - before[kind] for kind in ("reads", "writes", "sts")))


def policy_task(**args: Any) -> list[dict[str, Any]]:
    return [{"name": "policy", MODULE: args}]


def run_policy(playbook, args: dict[str, Any], **options: Any) -> tuple[Any, Calls]:
    run, calls = counted_run(playbook, policy_task(**args), **options)
    return run.task("policy"), calls


def four_steps(playbook, args: dict[str, Any]) -> list[tuple[Any, Calls]]:
    """check (changed) -> apply (changed) -> check (unchanged) -> apply (unchanged), with the same arguments."""
    steps = []
    for check, expect_changed in ((True, True), (False, True), (True, False), (False, False)):
        result, calls = run_policy(playbook, args, check=check, diff=True)
        assert not result.failed, result.result
        assert result.changed is expect_changed, (check, result.result)
        if check:
            assert calls.writes == 0, calls.by_operation
        steps.append((result, calls))
    # A no-op run costs GetPolicy, plus ListTagResources when tags are managed.
    expected_noop = {"GetPolicy": 1, **({"ListTagResources": 1} if args.get("tags") is not None else {})}
    assert steps[3][1].by_operation == expected_noop
    assert steps[2][1].by_operation == expected_noop
    # Check mode reports what the real run then does; only a new version's id is unknown before RAM assigns it.
    check_diff, apply_diff = steps[0][0].result["diff"], steps[1][0].result["diff"]
    assert check_diff["before"] == apply_diff["before"]
    assert {**check_diff["after"], "default_version": None} == {**apply_diff["after"], "default_version": None}
    return steps


def stored(playbook, name: str = POLICY) -> dict[str, Any] | None:
    return playbook.emulator.state(ACCOUNT)["policies"].get(name)


def default_document(policy: dict[str, Any]) -> dict[str, Any]:
    return json.loads(policy["Versions"][policy["DefaultVersion"]]["PolicyDocument"])


def sdk_create_policy(sdk: Client, name: str, document: dict[str, Any], *extra_documents: dict[str, Any]) -> None:
    sdk.create_policy(models.CreatePolicyRequest(policy_name=name, policy_document=json.dumps(document)))
    for extra in extra_documents:
        sdk.create_policy_version(models.CreatePolicyVersionRequest(policy_name=name, policy_document=json.dumps(extra), set_as_default=True))


# --- create and update ------------------------------------------------------------------------------------------
def test_create(playbook):
    args = {"name": POLICY, "description": "read artifacts", "policy_document": READ_BUCKET}
    steps = four_steps(playbook, args)

    created = stored(playbook)
    assert created["Description"] == "read artifacts"
    assert created["DefaultVersion"] == "v1"
    assert list(created["Versions"]) == ["v1"]
    assert default_document(created) == READ_BUCKET

    check_run, apply_run = steps[0][0].result, steps[1][0].result
    assert steps[0][1].by_operation == {"GetPolicy": 1}
    # The second GetPolicy reads the stored policy back so that the result shows exactly what RAM holds.
    assert steps[1][1].by_operation == {"GetPolicy": 2, "CreatePolicy": 1}
    assert check_run["policy"]["default_version"] == "v1"
    assert check_run["diff"]["before"] == {}
    assert apply_run["policy"]["name"] == POLICY
    assert apply_run["policy"]["type"] == "Custom"
    assert apply_run["policy"]["document"] == READ_BUCKET
    assert apply_run["policy"]["versions"] == ["v1"]
    assert apply_run["policy"]["create_date"]
    noop = steps[3][0].result["policy"]
    assert "versions" not in noop
    assert noop["default_version"] == "v1"
    assert noop["attachment_count"] == 0


def test_create_from_json_string_and_without_document_fails(playbook):
    result, calls = run_policy(playbook, {"name": POLICY})
    assert result.failed
    assert "policy_document" in result.result["msg"]
    assert calls.by_operation == {"GetPolicy": 1}

    result, calls = run_policy(playbook, {"name": POLICY, "policy_document": json.dumps(READ_BUCKET, indent=4)})
    assert result.changed
    assert default_document(stored(playbook)) == READ_BUCKET


def test_description_update(playbook, sdk):
    sdk_create_policy(sdk, POLICY, READ_BUCKET)
    steps = four_steps(playbook, {"name": POLICY, "description": "new words"})
    assert stored(playbook)["Description"] == "new words"
    assert steps[1][1].by_operation == {"GetPolicy": 2, "UpdatePolicyDescription": 1}
    assert steps[0][0].result["diff"]["before"]["description"] == ""
    assert steps[0][0].result["diff"]["after"]["description"] == "new words"
    # The document was left alone.
    assert list(stored(playbook)["Versions"]) == ["v1"]


def test_document_update_creates_default_version(playbook, sdk):
    sdk_create_policy(sdk, POLICY, READ_BUCKET)
    steps = four_steps(playbook, {"name": POLICY, "policy_document": WRITE_BUCKET})

    policy = stored(playbook)
    assert policy["DefaultVersion"] == "v2"
    assert list(policy["Versions"]) == ["v1", "v2"]
    assert default_document(policy) == WRITE_BUCKET
    assert steps[0][1].by_operation == {"GetPolicy": 1, "ListPolicyVersions": 1}
    assert steps[1][1].by_operation == {"GetPolicy": 2, "ListPolicyVersions": 1, "CreatePolicyVersion": 1}

    check_result, apply_result = steps[0][0].result, steps[1][0].result
    assert check_result["policy"]["default_version"] == "(new version)"
    assert check_result["policy"]["versions"] == ["v1", "(new version)"]
    assert apply_result["policy"]["default_version"] == "v2"
    assert apply_result["policy"]["versions"] == ["v1", "v2"]
    # The diff shows documents in the canonical form, whatever their spelling.
    assert apply_result["diff"]["before"]["document"]["Statement"][0]["Action"] == ["oss:GetObject", "oss:ListObjects"]
    assert apply_result["diff"]["after"]["document"]["Statement"][0]["Action"] == ["oss:GetObject", "oss:PutObject"]
    assert apply_result["diff"]["after"]["default_version"] == "v2"


def test_same_meaning_is_no_change(playbook, sdk):
    sdk_create_policy(sdk, POLICY, READ_BUCKET)
    for check in (True, False):
        result, calls = run_policy(playbook, {"name": POLICY, "policy_document": READ_BUCKET_REWRITTEN}, check=check)
        assert not result.changed, result.result
        assert calls.by_operation == {"GetPolicy": 1}


def test_reformatted_reply_is_no_change(playbook, sdk):
    sdk_create_policy(sdk, POLICY, READ_BUCKET)
    playbook.emulator.set_reformat(True)
    for check in (True, False):
        result, calls = run_policy(playbook, {"name": POLICY, "policy_document": READ_BUCKET, "description": ""}, check=check)
        assert not result.changed, result.result
        assert calls.by_operation == {"GetPolicy": 1}
    # The document is returned as RAM stores (here: renders) it, not canonicalised.
    returned = result.result["policy"]["document"]
    assert returned != READ_BUCKET
    assert returned["Statement"][0]["Effect"] == "ALLOW"
    assert list(stored(playbook)["Versions"]) == ["v1"]


def test_matching_older_version_is_made_default(playbook, sdk):
    sdk_create_policy(sdk, POLICY, READ_BUCKET, WRITE_BUCKET)
    assert stored(playbook)["DefaultVersion"] == "v2"

    steps = four_steps(playbook, {"name": POLICY, "policy_document": READ_BUCKET_REWRITTEN})
    policy = stored(playbook)
    assert policy["DefaultVersion"] == "v1"
    assert list(policy["Versions"]) == ["v1", "v2"]
    assert steps[1][1].by_operation == {"GetPolicy": 2, "ListPolicyVersions": 1, "SetDefaultPolicyVersion": 1}
    assert steps[0][0].result["policy"]["default_version"] == "v1"
    assert steps[1][0].result["policy"]["default_version"] == "v1"


def test_update_at_version_limit_removes_oldest_non_default(playbook, sdk):
    sdk_create_policy(sdk, POLICY, *(document_number(number) for number in range(1, 6)))
    assert list(stored(playbook)["Versions"]) == ["v1", "v2", "v3", "v4", "v5"]

    steps = four_steps(playbook, {"name": POLICY, "policy_document": document_number(6)})
    policy = stored(playbook)
    assert list(policy["Versions"]) == ["v2", "v3", "v4", "v5", "v6"]
    assert policy["DefaultVersion"] == "v6"
    assert default_document(policy) == document_number(6)
    assert steps[1][1].by_operation == {"GetPolicy": 2, "ListPolicyVersions": 1, "DeletePolicyVersion": 1, "CreatePolicyVersion": 1}
    assert steps[0][0].result["policy"]["versions"] == ["v2", "v3", "v4", "v5", "(new version)"]


def test_version_limit_never_removes_the_default_version(playbook, sdk):
    sdk_create_policy(sdk, POLICY, *(document_number(number) for number in range(1, 6)))
    sdk.set_default_policy_version(models.SetDefaultPolicyVersionRequest(policy_name=POLICY, version_id="v1"))

    four_steps(playbook, {"name": POLICY, "policy_document": document_number(7)})
    policy = stored(playbook)
    # v1 is the oldest but was the default: v2 goes instead.
    assert list(policy["Versions"]) == ["v1", "v3", "v4", "v5", "v6"]
    assert policy["DefaultVersion"] == "v6"


# --- tags -------------------------------------------------------------------------------------------------------
def test_tags(playbook, sdk):
    four_steps(playbook, {"name": POLICY, "policy_document": READ_BUCKET, "tags": {"team": "platform", "env": "dev"}})
    assert stored(playbook)["Tags"] == {"team": "platform", "env": "dev"}

    steps = four_steps(playbook, {"name": POLICY, "tags": {"team": "data", "build": 42}})
    assert stored(playbook)["Tags"] == {"team": "data", "build": "42"}
    assert steps[1][1].by_operation == {"GetPolicy": 2, "ListTagResources": 1, "UntagResources": 1, "TagResources": 1}
    assert steps[0][0].result["diff"]["before"]["tags"] == {"team": "platform", "env": "dev"}
    assert steps[0][0].result["diff"]["after"]["tags"] == {"team": "data", "build": "42"}

    four_steps(playbook, {"name": POLICY, "tags": {"owner": "me"}, "purge_tags": False})
    assert stored(playbook)["Tags"] == {"team": "data", "build": "42", "owner": "me"}

    # Without tags, tags are left alone and not even read.
    result, calls = run_policy(playbook, {"name": POLICY, "description": ""})
    assert not result.changed
    assert calls.by_operation == {"GetPolicy": 1}
    assert "tags" not in result.result["policy"]

    four_steps(playbook, {"name": POLICY, "tags": {}})
    assert stored(playbook)["Tags"] == {}

    # RAM names are case-insensitive: the same policy under another spelling, tags included, is no change.
    sdk.tag_resources(models.TagResourcesRequest(resource_type="policy", resource_names=[POLICY], tag=[models.TagResourcesRequestTag(key="a", value="b")]))
    result, calls = run_policy(playbook, {"name": POLICY.upper(), "tags": {"a": "b"}})
    assert not result.changed, result.result
    assert calls.by_operation == {"GetPolicy": 1, "ListTagResources": 1}


# --- absent -----------------------------------------------------------------------------------------------------
def test_absent_detaches_everywhere_and_drops_versions(playbook, sdk):
    sdk_create_policy(sdk, POLICY, READ_BUCKET, WRITE_BUCKET, document_number(1))
    trust = {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": ["ecs.aliyuncs.com"]}}]}
    sdk.create_role(models.CreateRoleRequest(role_name="policy-test-role", assume_role_policy_document=json.dumps(trust)))
    sdk.create_user(models.CreateUserRequest(user_name="policy-test-user"))
    sdk.create_group(models.CreateGroupRequest(group_name="policy-test-group"))
    sdk.attach_policy_to_role(models.AttachPolicyToRoleRequest(policy_name=POLICY, policy_type="Custom", role_name="policy-test-role"))
    sdk.attach_policy_to_user(models.AttachPolicyToUserRequest(policy_name=POLICY, policy_type="Custom", user_name="policy-test-user"))
    sdk.attach_policy_to_group(models.AttachPolicyToGroupRequest(policy_name=POLICY, policy_type="Custom", group_name="policy-test-group"))

    steps = four_steps_absent(playbook)
    state = playbook.emulator.state(ACCOUNT)
    assert POLICY not in state["policies"]
    assert state["roles"]["policy-test-role"]["Policies"] == []
    assert state["users"]["policy-test-user"]["Policies"] == []
    assert state["groups"]["policy-test-group"]["Policies"] == []

    check_result, apply_result = steps[0][0].result, steps[1][0].result
    expected_detached = [
        {"principal_type": "role", "principal_name": "policy-test-role"},
        {"principal_type": "user", "principal_name": "policy-test-user"},
        {"principal_type": "group", "principal_name": "policy-test-group"},
    ]
    assert check_result["detached"] == expected_detached
    assert apply_result["detached"] == expected_detached
    assert apply_result["policy"]["versions"] == ["v1", "v2", "v3"]
    assert apply_result["policy"]["attachment_count"] == 3
    assert apply_result["diff"]["after"] == {}
    assert steps[0][1].by_operation == {"GetPolicy": 1, "ListEntitiesForPolicy": 1, "ListPolicyVersions": 1}
    assert steps[1][1].by_operation == {
        "GetPolicy": 1,
        "ListEntitiesForPolicy": 1,
        "ListPolicyVersions": 1,
        "DetachPolicyFromRole": 1,
        "DetachPolicyFromUser": 1,
        "DetachPolicyFromGroup": 1,
        "DeletePolicyVersion": 2,
        "DeletePolicy": 1,
    }


def four_steps_absent(playbook) -> list[tuple[Any, Calls]]:
    steps = []
    for check, expect_changed in ((True, True), (False, True), (True, False), (False, False)):
        result, calls = run_policy(playbook, {"name": POLICY, "state": "absent"}, check=check, diff=True)
        assert not result.failed, result.result
        assert result.changed is expect_changed, (check, result.result)
        if check:
            assert calls.writes == 0, calls.by_operation
        steps.append((result, calls))
    for result, calls in steps[2:]:
        assert calls.by_operation == {"GetPolicy": 1}
        assert result.result["policy"] == {}
    return steps


def test_absent_of_a_missing_policy(playbook):
    for check in (True, False):
        result, calls = run_policy(playbook, {"name": POLICY, "state": "absent"}, check=check)
        assert not result.failed and not result.changed, result.result
        assert calls.by_operation == {"GetPolicy": 1}


def test_absent_of_a_plain_policy(playbook, sdk):
    sdk_create_policy(sdk, POLICY, READ_BUCKET)
    steps = four_steps_absent(playbook)
    assert stored(playbook) is None
    assert steps[0][0].result["detached"] == []
    assert steps[1][1].by_operation == {"GetPolicy": 1, "ListEntitiesForPolicy": 1, "ListPolicyVersions": 1, "DeletePolicy": 1}


# --- input validation -------------------------------------------------------------------------------------------
# About 9000 characters of compact JSON, well over the 6144 RAM accepts.
TOO_MANY_ACTIONS = [f"oss:Get{number:05d}" for number in range(600)]
BAD_INPUT = [
    pytest.param({"name": "bad_name"}, "name", id="name-chars"),
    pytest.param({"name": "x" * 129}, "name", id="name-length"),
    pytest.param({"name": ""}, "name", id="name-empty"),
    pytest.param({"name": POLICY, "description": "d" * 1025}, "description", id="description-length"),
    pytest.param({"name": POLICY, "policy_document": "{not json"}, "policy_document", id="document-json"),
    pytest.param({"name": POLICY, "policy_document": {"Statement": READ_BUCKET["Statement"]}}, "policy_document", id="document-version"),
    pytest.param(
        {"name": POLICY, "policy_document": {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "oss:GetObject"}]}},
        "policy_document: Statement[0]",
        id="document-no-resource",
    ),
    pytest.param(
        {"name": POLICY, "policy_document": {"Version": "1", "Statement": [{"Effect": "Allow", "Action": TOO_MANY_ACTIONS, "Resource": "*"}]}},
        "6144",
        id="document-length",
    ),
    pytest.param({"name": POLICY, "policy_document": ["a"]}, "policy_document", id="document-type"),
    pytest.param({"name": POLICY, "tags": {"acs:team": "x"}}, "tags", id="tags-reserved"),
    pytest.param({"name": POLICY, "tags": {"flag": True}}, "tags", id="tags-bool"),
    pytest.param({"name": POLICY, "tags": {f"k{n}": "v" for n in range(21)}}, "tags", id="tags-count"),
    pytest.param({"name": POLICY, "state": "gone"}, "state", id="state-choice"),
]


@pytest.mark.parametrize(("args", "option"), BAD_INPUT)
def test_bad_input_fails_before_any_call(playbook, args, option):
    result, calls = run_policy(playbook, args)
    assert result.failed
    assert option in result.result["msg"]
    assert calls.total == 0, calls.by_operation
