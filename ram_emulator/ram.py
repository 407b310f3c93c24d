"""The RAM 2015-05-01 operations: parameter checks, state changes and reply shapes matching the SDK models."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .documents import SYSTEM_POLICIES, SYSTEM_POLICY_DATE, parse_document
from .errors import ApiError, conflict, invalid, missing, not_found
from .state import AccountState, EntityKey, Group, Policy, PolicyKey, PolicyVersion, Role, User, iso_now

MAX_POLICY_VERSIONS = 5
MAX_TAGS = 20
_ROLE_NAME = re.compile(r"^[A-Za-z0-9.\-]+$")
_POLICY_NAME = re.compile(r"^[A-Za-z0-9\-]+$")
_USER_NAME = re.compile(r"^[A-Za-z0-9._\-]+$")
_ROTATE_STRATEGIES = ("None", "DeleteOldestNonDefaultVersionWhenLimitExceeded")


@dataclass
class Call:
    """One RAM call: the account's state, the request parameters and how to render documents in the reply."""

    state: AccountState
    params: dict[str, str]
    render: Callable[[str], str]

    def get(self, name: str) -> str | None:
        value = self.params.get(name)
        return value if value not in (None, "") else None

    def require(self, name: str) -> str:
        value = self.get(name)
        if value is None:
            raise missing(name)
        return value

    def boolean(self, name: str, default: bool) -> bool:
        value = self.get(name)
        if value is None:
            return default
        if value.lower() in ("true", "false"):
            return value.lower() == "true"
        raise invalid(f"InvalidParameter.{name}", f"The parameter {name} must be true or false.")

    def integer(self, name: str, default: int, low: int, high: int) -> int:
        value = self.get(name)
        if value is None:
            return default
        try:
            number = int(value)
        except ValueError:
            raise invalid(f"InvalidParameter.{name}", f"The parameter {name} must be an integer.") from None
        if not low <= number <= high:
            raise invalid(f"InvalidParameter.{name}", f"The parameter {name} must be between {low} and {high}.")
        return number

    def json_list(self, name: str) -> list[Any]:
        value = self.get(name)
        if value is None:
            return []
        try:
            parsed = json.loads(value)
        except ValueError:
            raise invalid(f"InvalidParameter.{name}", f"The parameter {name} must be a JSON list.") from None
        if not isinstance(parsed, list):
            raise invalid(f"InvalidParameter.{name}", f"The parameter {name} must be a JSON list.")
        return parsed


# --- parameter checks ------------------------------------------------------------------------------------------
def _check_name(name: str, parameter: str, pattern: re.Pattern[str], max_length: int) -> str:
    if len(name) > max_length:
        raise invalid(f"InvalidParameter.{parameter}.Length", f"The length of {parameter} must be between 1 and {max_length}.")
    if not pattern.match(name):
        raise invalid(f"InvalidParameter.{parameter}.InvalidChars", f"The parameter {parameter} contains invalid characters.")
    return name


def _check_description(description: str | None, parameter: str = "Description") -> str:
    if description is not None and len(description) > 1024:
        raise invalid(f"InvalidParameter.{parameter}.Length", f"The length of {parameter} must not exceed 1024.")
    return description or ""


def _tags(call: Call, parameter: str = "Tag") -> dict[str, str]:
    tags: dict[str, str] = {}
    for entry in call.json_list(parameter):
        if not isinstance(entry, dict) or not isinstance(entry.get("Key"), str) or not entry["Key"]:
            raise invalid("InvalidParameter.Tag.Key", "Every tag needs a non-empty Key.")
        key, value = entry["Key"], entry.get("Value") or ""
        if len(key) > 128 or not isinstance(value, str) or len(value) > 128:
            raise invalid("InvalidParameter.Tag.Length", "Tag keys and values are at most 128 characters.")
        if key.lower().startswith(("acs:", "aliyun")):
            raise invalid("InvalidParameter.Tag.Key", "Tag keys must not start with acs: or aliyun.")
        tags[key] = value
    if len(tags) > MAX_TAGS:
        raise invalid("InvalidParameter.Tag.Size", f"At most {MAX_TAGS} tags per resource.")
    return tags


