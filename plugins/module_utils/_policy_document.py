# Copyright: (c) 2026, alibabacloud.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""RAM policy documents for this collection's internal use only (private API): parse, validate, canonicalise, compare."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

MAX_POLICY_DOCUMENT_LENGTH = 6144

# The element names RAM documents for a statement; anything else is rejected rather than silently sent,
# because an unknown key is almost always a typo that would change what the document means.
_STATEMENT_KEYS = ("Effect", "Action", "NotAction", "Resource", "NotResource", "Principal", "Condition")
_EFFECTS = {"allow": "Allow", "deny": "Deny"}
# Principal kinds are matched case-insensitively; the canonical spelling is the one RAM documents.
_PRINCIPAL_KINDS = {"ram": "RAM", "service": "Service", "federated": "Federated"}
_LIST_ELEMENTS = ("Action", "NotAction", "Resource", "NotResource")

_ACCOUNT_ID_PATTERN = re.compile(r"^[0-9]+$")
_SERVICE_PATTERN = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.aliyuncs\.com$")

# How much of an offending value an error message quotes: enough to recognise it, never a whole document.
_SHOWN_VALUE_LENGTH = 80


class PolicyDocumentError(ValueError):
    """A policy document that is not valid JSON, breaks the RAM policy grammar, or is too long."""


def _show(value: object) -> str:
    """Render an offending value for an error message, as JSON where possible, shortened."""
    try:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    except (TypeError, ValueError, RecursionError):
        text = repr(value)
    if len(text) > _SHOWN_VALUE_LENGTH:
        text = f"{text[:_SHOWN_VALUE_LENGTH - 3]}..."
    return text


