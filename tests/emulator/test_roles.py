"""Roles through the official SDK: every field typed as the SDK models expect, and RAM's error cases."""

from __future__ import annotations

import json

from alibabacloud_ram20150501 import models

from .conftest import TRUST_ECS, expect_error, sdk_client, wire_reply

RD_ROLE = "ResourceDirectoryAccountAccessRole"
SLR = "AliyunServiceRoleForResourceDirectory"


def test_create_get_update_delete_role(emulator, dev_client):
    created = dev_client.create_role(models.CreateRoleRequest(
        role_name="App-Role.1", assume_role_policy_document=TRUST_ECS, description="demo role ü", max_session_duration=7200,
        tag=[models.CreateRoleRequestTag(key="env", value="dev")],
    )).body.to_map()
    role = created["Role"]
    assert role["RoleName"] == "App-Role.1"
    assert role["Arn"] == "acs:ram::1000000000000002:role/app-role.1"
    assert role["RoleId"].isdigit() and len(role["RoleId"]) >= 16
    assert role["MaxSessionDuration"] == 7200 and isinstance(role["MaxSessionDuration"], int)
    assert role["Description"] == "demo role ü"
    assert role["CreateDate"].endswith("Z") and "T" in role["CreateDate"]
    assert json.loads(role["AssumeRolePolicyDocument"]) == json.loads(TRUST_ECS)

    got = dev_client.get_role(models.GetRoleRequest(role_name="app-role.1")).body.to_map()["Role"]
    assert got["IsServiceLinkedRole"] is False
    assert got["RoleId"] == role["RoleId"] and got["UpdateDate"]
    assert got["RolePrincipalName"].startswith("App-Role.1@role.1000000000000002")

    updated = dev_client.update_role(models.UpdateRoleRequest(
        role_name="App-Role.1", new_description="new", new_max_session_duration=3600,
        new_assume_role_policy_document=TRUST_ECS.replace("ecs", "fc"),
    )).body.role
    assert updated.description == "new" and updated.max_session_duration == 3600
    assert "fc.aliyuncs.com" in dev_client.get_role(models.GetRoleRequest(role_name="App-Role.1")).body.role.assume_role_policy_document
    # Leaving a field out leaves it alone.
    dev_client.update_role(models.UpdateRoleRequest(role_name="App-Role.1", new_description="kept?"))
    assert dev_client.get_role(models.GetRoleRequest(role_name="App-Role.1")).body.role.max_session_duration == 3600

    dev_client.delete_role(models.DeleteRoleRequest(role_name="App-Role.1"))
    expect_error(lambda: dev_client.get_role(models.GetRoleRequest(role_name="App-Role.1")), "EntityNotExist.Role", 404)


def test_role_replies_match_sdk_models_on_the_wire(emulator):
    dev = emulator.account("dev")
    created = wire_reply(emulator, dev, "CreateRole", {"RoleName": "wire", "AssumeRolePolicyDocument": TRUST_ECS})
    assert isinstance(created["Role"]["MaxSessionDuration"], int)
    got = wire_reply(emulator, dev, "GetRole", {"RoleName": "wire"})
    assert got["Role"]["IsServiceLinkedRole"] is False
    assert isinstance(got["RequestId"], str)
    listed = wire_reply(emulator, dev, "ListRoles", {})
    assert listed["IsTruncated"] is False and "Marker" not in listed
    assert all(role["Tags"] == {"Tag": []} or role["Tags"]["Tag"] for role in listed["Roles"]["Role"])
    wire_reply(emulator, dev, "UpdateRole", {"RoleName": "wire", "NewDescription": "x"})
    wire_reply(emulator, dev, "DeleteRole", {"RoleName": "wire"})


def test_default_member_role_and_service_linked_role(emulator, dev_client, central_client):
    role = dev_client.get_role(models.GetRoleRequest(role_name=RD_ROLE)).body.role
    trust = json.loads(role.assume_role_policy_document)
    assert trust["Statement"][0]["Principal"]["RAM"] == ["acs:ram::1000000000000001:root"]
    attached = dev_client.list_policies_for_role(models.ListPoliciesForRoleRequest(role_name=RD_ROLE)).body.policies.policy
    assert [(p.policy_name, p.policy_type) for p in attached] == [("AdministratorAccess", "System")]
    # The central account trusts nobody, so it has no member access role; every account has the service-linked role.
    expect_error(lambda: central_client.get_role(models.GetRoleRequest(role_name=RD_ROLE)), "EntityNotExist.Role", 404)
    slr = central_client.get_role(models.GetRoleRequest(role_name=SLR)).body.role
    assert slr.is_service_linked_role is True
    expect_error(lambda: central_client.delete_role(models.DeleteRoleRequest(role_name=SLR)), "DeleteConflict.Role.ServiceLinkedRole", 409)