def _policy_type(call: Call, required: bool = True) -> str:
    value = call.require("PolicyType") if required else (call.get("PolicyType") or "Custom")
    if value not in ("Custom", "System"):
        raise invalid("InvalidParameter.PolicyType", "PolicyType must be Custom or System.")
    return value


def _tag_list(tags: dict[str, str]) -> dict[str, list[dict[str, str]]]:
    return {"Tag": [{"TagKey": key, "TagValue": value} for key, value in tags.items()]}


def _page(call: Call, items: list[Any], name_of: Callable[[Any], str]) -> tuple[list[Any], bool, str | None]:
    """Marker/MaxItems paging; the marker is the opaque (base64) name of the first item of the next page."""
    max_items = call.integer("MaxItems", 100, 1, 1000)
    start = 0
    marker = call.get("Marker")
    if marker is not None:
        try:
            wanted = base64.urlsafe_b64decode(marker.encode()).decode()
        except ValueError:
            raise invalid("InvalidParameter.Marker", "The marker is not valid.") from None
        start = next((index for index, item in enumerate(items) if name_of(item) >= wanted), len(items))
    page = items[start:start + max_items]
    if start + max_items < len(items):
        return page, True, base64.urlsafe_b64encode(name_of(items[start + max_items]).encode()).decode()
    return page, False, None


def _paged_reply(key: str, item_key: str, page: list[Any], truncated: bool, marker: str | None) -> dict[str, Any]:
    reply: dict[str, Any] = {"IsTruncated": truncated, key: {item_key: page}}
    if marker is not None:
        reply["Marker"] = marker
    return reply


# --- roles -----------------------------------------------------------------------------------------------------
def _find_role(call: Call, name: str | None = None) -> Role:
    name = name if name is not None else call.require("RoleName")
    role = call.state.roles.get(name.lower())
    if role is None:
        raise not_found("EntityNotExist.Role", f"The role does not exist: {name}.")
    return role


def _role_view(call: Call, role: Role, *, trust: bool = True, update_date: bool = True, extended: bool = False) -> dict[str, Any]:
    view: dict[str, Any] = {
        "RoleId": role.role_id,
        "RoleName": role.name,
        "Arn": role.arn,
        "Description": role.description,
        "MaxSessionDuration": role.max_session_duration,
        "CreateDate": role.create_date,
    }
    if trust:
        view["AssumeRolePolicyDocument"] = call.render(role.trust_document)
    if update_date:
        view["UpdateDate"] = role.update_date
    if extended:
        view["IsServiceLinkedRole"] = role.service_linked
        view["RolePrincipalName"] = f"{role.name}@role.{call.state.account.account_id}.onaliyunservice.com"
    return view


def _max_session_duration(call: Call, parameter: str, default: int) -> int:
    value = call.get(parameter)
    if value is None:
        return default
    if not value.isdigit() or not 3600 <= int(value) <= 43200:
        raise invalid(f"InvalidParameter.{parameter}", f"{parameter} must be between 3600 and 43200 seconds.")
    return int(value)


def create_role(call: Call) -> dict[str, Any]:
    name = _check_name(call.require("RoleName"), "RoleName", _ROLE_NAME, 64)
    trust_text = call.require("AssumeRolePolicyDocument")
    parse_document(trust_text, "AssumeRolePolicyDocument", trust=True)
    description = _check_description(call.get("Description"))
    duration = _max_session_duration(call, "MaxSessionDuration", 3600)
    tags = _tags(call)
    if name.lower() in call.state.roles:
        raise conflict("EntityAlreadyExists.Role", f"The role already exists: {name}.")
    role = call.state.add_role(name, trust_text, description, duration, iso_now())
    role.tags = tags
    return {"Role": _role_view(call, role, update_date=False)}


def get_role(call: Call) -> dict[str, Any]:
    return {"Role": _role_view(call, _find_role(call), extended=True)}


def update_role(call: Call) -> dict[str, Any]:
    role = _find_role(call)
    trust_text = call.get("NewAssumeRolePolicyDocument")
    if trust_text is not None:
        parse_document(trust_text, "NewAssumeRolePolicyDocument", trust=True)
    description = call.params.get("NewDescription")
    _check_description(description, "NewDescription")
    duration = _max_session_duration(call, "NewMaxSessionDuration", role.max_session_duration)
    if trust_text is not None:
        role.trust_document = trust_text
    if description is not None:
        role.description = description
    role.max_session_duration = duration
    role.update_date = iso_now()
    return {"Role": _role_view(call, role)}