def _type_name(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return f"a {type(value).__name__}"


def _is_list(value: object) -> bool:
    return isinstance(value, (list, tuple))


def _reject_duplicate_keys(pairs: list) -> dict:
    # json.loads would keep the last of two equal keys without a word; RAM's choice is unknown, so refuse.
    result: dict = {}
    for key, value in pairs:
        if key in result:
            raise PolicyDocumentError(f"duplicate key {_show(key)} in JSON object")
        result[key] = value
    return result


def _reject_constant(name: str) -> object:
    raise PolicyDocumentError(f"{name} is not valid JSON")


def _parse_json(text: str) -> object:
    return json.loads(text, object_pairs_hook=_reject_duplicate_keys, parse_constant=_reject_constant)


def _to_plain_json(value: object, option: str) -> dict:
    """Parse a JSON string or copy a mapping into plain JSON types (dict, list, str, ...)."""
    if isinstance(value, str):
        try:
            parsed = _parse_json(value)
        except PolicyDocumentError as error:
            raise PolicyDocumentError(f"{option}: {error}") from None
        except ValueError as error:
            raise PolicyDocumentError(f"{option}: not valid JSON: {error}") from None
        except RecursionError:
            raise PolicyDocumentError(f"{option}: JSON nested too deeply") from None
    elif isinstance(value, Mapping):
        # A round trip through JSON copies the caller's data, turns str subclasses (Ansible's unsafe text)
        # and tuples into plain types, and catches values JSON cannot carry before they reach the API.
        try:
            parsed = _parse_json(json.dumps(value, ensure_ascii=False, allow_nan=False))
        except (TypeError, ValueError) as error:
            raise PolicyDocumentError(f"{option}: cannot be represented as JSON: {error}") from None
        except RecursionError:
            raise PolicyDocumentError(f"{option}: nested too deeply") from None
    else:
        raise PolicyDocumentError(f"{option}: must be a JSON object or a string holding one, got {_type_name(value)}")
    if not isinstance(parsed, dict):
        raise PolicyDocumentError(f"{option}: must be a JSON object, got {_type_name(parsed)}")
    return parsed


def _check_string(value: object, where: str) -> None:
    if not isinstance(value, str):
        raise PolicyDocumentError(f"{where}: must be a string, got {_type_name(value)} {_show(value)}")
    if not value:
        raise PolicyDocumentError(f"{where}: must not be an empty string")


def _check_string_or_list(value: object, where: str) -> None:
    """A single string or a non-empty list of non-empty strings (RAM treats "x" and ["x"] alike)."""
    if _is_list(value):
        if not value:
            raise PolicyDocumentError(f"{where}: must not be an empty list")
        for index, item in enumerate(value):
            _check_string(item, f"{where}[{index}]")
    elif isinstance(value, str):
        _check_string(value, where)
    else:
        raise PolicyDocumentError(f"{where}: must be a string or a list of strings, got {_type_name(value)} {_show(value)}")


def _check_principal(principal: object, where: str) -> None:
    if not isinstance(principal, Mapping):
        raise PolicyDocumentError(f"{where}: must be an object with RAM, Service or Federated keys, got {_type_name(principal)}")
    if not principal:
        raise PolicyDocumentError(f"{where}: must name at least one of RAM, Service or Federated")
    seen_kinds: dict = {}
    for kind, value in principal.items():
        canonical_kind = _PRINCIPAL_KINDS.get(kind.lower()) if isinstance(kind, str) else None
        if canonical_kind is None:
            raise PolicyDocumentError(f"{where}: unknown principal kind {_show(kind)}, expected RAM, Service or Federated")
        if canonical_kind in seen_kinds:
            # "RAM" and "ram" in one object would otherwise be merged or one dropped, depending on the reader.
            raise PolicyDocumentError(f"{where}: principal kind {canonical_kind} given twice ({_show(seen_kinds[canonical_kind])} and {_show(kind)})")
        seen_kinds[canonical_kind] = kind
        _check_string_or_list(value, f"{where}.{kind}")


def _check_condition(condition: object, where: str) -> None:
    if not isinstance(condition, Mapping):
        raise PolicyDocumentError(f"{where}: must be an object mapping operators to {{key: value}} objects, got {_type_name(condition)}")
    for operator, block in condition.items():
        if not isinstance(operator, str) or not operator:
            raise PolicyDocumentError(f"{where}: operator names must be non-empty strings, got {_show(operator)}")
        block_where = f"{where}.{operator}"
        if not isinstance(block, Mapping):
            raise PolicyDocumentError(f"{block_where}: must be an object mapping condition keys to values, got {_type_name(block)}")
        if not block:
            # Whether RAM reads an operator without keys as "always true" is undocumented: refuse to guess.
            raise PolicyDocumentError(f"{block_where}: must name at least one condition key")
        for key, values in block.items():
            if not isinstance(key, str) or not key:
                raise PolicyDocumentError(f"{block_where}: condition keys must be non-empty strings, got {_show(key)}")
            key_where = f"{block_where}.{key}"
            if _is_list(values):
                if not values:
                    raise PolicyDocumentError(f"{key_where}: must not be an empty list")
                items = list(enumerate(values))
            else:
                items = [(None, values)]
            for index, item in items:
                item_where = key_where if index is None else f"{key_where}[{index}]"
                if not isinstance(item, str):
                    # The RAM grammar requires numbers and booleans in conditions to be quoted.
                    raise PolicyDocumentError(
                        f"{item_where}: must be a string (RAM requires numbers and booleans to be quoted, e.g. \"true\"), "
                        f"got {_type_name(item)} {_show(item)}"
                    )


def _check_statement(statement: object, where: str, trust: bool | None) -> None:
    """Check one statement; trust=None accepts both permission and trust statements (for comparisons)."""
    if not isinstance(statement, Mapping):
        raise PolicyDocumentError(f"{where}: must be an object, got {_type_name(statement)}")
    for key in statement:
        if key not in _STATEMENT_KEYS:
            raise PolicyDocumentError(f"{where}: unknown element {_show(key)}, expected one of {', '.join(_STATEMENT_KEYS)}")

    if "Effect" not in statement:
        raise PolicyDocumentError(f"{where}: Effect is required")
    effect = statement["Effect"]
    if not isinstance(effect, str) or effect.lower() not in _EFFECTS:
        raise PolicyDocumentError(f"{where}: Effect must be \"Allow\" or \"Deny\", got {_show(effect)}")

    action_keys = [key for key in ("Action", "NotAction") if key in statement]
    if len(action_keys) != 1:
        raise PolicyDocumentError(f"{where}: exactly one of Action or NotAction is required, got {len(action_keys)}")
    _check_string_or_list(statement[action_keys[0]], f"{where}.{action_keys[0]}")

    # Principal first: a trust policy handed in as a permission policy should be named as such,
    # not reported as merely lacking a Resource.
    if "Principal" in statement:
        if trust is False:
            raise PolicyDocumentError(f"{where}: Principal is only allowed in a role's trust policy")
        _check_principal(statement["Principal"], f"{where}.Principal")
    elif trust is True:
        raise PolicyDocumentError(f"{where}: Principal is required in a trust policy")

    resource_keys = [key for key in ("Resource", "NotResource") if key in statement]
    if len(resource_keys) > 1:
        raise PolicyDocumentError(f"{where}: only one of Resource or NotResource may be given")
    if not resource_keys and trust is False:
        raise PolicyDocumentError(f"{where}: exactly one of Resource or NotResource is required")
    if resource_keys:
        _check_string_or_list(statement[resource_keys[0]], f"{where}.{resource_keys[0]}")

    if "Condition" in statement:
        _check_condition(statement["Condition"], f"{where}.Condition")


def _validate(document: object, option: str, trust: bool | None) -> None:
    if not isinstance(document, Mapping):
        raise PolicyDocumentError(f"{option}: must be a JSON object, got {_type_name(document)}")
    for key in document:
        if key not in ("Version", "Statement"):
            raise PolicyDocumentError(f"{option}: unknown top-level element {_show(key)}, expected only Version and Statement")
    if "Version" not in document:
        raise PolicyDocumentError(f"{option}: Version is required and must be \"1\"")
    if not isinstance(document["Version"], str) or document["Version"] != "1":
        raise PolicyDocumentError(f"{option}: Version must be the string \"1\", got {_show(document['Version'])}")
    if "Statement" not in document:
        raise PolicyDocumentError(f"{option}: Statement is required")
    statements = document["Statement"]
    # The grammar only documents a list of statements (unlike the value elements, where "x" equals ["x"]).
    if not _is_list(statements):
        raise PolicyDocumentError(f"{option}: Statement must be a list of statement objects, got {_type_name(statements)}")
    if not statements:
        raise PolicyDocumentError(f"{option}: Statement must hold at least one statement")
    for index, statement in enumerate(statements):
        _check_statement(statement, f"{option}: Statement[{index}]", trust)


def validate_policy_document(document: dict, option: str, trust: bool = False) -> None:
    """Raise PolicyDocumentError naming option and the statement when document breaks the RAM policy grammar."""
    _validate(document, option, bool(trust))


def dump_policy_document(document: dict) -> str:
    """Compact JSON for the API, keeping the caller's structure and key order."""
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False)