def test_accounts_are_isolated(emulator, dev_client):
    staging = sdk_client(emulator, emulator.account("staging"))
    dev_client.create_role(models.CreateRoleRequest(role_name="only-in-dev", assume_role_policy_document=TRUST_ECS))
    expect_error(lambda: staging.get_role(models.GetRoleRequest(role_name="only-in-dev")), "EntityNotExist.Role", 404)
    assert "only-in-dev" in emulator.state("dev")["roles"]
    assert "only-in-dev" not in emulator.state("1000000000000003")["roles"]


def test_list_roles_pages_with_marker(emulator, dev_client):
    for index in range(7):
        dev_client.create_role(models.CreateRoleRequest(role_name=f"page-{index}", assume_role_policy_document=TRUST_ECS))
    names, marker, pages = [], None, 0
    while True:
        body = dev_client.list_roles(models.ListRolesRequest(max_items=3, marker=marker)).body
        pages += 1
        names.extend(role.role_name for role in body.roles.role)
        assert len(body.roles.role) <= 3
        if not body.is_truncated:
            assert body.marker is None
            break
        marker = body.marker
    assert pages == 3  # 9 roles: 7 created + the 2 default ones
    assert sorted(names) == sorted([f"page-{index}" for index in range(7)] + [RD_ROLE, SLR])
    assert len(set(names)) == 9
    default_page = dev_client.list_roles(models.ListRolesRequest()).body
    assert len(default_page.roles.role) == 9 and default_page.is_truncated is False
    expect_error(lambda: dev_client.list_roles(models.ListRolesRequest(max_items=1001)), "InvalidParameter.MaxItems", 400)


def test_role_validation_errors(emulator, dev_client):
    def create(name="ok", document=TRUST_ECS, **extra):
        return lambda: dev_client.create_role(models.CreateRoleRequest(role_name=name, assume_role_policy_document=document, **extra))

    expect_error(create(name="bad name"), "InvalidParameter.RoleName.InvalidChars", 400)
    expect_error(create(name="under_score"), "InvalidParameter.RoleName.InvalidChars", 400)
    expect_error(create(name="r" * 65), "InvalidParameter.RoleName.Length", 400)
    create(name="r" * 64)()
    expect_error(create(description="d" * 1025), "InvalidParameter.Description.Length", 400)
    expect_error(create(max_session_duration=3599), "InvalidParameter.MaxSessionDuration", 400)
    expect_error(create(max_session_duration=43201), "InvalidParameter.MaxSessionDuration", 400)
    no_principal = json.dumps({"Version": "1", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole"}]})
    expect_error(create(document=no_principal), "MalformedPolicyDocument", 400)
    expect_error(create(document="{not json"), "MalformedPolicyDocument", 400)
    expect_error(create(document=TRUST_ECS.replace('"1"', '"2"')), "MalformedPolicyDocument", 400)
    expect_error(create(document=TRUST_ECS.replace("Allow", "Permit")), "MalformedPolicyDocument", 400)
    expect_error(lambda: dev_client.create_role(models.CreateRoleRequest(role_name="no-doc")), "MissingAssumeRolePolicyDocument", 400)
    create(name="twice")()
    expect_error(create(name="TWICE"), "EntityAlreadyExists.Role", 409)
    expect_error(lambda: dev_client.update_role(models.UpdateRoleRequest(role_name="ghost", new_description="x")), "EntityNotExist.Role", 404)
    expect_error(lambda: dev_client.delete_role(models.DeleteRoleRequest(role_name="ghost")), "EntityNotExist.Role", 404)


def test_delete_role_with_attached_policy_conflicts(emulator, dev_client):
    dev_client.create_role(models.CreateRoleRequest(role_name="busy", assume_role_policy_document=TRUST_ECS))
    dev_client.attach_policy_to_role(models.AttachPolicyToRoleRequest(policy_name="ReadOnlyAccess", policy_type="System", role_name="busy"))
    expect_error(lambda: dev_client.delete_role(models.DeleteRoleRequest(role_name="busy")), "DeleteConflict.Role.Policy", 409)
    dev_client.detach_policy_from_role(models.DetachPolicyFromRoleRequest(policy_name="ReadOnlyAccess", policy_type="System", role_name="busy"))
    dev_client.delete_role(models.DeleteRoleRequest(role_name="busy"))