def delete_role(call: Call) -> dict[str, Any]:
    role = _find_role(call)
    if role.service_linked:
        raise conflict("DeleteConflict.Role.ServiceLinkedRole", f"The service-linked role {role.name} cannot be deleted with DeleteRole.")
    entity = ("role", role.name.lower())
    if call.state.attachments_of_entity(entity):
        raise conflict("DeleteConflict.Role.Policy", f"The role {role.name} still has policies attached.")
    del call.state.roles[role.name.lower()]
    call.state.forget_entity(entity)
    return {}


def list_roles(call: Call) -> dict[str, Any]:
    wanted = _tags(call)
    roles = [role for role in call.state.roles.values() if all(role.tags.get(key) == value for key, value in wanted.items())]
    roles.sort(key=lambda role: role.name.lower())
    page, truncated, marker = _page(call, roles, lambda role: role.name.lower())
    views = []
    for role in page:
        view = _role_view(call, role, trust=False)
        view["Tags"] = _tag_list(role.tags)
        views.append(view)
    return _paged_reply("Roles", "Role", views, truncated, marker)


# --- policies --------------------------------------------------------------------------------------------------
def _find_custom_policy(call: Call, name: str | None = None) -> Policy:
    name = name if name is not None else call.require("PolicyName")
    policy = call.state.policies.get(name.lower())
    if policy is None:
        if _system_policy_name(name) is not None:
            # Naming a System policy where only Custom ones can be changed: RAM refuses rather than "not found".
            raise ApiError(403, "NoPermission.SystemPolicy", f"The System policy {name} cannot be changed.")
        raise not_found("EntityNotExist.Policy", f"The policy does not exist: {name}.")
    return policy


def _system_policy_name(name: str) -> str | None:
    lowered = name.lower()
    return next((known for known in SYSTEM_POLICIES if known.lower() == lowered), None)


def _policy_key(call: Call, policy_type: str, name: str) -> PolicyKey:
    """Resolve a (type, name) pair that must exist, for attach/detach and listing."""
    if policy_type == "System":
        if _system_policy_name(name) is None:
            raise not_found("EntityNotExist.Policy", f"The policy does not exist: {name}.")
    elif name.lower() not in call.state.policies:
        raise not_found("EntityNotExist.Policy", f"The policy does not exist: {name}.")
    return (policy_type, name.lower())


def _policy_summary(call: Call, policy_type: str, key: str) -> dict[str, Any]:
    """PolicyName/PolicyType/Description/DefaultVersion/CreateDate/UpdateDate/AttachmentCount for any policy."""
    count = len(call.state.attachments_of_policy((policy_type, key)))
    if policy_type == "System":
        name = _system_policy_name(key) or key
        description = SYSTEM_POLICIES[name][0]
        return {
            "PolicyName": name, "PolicyType": "System", "Description": description, "DefaultVersion": "v1",
            "CreateDate": SYSTEM_POLICY_DATE, "UpdateDate": SYSTEM_POLICY_DATE, "AttachmentCount": count,
        }
    policy = call.state.policies[key]
    return {
        "PolicyName": policy.name, "PolicyType": "Custom", "Description": policy.description,
        "DefaultVersion": policy.default_version, "CreateDate": policy.create_date, "UpdateDate": policy.update_date,
        "AttachmentCount": count,
    }


def _version_view(call: Call, version: PolicyVersion, default_version: str) -> dict[str, Any]:
    return {
        "VersionId": version.version_id,
        "IsDefaultVersion": version.version_id == default_version,
        "PolicyDocument": call.render(version.document),
        "CreateDate": version.create_date,
    }


def _versions_of(call: Call, policy_type: str, name: str) -> tuple[dict[str, PolicyVersion], str]:
    if policy_type == "System":
        system_name = _system_policy_name(name)
        if system_name is None:
            raise not_found("EntityNotExist.Policy", f"The policy does not exist: {name}.")
        return {"v1": PolicyVersion("v1", SYSTEM_POLICIES[system_name][1], SYSTEM_POLICY_DATE)}, "v1"
    policy = call.state.policies.get(name.lower())
    if policy is None:
        raise not_found("EntityNotExist.Policy", f"The policy does not exist: {name}.")
    return policy.versions, policy.default_version