def load_policy_document(value: dict | str, option: str, trust: bool = False) -> dict:
    """Parse a dict or JSON string, check the grammar and the length limit, and return the document as plain JSON."""
    document = _to_plain_json(value, option)
    validate_policy_document(document, option, trust=trust)
    length = len(dump_policy_document(document))
    if length > MAX_POLICY_DOCUMENT_LENGTH:
        raise PolicyDocumentError(
            f"{option}: is {length} characters long as compact JSON, more than the {MAX_POLICY_DOCUMENT_LENGTH} RAM accepts"
        )
    return document


def _sorted_unique(value: str | list) -> list:
    if isinstance(value, str):
        return [value]
    return sorted(set(value))


def _canonical_statement(statement: Mapping) -> dict:
    result: dict = {"Effect": _EFFECTS[statement["Effect"].lower()]}
    # Action/NotAction and Resource/NotResource values stay case-sensitive: RAM documents action names as
    # "usually" case-insensitive only, and ARNs not at all; merging what might differ is never acceptable.
    for key in _LIST_ELEMENTS:
        if key in statement:
            result[key] = _sorted_unique(statement[key])
    if "Principal" in statement:
        result["Principal"] = {
            _PRINCIPAL_KINDS[kind.lower()]: _sorted_unique(values) for kind, values in statement["Principal"].items()
        }
    condition = statement.get("Condition")
    if condition:
        # Values under one key are alternatives (any may match), so their order and repetition carry no meaning.
        # Operator names and condition keys are kept as written: their case rules are not documented.
        result["Condition"] = {
            operator: {key: _sorted_unique(values) for key, values in block.items()} for operator, block in condition.items()
        }
    return result


