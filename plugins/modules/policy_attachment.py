#!/usr/bin/python
# Copyright: (c) 2026, alibabacloud.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: policy_attachment
short_description: Attach a RAM policy to a role, user or group, or detach it
version_added: 0.1.0
description:
  - Keep one RAM policy, custom or system, attached to (or detached from) one role, user or group.
  - A run that changes nothing makes one API call (C(ListPoliciesForRole), C(ListPoliciesForUser) or
    C(ListPoliciesForGroup)).
  - Detaching a policy that is not attached, or from a principal that does not exist, changes nothing and is not an error.
author:
  - alibabacloud.ram contributors (@alibabacloud)
options:
  policy_name:
    description:
      - Name of the policy, 1 to 128 characters, letters, digits and C(-). RAM matches policy names regardless of case.
    type: str
    required: true
  policy_type:
    description:
      - V(Custom) for a policy of the account (see M(alibabacloud.ram.policy)), V(System) for a policy Alibaba Cloud provides.
    type: str
    choices: [Custom, System]
    default: Custom
  role_name:
    description:
      - Name of the RAM role, 1 to 64 characters, letters, digits, C(.) and C(-).
      - Exactly one of O(role_name), O(user_name) and O(group_name) is required.
    type: str
  user_name:
    description:
      - Name of the RAM user, 1 to 64 characters, letters, digits, C(.), C(_) and C(-).
    type: str
  group_name:
    description:
      - Name of the RAM user group, 1 to 64 characters, letters, digits and C(-).
    type: str
  state:
    description:
      - V(present) attaches the policy, V(absent) detaches it.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - alibabacloud.ram.connection
  - alibabacloud.ram.connection.modules
  - alibabacloud.ram.attributes
attributes:
  check_mode:
    support: full
    details:
      - A dry run of a whole playbook often creates a role, user, group or custom policy in an earlier task, which check
        mode does not really do. So in check mode a principal or a custom policy that does not exist yet is reported as
        V(changed=true) with a warning (and RV(msg)) that the policy would be attached once it exists, instead of failing.
        In a real run the same situation is an error.
      - To tell the two apart, check mode calls C(GetPolicy) once when the policy is not attached yet; a missing
        system policy is an error in check mode as well, since no task can create one.
  diff_mode:
    support: full
  idempotent:
    support: full
seealso:
  - module: alibabacloud.ram.policy
  - module: alibabacloud.ram.role
"""

EXAMPLES = r"""
- name: Attach the Container Registry policy to its role (step 2 of the custom OSS bucket guide)
  alibabacloud.ram.policy_attachment:
    policy_name: AliyunContainerRegistryCustomizedOSSBucketRolePolicy
    role_name: AliyunContainerRegistryCustomizedOSSBucketRole

- name: Give a group read-only access to OSS with a system policy
  alibabacloud.ram.policy_attachment:
    policy_name: AliyunOSSReadOnlyAccess
    policy_type: System
    group_name: auditors

- name: Take a custom policy away from a user
  alibabacloud.ram.policy_attachment:
    policy_name: ci-artifacts-read
    user_name: build-bot
    state: absent
"""

RETURN = r"""
attachment:
  description: The attachment after the run; in check mode, what a real run would leave.
  returned: always
  type: dict
  contains:
    policy_name:
      description: Name of the policy, as RAM spells it when attached.
      type: str
      sample: AliyunContainerRegistryCustomizedOSSBucketRolePolicy
    policy_type:
      description: V(Custom) or V(System).
      type: str
      sample: Custom
    principal_type:
      description: V(role), V(user) or V(group).
      type: str
      sample: role
    principal_name:
      description: Name of the role, user or group.
      type: str
      sample: AliyunContainerRegistryCustomizedOSSBucketRole
    attached:
      description: Whether the policy is attached.
      type: bool
      sample: true
    attach_date:
      description: When the policy was attached (UTC).
      type: str
      returned: when attached, except when check mode would attach it
      sample: "2026-01-12T09:30:00Z"
msg:
  description: Why check mode reports a change it cannot fully verify (the principal or the policy does not exist yet).
  returned: when check mode met a principal or custom policy that does not exist
  type: str
  sample: "role 'ci-runner' does not exist (yet): the policy would be attached once it exists"