def create_policy(call: Call) -> dict[str, Any]:
    name = _check_name(call.require("PolicyName"), "PolicyName", _POLICY_NAME, 128)
    document = call.require("PolicyDocument")
    parse_document(document, "PolicyDocument")
    description = _check_description(call.get("Description"))
    tags = _tags(call)
    if name.lower() in call.state.policies or _system_policy_name(name) is not None:
        raise conflict("EntityAlreadyExists.Policy", f"The policy already exists: {name}.")
    now = iso_now()
    policy = Policy(name, description, now, now, "v1", {"v1": PolicyVersion("v1", document, now)}, 2, tags)
    call.state.policies[name.lower()] = policy
    summary = _policy_summary(call, "Custom", name.lower())
    del summary["AttachmentCount"], summary["UpdateDate"]
    return {"Policy": summary}


def get_policy(call: Call) -> dict[str, Any]:
    policy_type = _policy_type(call)
    name = call.require("PolicyName")
    versions, default_version = _versions_of(call, policy_type, name)
    key = name.lower()
    summary = _policy_summary(call, policy_type, key)
    summary["PolicyDocument"] = call.render(versions[default_version].document)
    return {"Policy": summary, "DefaultPolicyVersion": _version_view(call, versions[default_version], default_version)}


def update_policy_description(call: Call) -> dict[str, Any]:
    policy = _find_custom_policy(call)
    policy.description = _check_description(call.params.get("NewDescription", ""), "NewDescription")
    policy.update_date = iso_now()
    summary = _policy_summary(call, "Custom", policy.name.lower())
    del summary["AttachmentCount"]
    return {"Policy": summary}


def delete_policy(call: Call) -> dict[str, Any]:
    policy = _find_custom_policy(call)
    key: PolicyKey = ("Custom", policy.name.lower())
    if not call.boolean("CascadingDelete", False):
        kinds = {kind for kind, _principal in call.state.attachments_of_policy(key)}
        for kind, suffix in (("user", "User"), ("group", "Group"), ("role", "Role")):
            if kind in kinds:
                raise conflict(f"DeleteConflict.Policy.{suffix}", f"The policy {policy.name} is attached to at least one {kind}.")
        if len(policy.versions) > 1:
            raise conflict("DeleteConflict.Policy.Version", f"The policy {policy.name} has non-default versions; delete them first.")
    call.state.forget_policy(key)
    del call.state.policies[policy.name.lower()]
    return {}


def list_policies(call: Call) -> dict[str, Any]:
    wanted_type = call.get("PolicyType")
    if wanted_type is not None and wanted_type not in ("Custom", "System"):
        raise invalid("InvalidParameter.PolicyType", "PolicyType must be Custom or System.")
    wanted_tags = _tags(call)
    entries: list[tuple[str, str]] = []
    if wanted_type in (None, "System") and not wanted_tags:
        entries.extend(("System", name.lower()) for name in SYSTEM_POLICIES)
    if wanted_type in (None, "Custom"):
        entries.extend(
            ("Custom", key) for key, policy in call.state.policies.items()
            if all(policy.tags.get(tag) == value for tag, value in wanted_tags.items())
        )
    entries.sort(key=lambda entry: f"{entry[0]}:{entry[1]}")
    page, truncated, marker = _page(call, entries, lambda entry: f"{entry[0]}:{entry[1]}")
    views = []
    for policy_type, key in page:
        view = _policy_summary(call, policy_type, key)
        view["Tags"] = _tag_list(call.state.policies[key].tags if policy_type == "Custom" else {})
        views.append(view)
    return _paged_reply("Policies", "Policy", views, truncated, marker)


