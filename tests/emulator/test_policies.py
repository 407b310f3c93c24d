"""Policies, versions, attachments, users, groups and tags through the official SDK."""

from __future__ import annotations

import json

from alibabacloud_ram20150501 import models

from .conftest import POLICY_OSS_READ, TRUST_ECS, expect_error, wire_reply


def _document(action: str) -> str:
    return json.dumps({"Version": "1", "Statement": [{"Effect": "Allow", "Action": action, "Resource": "*"}]})


def test_policy_lifecycle_and_shapes(emulator, dev_client):
    created = dev_client.create_policy(models.CreatePolicyRequest(
        policy_name="oss-read", policy_document=POLICY_OSS_READ, description="p d",
        tag=[models.CreatePolicyRequestTag(key="a", value="b")],
    )).body.to_map()["Policy"]
    assert created["PolicyType"] == "Custom" and created["DefaultVersion"] == "v1" and created["Description"] == "p d"

    got = dev_client.get_policy(models.GetPolicyRequest(policy_name="oss-read", policy_type="Custom")).body.to_map()
    assert got["Policy"]["AttachmentCount"] == 0 and isinstance(got["Policy"]["AttachmentCount"], int)
    assert got["DefaultPolicyVersion"] == {
        "VersionId": "v1", "IsDefaultVersion": True, "PolicyDocument": POLICY_OSS_READ, "CreateDate": got["DefaultPolicyVersion"]["CreateDate"],
    }
    assert got["Policy"]["PolicyDocument"] == POLICY_OSS_READ

    dev_client.update_policy_description(models.UpdatePolicyDescriptionRequest(policy_name="oss-read", new_description="changed"))
    assert dev_client.get_policy(models.GetPolicyRequest(policy_name="oss-read", policy_type="Custom")).body.policy.description == "changed"

    listed = dev_client.list_policies(models.ListPoliciesRequest(policy_type="Custom")).body
    assert [(policy.policy_name, policy.policy_type) for policy in listed.policies.policy] == [("oss-read", "Custom")]
    assert listed.policies.policy[0].tags.tag[0].tag_key == "a"

    dev_client.delete_policy(models.DeletePolicyRequest(policy_name="oss-read"))
    expect_error(lambda: dev_client.get_policy(models.GetPolicyRequest(policy_name="oss-read", policy_type="Custom")), "EntityNotExist.Policy", 404)


def test_policy_replies_match_sdk_models_on_the_wire(emulator):
    dev = emulator.account("dev")
    wire_reply(emulator, dev, "CreatePolicy", {"PolicyName": "wire", "PolicyDocument": POLICY_OSS_READ})
    wire_reply(emulator, dev, "GetPolicy", {"PolicyName": "wire", "PolicyType": "Custom"})
    system = wire_reply(emulator, dev, "GetPolicy", {"PolicyName": "AdministratorAccess", "PolicyType": "System"})
    assert system["Policy"]["AttachmentCount"] == 1  # the member access role
    listed = wire_reply(emulator, dev, "ListPolicies", {"MaxItems": "5"})
    assert listed["IsTruncated"] is True and listed["Marker"]
    assert all(isinstance(policy["AttachmentCount"], int) for policy in listed["Policies"]["Policy"])
    version = wire_reply(emulator, dev, "CreatePolicyVersion", {"PolicyName": "wire", "PolicyDocument": _document("ecs:*")})
    assert version["PolicyVersion"]["IsDefaultVersion"] is False
    wire_reply(emulator, dev, "GetPolicyVersion", {"PolicyName": "wire", "PolicyType": "Custom", "VersionId": "v2"})
    wire_reply(emulator, dev, "ListPolicyVersions", {"PolicyName": "wire", "PolicyType": "Custom"})
    wire_reply(emulator, dev, "UpdatePolicyDescription", {"PolicyName": "wire", "NewDescription": "x"})
    wire_reply(emulator, dev, "SetDefaultPolicyVersion", {"PolicyName": "wire", "VersionId": "v2"})
    wire_reply(emulator, dev, "DeletePolicyVersion", {"PolicyName": "wire", "VersionId": "v1"})
    wire_reply(emulator, dev, "AttachPolicyToRole", {"PolicyName": "wire", "PolicyType": "Custom", "RoleName": "ResourceDirectoryAccountAccessRole"})
    for_role = wire_reply(emulator, dev, "ListPoliciesForRole", {"RoleName": "ResourceDirectoryAccountAccessRole"})
    assert {policy["PolicyName"] for policy in for_role["Policies"]["Policy"]} == {"wire", "AdministratorAccess"}
    entities = wire_reply(emulator, dev, "ListEntitiesForPolicy", {"PolicyName": "wire", "PolicyType": "Custom"})
    assert entities["Users"] == {"User": []} and entities["Groups"] == {"Group": []} and len(entities["Roles"]["Role"]) == 1
    wire_reply(emulator, dev, "DetachPolicyFromRole", {"PolicyName": "wire", "PolicyType": "Custom", "RoleName": "ResourceDirectoryAccountAccessRole"})
    wire_reply(emulator, dev, "TagResources", {"ResourceType": "policy", "ResourceNames": '["wire"]', "Tag": '[{"Key":"k","Value":"v"}]'})
    tags = wire_reply(emulator, dev, "ListTagResources", {"ResourceType": "policy", "ResourceNames": '["wire"]'})
    assert tags["TagResources"] == [{"ResourceName": "wire", "ResourceType": "policy", "TagKey": "k", "TagValue": "v"}]
    wire_reply(emulator, dev, "UntagResources", {"ResourceType": "policy", "ResourceNames": '["wire"]', "TagKeys": '["k"]'})
    wire_reply(emulator, dev, "DeletePolicy", {"PolicyName": "wire"})


