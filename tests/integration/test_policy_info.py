# Copyright: (c) 2026, alibabacloud.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""alibabacloud.ram.policy_info through real ansible-playbook runs against the emulator.

Policies are set up through the SDK directly; expected values come from the emulator's state dump.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from alibabacloud_ram20150501 import models
from alibabacloud_ram20150501.client import Client
from helpers import calls_between

ACCOUNT = "dev"
MODULE = "alibabacloud.ram.policy_info"


def document(action: str) -> dict[str, Any]:
    return {"Version": "1", "Statement": [{"Effect": "Allow", "Action": action, "Resource": "*"}]}


def run_info(playbook, args: dict[str, Any], **options: Any) -> tuple[Any, dict[str, int], int]:
    """Run the module once; return its result, the calls it made by operation, and the number of writes."""
    before = playbook.emulator.counters(ACCOUNT)
    run = playbook.run([{"name": "info", MODULE: args}], account=ACCOUNT, **options)
    after = playbook.emulator.counters(ACCOUNT)
    return run.task("info"), calls_between(before, after), after["writes"] - before["writes"]


def names(result) -> list[str]:
    assert not result.failed, result.result
    return [policy["name"] for policy in result.result["policies"]]


@pytest.fixture
def policies(sdk) -> Client:
    """app-one (two versions, tagged, attached to a role), app-two, App-three, db-admin."""
    for name, action in (("app-one", "oss:GetObject"), ("app-two", "oss:PutObject"), ("App-three", "ecs:Describe*"), ("db-admin", "rds:*")):
        sdk.create_policy(models.CreatePolicyRequest(policy_name=name, policy_document=json.dumps(document(action)), description=f"about {name}"))
    sdk.create_policy_version(models.CreatePolicyVersionRequest(policy_name="app-one", policy_document=json.dumps(document("oss:ListObjects")),
                                                                set_as_default=True))
    sdk.tag_resources(models.TagResourcesRequest(resource_type="policy", resource_names=["app-one"],
                                                 tag=[models.TagResourcesRequestTag(key="team", value="apps")]))
    trust = {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": ["ecs.aliyuncs.com"]}}]}
    sdk.create_role(models.CreateRoleRequest(role_name="info-role", assume_role_policy_document=json.dumps(trust)))
    sdk.attach_policy_to_role(models.AttachPolicyToRoleRequest(policy_name="app-one", policy_type="Custom", role_name="info-role"))
    return sdk


@pytest.mark.parametrize("check", [False, True], ids=["run", "check-mode"])
def test_exact_name(playbook, policies, check):
    result, calls, writes = run_info(playbook, {"name": "app-one"}, check=check)
    assert not result.failed and not result.changed, result.result
    stored = playbook.emulator.state(ACCOUNT)["policies"]["app-one"]
    assert result.result["policies"] == [{
        "name": "app-one",
        "type": "Custom",
        "description": "about app-one",
        "default_version": "v2",
        "attachment_count": 1,
        "create_date": stored["CreateDate"],
        "update_date": stored["UpdateDate"],
        "document": json.loads(stored["Versions"]["v2"]["PolicyDocument"]),
    }]
    assert calls == {"GetPolicy": 1}
    assert writes == 0


def test_exact_name_is_case_insensitive_and_missing_is_empty(playbook, policies):
    result, calls, _writes = run_info(playbook, {"name": "APP-ONE"})
    assert names(result) == ["app-one"]

    result, calls, _writes = run_info(playbook, {"name": "no-such-policy"})
    assert result.result["policies"] == []
    assert calls == {"GetPolicy": 1}


def test_exact_name_of_a_system_policy(playbook):
    result, calls, _writes = run_info(playbook, {"name": "AliyunOSSReadOnlyAccess", "policy_type": "System"})
    assert names(result) == ["AliyunOSSReadOnlyAccess"]
    assert result.result["policies"][0]["type"] == "System"
    assert calls == {"GetPolicy": 1}

    # All: the custom lookup first, then the system one.
    result, calls, _writes = run_info(playbook, {"name": "AliyunOSSReadOnlyAccess", "policy_type": "All"})
    assert names(result) == ["AliyunOSSReadOnlyAccess"]
    assert calls == {"GetPolicy": 2}

    # Custom (the default) does not find a system policy.
    result, calls, _writes = run_info(playbook, {"name": "AliyunOSSReadOnlyAccess"})
    assert result.result["policies"] == []


def test_exact_name_with_versions(playbook, policies):
    result, calls, _writes = run_info(playbook, {"name": "app-one", "include_versions": True})
    versions = result.result["policies"][0]["versions"]
    assert [(version["version_id"], version["is_default_version"]) for version in versions] == [("v1", False), ("v2", True)]
    assert versions[0]["document"] == document("oss:GetObject")
    assert versions[1]["document"] == document("oss:ListObjects")
    assert calls == {"GetPolicy": 1, "ListPolicyVersions": 1}


@pytest.mark.parametrize("check", [False, True], ids=["run", "check-mode"])
def test_list_all_custom(playbook, policies, check):
    result, calls, writes = run_info(playbook, {}, check=check)
    assert names(result) == ["App-three", "app-one", "app-two", "db-admin"]
    listed = {policy["name"]: policy for policy in result.result["policies"]}
    assert listed["app-one"]["tags"] == {"team": "apps"}
    assert listed["app-two"]["tags"] == {}
    assert listed["app-one"]["attachment_count"] == 1
    assert "document" not in listed["app-one"]
    assert calls == {"ListPolicies": 1}
    assert writes == 0


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("app-*", ["app-one", "app-two"]),
        ("App-*", ["App-three"]),
        ("app-t?o", ["app-two"]),
        ("[ad]*", ["app-one", "app-two", "db-admin"]),
        ("[!a]*", ["App-three", "db-admin"]),
        ("nothing*", []),
    ],
)
def test_name_filter_is_a_case_sensitive_glob(playbook, policies, pattern, expected):
    result, calls, _writes = run_info(playbook, {"name_filter": pattern})
    assert names(result) == expected
    assert calls == {"ListPolicies": 1}


