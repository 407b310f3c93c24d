"""Policy and trust document grammar checks, the textual 'reformat' mode, and the System policy catalogue."""

from __future__ import annotations

import json
from typing import Any

from .errors import ApiError, invalid

MAX_DOCUMENT_LENGTH = 6144
_EFFECTS = ("allow", "deny")


def _malformed(message: str) -> ApiError:
    return invalid("MalformedPolicyDocument", f"The policy document is malformed: {message}")


def _string_or_strings(value: Any) -> bool:
    if isinstance(value, str):
        return bool(value)
    return isinstance(value, list) and bool(value) and all(isinstance(item, str) and item for item in value)


def _key(mapping: dict[str, Any], name: str) -> str | None:
    """The key of ``mapping`` equal to ``name`` ignoring case (RAM documents are read case-insensitively)."""
    lowered = name.lower()
    for key in mapping:
        if key.lower() == lowered:
            return key
    return None


def parse_document(text: str, parameter: str, trust: bool = False) -> dict[str, Any]:
    """Validate a policy (or, with ``trust``, a role trust) document and return it parsed."""
    if len(text) > MAX_DOCUMENT_LENGTH:
        raise invalid(f"InvalidParameter.{parameter}.Length", f"The parameter {parameter} exceeds {MAX_DOCUMENT_LENGTH} characters.")
    try:
        document = json.loads(text)
    except ValueError as error:
        raise _malformed(f"not valid JSON ({error})") from None
    if not isinstance(document, dict):
        raise _malformed("the document must be a JSON object")
    version_key = _key(document, "Version")
    if version_key is None or document[version_key] != "1":
        raise _malformed('Version must be "1"')
    statement_key = _key(document, "Statement")
    statements = document.get(statement_key) if statement_key else None
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list) or not statements:
        raise _malformed("Statement must be a non-empty list")
    for index, statement in enumerate(statements):
        _check_statement(statement, index, trust)
    return document


def _check_statement(statement: Any, index: int, trust: bool) -> None:
    where = f"Statement[{index}]"
    if not isinstance(statement, dict):
        raise _malformed(f"{where} must be an object")
    effect_key = _key(statement, "Effect")
    if effect_key is None or not isinstance(statement[effect_key], str) or statement[effect_key].lower() not in _EFFECTS:
        raise _malformed(f"{where}.Effect must be Allow or Deny")
    action_key = _key(statement, "Action") or _key(statement, "NotAction")
    if action_key is None or not _string_or_strings(statement[action_key]):
        raise _malformed(f"{where} needs Action: a string or a list of strings")
    if trust:
        principal_key = _key(statement, "Principal")
        principal = statement.get(principal_key) if principal_key else None
        if not isinstance(principal, dict) or not principal:
            raise _malformed(f"{where} of a trust policy needs a Principal object")
        for kind, value in principal.items():
            if kind.lower() not in ("ram", "service", "federated") or not _string_or_strings(value):
                raise _malformed(f"{where}.Principal.{kind} is not a RAM, Service or Federated principal list")
    else:
        resource_key = _key(statement, "Resource") or _key(statement, "NotResource")
        if resource_key is None or not _string_or_strings(statement[resource_key]):
            raise _malformed(f"{where} needs Resource: a string or a list of strings")
    condition_key = _key(statement, "Condition")
    if condition_key is not None and not isinstance(statement[condition_key], dict):
        raise _malformed(f"{where}.Condition must be an object")


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def statements_of(document: dict[str, Any]) -> list[dict[str, Any]]:
    key = _key(document, "Statement")
    return as_list(document.get(key)) if key else []


def get_ci(mapping: dict[str, Any], name: str) -> Any:
    key = _key(mapping, name)
    return mapping.get(key) if key is not None else None


# --- reformat mode --------------------------------------------------------------------------------------------
# The live service hands trust documents back re-laid-out. This mode goes further on purpose, so that clients
# prove they compare documents by meaning: every variation below keeps the document's meaning.
_LIST_VALUED = ("action", "notaction", "resource", "notresource", "ram", "service", "federated")


