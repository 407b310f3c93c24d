"""RamApi against the emulator: every contract method, paging, not-found and already-done outcomes."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ansible_collections.alibabacloud.ram.plugins.module_utils import _ram
from ansible_collections.alibabacloud.ram.plugins.module_utils._errors import RamError
from ansible_collections.alibabacloud.ram.plugins.module_utils._ram import RamApi

TRUST = json.dumps({"Version": "1", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": ["ecs.aliyuncs.com"]}}]})


def document(action: str) -> str:
    return json.dumps({"Version": "1", "Statement": [{"Effect": "Allow", "Action": action, "Resource": "*"}]})


@pytest.fixture
def api(connection, fast_retry) -> RamApi:
    return RamApi.from_params(connection("dev"), retry_policy=fast_retry, environ={})


def test_building_makes_no_call(emulator: Any, connection) -> None:
    api = RamApi.from_params(connection("central"), environ={})
    assert api.calls == [] and emulator.counters("central")["reads"] == 0


def test_role_lifecycle(api: RamApi) -> None:
    assert api.get_role("app-role") is None
    created = api.create_role("app-role", TRUST, description="first", max_session_duration=7200, tags={"env": "dev"})
    assert created["RoleName"] == "app-role" and created["MaxSessionDuration"] == 7200 and "RequestId" not in created
    fetched = api.get_role("app-role")
    assert fetched["Arn"] == created["Arn"] and json.loads(fetched["AssumeRolePolicyDocument"]) == json.loads(TRUST)
    updated = api.update_role("app-role", description="second")
    assert updated["Description"] == "second" and updated["MaxSessionDuration"] == 7200
    assert api.list_tags("role", "app-role") == {"env": "dev"}
    assert "app-role" in [role["RoleName"] for role in api.list_roles()]
    assert api.delete_role("app-role") is True
    assert api.delete_role("app-role") is False
    assert api.get_role("app-role") is None


def test_list_roles_follows_markers(api: RamApi, monkeypatch: pytest.MonkeyPatch) -> None:
    for index in range(5):
        api.create_role(f"paged-role-{index}", TRUST)
    monkeypatch.setattr(_ram, "LIST_PAGE_SIZE", 2)
    api.calls.clear()
    names = [role["RoleName"] for role in api.list_roles()]
    # 5 created + 2 default roles of a member account, 2 per page.
    assert len(names) == 7 and len(set(names)) == 7
    assert api.calls == ["ListRoles"] * 4


def test_policy_lifecycle_with_versions(api: RamApi) -> None:
    assert api.get_policy("app-policy") is None
    created = api.create_policy("app-policy", document("oss:GetObject"), description="d1", tags={"team": "a"})
    assert created["PolicyName"] == "app-policy" and created["DefaultVersion"] == "v1"
    policy = api.get_policy("app-policy")
    assert set(policy) == {"Policy", "DefaultPolicyVersion"}
    assert json.loads(policy["DefaultPolicyVersion"]["PolicyDocument"]) == json.loads(document("oss:GetObject"))
    assert api.update_policy_description("app-policy", "d2")["Description"] == "d2"
    version = api.create_policy_version("app-policy", document("oss:PutObject"), set_as_default=True)
    assert version["VersionId"] == "v2" and version["IsDefaultVersion"] is True
    assert sorted(entry["VersionId"] for entry in api.list_policy_versions("app-policy")) == ["v1", "v2"]
    assert api.get_policy_version("app-policy", "v1")["IsDefaultVersion"] is False
    assert api.get_policy_version("app-policy", "v9") is None
    api.set_default_policy_version("app-policy", "v1")
    assert api.get_policy("app-policy")["Policy"]["DefaultVersion"] == "v1"
    assert api.delete_policy_version("app-policy", "v2") is True
    assert api.delete_policy_version("app-policy", "v2") is False
    assert "app-policy" in [entry["PolicyName"] for entry in api.list_policies("Custom")]
    assert api.list_tags("policy", "app-policy") == {"team": "a"}
    assert api.delete_policy("app-policy") is True
    assert api.delete_policy("app-policy") is False


def test_policy_version_rotation(api: RamApi) -> None:
    api.create_policy("rotated", document("ecs:Describe*"))
    for index in range(4):
        api.create_policy_version("rotated", document(f"ecs:Start{index}"))
    with pytest.raises(RamError) as caught:
        api.create_policy_version("rotated", document("ecs:Stop"))
    assert caught.value.code == "LimitExceeded.Policy.Version"
    rotated = api.create_policy_version("rotated", document("ecs:Stop"), rotate=True)
    assert rotated["IsDefaultVersion"] is True
    assert len(api.list_policy_versions("rotated")) == 5


def test_attachments(api: RamApi) -> None:
    api.create_role("attach-role", TRUST)
    api.create_policy("attach-policy", document("ram:Get*"))
    assert api.attach_policy("attach-policy", "Custom", role_name="attach-role") is True
    assert api.attach_policy("attach-policy", "Custom", role_name="attach-role") is False
    assert api.attach_policy("ReadOnlyAccess", "System", role_name="attach-role") is True
    attached = {(entry["PolicyName"], entry["PolicyType"]) for entry in api.list_policies_for_role("attach-role")}
    assert attached == {("attach-policy", "Custom"), ("ReadOnlyAccess", "System")}
    entities = api.list_entities_for_policy("attach-policy")
    assert [role["RoleName"] for role in entities["Roles"]] == ["attach-role"] and entities["Users"] == [] and entities["Groups"] == []
    with pytest.raises(RamError) as caught:
        api.delete_policy("attach-policy")
    assert caught.value.code.startswith("DeleteConflict.")
    assert api.detach_policy("attach-policy", "Custom", role_name="attach-role") is True
    assert api.detach_policy("attach-policy", "Custom", role_name="attach-role") is False
    with pytest.raises(RamError) as missing_user:
        api.list_policies_for_user("nobody-user")
    assert missing_user.value.code == "EntityNotExist.User"
    with pytest.raises(ValueError):
        api.attach_policy("attach-policy", "Custom")
    with pytest.raises(ValueError):
        api.attach_policy("attach-policy", "Custom", role_name="a", user_name="b")


def test_cascading_delete_detaches(api: RamApi) -> None:
    api.create_role("cascade-role", TRUST)
    api.create_policy("cascade-policy", document("vpc:Describe*"))
    api.attach_policy("cascade-policy", "Custom", role_name="cascade-role")
    assert api.delete_policy("cascade-policy", cascading=True) is True
    assert api.list_policies_for_role("cascade-role") == []


def test_tags(api: RamApi) -> None:
    api.create_role("tagged-role", TRUST)
    # RAM allows 20 tags per resource.
    many = {f"key{index:02d}": f"value{index}" for index in range(20)}
    api.tag_resource("role", "tagged-role", many)
    assert api.list_tags("role", "tagged-role") == many
    api.untag_resource("role", "tagged-role", [f"key{index:02d}" for index in range(17)])
    assert api.list_tags("role", "tagged-role") == {"key17": "value17", "key18": "value18", "key19": "value19"}
    with pytest.raises(ValueError):
        api.list_tags("user", "tagged-role")


def test_calls_count_every_attempt(api: RamApi, emulator: Any) -> None:
    emulator.add_fault(kind="throttle", account="dev", operation="ListPoliciesForRole", count=1)
    api.create_role("counted", TRUST)
    api.list_policies_for_role("counted")
    assert api.calls == ["CreateRole", "ListPoliciesForRole", "ListPoliciesForRole"]