def test_policy_versions_limit_rotation_and_default(emulator, dev_client):
    dev_client.create_policy(models.CreatePolicyRequest(policy_name="versions", policy_document=_document("oss:Get*")))
    for number in range(2, 6):
        version = dev_client.create_policy_version(models.CreatePolicyVersionRequest(
            policy_name="versions", policy_document=_document(f"ecs:Describe{number}"), set_as_default=True,
        )).body.policy_version
        assert version.version_id == f"v{number}" and version.is_default_version is True
    expect_error(lambda: dev_client.create_policy_version(models.CreatePolicyVersionRequest(
        policy_name="versions", policy_document=_document("x:y"))), "LimitExceeded.Policy.Version", 409)
    rotated = dev_client.create_policy_version(models.CreatePolicyVersionRequest(
        policy_name="versions", policy_document=_document("x:y"), set_as_default=True,
        rotate_strategy="DeleteOldestNonDefaultVersionWhenLimitExceeded")).body.policy_version
    assert rotated.version_id == "v6"
    versions = dev_client.list_policy_versions(models.ListPolicyVersionsRequest(policy_name="versions", policy_type="Custom")).body
    assert [v.version_id for v in versions.policy_versions.policy_version] == ["v2", "v3", "v4", "v5", "v6"]
    assert [v.is_default_version for v in versions.policy_versions.policy_version] == [False, False, False, False, True]
    policy = dev_client.get_policy(models.GetPolicyRequest(policy_name="versions", policy_type="Custom")).body
    assert policy.policy.default_version == "v6" and json.loads(policy.default_policy_version.policy_document)["Statement"][0]["Action"] == "x:y"

    expect_error(lambda: dev_client.delete_policy_version(models.DeletePolicyVersionRequest(policy_name="versions", version_id="v6")),
                 "DeleteConflict.Policy.Version.Default", 409)
    expect_error(lambda: dev_client.get_policy_version(models.GetPolicyVersionRequest(policy_name="versions", policy_type="Custom", version_id="v1")),
                 "EntityNotExist.Policy.Version", 404)
    expect_error(lambda: dev_client.delete_policy(models.DeletePolicyRequest(policy_name="versions")), "DeleteConflict.Policy.Version", 409)
    dev_client.set_default_policy_version(models.SetDefaultPolicyVersionRequest(policy_name="versions", version_id="v3"))
    v3 = dev_client.get_policy_version(models.GetPolicyVersionRequest(policy_name="versions", policy_type="Custom", version_id="v3")).body
    assert v3.policy_version.is_default_version is True
    dev_client.delete_policy_version(models.DeletePolicyVersionRequest(policy_name="versions", version_id="v6"))
    expect_error(lambda: dev_client.create_policy_version(models.CreatePolicyVersionRequest(
        policy_name="versions", policy_document=_document("a:b"), rotate_strategy="Sometimes")), "InvalidParameter.RotateStrategy", 400)