def _flip_scalar(value: Any) -> Any:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and len(value) == 1:
        return value[0]
    if isinstance(value, list):
        return list(reversed(value))
    return value


def _reformat_node(node: Any, parent_key: str = "") -> Any:
    if isinstance(node, list):
        return [_reformat_node(item, parent_key) for item in reversed(node)]
    if not isinstance(node, dict):
        return node
    result: dict[str, Any] = {}
    for key in reversed(list(node)):
        value = node[key]
        lowered = key.lower()
        new_key = key
        if parent_key == "principal":
            # RAM <-> ram, Service <-> service: principal kinds are matched case-insensitively.
            new_key = lowered if key != lowered else (key.upper() if lowered == "ram" else key.capitalize())
        if lowered == "effect" and isinstance(value, str):
            value = value.upper() if value != value.upper() else value.capitalize()
        elif lowered in _LIST_VALUED:
            value = _flip_scalar(value)
        elif lowered == "statement" and isinstance(value, list):
            value = [_reformat_node(item, lowered) for item in reversed(value)]
        else:
            value = _reformat_node(value, lowered)
        result[new_key] = value
    return result


def reformat_document(text: str) -> str:
    """Return ``text`` laid out and spelled differently but meaning the same (unparseable text is returned as is)."""
    try:
        document = json.loads(text)
    except ValueError:
        return text
    return json.dumps(_reformat_node(document), indent=3, separators=(" ,", " : "))


# --- System policies ------------------------------------------------------------------------------------------
def _allow(actions: list[str], resource: str = "*") -> str:
    statement = {"Action": actions[0] if len(actions) == 1 else actions, "Resource": resource, "Effect": "Allow"}
    return json.dumps({"Version": "1", "Statement": [statement]}, indent=4)


SYSTEM_POLICIES: dict[str, tuple[str, str]] = {
    "AdministratorAccess": ("Provides full access to Alibaba Cloud services and resources.", _allow(["*"])),
    "ReadOnlyAccess": (
        "Provides read-only access to Alibaba Cloud services and resources.",
        _allow(["*:Describe*", "*:List*", "*:Get*", "*:BatchGet*", "*:Query*", "*:BatchQuery*"]),
    ),
    "AliyunOSSFullAccess": ("Provides full access to Object Storage Service (OSS) via Management Console.", _allow(["oss:*"])),
    "AliyunOSSReadOnlyAccess": ("Provides read-only access to Object Storage Service (OSS) via Management Console.", _allow(["oss:Get*", "oss:List*"])),
    "AliyunContainerRegistryFullAccess": ("Provides full access to Container Registry (CR) via Management Console.", _allow(["cr:*"])),
    "AliyunECSFullAccess": ("Provides full access to Elastic Compute Service (ECS) via Management Console.", _allow(["ecs:*"])),
    "AliyunRAMReadOnlyAccess": (
        "Provides read-only access to Resource Access Management (RAM) via Management Console.",
        _allow(["ram:Get*", "ram:List*"]),
    ),
    "AliyunSTSAssumeRoleAccess": (
        "Provides access to call the AssumeRole API of Security Token Service (STS).",
        _allow(["sts:AssumeRole"]),
    ),
    "AliyunVPCReadOnlyAccess": (
        "Provides read-only access to Virtual Private Cloud (VPC) via Management Console.",
        _allow(["vpc:Describe*", "vpc:Get*", "vpc:List*"]),
    ),
    "AliyunCloudMonitorReadOnlyAccess": (
        "Provides read-only access to CloudMonitor via Management Console.",
        _allow(["cms:Get*", "cms:Describe*", "cms:List*", "cms:Query*"]),
    ),
    "AliyunResourceDirectoryFullAccess": ("Provides full access to Resource Directory.", _allow(["resourcemanager:*"])),
}
# System policies exist since before any account: one fixed creation date keeps replies stable.
SYSTEM_POLICY_DATE = "2015-04-28T16:00:00Z"
