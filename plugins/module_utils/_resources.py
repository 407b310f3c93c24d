# Copyright: (c) 2026, alibabacloud.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""RAM resource helpers shared by this collection's modules, for its internal use only (private API).

Name and tag rules (checked before any API call), shell-style name filters, tag reconciliation and the
views of API maps that the modules return.
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

# Name rules from the RAM API reference (2015-05-01). They are checked locally so that a typo fails with the
# option's name and the rule before any call, instead of with an API error after a round trip.
NAME_RULES: dict[str, tuple[re.Pattern[str], int, str]] = {
    "policy": (re.compile(r"^[A-Za-z0-9-]+$"), 128, "letters, digits and '-'"),
    "role": (re.compile(r"^[A-Za-z0-9.-]+$"), 64, "letters, digits, '.' and '-'"),
    "user": (re.compile(r"^[A-Za-z0-9._-]+$"), 64, "letters, digits, '.', '_' and '-'"),
    "group": (re.compile(r"^[A-Za-z0-9-]+$"), 64, "letters, digits and '-'"),
}

MAX_DESCRIPTION_LENGTH = 1024
MAX_TAGS = 20
MAX_TAG_KEY_LENGTH = 128
MAX_TAG_VALUE_LENGTH = 128
# RAM reserves these prefixes for system tags; it refuses them in TagResources.
RESERVED_TAG_PREFIXES = ("acs:", "aliyun")


def name_error(value: Any, option: str, kind: str) -> str | None:
    """Why value is not a valid RAM name of kind (policy, role, user, group), or None when it is valid."""
    pattern, max_length, allowed = NAME_RULES[kind]
    if not isinstance(value, str) or not value:
        return f"{option}: must be a non-empty string of 1 to {max_length} characters ({allowed})"
    if len(value) > max_length:
        return f"{option}: {value[:40]!r}... is {len(value)} characters long, the limit is {max_length}"
    if not pattern.match(value):
        return f"{option}: {value!r} may only contain {allowed}"
    return None


def lookup_error(name: Any, name_filter: Any, kind: str) -> str | None:
    """Why the name / name_filter options of an info module are invalid, or None.

    A name RAM could never hold cannot exist, and an empty pattern matches nothing: both are refused before any call.
    """
    if name is not None:
        return name_error(name, "name", kind)
    if name_filter is not None and not name_filter:
        return f"name_filter: must not be empty; leave it out to list every {kind}"
    return None


def description_error(value: Any, option: str = "description") -> str | None:
    """Why value is not a valid description, or None (None itself means 'leave alone' and is valid)."""
    if value is None:
        return None
    if len(value) > MAX_DESCRIPTION_LENGTH:
        return f"{option}: is {len(value)} characters long, the limit is {MAX_DESCRIPTION_LENGTH}"
    return None


def normalize_tags(tags: Mapping[Any, Any] | None, option: str = "tags") -> tuple[dict[str, str] | None, str | None]:
    """Check tags against the RAM rules and return (tags as str -> str, None) or (None, error message).

    Numbers are accepted as values and turned into text because YAML reads ``build: 42`` as an integer; booleans
    and null are refused because their spelling (True/true/yes) would be a guess.
    """
    if tags is None:
        return None, None
    if len(tags) > MAX_TAGS:
        return None, f"{option}: {len(tags)} tags given, RAM allows at most {MAX_TAGS} per resource"
    result: dict[str, str] = {}
    for key, value in tags.items():
        if not isinstance(key, str) or not key:
            return None, f"{option}: tag keys must be non-empty strings, got {key!r}"
        if len(key) > MAX_TAG_KEY_LENGTH:
            return None, f"{option}: tag key {key[:40]!r}... is longer than {MAX_TAG_KEY_LENGTH} characters"
        if key.lower().startswith(RESERVED_TAG_PREFIXES):
            return None, f"{option}: tag key {key!r} must not start with 'acs:' or 'aliyun' (reserved by Alibaba Cloud)"
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            return None, f"{option}: the value of tag {key!r} must be a string, got {type(value).__name__}"
        text = str(value)
        if len(text) > MAX_TAG_VALUE_LENGTH:
            return None, f"{option}: the value of tag {key!r} is longer than {MAX_TAG_VALUE_LENGTH} characters"
        result[key] = text
    return result, None


