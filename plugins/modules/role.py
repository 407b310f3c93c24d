# Copyright: (c) 2026, alibabacloud.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: role
short_description: Manage Alibaba Cloud RAM roles, their trust policies and tags
version_added: 1.0.0
description:
  - Creates a RAM role, or brings an existing one to the declared description, maximum session duration,
    trust policy (assume role policy document) and tags, or deletes it.
  - An option left unset leaves that attribute of an existing role as it is.
  - Trust policies are compared by meaning, not by text. Key order, whitespace, C("x") versus C(["x"]), the order
    of list values and of statements, and the case of principal kinds do not count as a change, so a document the
    service hands back reformatted does not show up as changed.
  - A run that changes nothing makes two API calls (C(GetRole) and C(ListPoliciesForRole)), plus one
    C(ListTagResources) when O(tags) is given. Changes to description, session duration and trust policy are made
    with a single C(UpdateRole) carrying only what differs.
  - With O(state=absent) every policy attached to the role is detached first, then the role is deleted.
    Service-linked roles are refused, because they belong to the service that created them.
  - Policies themselves are managed with M(alibabacloud.ram.policy) and attached with
    M(alibabacloud.ram.policy_attachment).
author:
  - alibabacloud.ram contributors (@alibabacloud)
options:
  name:
    description:
      - Name of the role, 1 to 64 characters of letters, digits, C(.) and C(-).
      - RAM treats role names case-insensitively.
    type: str
    required: true
  state:
    description:
      - V(present) creates or updates the role, V(absent) detaches all its policies and deletes it.
    type: str
    choices: [present, absent]
    default: present
  description:
    description:
      - Description of the role, at most 1024 characters. V("") clears it.
      - Left unset, the description of an existing role is kept.
    type: str
  max_session_duration:
    description:
      - Longest session, in seconds, that an STS token for this role may last; 3600 to 43200.
      - Left unset, RAM uses 3600 for a new role and an existing role keeps its value.
    type: int
  assume_role_policy_document:
    description:
      - The trust policy, as a dictionary or a JSON string, that says who may assume the role.
      - Checked against the RAM policy grammar (every statement needs a C(Principal)) and the 6144-character limit
        before any API call.
      - A trust policy is required to create a role; give this or O(trusted_services) / O(trusted_accounts).
      - Mutually exclusive with O(trusted_services) and O(trusted_accounts).
    type: raw
  trusted_services:
    description:
      - Shortcut for a trust policy letting these Alibaba Cloud services assume the role, for example
        V(cr.aliyuncs.com) for Container Registry or V(ecs.aliyuncs.com).
      - Combines with O(trusted_accounts) into one C(sts:AssumeRole) statement. The generated document replaces
        the whole trust policy.
    type: list
    elements: str
  trusted_accounts:
    description:
      - Shortcut for a trust policy letting these Alibaba Cloud accounts (numeric account ids) assume the role,
        through the principal C(acs:ram::<account id>:root).
      - Combines with O(trusted_services) into one C(sts:AssumeRole) statement.
    type: list
    elements: str
  tags:
    description:
      - Tags the role should carry, as a dictionary of key and value. Values are turned into strings.
      - At most 20 tags; keys and values up to 128 characters; keys must not start with C(acs:) or C(aliyun).
      - Left unset, tags are neither read nor changed.
    type: dict
  purge_tags:
    description:
      - Remove tags that are not in O(tags). Acts only when O(tags) is given.
    type: bool
    default: true
notes:
  - RAM is a global service; no region is needed.
seealso:
  - module: alibabacloud.ram.role_info
  - module: alibabacloud.ram.policy
  - module: alibabacloud.ram.policy_attachment
  - name: RAM role API reference
    description: CreateRole, UpdateRole and the trust policy grammar.
    link: https://www.alibabacloud.com/help/en/ram/developer-reference/api-ram-2015-05-01-createrole
extends_documentation_fragment:
  - alibabacloud.ram.connection
  - alibabacloud.ram.connection.modules
  - alibabacloud.ram.attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
  idempotent:
    support: full
"""

EXAMPLES = r"""
# Step 1 of the Container Registry guide for a custom OSS bucket: the role Container Registry assumes.
- name: Create the role Container Registry uses to reach a custom OSS bucket
  alibabacloud.ram.role:
    name: AliyunContainerRegistryCustomizedOSSBucketRole
    description: Lets Container Registry read and write images in our own OSS bucket
    trusted_services:
      - cr.aliyuncs.com

# Step 3 of the guide: make sure the trust policy is exactly this one, whatever it was before.
- name: Enforce the Container Registry trust policy on an existing role
  alibabacloud.ram.role:
    name: AliyunContainerRegistryCustomizedOSSBucketRole
    assume_role_policy_document:
      Version: "1"
      Statement:
        - Action: sts:AssumeRole
          Effect: Allow
          Principal:
            Service:
              - cr.aliyuncs.com