def test_policy_validation_errors(emulator, dev_client):
    def create(name="ok", document=POLICY_OSS_READ, **extra):
        return lambda: dev_client.create_policy(models.CreatePolicyRequest(policy_name=name, policy_document=document, **extra))

    expect_error(create(name="dots.not.allowed"), "InvalidParameter.PolicyName.InvalidChars", 400)
    expect_error(create(name="p" * 129), "InvalidParameter.PolicyName.Length", 400)
    expect_error(create(description="d" * 1025), "InvalidParameter.Description.Length", 400)
    big = json.dumps({"Version": "1", "Statement": [{"Effect": "Allow", "Action": "oss:*", "Resource": "r" * 6100}]})
    assert len(big) > 6144
    expect_error(create(document=big), "InvalidParameter.PolicyDocument.Length", 400)
    for broken in ('{"Version": "1"}', '{"Version": "1", "Statement": []}', '{"Version": "1", "Statement": [{"Effect": "Allow", "Resource": "*"}]}',
                   '{"Version": "1", "Statement": [{"Effect": "Allow", "Action": "a:b"}]}', "[]", "nope"):
        expect_error(create(document=broken), "MalformedPolicyDocument", 400)
    create()()
    expect_error(create(), "EntityAlreadyExists.Policy", 409)
    expect_error(create(name="AdministratorAccess"), "EntityAlreadyExists.Policy", 409)


def test_max_size_document_in_a_long_request_line(emulator, dev_client):
    # Characters that all need percent-encoding make the request line about three times the document's length.
    statement = {"Effect": "Allow", "Action": "oss:GetObject", "Resource": ""}
    skeleton = json.dumps({"Version": "1", "Statement": [statement]})
    statement["Resource"] = "/" * (6144 - len(skeleton))
    document = json.dumps({"Version": "1", "Statement": [statement]})
    assert len(document) == 6144
    dev_client.create_policy(models.CreatePolicyRequest(policy_name="big", policy_document=document))
    stored = dev_client.get_policy(models.GetPolicyRequest(policy_name="big", policy_type="Custom")).body.default_policy_version.policy_document
    assert stored == document
    request_line = [entry for entry in emulator.log() if entry["action"] == "CreatePolicy"][-1]
    assert request_line["status"] == 200


def test_system_policies_attachable_never_changeable(emulator, dev_client):
    system = dev_client.list_policies(models.ListPoliciesRequest(policy_type="System", max_items=1000)).body.policies.policy
    names = {policy.policy_name for policy in system}
    assert {"AdministratorAccess", "ReadOnlyAccess", "AliyunOSSFullAccess", "AliyunOSSReadOnlyAccess", "AliyunContainerRegistryFullAccess",
            "AliyunECSFullAccess", "AliyunRAMReadOnlyAccess", "AliyunSTSAssumeRoleAccess", "AliyunVPCReadOnlyAccess",
            "AliyunCloudMonitorReadOnlyAccess"} <= names
    got = dev_client.get_policy(models.GetPolicyRequest(policy_name="AliyunOSSReadOnlyAccess", policy_type="System")).body
    assert got.policy.policy_type == "System" and got.default_policy_version.version_id == "v1"
    assert json.loads(got.default_policy_version.policy_document)["Version"] == "1"
    expect_error(lambda: dev_client.create_policy_version(models.CreatePolicyVersionRequest(
        policy_name="AdministratorAccess", policy_document=_document("a:b"))), "NoPermission.SystemPolicy", 403)
    expect_error(lambda: dev_client.delete_policy(models.DeletePolicyRequest(policy_name="AdministratorAccess")), "NoPermission.SystemPolicy", 403)
    expect_error(lambda: dev_client.update_policy_description(models.UpdatePolicyDescriptionRequest(
        policy_name="ReadOnlyAccess", new_description="x")), "NoPermission.SystemPolicy", 403)
    expect_error(lambda: dev_client.get_policy(models.GetPolicyRequest(policy_name="NoSuchSystem", policy_type="System")), "EntityNotExist.Policy", 404)