def reconcile_tags(
    api: Any,
    resource_type: str,
    name: str,
    current: Mapping[str, str] | None,
    desired: Mapping[str, str] | None,
    purge: bool,
    check_mode: bool,
) -> dict[str, str] | None:
    """Bring the tags of a role or policy to desired; extra keys go only when purging, nothing is sent in check mode.

    Returns the tags the resource carries afterwards, or None when there is nothing to change (desired None included).
    """
    if desired is None:
        return None
    current = current or {}
    to_set = {key: value for key, value in desired.items() if current.get(key) != value}
    to_remove = sorted(key for key in current if key not in desired) if purge else []
    if not to_set and not to_remove:
        return None
    if not check_mode:
        # Removals first, so that a resource at the tag limit can take its new tags.
        if to_remove:
            api.untag_resource(resource_type, name, to_remove)
        if to_set:
            api.tag_resource(resource_type, name, to_set)
    after = {key: value for key, value in current.items() if key not in to_remove}
    after.update(to_set)
    return after


def matches_name_filter(name: str, pattern: str | None) -> bool:
    """Shell-style glob match (``*``, ``?``, ``[...]``), case-sensitive on every platform; no pattern matches all."""
    return pattern is None or fnmatch.fnmatchcase(name, pattern)


def tags_from_api(tags: Any) -> dict[str, str]:
    """Tags from a list reply (``{"Tag": [{"TagKey": ..., "TagValue": ...}]}``) as a plain dict."""
    if not isinstance(tags, Mapping):
        return {}
    return {entry["TagKey"]: entry.get("TagValue") or "" for entry in tags.get("Tag") or [] if entry.get("TagKey")}


def parse_stored_document(text: Any) -> Any:
    """A document as RAM stores it: json.loads of its text, not canonicalised; text that is not JSON stays text."""
    if not isinstance(text, str):
        return text
    try:
        return json.loads(text)
    except ValueError:
        return text


def default_document(reply: Mapping[str, Any]) -> Any:
    """The default version's document from a GetPolicy reply, as stored (see parse_stored_document)."""
    default = reply.get("DefaultPolicyVersion") or {}
    return parse_stored_document(default.get("PolicyDocument", (reply.get("Policy") or {}).get("PolicyDocument")))


def policy_view(wire: Mapping[str, Any]) -> dict[str, Any]:
    """A policy's ``Policy`` map (GetPolicy, ListPolicies, CreatePolicy) as the policy and policy_info modules return it.

    Dates appear only when RAM sent them: check mode's projection of a new policy has none.
    """
    view: dict[str, Any] = {
        "name": wire.get("PolicyName"),
        "type": wire.get("PolicyType"),
        "description": wire.get("Description") or "",
        "default_version": wire.get("DefaultVersion"),
        "attachment_count": wire.get("AttachmentCount", 0),
    }
    for key, wire_key in (("create_date", "CreateDate"), ("update_date", "UpdateDate")):
        if wire.get(wire_key) is not None:
            view[key] = wire[wire_key]
    return view


# Keys of a role's wire map that a view shows only when RAM sent them: check mode's projection of a new role has no id
# or dates, CreateRole replies carry no UpdateDate and ListRoles entries no trust document.
_ROLE_FIELDS_WHEN_KNOWN = (
    ("id", "RoleId"),
    ("arn", "Arn"),
    ("create_date", "CreateDate"),
    ("update_date", "UpdateDate"),
    ("is_service_linked_role", "IsServiceLinkedRole"),
)


def attached_policy_view(policy: Mapping[str, Any]) -> dict[str, Any]:
    """One entry of ListPoliciesForRole as the modules return it."""
    return {
        "policy_name": policy.get("PolicyName"),
        "policy_type": policy.get("PolicyType"),
        "default_version": policy.get("DefaultVersion"),
        "attach_date": policy.get("AttachDate"),
        "description": policy.get("Description") or "",
    }


def role_view(
    wire: Mapping[str, Any],
    *,
    tags: Mapping[str, str] | None = None,
    attached: Iterable[Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """A role as the role and role_info modules return it; the trust document as stored, parsed but not normalised."""
    view: dict[str, Any] = {
        "name": wire.get("RoleName"),
        "description": wire.get("Description") or "",
        "max_session_duration": wire.get("MaxSessionDuration"),
    }
    for key, wire_key in _ROLE_FIELDS_WHEN_KNOWN:
        if wire.get(wire_key) is not None:
            view[key] = wire[wire_key]
    if "AssumeRolePolicyDocument" in wire:
        view["assume_role_policy_document"] = parse_stored_document(wire["AssumeRolePolicyDocument"])
    if tags is not None:
        view["tags"] = dict(tags)
    if attached is not None:
        view["attached_policies"] = [attached_policy_view(policy) for policy in attached]
    return view