- name: Let the management account assume a deployment role for up to 4 hours, with tags
  alibabacloud.ram.role:
    name: deployer
    description: Assumed by the CI pipeline in the management account
    trusted_accounts:
      - "1000000000000001"
    max_session_duration: 14400
    tags:
      team: platform
      cost-center: "4711"

- name: Add one tag without removing the others
  alibabacloud.ram.role:
    name: deployer
    tags:
      reviewed: "2026-01"
    purge_tags: false

- name: Trust policy from a JSON file
  alibabacloud.ram.role:
    name: ecs-worker
    assume_role_policy_document: "{{ lookup('ansible.builtin.file', 'ecs-trust.json') }}"

- name: Preview what would change, with a diff
  alibabacloud.ram.role:
    name: deployer
    description: Assumed by the release pipeline
  check_mode: true
  diff: true
  register: preview

- name: Detach every policy from the role and delete it
  alibabacloud.ram.role:
    name: deployer
    state: absent
"""

RETURN = r"""
role:
  description:
    - The role after the run, as it would be in check mode. Empty when the role does not exist afterwards.
  returned: always
  type: dict
  contains:
    name:
      description: Role name as RAM stores it.
      type: str
      returned: when the role exists or would be created
      sample: AliyunContainerRegistryCustomizedOSSBucketRole
    id:
      description: Role id.
      type: str
      returned: when the role exists (not for a role that check mode would create)
      sample: "300000000000000123"
    arn:
      description: Role ARN, as used by STS AssumeRole.
      type: str
      returned: when the role exists (not for a role that check mode would create)
      sample: acs:ram::1000000000000002:role/aliyuncontainerregistrycustomizedossbucketrole
    description:
      description: Description of the role.
      type: str
      returned: when the role exists or would be created
      sample: Lets Container Registry read and write images in our own OSS bucket
    max_session_duration:
      description: Longest STS session for the role, in seconds.
      type: int
      returned: when the role exists or would be created
      sample: 3600
    assume_role_policy_document:
      description:
        - The trust policy exactly as stored (parsed from the JSON RAM returns, not normalised).
      type: dict
      returned: when the role exists or would be created
      sample:
        Version: "1"
        Statement:
          - Action: sts:AssumeRole
            Effect: Allow
            Principal:
              Service:
                - cr.aliyuncs.com
    create_date:
      description: When the role was created (UTC, ISO 8601).
      type: str
      returned: when the role exists (not for a role that check mode would create)
      sample: "2026-01-05T10:00:00Z"
    update_date:
      description: When the role was last changed (UTC, ISO 8601).
      type: str
      returned: when the role exists and RAM reports it (CreateRole replies do not carry it)
      sample: "2026-01-05T10:00:00Z"
    is_service_linked_role:
      description: Whether the role is a service-linked role, which only its service may delete.
      type: bool
      returned: when RAM reports it (roles read with GetRole)
      sample: false
    tags:
      description: Tags of the role.
      type: dict
      returned: when O(tags) is given, and when the role is created
      sample:
        team: platform
    attached_policies:
      description: Policies attached to the role, from C(ListPoliciesForRole).
      type: list
      elements: dict
      returned: when the role exists or would be created
      contains:
        policy_name:
          description: Policy name.
          type: str
          sample: AliyunContainerRegistryCustomizedOSSBucketRolePolicy
        policy_type:
          description: V(Custom) or V(System).
          type: str
          sample: Custom
        default_version:
          description: The policy's default version.
          type: str
          sample: v1
        attach_date:
          description: When the policy was attached (UTC, ISO 8601).
          type: str
          sample: "2026-01-05T10:00:00Z"
        description:
          description: Description of the policy.
          type: str
          sample: OSS access for Container Registry
diff:
  description:
    - With C(--diff), the managed attributes before and after. The trust policy appears in one canonical layout
      (sorted statements and values) so that only real changes show. Tags appear when O(tags) is given, attached
      policies when the role is deleted.
  returned: when diff mode is on
  type: dict
  sample:
    before:
      description: old text
      max_session_duration: 3600
    after:
      description: new text
      max_session_duration: 3600