def _canonical_json(value: object) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical_policy_document(document: dict) -> dict:
    """The normal form: documents with equal normal forms mean the same (see the module tests for the rules)."""
    _validate(document, "policy document", None)
    statements = {}
    for statement in document["Statement"]:
        canonical = _canonical_statement(statement)
        # Statements are evaluated independently (an explicit Deny wins regardless of position), so their order
        # and repetition carry no meaning; keying by the sorted JSON drops exact duplicates.
        statements[_canonical_json(canonical)] = canonical
    return {"Version": document["Version"], "Statement": [statements[key] for key in sorted(statements)]}


def canonical_or_stored(document: object) -> object:
    """What diffs show: the canonical form, so that reformatting by the service never shows as a change; a document
    outside the grammar (or not a document at all) as it is."""
    try:
        return canonical_policy_document(document)
    except PolicyDocumentError:
        return document


def format_policy_document(document: dict) -> str:
    """The one layout shown in diffs: canonical form, sorted keys, two-space indent, trailing newline."""
    return json.dumps(canonical_policy_document(document), sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def _comparable(value: object) -> tuple:
    """What documents_equal compares: ("canonical", text), ("json", text) for unknown grammar, or ("raw", value)."""
    try:
        parsed = _to_plain_json(value, "policy document")
    except PolicyDocumentError:
        return ("raw", value)
    try:
        return ("canonical", _canonical_json(canonical_policy_document(parsed)))
    except PolicyDocumentError:
        # Valid JSON outside the grammar we know (for example an element RAM added later): only an exact
        # structural match is safe to call equal. Sorted-key JSON keeps 1, 1.0 and true apart.
        return ("json", _canonical_json(parsed))


def documents_equal(a: dict | str, b: dict | str) -> bool:
    """True when a and b (dicts or JSON strings) mean the same policy; unparseable input equals only the same string."""
    comparable_a = _comparable(a)
    comparable_b = _comparable(b)
    if comparable_a[0] == "raw" or comparable_b[0] == "raw":
        return isinstance(a, str) and isinstance(b, str) and a == b
    return comparable_a == comparable_b


def _unique_in_order(values: list) -> list:
    seen: set = set()
    result = []
    for value in values:
        if value not in seen:
            seen.add(value)
            result.append(value)
    return result


def trust_policy_for(
    services: list[str] | None,
    accounts: list[str] | None,
    *,
    services_option: str = "services",
    accounts_option: str = "accounts",
) -> dict:
    """Build the trust policy letting the given services (xxx.aliyuncs.com) and accounts (digit ids) assume a role."""
    services = list(services or [])
    accounts = list(accounts or [])
    for index, service in enumerate(services):
        if not isinstance(service, str) or not _SERVICE_PATTERN.match(service):
            raise PolicyDocumentError(f"{services_option}[{index}]: must be a service name like \"ecs.aliyuncs.com\", got {_show(service)}")
    for index, account in enumerate(accounts):
        if not isinstance(account, str) or not _ACCOUNT_ID_PATTERN.match(account):
            raise PolicyDocumentError(f"{accounts_option}[{index}]: must be an Alibaba Cloud account id (digits only), got {_show(account)}")
    if not services and not accounts:
        raise PolicyDocumentError(f"{services_option}, {accounts_option}: at least one trusted service or account is required")
    principal: dict = {}
    if services:
        principal["Service"] = _unique_in_order(services)
    if accounts:
        principal["RAM"] = _unique_in_order([f"acs:ram::{account}:root" for account in accounts])
    return {"Version": "1", "Statement": [{"Action": "sts:AssumeRole", "Effect": "Allow", "Principal": principal}]}
