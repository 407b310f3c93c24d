#!/usr/bin/python
# Copyright: (c) 2026, alibabacloud.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: policy_info
short_description: Read RAM policies, their documents and versions
version_added: 0.1.0
description:
  - Look up one RAM policy by its exact name, or list policies, optionally filtered by a shell-style pattern and by type.
  - Nothing is changed; the module runs in check mode too.
  - "API calls: one C(GetPolicy) for an exact O(name) (two when O(policy_type=All) and it is not a custom policy);
    one C(ListPolicies) per page of 100 policies when listing. Listing with O(include_document) or O(include_versions)
    costs one more call per matching policy (C(ListPolicyVersions) with O(include_versions), which then also supplies
    the document; C(GetPolicy) otherwise)."
author:
  - alibabacloud.ram contributors (@alibabacloud)
options:
  name:
    description:
      - Exact name of one policy (RAM matches names regardless of case). A policy that does not exist yields an empty RV(policies).
      - The document comes with the policy at no extra cost, so O(include_document) is implied.
      - Mutually exclusive with O(name_filter).
    type: str
  name_filter:
    description:
      - Shell-style pattern the policy name must match when listing, case-sensitive (C(*), C(?), C([abc]), C([!abc])),
        the same rules as the O(alibabacloud.ram.role_info#module:name_filter) option of M(alibabacloud.ram.role_info).
      - When neither O(name) nor O(name_filter) is given, every policy of O(policy_type) is returned.
    type: str
  policy_type:
    description:
      - Which policies to look at. V(Custom) policies belong to the account; V(System) policies are provided by
        Alibaba Cloud (there are many); V(All) is both.
      - With O(name) and V(All), the custom policy is looked up first, then the system one.
    type: str
    choices: [Custom, System, All]
    default: Custom
  include_document:
    description:
      - Return the document of each policy's default version in RV(policies[].document).
      - When listing, costs one API call per matching policy (none with O(name) or with O(include_versions)).
    type: bool
    default: false
  include_versions:
    description:
      - Return every version of each policy, with its document, in RV(policies[].versions).
      - Costs one API call per matching policy.
    type: bool
    default: false
extends_documentation_fragment:
  - alibabacloud.ram.connection
  - alibabacloud.ram.connection.modules
  - alibabacloud.ram.attributes
  - alibabacloud.ram.attributes.info_module
seealso:
  - module: alibabacloud.ram.policy
"""

EXAMPLES = r"""
- name: Read the Container Registry policy with its document
  alibabacloud.ram.policy_info:
    name: AliyunContainerRegistryCustomizedOSSBucketRolePolicy
  register: cr_policy

- name: Fail when the policy is missing
  ansible.builtin.assert:
    that: cr_policy.policies | length == 1

- name: List the custom policies of the CI team with every version
  alibabacloud.ram.policy_info:
    name_filter: "ci-*"
    include_versions: true
  register: ci_policies

- name: Find the system policies for OSS
  alibabacloud.ram.policy_info:
    name_filter: "AliyunOSS*"
    policy_type: System
  register: oss_policies
"""

RETURN = r"""
policies:
  description: The matching policies, sorted by type and name; empty when nothing matches.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Name of the policy.
      type: str
      sample: AliyunContainerRegistryCustomizedOSSBucketRolePolicy
    type:
      description: V(Custom) or V(System).
      type: str
      sample: Custom
    description:
      description: Description of the policy.
      type: str
      sample: Lets Container Registry use a custom OSS bucket
    default_version:
      description: Id of the default version.
      type: str
      sample: v2
    attachment_count:
      description: Number of roles, users and groups the policy is attached to.
      type: int
      sample: 1
    create_date:
      description: When the policy was created (UTC).
      type: str
      sample: "2026-01-12T09:30:00Z"
    update_date:
      description: When the policy was last changed (UTC).
      type: str
      sample: "2026-01-12T09:45:00Z"
    tags:
      description: Tags of the policy. The list reply carries them; the single-policy reply does not.
      type: dict
      returned: when listing (without O(name))
      sample: {"team": "platform"}
    document:
      description: Document of the default version exactly as RAM stores it (parsed from JSON, not normalised).
      type: dict
      returned: with O(name), or with O(include_document) or O(include_versions)
      sample: {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "oss:ListBuckets", "Resource": "*"}]}
    versions:
      description: Every version of the policy, in the order RAM lists them.
      type: list
      elements: dict
      returned: with O(include_versions)
      contains:
        version_id:
          description: Id of the version.
          type: str
          sample: v1
        is_default_version:
          description: Whether this is the default version.
          type: bool
          sample: true
        create_date:
          description: When the version was created (UTC).
          type: str
          sample: "2026-01-12T09:30:00Z"
        document:
          description: Document of the version exactly as RAM stores it.
          type: dict
          sample: {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "oss:ListBuckets", "Resource": "*"}]}