# --- policy versions -------------------------------------------------------------------------------------------
def create_policy_version(call: Call) -> dict[str, Any]:
    policy = _find_custom_policy(call)
    document = call.require("PolicyDocument")
    parse_document(document, "PolicyDocument")
    set_as_default = call.boolean("SetAsDefault", False)
    strategy = call.get("RotateStrategy") or "None"
    if strategy not in _ROTATE_STRATEGIES:
        raise invalid("InvalidParameter.RotateStrategy", f"RotateStrategy must be one of {', '.join(_ROTATE_STRATEGIES)}.")
    if len(policy.versions) >= MAX_POLICY_VERSIONS:
        if strategy == "None":
            raise conflict("LimitExceeded.Policy.Version", f"The policy {policy.name} already has {MAX_POLICY_VERSIONS} versions.")
        oldest = next(version_id for version_id in policy.versions if version_id != policy.default_version)
        del policy.versions[oldest]
    now = iso_now()
    version = PolicyVersion(f"v{policy.next_version_number}", document, now)
    policy.next_version_number += 1
    policy.versions[version.version_id] = version
    if set_as_default:
        policy.default_version = version.version_id
    policy.update_date = now
    return {"PolicyVersion": _version_view(call, version, policy.default_version)}


def _find_version(call: Call, versions: dict[str, PolicyVersion]) -> PolicyVersion:
    version_id = call.require("VersionId")
    version = versions.get(version_id)
    if version is None:
        raise not_found("EntityNotExist.Policy.Version", f"The policy version does not exist: {version_id}.")
    return version


def get_policy_version(call: Call) -> dict[str, Any]:
    versions, default_version = _versions_of(call, _policy_type(call), call.require("PolicyName"))
    return {"PolicyVersion": _version_view(call, _find_version(call, versions), default_version)}


def delete_policy_version(call: Call) -> dict[str, Any]:
    policy = _find_custom_policy(call)
    version = _find_version(call, policy.versions)
    if version.version_id == policy.default_version:
        raise conflict("DeleteConflict.Policy.Version.Default", "The default version of a policy cannot be deleted.")
    del policy.versions[version.version_id]
    return {}


def list_policy_versions(call: Call) -> dict[str, Any]:
    versions, default_version = _versions_of(call, _policy_type(call), call.require("PolicyName"))
    return {"PolicyVersions": {"PolicyVersion": [_version_view(call, version, default_version) for version in versions.values()]}}


def set_default_policy_version(call: Call) -> dict[str, Any]:
    policy = _find_custom_policy(call)
    policy.default_version = _find_version(call, policy.versions).version_id
    policy.update_date = iso_now()
    return {}


# --- attachments -----------------------------------------------------------------------------------------------
_ENTITY_LABEL = {"role": "Role", "user": "User", "group": "Group"}


def _find_entity(call: Call, kind: str) -> EntityKey:
    label = _ENTITY_LABEL[kind]
    name = call.require(f"{label}Name")
    table = {"role": call.state.roles, "user": call.state.users, "group": call.state.groups}[kind]
    if name.lower() not in table:
        raise not_found(f"EntityNotExist.{label}", f"The {kind} does not exist: {name}.")
    return (kind, name.lower())


def _attach(kind: str) -> Callable[[Call], dict[str, Any]]:
    def attach(call: Call) -> dict[str, Any]:
        policy_type = _policy_type(call)
        entity = _find_entity(call, kind)
        policy = _policy_key(call, policy_type, call.require("PolicyName"))
        if call.state.is_attached(policy, entity):
            raise conflict(f"EntityAlreadyExists.{_ENTITY_LABEL[kind]}.Policy", "The policy is already attached.")
        call.state.attach(policy, entity, iso_now())
        return {}

    return attach


def _detach(kind: str) -> Callable[[Call], dict[str, Any]]:
    def detach(call: Call) -> dict[str, Any]:
        policy_type = _policy_type(call)
        entity = _find_entity(call, kind)
        policy = _policy_key(call, policy_type, call.require("PolicyName"))
        if not call.state.is_attached(policy, entity):
            raise not_found(f"EntityNotExist.{_ENTITY_LABEL[kind]}.Policy", "The policy is not attached.")
        call.state.detach(policy, entity)
        return {}

    return detach


def _list_policies_for(kind: str) -> Callable[[Call], dict[str, Any]]:
    def list_for(call: Call) -> dict[str, Any]:
        entity = _find_entity(call, kind)
        views = []
        for (policy_type, key), attach_date in call.state.attachments_of_entity(entity).items():
            summary = _policy_summary(call, policy_type, key)
            views.append({
                "PolicyName": summary["PolicyName"], "PolicyType": policy_type, "Description": summary["Description"],
                "DefaultVersion": summary["DefaultVersion"], "AttachDate": attach_date,
            })
        return {"Policies": {"Policy": views}}

    return list_for


