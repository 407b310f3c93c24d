# Copyright: (c) 2026, alibabacloud.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: role_info
short_description: Read Alibaba Cloud RAM roles
version_added: 1.0.0
description:
  - Returns one RAM role by exact name, or every role of the account (paging through all C(ListRoles) pages),
    optionally narrowed with a shell-style pattern.
  - Never changes anything, so it runs normally in check mode.
  - "Cost in API calls: by O(name), one C(GetRole), plus one C(ListPoliciesForRole) with
    O(include_attached_policies) and one C(ListTagResources) with O(include_tags). Listing, one C(ListRoles) per
    100 roles, plus, for B(each) role returned, one C(GetRole) with O(include_trust_policy) and one
    C(ListPoliciesForRole) with O(include_attached_policies). Those per-role options are off by default because
    on an account with many roles they multiply the calls (and the risk of throttling); narrow the list with
    O(name_filter) first."
author:
  - alibabacloud.ram contributors (@alibabacloud)
options:
  name:
    description:
      - Exact name of one role. RAM matches role names case-insensitively.
      - When the role does not exist, RV(roles) is an empty list (not a failure).
      - Mutually exclusive with O(name_filter).
    type: str
  name_filter:
    description:
      - Shell-style pattern (C(*), C(?), C([seq])) the role names must match, for example V(Aliyun*) or
        V(app-?-reader). Matching is case-sensitive against the name as RAM stores it.
      - Without O(name) and O(name_filter) every role of the account is returned. An empty pattern is refused.
    type: str
  include_trust_policy:
    description:
      - When listing, also read each role's trust policy (and whether it is service-linked) with one C(GetRole)
        per role. C(ListRoles) does not return them.
      - Always included when reading by O(name), at no extra cost.
    type: bool
    default: false
  include_attached_policies:
    description:
      - Also return the policies attached to each role, with one C(ListPoliciesForRole) call per role.
    type: bool
    default: false
  include_tags:
    description:
      - When reading by O(name), also return the role's tags, with one C(ListTagResources) call.
      - When listing, tags are always returned, because C(ListRoles) carries them.
    type: bool
    default: false
seealso:
  - module: alibabacloud.ram.role
extends_documentation_fragment:
  - alibabacloud.ram.connection
  - alibabacloud.ram.connection.modules
  - alibabacloud.ram.attributes
  - alibabacloud.ram.attributes.info_module
"""

EXAMPLES = r"""
- name: Read the Container Registry role with its attached policies
  alibabacloud.ram.role_info:
    name: AliyunContainerRegistryCustomizedOSSBucketRole
    include_attached_policies: true
  register: cr_role

- name: Fail when the role is missing or does not trust Container Registry
  ansible.builtin.assert:
    that:
      - cr_role.roles | length == 1
      - "'cr.aliyuncs.com' in (cr_role.roles[0].assume_role_policy_document | string)"

- name: List every role of the account (one ListRoles call per 100 roles)
  alibabacloud.ram.role_info:
  register: all_roles

- name: Names of all roles
  ansible.builtin.debug:
    msg: "{{ all_roles.roles | map(attribute='name') | list }}"

- name: Audit the trust policies of the application roles only
  alibabacloud.ram.role_info:
    name_filter: "app-*"
    include_trust_policy: true
  register: app_roles
"""

RETURN = r"""
roles:
  description:
    - The roles found, sorted by name as RAM lists them. Empty when nothing matches, including a missing O(name).
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Role name as RAM stores it.
      type: str
      sample: AliyunContainerRegistryCustomizedOSSBucketRole
    id:
      description: Role id.
      type: str
      sample: "300000000000000123"
    arn:
      description: Role ARN.
      type: str
      sample: acs:ram::1000000000000002:role/aliyuncontainerregistrycustomizedossbucketrole
    description:
      description: Description of the role.
      type: str
      sample: Lets Container Registry use our OSS bucket
    max_session_duration:
      description: Longest STS session for the role, in seconds.
      type: int
      sample: 3600
    assume_role_policy_document:
      description: The trust policy exactly as stored (parsed from the JSON RAM returns, not normalised).
      type: dict
      returned: when reading by O(name), or with O(include_trust_policy)
      sample:
        Version: "1"
        Statement:
          - Action: sts:AssumeRole
            Effect: Allow
            Principal:
              Service:
                - cr.aliyuncs.com
    is_service_linked_role:
      description: Whether the role is a service-linked role.
      type: bool
      returned: when reading by O(name), or with O(include_trust_policy)
      sample: false
    create_date:
      description: When the role was created (UTC, ISO 8601).
      type: str
      sample: "2026-01-05T10:00:00Z"
    update_date:
      description: When the role was last changed (UTC, ISO 8601).
      type: str
      sample: "2026-01-05T10:00:00Z"
    tags:
      description: Tags of the role.
      type: dict
      returned: when listing, or with O(include_tags)
      sample:
        team: platform
    attached_policies:
      description: Policies attached to the role.
      type: list
      elements: dict
      returned: with O(include_attached_policies)
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
"""

from typing import Any

from ansible_collections.alibabacloud.ram.plugins.module_utils._errors import RamError
from ansible_collections.alibabacloud.ram.plugins.module_utils._module import AlibabaCloudRAMModule
from ansible_collections.alibabacloud.ram.plugins.module_utils._resources import lookup_error, matches_name_filter, role_view, tags_from_api


def role_by_name(api, name: str, *, include_attached: bool, include_tags: bool) -> list[dict[str, Any]]:
    role = api.get_role(name)
    if role is None:
        return []
    stored_name = role.get("RoleName") or name
    tags = dict(api.list_tags("role", stored_name)) if include_tags else None
    attached = api.list_policies_for_role(stored_name) if include_attached else None
    return [role_view(role, tags=tags, attached=attached)]


def listed_roles(api, name_filter: str | None, *, include_trust: bool, include_attached: bool) -> list[dict[str, Any]]:
    roles = []
    for listed in api.list_roles():
        name = listed.get("RoleName") or ""
        if not matches_name_filter(name, name_filter):
            continue
        wire = dict(listed)
        if include_trust:
            detail = api.get_role(name)
            if detail is None:
                # Deleted between the listing and this read: it no longer exists, so leave it out.
                continue
            wire.update(detail)
        attached = api.list_policies_for_role(name) if include_attached else None
        roles.append(role_view(wire, tags=tags_from_api(listed.get("Tags")), attached=attached))
    return roles


def main() -> None:
    argument_spec = {
        "name": {"type": "str"},
        "name_filter": {"type": "str"},
        "include_trust_policy": {"type": "bool", "default": False},
        "include_attached_policies": {"type": "bool", "default": False},
        "include_tags": {"type": "bool", "default": False},
    }
    module = AlibabaCloudRAMModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        mutually_exclusive=[("name", "name_filter")],
    )
    params = module.params
    problem = lookup_error(params["name"], params["name_filter"], "role")
    if problem:
        module.fail_json(msg=problem)

    api = module.ram
    try:
        if params["name"] is not None:
            roles = role_by_name(api, params["name"], include_attached=params["include_attached_policies"], include_tags=params["include_tags"])
        else:
            roles = listed_roles(
                api, params["name_filter"], include_trust=params["include_trust_policy"], include_attached=params["include_attached_policies"]
            )
    except RamError as error:
        module.fail_ram_error(error)
    module.exit_json(changed=False, roles=roles)


if __name__ == "__main__":
    main()