"""

from typing import Any

from ansible_collections.alibabacloud.ram.plugins.module_utils._errors import RamError
from ansible_collections.alibabacloud.ram.plugins.module_utils._module import AlibabaCloudRAMModule
from ansible_collections.alibabacloud.ram.plugins.module_utils._resources import (
    default_document,
    lookup_error,
    matches_name_filter,
    parse_stored_document,
    policy_view,
    tags_from_api,
)

POLICY_TYPES = {"Custom": ("Custom",), "System": ("System",), "All": ("Custom", "System")}


def listed_policy_view(wire: dict[str, Any]) -> dict[str, Any]:
    """A ListPolicies entry, which (unlike GetPolicy) carries the tags."""
    view = policy_view(wire)
    if "Tags" in wire:
        view["tags"] = tags_from_api(wire["Tags"])
    return view


def version_view(version: dict[str, Any]) -> dict[str, Any]:
    return {
        "version_id": version.get("VersionId"),
        "is_default_version": bool(version.get("IsDefaultVersion")),
        "create_date": version.get("CreateDate"),
        "document": parse_stored_document(version.get("PolicyDocument")),
    }


def add_versions(api: Any, view: dict[str, Any]) -> None:
    versions = api.list_policy_versions(view["name"], view["type"])
    view["versions"] = [version_view(version) for version in versions]
    default = next((version for version in view["versions"] if version["is_default_version"]), None)
    if default is not None:
        # The versions already carry the documents: no need for a GetPolicy per policy on top.
        view["document"] = default["document"]


def policy_by_name(api: Any, name: str, policy_types: tuple[str, ...], include_versions: bool) -> list[dict[str, Any]]:
    for policy_type in policy_types:
        reply = api.get_policy(name, policy_type)
        if reply is None:
            continue
        view = policy_view(reply.get("Policy") or {})
        view["document"] = default_document(reply)
        if include_versions:
            add_versions(api, view)
        return [view]
    return []


def listed_policies(api: Any, name_filter: str | None, policy_type: str, include_document: bool, include_versions: bool) -> list[dict[str, Any]]:
    # ListPolicies without a type returns both kinds in one listing, which is fewer pages than two listings.
    wire_policies = api.list_policies(policy_type=None if policy_type == "All" else policy_type)
    views = [listed_policy_view(policy) for policy in wire_policies if matches_name_filter(policy.get("PolicyName") or "", name_filter)]
    views.sort(key=lambda view: (view["type"] or "", view["name"] or ""))
    for view in views:
        if include_versions:
            add_versions(api, view)
        elif include_document:
            view["document"] = default_document(api.get_policy(view["name"], view["type"]) or {})
    return views


def main() -> None:
    module = AlibabaCloudRAMModule(
        argument_spec={
            "name": {"type": "str"},
            "name_filter": {"type": "str"},
            "policy_type": {"type": "str", "choices": list(POLICY_TYPES), "default": "Custom"},
            "include_document": {"type": "bool", "default": False},
            "include_versions": {"type": "bool", "default": False},
        },
        supports_check_mode=True,
        mutually_exclusive=[("name", "name_filter")],
    )
    params = module.params
    problem = lookup_error(params["name"], params["name_filter"], "policy")
    if problem:
        module.fail_json(msg=problem)
    try:
        if params["name"] is not None:
            policies = policy_by_name(module.ram, params["name"], POLICY_TYPES[params["policy_type"]], params["include_versions"])
        else:
            policies = listed_policies(module.ram, params["name_filter"], params["policy_type"], params["include_document"], params["include_versions"])
    except RamError as error:
        module.fail_ram_error(error)
    module.exit_json(changed=False, policies=policies)


if __name__ == "__main__":
    main()
