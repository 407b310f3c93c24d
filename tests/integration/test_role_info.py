# Copyright: (c) 2026, alibabacloud.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""alibabacloud.ram.role_info through real ansible-playbook runs against the emulator.

Roles are set up through the SDK directly and the answers compared with the emulator's state dump.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from alibabacloud_ram20150501 import models as ram_models
from helpers import ram_client
from test_role import ACCOUNT, CR_TRUST, ECS_TRUST, NOOP_CALLS, Step, run_steps

INFO = "alibabacloud.ram.role_info"
# Every default member account starts with these two roles.
SEEDED_ROLES = {"AliyunServiceRoleForResourceDirectory", "ResourceDirectoryAccountAccessRole"}


def info_step(args: dict, check: bool = False, may_fail: bool = False) -> Step:
    return Step(args, check=check, module=INFO, may_fail=may_fail)


def create_roles(emulator, names: list[str], trust: dict | None = None, tags: dict[str, str] | None = None) -> None:
    client = ram_client(emulator, ACCOUNT)
    tag_list = [ram_models.CreateRoleRequestTag(key=key, value=value) for key, value in (tags or {}).items()] or None

    def create(name: str) -> None:
        client.create_role(ram_models.CreateRoleRequest(role_name=name, assume_role_policy_document=json.dumps(trust or ECS_TRUST), tag=tag_list))

    # A few threads keep a thousand creations to seconds; the emulator serialises the state changes.
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(create, names))


@pytest.fixture
def cr_role(playbook):
    create_roles(playbook.emulator, ["AliyunContainerRegistryCustomizedOSSBucketRole"], trust=CR_TRUST, tags={"team": "registry"})
    ram_client(playbook.emulator, ACCOUNT).attach_policy_to_role(ram_models.AttachPolicyToRoleRequest(
        policy_name="AliyunOSSReadOnlyAccess", policy_type="System", role_name="AliyunContainerRegistryCustomizedOSSBucketRole"))
    return "AliyunContainerRegistryCustomizedOSSBucketRole"


def test_exact_name(playbook, cr_role):
    steps = [
        info_step({"name": cr_role}),
        info_step({"name": cr_role.lower(), "include_attached_policies": True, "include_tags": True}),
        info_step({"name": "missing-role", "include_attached_policies": True}),
        info_step({"name": cr_role}, check=True),
    ]
    plain, detailed, missing, checked = run_steps(playbook, steps)
    stored = playbook.emulator.state(ACCOUNT)["roles"][cr_role]

    assert plain.calls == {"GetRole": 1}
    assert not plain.changed
    [role] = plain.result.result["roles"]
    assert role["name"] == cr_role
    assert role["id"] == stored["RoleId"]
    assert role["arn"] == stored["Arn"]
    assert role["assume_role_policy_document"] == json.loads(stored["AssumeRolePolicyDocument"])
    assert role["is_service_linked_role"] is False
    assert "attached_policies" not in role and "tags" not in role

    # RAM matches names case-insensitively; the answer carries the stored spelling.
    assert detailed.calls == {"GetRole": 1, "ListPoliciesForRole": 1, "ListTagResources": 1}
    [role] = detailed.result.result["roles"]
    assert role["name"] == cr_role
    assert role["tags"] == {"team": "registry"}
    assert [(policy["policy_name"], policy["policy_type"]) for policy in role["attached_policies"]] == [("AliyunOSSReadOnlyAccess", "System")]
    assert role["attached_policies"][0]["attach_date"] == stored["Policies"][0]["AttachDate"]

    # A missing role is an empty answer, not a failure, and costs no more than the one read.
    assert missing.result.result["roles"] == []
    assert missing.calls == {"GetRole": 1}

    # Check mode runs the module (not skipped) and answers the same.
    assert checked.result.status == "ok"
    assert checked.result.result["roles"] == plain.result.result["roles"]