def list_entities_for_policy(call: Call) -> dict[str, Any]:
    policy_type = _policy_type(call)
    key = _policy_key(call, policy_type, call.require("PolicyName"))
    users, groups, roles = [], [], []
    for (kind, name), attach_date in call.state.attachments_of_policy(key).items():
        if kind == "role":
            role = call.state.roles[name]
            roles.append({"RoleName": role.name, "RoleId": role.role_id, "Arn": role.arn, "Description": role.description, "AttachDate": attach_date})
        elif kind == "user":
            user = call.state.users[name]
            users.append({"UserName": user.name, "UserId": user.user_id, "DisplayName": user.display_name, "AttachDate": attach_date})
        else:
            group = call.state.groups[name]
            groups.append({"GroupName": group.name, "Comments": group.comments, "AttachDate": attach_date})
    return {"Users": {"User": users}, "Groups": {"Group": groups}, "Roles": {"Role": roles}}


# --- users and groups (minimal: enough to attach policies to them) --------------------------------------------
def create_user(call: Call) -> dict[str, Any]:
    name = _check_name(call.require("UserName"), "UserName", _USER_NAME, 64)
    if name.lower() in call.state.users:
        raise conflict("EntityAlreadyExists.User", f"The user already exists: {name}.")
    now = iso_now()
    user = User(name, call.state.new_id("2", 16), call.get("DisplayName") or name, _check_description(call.get("Comments"), "Comments"), now, now)
    call.state.users[name.lower()] = user
    return {"User": _user_view(user, update_date=False)}


def _user_view(user: User, update_date: bool = True) -> dict[str, Any]:
    view = {"UserName": user.name, "UserId": user.user_id, "DisplayName": user.display_name, "Comments": user.comments, "CreateDate": user.create_date}
    if update_date:
        view["UpdateDate"] = user.update_date
    return view


def get_user(call: Call) -> dict[str, Any]:
    _user, key = _find_entity(call, "user")
    return {"User": _user_view(call.state.users[key])}


def create_group(call: Call) -> dict[str, Any]:
    name = _check_name(call.require("GroupName"), "GroupName", re.compile(r"^[A-Za-z0-9\-]+$"), 64)
    if name.lower() in call.state.groups:
        raise conflict("EntityAlreadyExists.Group", f"The group already exists: {name}.")
    now = iso_now()
    group = Group(name, call.state.new_id("2", 16), _check_description(call.get("Comments"), "Comments"), now, now)
    call.state.groups[name.lower()] = group
    return {"Group": _group_view(group, update_date=False)}


def _group_view(group: Group, update_date: bool = True) -> dict[str, Any]:
    view = {"GroupName": group.name, "GroupId": group.group_id, "Comments": group.comments, "CreateDate": group.create_date}
    if update_date:
        view["UpdateDate"] = group.update_date
    return view


def get_group(call: Call) -> dict[str, Any]:
    _group, key = _find_entity(call, "group")
    return {"Group": _group_view(call.state.groups[key])}


def _delete_member(kind: str) -> Callable[[Call], dict[str, Any]]:
    """DeleteUser / DeleteGroup: refused while policies are attached, like DeleteRole."""

    def delete(call: Call) -> dict[str, Any]:
        entity = _find_entity(call, kind)
        if call.state.attachments_of_entity(entity):
            raise conflict(f"DeleteConflict.{_ENTITY_LABEL[kind]}.Policy", f"The {kind} still has policies attached.")
        del {"user": call.state.users, "group": call.state.groups}[kind][entity[1]]
        call.state.forget_entity(entity)
        return {}

    return delete


# --- tags --------------------------------------------------------------------------------------------------------
def _tag_targets(call: Call) -> list[Any]:
    resource_type = call.require("ResourceType")
    if resource_type not in ("role", "policy"):
        raise invalid("InvalidParameter.ResourceType", "ResourceType must be role or policy.")
    names = call.json_list("ResourceNames")
    if not names:
        raise missing("ResourceNames")
    targets = []
    for name in names:
        if not isinstance(name, str):
            raise invalid("InvalidParameter.ResourceNames", "ResourceNames must be a list of names.")
        if resource_type == "role":
            targets.append(_find_role(call, name))
        else:
            targets.append(_find_custom_policy(call, name))
    return targets