"""

from dataclasses import dataclass, field
from typing import Any

from ansible_collections.alibabacloud.ram.plugins.module_utils._errors import RamError
from ansible_collections.alibabacloud.ram.plugins.module_utils._module import AlibabaCloudRAMModule
from ansible_collections.alibabacloud.ram.plugins.module_utils._policy_document import (
    PolicyDocumentError,
    canonical_or_stored,
    documents_equal,
    dump_policy_document,
    load_policy_document,
    trust_policy_for,
)
from ansible_collections.alibabacloud.ram.plugins.module_utils._resources import (
    description_error,
    name_error,
    normalize_tags,
    parse_stored_document,
    reconcile_tags,
    role_view,
)

MIN_SESSION_DURATION = 3600
MAX_SESSION_DURATION = 43200
# What RAM gives a role created without MaxSessionDuration; used only to show a would-be role in check mode.
DEFAULT_SESSION_DURATION = 3600


class InvalidInput(ValueError):
    """Input the module refuses before making any API call; the message names the option and the rule."""


@dataclass
class DesiredRole:
    name: str
    description: str | None
    max_session_duration: int | None
    trust_document: dict | None
    tags: dict[str, str] | None
    purge_tags: bool


@dataclass
class RoleState:
    """What is known about the role: its wire-form map (PascalCase, as RAM returns it), attachments and tags.

    The ensure_* steps update it with the reply of each write, or with the projected result in check mode,
    so the module returns the same thing in check mode as in a real run.
    """

    wire: dict[str, Any] = field(default_factory=dict)
    attached_policies: list[dict[str, Any]] = field(default_factory=list)
    tags: dict[str, str] | None = None

    @property
    def exists(self) -> bool:
        return bool(self.wire)


# --- input -----------------------------------------------------------------------------------------------------
def validated_trust_document(params: dict) -> dict | None:
    try:
        if params["assume_role_policy_document"] is not None:
            return load_policy_document(params["assume_role_policy_document"], "assume_role_policy_document", trust=True)
        services, accounts = params["trusted_services"], params["trusted_accounts"]
        if services is None and accounts is None:
            return None
        for option, values in (("trusted_services", services), ("trusted_accounts", accounts)):
            for index, value in enumerate(values or []):
                if not value:
                    raise InvalidInput(f"{option}[{index}]: must be a non-empty string")
        generated = trust_policy_for(services, accounts, services_option="trusted_services", accounts_option="trusted_accounts")
        # Many accounts can push the generated document past the size limit: check it like a written one.
        return load_policy_document(generated, "trusted_services/trusted_accounts", trust=True)
    except PolicyDocumentError as error:
        raise InvalidInput(str(error)) from None


def validated_input(params: dict) -> DesiredRole:
    problem = name_error(params["name"], "name", "role") or description_error(params["description"])
    if problem:
        raise InvalidInput(problem)
    duration = params["max_session_duration"]
    if duration is not None and not MIN_SESSION_DURATION <= duration <= MAX_SESSION_DURATION:
        raise InvalidInput(f"max_session_duration: must be between {MIN_SESSION_DURATION} and {MAX_SESSION_DURATION} seconds, got {duration}")
    tags, problem = normalize_tags(params["tags"])
    if problem:
        raise InvalidInput(problem)
    return DesiredRole(
        name=params["name"],
        description=params["description"],
        max_session_duration=duration,
        trust_document=validated_trust_document(params),
        tags=tags,
        purge_tags=params["purge_tags"],
    )


# --- views -----------------------------------------------------------------------------------------------------
def role_view_of(state: RoleState) -> dict[str, Any]:
    if not state.exists:
        return {}
    return role_view(state.wire, tags=state.tags, attached=state.attached_policies)


def diff_view(state: RoleState, *, with_tags: bool, with_attachments: bool) -> dict[str, Any]:
    if not state.exists:
        return {}
    view: dict[str, Any] = {
        "description": state.wire.get("Description") or "",
        "max_session_duration": state.wire.get("MaxSessionDuration"),
        "assume_role_policy_document": canonical_or_stored(parse_stored_document(state.wire.get("AssumeRolePolicyDocument"))),
    }
    if with_tags:
        view["tags"] = dict(state.tags or {})
    if with_attachments:
        view["attached_policies"] = sorted(f"{policy.get('PolicyType')}:{policy.get('PolicyName')}" for policy in state.attached_policies)
    return view


# --- steps -----------------------------------------------------------------------------------------------------
def read_role(api, name: str, with_tags: bool) -> RoleState:
    role = api.get_role(name)
    if role is None:
        return RoleState()
    stored_name = role.get("RoleName") or name
    state = RoleState(wire=dict(role), attached_policies=list(api.list_policies_for_role(stored_name)))
    if with_tags:
        state.tags = dict(api.list_tags("role", stored_name))
    return state


def ensure_created(module, api, state: RoleState, desired: DesiredRole) -> bool:
    if state.exists:
        return False
    trust_text = dump_policy_document(desired.trust_document)
    state.wire = {
        "RoleName": desired.name,
        "Description": desired.description or "",
        "MaxSessionDuration": desired.max_session_duration or DEFAULT_SESSION_DURATION,
        "AssumeRolePolicyDocument": trust_text,
    }
    state.tags = dict(desired.tags or {})
    if module.check_mode:
        return True
    try:
        created = api.create_role(
            desired.name,
            trust_text,
            description=desired.description or None,
            max_session_duration=desired.max_session_duration,
            tags=desired.tags or None,
        )
    except RamError as error:
        if error.code != "EntityAlreadyExists.Role":
            raise
        # Another run created the role between our read and this write (two plays against one account):
        # converge what it created instead of failing.
        current = read_role(api, desired.name, with_tags=desired.tags is not None)
        state.wire, state.attached_policies, state.tags = current.wire, current.attached_policies, current.tags
        settings_changed = ensure_settings(module, api, state, desired)
        return ensure_tags(module, api, state, desired) or settings_changed
    state.wire.update(created)
    return True


def ensure_settings(module, api, state: RoleState, desired: DesiredRole) -> bool:
    """Description, session duration and trust policy, in one UpdateRole carrying only what differs."""
    changes: dict[str, Any] = {}
    if desired.description is not None and desired.description != (state.wire.get("Description") or ""):
        changes["description"] = desired.description
    if desired.max_session_duration is not None and desired.max_session_duration != state.wire.get("MaxSessionDuration"):
        changes["max_session_duration"] = desired.max_session_duration
    stored_trust = state.wire.get("AssumeRolePolicyDocument")
    if desired.trust_document is not None and (stored_trust is None or not documents_equal(desired.trust_document, stored_trust)):
        changes["assume_role_policy_document"] = dump_policy_document(desired.trust_document)
    if not changes:
        return False
    wire_names = {"description": "Description", "max_session_duration": "MaxSessionDuration", "assume_role_policy_document": "AssumeRolePolicyDocument"}
    state.wire.update({wire_names[option]: value for option, value in changes.items()})
    if module.check_mode:
        return True
    state.wire.update(api.update_role(state.wire["RoleName"], **changes))
    return True


def ensure_tags(module, api, state: RoleState, desired: DesiredRole) -> bool:
    tags = reconcile_tags(api, "role", state.wire["RoleName"], state.tags, desired.tags, desired.purge_tags, module.check_mode)
    if tags is None:
        return False
    state.tags = tags
    return True


def ensure_absent(module, api, state: RoleState) -> bool:
    if not state.exists:
        return False
    name = state.wire["RoleName"]
    if state.wire.get("IsServiceLinkedRole"):
        module.fail_json(
            msg=f"role {name} is a service-linked role; it belongs to the service that created it and cannot be deleted with this module",
            role=role_view_of(state),
        )
    if module.check_mode:
        return True
    # RAM refuses to delete a role that still has policies (DeleteConflict.Role.Policy).
    for policy in state.attached_policies:
        api.detach_policy(policy["PolicyName"], policy["PolicyType"], role_name=name)
    api.delete_role(name)
    return True


def main() -> None:
    argument_spec = {
        "name": {"type": "str", "required": True},
        "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
        "description": {"type": "str"},
        "max_session_duration": {"type": "int"},
        "assume_role_policy_document": {"type": "raw"},
        "trusted_services": {"type": "list", "elements": "str"},
        "trusted_accounts": {"type": "list", "elements": "str"},
        "tags": {"type": "dict"},
        "purge_tags": {"type": "bool", "default": True},
    }
    module = AlibabaCloudRAMModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        mutually_exclusive=[("assume_role_policy_document", "trusted_services"), ("assume_role_policy_document", "trusted_accounts")],
    )
    try:
        desired = validated_input(module.params)
    except InvalidInput as error:
        module.fail_json(msg=str(error))

    api = module.ram
    absent = module.params["state"] == "absent"
    with_tags = desired.tags is not None and not absent
    try:
        state = read_role(api, desired.name, with_tags=with_tags)
        before_diff = diff_view(state, with_tags=with_tags, with_attachments=absent)
        if absent:
            changed = ensure_absent(module, api, state)
            if changed:
                state = RoleState()
        elif not state.exists:
            if desired.trust_document is None:
                module.fail_json(
                    msg=f"role {desired.name} does not exist; creating it needs a trust policy: "
                    "give assume_role_policy_document, trusted_services or trusted_accounts"
                )
            changed = ensure_created(module, api, state, desired)
        else:
            changed = ensure_settings(module, api, state, desired)
            changed = ensure_tags(module, api, state, desired) or changed
    except RamError as error:
        module.fail_ram_error(error)

    result: dict[str, Any] = {"changed": changed, "role": role_view_of(state)}
    if module._diff:
        result["diff"] = {
            "before": before_diff,
            "after": diff_view(state, with_tags=with_tags, with_attachments=False),
        }
    module.exit_json(**result)


if __name__ == "__main__":
    main()