def test_policy_type_filter(playbook, policies):
    result, _calls, _writes = run_info(playbook, {"policy_type": "System"})
    system = names(result)
    assert "AdministratorAccess" in system and "AliyunOSSReadOnlyAccess" in system
    assert all(policy["type"] == "System" for policy in result.result["policies"])

    result, _calls, _writes = run_info(playbook, {"policy_type": "All"})
    everything = [(policy["type"], policy["name"]) for policy in result.result["policies"]]
    assert everything == [("Custom", name) for name in ["App-three", "app-one", "app-two", "db-admin"]] + [("System", name) for name in system]

    result, _calls, _writes = run_info(playbook, {"policy_type": "All", "name_filter": "*OSS*"})
    assert names(result) == ["AliyunOSSFullAccess", "AliyunOSSReadOnlyAccess"]


def test_include_document_costs_one_call_per_match(playbook, policies):
    result, calls, _writes = run_info(playbook, {"name_filter": "app-*", "include_document": True})
    documents = {policy["name"]: policy["document"] for policy in result.result["policies"]}
    assert documents == {"app-one": document("oss:ListObjects"), "app-two": document("oss:PutObject")}
    assert calls == {"ListPolicies": 1, "GetPolicy": 2}


def test_include_versions_supplies_the_document_too(playbook, policies):
    result, calls, _writes = run_info(playbook, {"name_filter": "app-*", "include_versions": True, "include_document": True})
    listed = {policy["name"]: policy for policy in result.result["policies"]}
    assert [version["version_id"] for version in listed["app-one"]["versions"]] == ["v1", "v2"]
    assert listed["app-one"]["document"] == document("oss:ListObjects")
    assert [version["version_id"] for version in listed["app-two"]["versions"]] == ["v1"]
    assert calls == {"ListPolicies": 1, "ListPolicyVersions": 2}


def test_every_page_is_read(playbook, sdk):
    # ListPolicies pages hold at most 1000 entries: 1005 custom policies need two pages.
    created = [f"page-{number:04d}" for number in range(1005)]
    for name in created:
        sdk.create_policy(models.CreatePolicyRequest(policy_name=name, policy_document=json.dumps(document("oss:GetObject"))))
    result, calls, _writes = run_info(playbook, {"name_filter": "page-*"})
    assert names(result) == created
    assert calls == {"ListPolicies": 2}


BAD_INPUT = [
    pytest.param({"name": "bad name"}, "name", id="name-chars"),
    pytest.param({"name": "n" * 129}, "name", id="name-length"),
    pytest.param({"name": "app-one", "name_filter": "app-*"}, "name|name_filter", id="name-and-filter"),
    pytest.param({"name_filter": ""}, "name_filter", id="empty-filter"),
    pytest.param({"policy_type": "custom"}, "policy_type", id="policy-type-choice"),
    pytest.param({"include_versions": "maybe"}, "include_versions", id="include-versions-bool"),
]


@pytest.mark.parametrize(("args", "option"), BAD_INPUT)
def test_bad_input_fails_before_any_call(playbook, args, option):
    result, calls, _writes = run_info(playbook, args)
    assert result.failed
    assert option in result.result["msg"]
    assert calls == {}