def test_attachments_for_roles_users_groups(emulator, dev_client):
    dev_client.create_policy(models.CreatePolicyRequest(policy_name="shared", policy_document=POLICY_OSS_READ))
    dev_client.create_role(models.CreateRoleRequest(role_name="r1", assume_role_policy_document=TRUST_ECS))
    user = dev_client.create_user(models.CreateUserRequest(user_name="alice", display_name="Alice")).body.user
    assert user.user_id.isdigit()
    group = dev_client.create_group(models.CreateGroupRequest(group_name="ops", comments="c")).body.group
    assert group.group_id.isdigit()
    assert dev_client.get_user(models.GetUserRequest(user_name="alice")).body.user.display_name == "Alice"
    assert dev_client.get_group(models.GetGroupRequest(group_name="ops")).body.group.comments == "c"

    def attach(kind, **names):
        request_class = getattr(models, f"AttachPolicyTo{kind}Request")
        return getattr(dev_client, f"attach_policy_to_{kind.lower()}")(request_class(policy_name="shared", policy_type="Custom", **names))

    attach("Role", role_name="r1")
    attach("User", user_name="alice")
    attach("Group", group_name="ops")
    expect_error(lambda: attach("Role", role_name="r1"), "EntityAlreadyExists.Role.Policy", 409)
    expect_error(lambda: attach("User", user_name="alice"), "EntityAlreadyExists.User.Policy", 409)
    expect_error(lambda: attach("Role", role_name="ghost"), "EntityNotExist.Role", 404)
    expect_error(lambda: dev_client.attach_policy_to_role(models.AttachPolicyToRoleRequest(
        policy_name="ghost", policy_type="Custom", role_name="r1")), "EntityNotExist.Policy", 404)

    entities = dev_client.list_entities_for_policy(models.ListEntitiesForPolicyRequest(policy_name="shared", policy_type="Custom")).body
    assert [r.role_name for r in entities.roles.role] == ["r1"]
    assert [u.user_name for u in entities.users.user] == ["alice"]
    assert [g.group_name for g in entities.groups.group] == ["ops"]
    assert dev_client.get_policy(models.GetPolicyRequest(policy_name="shared", policy_type="Custom")).body.policy.attachment_count == 3
    for_user = dev_client.list_policies_for_user(models.ListPoliciesForUserRequest(user_name="alice")).body.policies.policy
    assert [p.policy_name for p in for_user] == ["shared"] and for_user[0].attach_date
    for_group = dev_client.list_policies_for_group(models.ListPoliciesForGroupRequest(group_name="ops")).body.policies.policy
    assert [p.policy_type for p in for_group] == ["Custom"]

    def delete():
        return dev_client.delete_policy(models.DeletePolicyRequest(policy_name="shared"))

    expect_error(delete, "DeleteConflict.Policy.User", 409)
    dev_client.detach_policy_from_user(models.DetachPolicyFromUserRequest(policy_name="shared", policy_type="Custom", user_name="alice"))
    expect_error(lambda: dev_client.detach_policy_from_user(models.DetachPolicyFromUserRequest(
        policy_name="shared", policy_type="Custom", user_name="alice")), "EntityNotExist.User.Policy", 404)
    expect_error(delete, "DeleteConflict.Policy.Group", 409)
    expect_error(lambda: dev_client.delete_group(models.DeleteGroupRequest(group_name="ops")), "DeleteConflict.Group.Policy", 409)
    dev_client.detach_policy_from_group(models.DetachPolicyFromGroupRequest(policy_name="shared", policy_type="Custom", group_name="ops"))
    expect_error(delete, "DeleteConflict.Policy.Role", 409)
    dev_client.detach_policy_from_role(models.DetachPolicyFromRoleRequest(policy_name="shared", policy_type="Custom", role_name="r1"))
    expect_error(lambda: dev_client.detach_policy_from_role(models.DetachPolicyFromRoleRequest(
        policy_name="shared", policy_type="Custom", role_name="r1")), "EntityNotExist.Role.Policy", 404)
    assert dev_client.list_policies_for_role(models.ListPoliciesForRoleRequest(role_name="r1")).body.to_map()["Policies"] == {"Policy": []}
    delete()
    dev_client.delete_user(models.DeleteUserRequest(user_name="alice"))
    dev_client.delete_group(models.DeleteGroupRequest(group_name="ops"))
    expect_error(lambda: dev_client.get_user(models.GetUserRequest(user_name="alice")), "EntityNotExist.User", 404)
    expect_error(lambda: dev_client.get_group(models.GetGroupRequest(group_name="ops")), "EntityNotExist.Group", 404)