def test_list_every_role_across_pages(playbook):
    # The module asks for RAM's largest page (1000 roles), so paging needs more than 1000 roles.
    names = [f"it-app-{index:04d}" for index in range(1001)]
    create_roles(playbook.emulator, names, tags={"purpose": "paging"})
    [listing] = run_steps(playbook, [info_step({})])
    stored = playbook.emulator.state(ACCOUNT)["roles"]

    roles = listing.result.result["roles"]
    assert {role["name"] for role in roles} == set(stored) == set(names) | SEEDED_ROLES
    assert len(roles) == len(stored) == 1003
    # 1003 roles in pages of 1000: exactly two pages, and nothing per role.
    assert listing.calls == {"ListRoles": 2}
    by_name = {role["name"]: role for role in roles}
    assert by_name["it-app-0007"]["tags"] == {"purpose": "paging"}
    assert by_name["it-app-0007"]["id"] == stored["it-app-0007"]["RoleId"]
    # The trust policy is not part of a listing unless asked for.
    assert "assume_role_policy_document" not in by_name["it-app-0007"]


def test_name_filter(playbook, cr_role):
    create_roles(playbook.emulator, ["app-a-reader", "app-b-reader", "app-a-writer", "other"])
    steps = [
        info_step({"name_filter": "app-?-reader"}),
        info_step({"name_filter": "app-*", "include_trust_policy": True, "include_attached_policies": True}),
        info_step({"name_filter": "APP-*"}),
        info_step({"name_filter": "Aliyun*", "include_attached_policies": True}, check=True),
        info_step({"name_filter": "nothing-matches-*"}),
    ]
    readers, apps, upper, aliyun, nothing = run_steps(playbook, steps)

    assert [role["name"] for role in readers.result.result["roles"]] == ["app-a-reader", "app-b-reader"]
    assert readers.calls == {"ListRoles": 1}

    # The per-role options cost one call per matching role, and only for those.
    assert [role["name"] for role in apps.result.result["roles"]] == ["app-a-reader", "app-a-writer", "app-b-reader"]
    assert apps.calls == {"ListRoles": 1, "GetRole": 3, "ListPoliciesForRole": 3}
    for role in apps.result.result["roles"]:
        assert role["assume_role_policy_document"] == ECS_TRUST
        assert role["attached_policies"] == []

    # Matching is case-sensitive, as documented.
    assert upper.result.result["roles"] == []

    aliyun_roles = {role["name"]: role for role in aliyun.result.result["roles"]}
    assert set(aliyun_roles) == {cr_role, "AliyunServiceRoleForResourceDirectory"}
    assert [policy["policy_name"] for policy in aliyun_roles[cr_role]["attached_policies"]] == ["AliyunOSSReadOnlyAccess"]
    assert aliyun.result.status == "ok"

    assert nothing.result.result["roles"] == []
    for step in (readers, apps, upper, aliyun, nothing):
        assert step.writes == 0 and not step.changed


def test_bad_input_fails_without_any_api_call(playbook):
    steps = [
        info_step({"name": "bad name!"}, may_fail=True),
        info_step({"name": "r", "name_filter": "r*"}, may_fail=True),
        info_step({"name": ""}, may_fail=True),
        info_step({"name_filter": ""}, may_fail=True),
    ]
    runs = run_steps(playbook, steps)
    assert playbook.emulator.counters()["by_operation"] == {}
    bad_name, both, empty, empty_filter = runs
    assert bad_name.result.failed and "name" in bad_name.result.result["msg"]
    assert both.result.failed and "mutually exclusive" in both.result.result["msg"] and "name_filter" in both.result.result["msg"]
    assert empty.result.failed and "name" in empty.result.result["msg"]
    # An empty pattern would match no role after listing them all: refused up front, as in policy_info.
    assert empty_filter.result.failed
    assert empty_filter.result.result["msg"] == "name_filter: must not be empty; leave it out to list every role"


def test_info_agrees_with_role_module(playbook):
    """role_info returns the same shape as role's ``role`` value, so results can be fed from one to the other."""
    args = {"name": "it-shape", "trusted_services": ["cr.aliyuncs.com"], "description": "shape", "tags": {"a": "b"}}
    created, info = run_steps(playbook, [Step(args), info_step({"name": "it-shape", "include_attached_policies": True, "include_tags": True})])
    again = run_steps(playbook, [Step(args)])[0]
    assert again.calls == {**NOOP_CALLS, "ListTagResources": 1}
    [listed] = info.result.result["roles"]
    assert listed == again.result.result["role"]