def tag_resources(call: Call) -> dict[str, Any]:
    targets = _tag_targets(call)
    tags = _tags(call)
    if not tags:
        raise missing("Tag")
    for target in targets:
        if len({**target.tags, **tags}) > MAX_TAGS:
            raise invalid("InvalidParameter.Tag.Size", f"At most {MAX_TAGS} tags per resource.")
    for target in targets:
        target.tags.update(tags)
    return {}


def untag_resources(call: Call) -> dict[str, Any]:
    targets = _tag_targets(call)
    remove_all = call.boolean("All", False)
    keys = call.json_list("TagKeys")
    if not remove_all and not keys:
        raise missing("TagKeys")
    for target in targets:
        if remove_all:
            target.tags.clear()
        for key in keys:
            target.tags.pop(key, None)
    return {}


def list_tag_resources(call: Call) -> dict[str, Any]:
    resource_type = call.require("ResourceType")
    if resource_type not in ("role", "policy"):
        raise invalid("InvalidParameter.ResourceType", "ResourceType must be role or policy.")
    if call.get("ResourceNames") is not None:
        targets = _tag_targets(call)
    else:
        targets = list(call.state.roles.values() if resource_type == "role" else call.state.policies.values())
    wanted = _tags(call)
    rows = [
        {"ResourceName": target.name, "ResourceType": resource_type, "TagKey": key, "TagValue": value}
        for target in targets
        if all(target.tags.get(tag) == tag_value for tag, tag_value in wanted.items())
        for key, value in target.tags.items()
    ]
    page_size = call.integer("PageSize", 50, 1, 100)
    start = 0
    token = call.get("NextToken")
    if token is not None:
        if not token.isdigit():
            raise invalid("InvalidParameter.NextToken", "The NextToken is not valid.")
        start = int(token)
    reply: dict[str, Any] = {"TagResources": rows[start:start + page_size]}
    if start + page_size < len(rows):
        reply["NextToken"] = str(start + page_size)
    return reply


# Operation name -> (handler, changes state). Reads are exactly the Get*/List* operations.
OPERATIONS: dict[str, tuple[Callable[[Call], dict[str, Any]], bool]] = {
    "CreateRole": (create_role, True),
    "GetRole": (get_role, False),
    "UpdateRole": (update_role, True),
    "DeleteRole": (delete_role, True),
    "ListRoles": (list_roles, False),
    "CreatePolicy": (create_policy, True),
    "GetPolicy": (get_policy, False),
    "DeletePolicy": (delete_policy, True),
    "ListPolicies": (list_policies, False),
    "UpdatePolicyDescription": (update_policy_description, True),
    "CreatePolicyVersion": (create_policy_version, True),
    "GetPolicyVersion": (get_policy_version, False),
    "DeletePolicyVersion": (delete_policy_version, True),
    "ListPolicyVersions": (list_policy_versions, False),
    "SetDefaultPolicyVersion": (set_default_policy_version, True),
    "AttachPolicyToRole": (_attach("role"), True),
    "DetachPolicyFromRole": (_detach("role"), True),
    "ListPoliciesForRole": (_list_policies_for("role"), False),
    "AttachPolicyToUser": (_attach("user"), True),
    "DetachPolicyFromUser": (_detach("user"), True),
    "ListPoliciesForUser": (_list_policies_for("user"), False),
    "AttachPolicyToGroup": (_attach("group"), True),
    "DetachPolicyFromGroup": (_detach("group"), True),
    "ListPoliciesForGroup": (_list_policies_for("group"), False),
    "ListEntitiesForPolicy": (list_entities_for_policy, False),
    "CreateUser": (create_user, True),
    "GetUser": (get_user, False),
    "DeleteUser": (_delete_member("user"), True),
    "CreateGroup": (create_group, True),
    "GetGroup": (get_group, False),
    "DeleteGroup": (_delete_member("group"), True),
    "TagResources": (tag_resources, True),
    "UntagResources": (untag_resources, True),
    "ListTagResources": (list_tag_resources, False),
}