def test_cascading_delete_detaches_and_drops_versions(emulator, dev_client):
    dev_client.create_policy(models.CreatePolicyRequest(policy_name="cascade", policy_document=POLICY_OSS_READ))
    dev_client.create_policy_version(models.CreatePolicyVersionRequest(policy_name="cascade", policy_document=_document("a:b")))
    dev_client.attach_policy_to_role(models.AttachPolicyToRoleRequest(
        policy_name="cascade", policy_type="Custom", role_name="ResourceDirectoryAccountAccessRole"))
    dev_client.delete_policy(models.DeletePolicyRequest(policy_name="cascade", cascading_delete=True))
    assert "cascade" not in emulator.state("dev")["policies"]
    remaining = dev_client.list_policies_for_role(models.ListPoliciesForRoleRequest(role_name="ResourceDirectoryAccountAccessRole")).body
    assert [p.policy_name for p in remaining.policies.policy] == ["AdministratorAccess"]


def test_tags_on_roles_and_policies(emulator, dev_client):
    dev_client.create_role(models.CreateRoleRequest(role_name="tagged", assume_role_policy_document=TRUST_ECS,
                                                    tag=[models.CreateRoleRequestTag(key="env", value="dev")]))
    dev_client.tag_resources(models.TagResourcesRequest(resource_type="role", resource_names=["tagged"],
                                                        tag=[models.TagResourcesRequestTag(key="team", value="sec")]))
    rows = dev_client.list_tag_resources(models.ListTagResourcesRequest(resource_type="role", resource_names=["tagged"])).body.tag_resources
    assert {(row.tag_key, row.tag_value) for row in rows} == {("env", "dev"), ("team", "sec")}
    dev_client.untag_resources(models.UntagResourcesRequest(resource_type="role", resource_names=["tagged"], tag_keys=["env"]))
    rows = dev_client.list_tag_resources(models.ListTagResourcesRequest(resource_type="role", resource_names=["tagged"])).body.tag_resources
    assert [(row.resource_name, row.tag_key) for row in rows] == [("tagged", "team")]
    filtered = dev_client.list_roles(models.ListRolesRequest(tag=[models.ListRolesRequestTag(key="team", value="sec")])).body.roles.role
    assert [role.role_name for role in filtered] == ["tagged"]
    assert emulator.state("dev")["roles"]["tagged"]["Tags"] == {"team": "sec"}
    dev_client.untag_resources(models.UntagResourcesRequest(resource_type="role", resource_names=["tagged"], all=True))
    assert emulator.state("dev")["roles"]["tagged"]["Tags"] == {}
    expect_error(lambda: dev_client.tag_resources(models.TagResourcesRequest(
        resource_type="role", resource_names=["ghost"], tag=[models.TagResourcesRequestTag(key="a", value="b")])), "EntityNotExist.Role", 404)
    expect_error(lambda: dev_client.tag_resources(models.TagResourcesRequest(
        resource_type="user", resource_names=["tagged"], tag=[models.TagResourcesRequestTag(key="a", value="b")])),
        "InvalidParameter.ResourceType", 400)
    too_many = [models.TagResourcesRequestTag(key=f"k{index}", value="v") for index in range(21)]
    expect_error(lambda: dev_client.tag_resources(models.TagResourcesRequest(resource_type="role", resource_names=["tagged"], tag=too_many)),
                 "InvalidParameter.Tag.Size", 400)