"""

from dataclasses import dataclass
from typing import Any

from ansible_collections.alibabacloud.ram.plugins.module_utils._errors import RamError
from ansible_collections.alibabacloud.ram.plugins.module_utils._module import AlibabaCloudRAMModule
from ansible_collections.alibabacloud.ram.plugins.module_utils._resources import name_error

PRINCIPAL_TYPES = ("role", "user", "group")


@dataclass
class DesiredAttachment:
    policy_name: str
    policy_type: str
    principal_type: str
    principal_name: str
    state: str

    @property
    def principal_option(self) -> str:
        return f"{self.principal_type}_name"

    @property
    def principal_label(self) -> str:
        """How RAM spells the principal type in operation names and error codes."""
        return self.principal_type.capitalize()

    def view(self, attached: bool, listed: dict[str, Any] | None = None) -> dict[str, Any]:
        result: dict[str, Any] = {
            "policy_name": (listed or {}).get("PolicyName") or self.policy_name,
            "policy_type": self.policy_type,
            "principal_type": self.principal_type,
            "principal_name": self.principal_name,
            "attached": attached,
        }
        if attached and listed and listed.get("AttachDate"):
            result["attach_date"] = listed["AttachDate"]
        return result

    def diff_view(self, attached: bool) -> dict[str, Any]:
        return {
            "policy_name": self.policy_name,
            "policy_type": self.policy_type,
            self.principal_option: self.principal_name,
            "attached": attached,
        }


def argument_spec() -> dict[str, Any]:
    return {
        "policy_name": {"type": "str", "required": True},
        "policy_type": {"type": "str", "choices": ["Custom", "System"], "default": "Custom"},
        "role_name": {"type": "str"},
        "user_name": {"type": "str"},
        "group_name": {"type": "str"},
        "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
    }


def validate(module: AlibabaCloudRAMModule) -> DesiredAttachment:
    """Check every option before any API call; all problems are reported at once, each naming its option."""
    params = module.params
    principal_type = next(kind for kind in PRINCIPAL_TYPES if params[f"{kind}_name"] is not None)
    option = f"{principal_type}_name"
    errors = [
        message
        for message in (name_error(params["policy_name"], "policy_name", "policy"), name_error(params[option], option, principal_type))
        if message
    ]
    if errors:
        module.fail_json(msg="; ".join(errors))
    return DesiredAttachment(
        policy_name=params["policy_name"],
        policy_type=params["policy_type"],
        principal_type=principal_type,
        principal_name=params[option],
        state=params["state"],
    )


def attached_policies(api: Any, desired: DesiredAttachment) -> list[dict[str, Any]] | None:
    """The policies attached to the principal, or None when the principal does not exist."""
    list_policies = getattr(api, f"list_policies_for_{desired.principal_type}")
    try:
        return list_policies(desired.principal_name)
    except RamError as error:
        if error.code == f"EntityNotExist.{desired.principal_label}":
            return None
        raise


def find_attachment(policies: list[dict[str, Any]], desired: DesiredAttachment) -> dict[str, Any] | None:
    # RAM policy names are unique regardless of case, and a Custom and a System policy never share a name.
    wanted = desired.policy_name.lower()
    return next(
        (policy for policy in policies if policy.get("PolicyType") == desired.policy_type and (policy.get("PolicyName") or "").lower() == wanted),
        None,
    )


def set_attached(api: Any, desired: DesiredAttachment, attached: bool, check_mode: bool) -> bool:
    """Attach or detach the policy; returns before any write in check mode."""
    if check_mode:
        return True
    change = api.attach_policy if attached else api.detach_policy
    # False (already attached, or gone meanwhile) is still the outcome this task asked for.
    change(desired.policy_name, desired.policy_type, **{desired.principal_option: desired.principal_name})
    return True


def missing_principal(module: AlibabaCloudRAMModule, desired: DesiredAttachment) -> dict[str, Any]:
    """A principal that does not exist: nothing to detach; to attach, an error unless an earlier task of a dry run creates it."""
    if desired.state == "absent":
        return {"changed": False, "attachment": desired.view(False), "diff": {"before": desired.diff_view(False), "after": desired.diff_view(False)}}
    if not module.check_mode:
        module.fail_json(
            msg=f"{desired.principal_option}: the {desired.principal_type} {desired.principal_name!r} does not exist; "
            f"create it before attaching policies to it",
            error_code=f"EntityNotExist.{desired.principal_label}",
        )
    message = f"{desired.principal_type} {desired.principal_name!r} does not exist (yet): the policy would be attached once it exists"
    module.warn(message)
    return {
        "changed": True,
        "msg": message,
        "attachment": desired.view(True),
        "diff": {"before": desired.diff_view(False), "after": desired.diff_view(True)},
    }


def check_policy_exists(module: AlibabaCloudRAMModule, api: Any, desired: DesiredAttachment) -> str | None:
    """In check mode only: a warning when a custom policy does not exist yet; a missing system policy fails."""
    if api.get_policy(desired.policy_name, desired.policy_type) is not None:
        return None
    if desired.policy_type == "System":
        module.fail_json(msg=f"policy_name: there is no System policy named {desired.policy_name!r}", error_code="EntityNotExist.Policy")
    message = f"custom policy {desired.policy_name!r} does not exist (yet): it would be attached once it exists"
    module.warn(message)
    return message


def run(module: AlibabaCloudRAMModule, desired: DesiredAttachment) -> dict[str, Any]:
    api = module.ram
    policies = attached_policies(api, desired)
    if policies is None:
        return missing_principal(module, desired)
    current = find_attachment(policies, desired)
    was_attached = current is not None
    want_attached = desired.state == "present"
    result: dict[str, Any] = {"diff": {"before": desired.diff_view(was_attached), "after": desired.diff_view(want_attached)}}
    if want_attached == was_attached:
        result.update(changed=False, attachment=desired.view(was_attached, current))
        return result
    if want_attached and module.check_mode:
        message = check_policy_exists(module, api, desired)
        if message:
            result["msg"] = message
    result["changed"] = set_attached(api, desired, want_attached, module.check_mode)
    if want_attached and not module.check_mode:
        # Read back once so that attach_date and RAM's spelling of the name are exact.
        current = find_attachment(attached_policies(api, desired) or [], desired)
    result["attachment"] = desired.view(want_attached, current)
    return result


def main() -> None:
    module = AlibabaCloudRAMModule(
        argument_spec=argument_spec(),
        supports_check_mode=True,
        required_one_of=[("role_name", "user_name", "group_name")],
        mutually_exclusive=[("role_name", "user_name", "group_name")],
    )
    desired = validate(module)
    try:
        result = run(module, desired)
    except RamError as error:
        if error.code == "EntityNotExist.Policy":
            module.fail_ram_error(error, msg=f"policy_name: the {desired.policy_type} policy {desired.policy_name!r} does not exist ({error})")
        module.fail_ram_error(error)
    if not module._diff:
        result.pop("diff")
    module.exit_json(**result)


if __name__ == "__main__":
    main()
