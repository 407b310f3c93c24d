# Copyright: (c) 2026, alibabacloud.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Example-based tests for policy-document parsing, validation, canonical form and comparison."""

from __future__ import annotations

import copy
import json

import pytest

from ansible_collections.alibabacloud.ram.plugins.module_utils._policy_document import (
    MAX_POLICY_DOCUMENT_LENGTH,
    PolicyDocumentError,
    canonical_policy_document,
    documents_equal,
    dump_policy_document,
    format_policy_document,
    load_policy_document,
    trust_policy_for,
    validate_policy_document,
)

OPTION = "policy_document"


def permission(**statement_overrides: object) -> dict:
    """A small valid permission policy with one statement, optionally changed."""
    statement: dict = {"Effect": "Allow", "Action": ["oss:GetObject", "oss:PutObject"], "Resource": ["acs:oss:*:*:bucket/*"]}
    for key, value in statement_overrides.items():
        if value is None:
            statement.pop(key, None)
        else:
            statement[key] = value
    return {"Version": "1", "Statement": [statement]}


def trust(**statement_overrides: object) -> dict:
    statement: dict = {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": ["cr.aliyuncs.com"]}}
    for key, value in statement_overrides.items():
        if value is None:
            statement.pop(key, None)
        else:
            statement[key] = value
    return {"Version": "1", "Statement": [statement]}


# The Container Registry guide's permission policy (bucket placeholder replaced, the guide's "#" remarks dropped
# because JSON has no comments) and its trust policy, laid out as the guide prints them.
GUIDE_BUCKET = "my-cr-bucket"
GUIDE_POLICY_TEXT = """
{
    "Version": "1",
    "Statement": [
        {
            "Action": [
                "oss:GetObject",
                "oss:PutObject",
                "oss:DeleteObject",
                "oss:ListParts",
                "oss:AbortMultipartUpload",
                "oss:InitiateMultipartUpload",
                "oss:CompleteMultipartUpload",
                "oss:DeleteMultipleObjects",
                "oss:ListMultipartUploads",
                "oss:ListObjects"
            ],
            "Resource": [
                "acs:oss:*:*:BUCKET",
                "acs:oss:*:*:BUCKET/*"
            ],
            "Effect": "Allow",
            "Condition": {

            }
        },
        {
            "Action": [
                "oss:PutBucket",
                "oss:GetBucket",
                "oss:GetBucketLocation",
                "oss:PutBucketEncryption",
                "oss:GetBucketEncryption",
                "oss:PutBucketAcl",
                "oss:GetBucketAcl",
                "oss:PutBucketLogging",
                "oss:GetBucketReferer",
                "oss:PutBucketReferer",
                "oss:GetBucketLogging"
            ],
            "Resource": [
                "acs:oss:*:*:BUCKET",
                "acs:oss:*:*:BUCKET/*"
            ],
            "Effect": "Allow",
            "Condition": {

            }
        },
        {
            "Effect": "Allow",
            "Action": "oss:ListBuckets",
            "Resource": [
                "acs:oss:*:*:*",
                "acs:oss:*:*:*/*"
            ],
            "Condition": {

            }
        },
        {
            "Action": [
                "vpc:DescribeVpcs"
            ],
            "Resource": "acs:vpc:*:*:vpc/*",
            "Effect": "Allow",
            "Condition": {

            }
        },
        {
            "Action": [
                "cms:QueryMetricLast",
                "cms:QueryMetricList"
            ],
            "Resource": "*",
            "Effect": "Allow"
        }
    ]
}
""".replace("BUCKET", GUIDE_BUCKET)

GUIDE_TRUST_TEXT = """
{
    "Statement": [
        {
            "Action": "sts:AssumeRole",
            "Effect": "Allow",
            "Principal": {
                "Service":
                "cr.aliyuncs.com"
            }
        }
    ],
    "Version": "1"
}
"""


# ---------------------------------------------------------------------------------------------- equivalences

EQUIVALENT_PAIRS = {
    "key order": (
        permission(),
        {"Statement": [{"Resource": ["acs:oss:*:*:bucket/*"], "Action": ["oss:GetObject", "oss:PutObject"], "Effect": "Allow"}], "Version": "1"},
    ),
    "scalar vs one-element Action": (permission(Action="oss:GetObject"), permission(Action=["oss:GetObject"])),
    "scalar vs one-element NotAction": (permission(Action=None, NotAction="ram:*"), permission(Action=None, NotAction=["ram:*"])),
    "scalar vs one-element Resource": (permission(Resource="*"), permission(Resource=["*"])),
    "scalar vs one-element NotResource": (
        permission(Resource=None, NotResource="acs:oss:*:*:secret/*"),
        permission(Resource=None, NotResource=["acs:oss:*:*:secret/*"]),
    ),
    "scalar vs one-element Principal value": (
        trust(Principal={"RAM": "acs:ram::1234567890123456:root"}),
        trust(Principal={"RAM": ["acs:ram::1234567890123456:root"]}),
    ),
    "scalar vs one-element Condition value": (
        permission(Condition={"IpAddress": {"acs:SourceIp": "10.0.0.0/8"}}),
        permission(Condition={"IpAddress": {"acs:SourceIp": ["10.0.0.0/8"]}}),
    ),
    "order of statements": (
        {"Version": "1", "Statement": [permission()["Statement"][0], permission(Effect="Deny", Action="oss:DeleteObject")["Statement"][0]]},
        {"Version": "1", "Statement": [permission(Effect="Deny", Action="oss:DeleteObject")["Statement"][0], permission()["Statement"][0]]},
    ),
    "order of Action values": (permission(Action=["oss:GetObject", "oss:PutObject"]), permission(Action=["oss:PutObject", "oss:GetObject"])),
    "order of Resource values": (
        permission(Resource=["acs:oss:*:*:a", "acs:oss:*:*:b"]),
        permission(Resource=["acs:oss:*:*:b", "acs:oss:*:*:a"]),
    ),
    "order of Principal values": (
        trust(Principal={"Service": ["ecs.aliyuncs.com", "cr.aliyuncs.com"]}),
        trust(Principal={"Service": ["cr.aliyuncs.com", "ecs.aliyuncs.com"]}),
    ),
    "order of Condition values": (
        permission(Condition={"IpAddress": {"acs:SourceIp": ["10.0.0.0/8", "192.168.0.0/16"]}}),
        permission(Condition={"IpAddress": {"acs:SourceIp": ["192.168.0.0/16", "10.0.0.0/8"]}}),
    ),
    "case of Effect": (permission(Effect="Allow"), permission(Effect="allow")),
    "case of Effect (Deny)": (permission(Effect="Deny"), permission(Effect="DENY")),
    "case of Principal key RAM": (
        trust(Principal={"RAM": ["acs:ram::1234567890123456:root"]}),
        trust(Principal={"ram": ["acs:ram::1234567890123456:root"]}),
    ),
    "case of Principal key Service": (trust(Principal={"Service": ["cr.aliyuncs.com"]}), trust(Principal={"SERVICE": ["cr.aliyuncs.com"]})),
    "case of Principal key Federated": (
        trust(Principal={"Federated": ["acs:ram::1234567890123456:saml-provider/idp"]}),
        trust(Principal={"federated": ["acs:ram::1234567890123456:saml-provider/idp"]}),
    ),
    "duplicate Action values": (permission(Action=["oss:GetObject", "oss:GetObject"]), permission(Action="oss:GetObject")),
    "duplicate Resource values": (permission(Resource=["*", "*"]), permission(Resource="*")),
    "duplicate Principal values": (
        trust(Principal={"Service": ["cr.aliyuncs.com", "cr.aliyuncs.com"]}),
        trust(Principal={"Service": "cr.aliyuncs.com"}),
    ),
    "duplicate Condition values": (
        permission(Condition={"Bool": {"acs:SecureTransport": ["true", "true"]}}),
        permission(Condition={"Bool": {"acs:SecureTransport": "true"}}),
    ),
    "duplicate identical statements": (
        {"Version": "1", "Statement": permission()["Statement"] * 3},
        permission(),
    ),
    "duplicate statements written differently": (
        {"Version": "1", "Statement": [permission()["Statement"][0], permission(Effect="ALLOW", Action=["oss:PutObject", "oss:GetObject"])["Statement"][0]]},
        permission(),
    ),
    "empty Condition vs none": (permission(Condition={}), permission()),
    "empty Condition vs none in a trust policy": (trust(Condition={}), trust()),
}


@pytest.mark.parametrize("first, second", list(EQUIVALENT_PAIRS.values()), ids=list(EQUIVALENT_PAIRS))
def test_equivalent_documents_compare_equal(first: dict, second: dict) -> None:
    assert documents_equal(first, second)
    assert documents_equal(second, first)
    assert canonical_policy_document(first) == canonical_policy_document(second)
    assert format_policy_document(first) == format_policy_document(second)


@pytest.mark.parametrize("first, second", list(EQUIVALENT_PAIRS.values()), ids=list(EQUIVALENT_PAIRS))
def test_equivalent_documents_compare_equal_as_json_text(first: dict, second: dict) -> None:
    assert documents_equal(json.dumps(first, indent=4), json.dumps(second))
    assert documents_equal(dump_policy_document(first), second)


def test_whitespace_and_layout_of_json_text_do_not_matter() -> None:
    compact = dump_policy_document(permission())
    spread = (
        '{\n\t"Version" : "1" ,\r\n  "Statement":[ {"Effect":"Allow",\n'
        '"Action" : [ "oss:GetObject" , "oss:PutObject" ],"Resource":"acs:oss:*:*:bucket/*"} ]\n}\n'
    )
    assert documents_equal(compact, spread)
    assert documents_equal(spread, permission())


# ---------------------------------------------------------------------------------------------- real differences

DIFFERENT_PAIRS = {
    "added action": (permission(), permission(Action=["oss:GetObject", "oss:PutObject", "oss:DeleteObject"])),
    "removed action": (permission(), permission(Action="oss:GetObject")),
    "different resource": (permission(), permission(Resource=["acs:oss:*:*:other/*"])),
    "extra resource": (permission(), permission(Resource=["acs:oss:*:*:bucket/*", "acs:oss:*:*:bucket"])),
    "Allow vs Deny": (permission(), permission(Effect="Deny")),
    "Action vs NotAction": (permission(), permission(Action=None, NotAction=["oss:GetObject", "oss:PutObject"])),
    "Resource vs NotResource": (permission(), permission(Resource=None, NotResource=["acs:oss:*:*:bucket/*"])),
    "condition added": (permission(), permission(Condition={"Bool": {"acs:SecureTransport": "true"}})),
    "different condition value": (
        permission(Condition={"IpAddress": {"acs:SourceIp": "10.0.0.0/8"}}),
        permission(Condition={"IpAddress": {"acs:SourceIp": "10.0.0.0/16"}}),
    ),
    "extra condition value": (
        permission(Condition={"IpAddress": {"acs:SourceIp": "10.0.0.0/8"}}),
        permission(Condition={"IpAddress": {"acs:SourceIp": ["10.0.0.0/8", "192.168.0.0/16"]}}),
    ),
    "different condition operator": (
        permission(Condition={"IpAddress": {"acs:SourceIp": "10.0.0.0/8"}}),
        permission(Condition={"NotIpAddress": {"acs:SourceIp": "10.0.0.0/8"}}),
    ),
    "different condition key": (
        permission(Condition={"StringEquals": {"acs:SourceVpc": "vpc-1"}}),
        permission(Condition={"StringEquals": {"acs:SourceVpcId": "vpc-1"}}),
    ),
    "extra condition key": (
        permission(Condition={"StringEquals": {"acs:SourceVpc": "vpc-1"}}),
        permission(Condition={"StringEquals": {"acs:SourceVpc": "vpc-1", "acs:AccessId": "key"}}),
    ),
    "condition operator case is kept": (
        permission(Condition={"StringEquals": {"acs:SourceVpc": "vpc-1"}}),
        permission(Condition={"stringequals": {"acs:SourceVpc": "vpc-1"}}),
    ),
    "condition value case is kept": (
        permission(Condition={"StringEquals": {"acs:SourceVpc": "vpc-A"}}),
        permission(Condition={"StringEquals": {"acs:SourceVpc": "vpc-a"}}),
    ),
    "different principal kind": (trust(Principal={"Service": "cr.aliyuncs.com"}), trust(Principal={"RAM": "cr.aliyuncs.com"})),
    "different principal value": (trust(Principal={"Service": "cr.aliyuncs.com"}), trust(Principal={"Service": "ecs.aliyuncs.com"})),
    "extra principal kind": (
        trust(Principal={"Service": "cr.aliyuncs.com"}),
        trust(Principal={"Service": "cr.aliyuncs.com", "RAM": "acs:ram::1234567890123456:root"}),
    ),
    "extra statement": (
        permission(),
        {"Version": "1", "Statement": permission()["Statement"] + permission(Action="oss:ListObjects")["Statement"]},
    ),
    "one statement vs the same values split over two": (
        permission(Action="oss:GetObject", Resource=["acs:oss:*:*:a", "acs:oss:*:*:b"]),
        {
            "Version": "1",
            "Statement": permission(Action="oss:GetObject", Resource="acs:oss:*:*:a")["Statement"]
            + permission(Action="oss:PutObject", Resource="acs:oss:*:*:b")["Statement"],
        },
    ),
    "case of action": (permission(Action="oss:GetObject"), permission(Action="oss:getobject")),
    "case of resource": (permission(Resource="acs:oss:*:*:Bucket/*"), permission(Resource="acs:oss:*:*:bucket/*")),
    "case of principal value": (trust(Principal={"Service": "CR.aliyuncs.com"}), trust(Principal={"Service": "cr.aliyuncs.com"})),
    "wildcard action vs specific actions": (permission(Action="*"), permission(Action=["oss:GetObject", "oss:PutObject"])),
    "wildcard action alone vs with others": (permission(Action="*"), permission(Action=["*", "oss:GetObject"])),
    "condition moved to another statement": (
        {
            "Version": "1",
            "Statement": permission(Condition={"Bool": {"acs:SecureTransport": "true"}})["Statement"]
            + permission(Action="oss:ListObjects")["Statement"],
        },
        {
            "Version": "1",
            "Statement": permission()["Statement"]
            + permission(Action="oss:ListObjects", Condition={"Bool": {"acs:SecureTransport": "true"}})["Statement"],
        },
    ),
    "trust policy: Resource added": (trust(), trust(Resource="*")),
}


@pytest.mark.parametrize("first, second", list(DIFFERENT_PAIRS.values()), ids=list(DIFFERENT_PAIRS))
def test_different_documents_compare_different(first: dict, second: dict) -> None:
    assert not documents_equal(first, second)
    assert not documents_equal(second, first)
    assert not documents_equal(json.dumps(first), json.dumps(second, indent=2))
    assert format_policy_document(first) != format_policy_document(second)


# ---------------------------------------------------------------------------------------------- canonical form and layout


def test_canonical_form_normalises_every_element() -> None:
    document = {
        "Statement": [
            {
                "Resource": "acs:oss:*:*:b",
                "Effect": "deny",
                "NotAction": ["oss:PutObject", "oss:GetObject", "oss:PutObject"],
                "Condition": {"IpAddress": {"acs:SourceIp": "10.0.0.0/8"}, "Bool": {"acs:SecureTransport": ["true"]}},
            },
            {"Effect": "ALLOW", "Action": "sts:AssumeRole", "Principal": {"service": "cr.aliyuncs.com", "ram": ["b", "a", "b"]}},
        ],
        "Version": "1",
    }
    assert canonical_policy_document(document) == {
        "Version": "1",
        "Statement": [
            {"Effect": "Allow", "Action": ["sts:AssumeRole"], "Principal": {"Service": ["cr.aliyuncs.com"], "RAM": ["a", "b"]}},
            {
                "Effect": "Deny",
                "NotAction": ["oss:GetObject", "oss:PutObject"],
                "Resource": ["acs:oss:*:*:b"],
                "Condition": {"IpAddress": {"acs:SourceIp": ["10.0.0.0/8"]}, "Bool": {"acs:SecureTransport": ["true"]}},
            },
        ],
    }


def test_canonical_form_does_not_modify_its_input() -> None:
    document = permission(Effect="allow", Action=["oss:PutObject", "oss:GetObject"], Condition={})
    original = copy.deepcopy(document)
    canonical_policy_document(document)
    format_policy_document(document)
    assert document == original


def test_format_is_the_sorted_indented_canonical_layout() -> None:
    document = {"Statement": [{"Resource": "*", "Action": ["b:B", "a:A"], "Effect": "allow", "Condition": {}}], "Version": "1"}
    assert format_policy_document(document) == (
        "{\n"
        '  "Statement": [\n'
        "    {\n"
        '      "Action": [\n'
        '        "a:A",\n'
        '        "b:B"\n'
        "      ],\n"
        '      "Effect": "Allow",\n'
        '      "Resource": [\n'
        '        "*"\n'
        "      ]\n"
        "    }\n"
        "  ],\n"
        '  "Version": "1"\n'
        "}\n"
    )


def test_dump_keeps_the_callers_structure_order_and_unicode() -> None:
    document = {"Statement": [{"Resource": "acs:oss:*:*:bücket", "Effect": "allow", "Action": "oss:GetObject", "Condition": {}}], "Version": "1"}
    assert dump_policy_document(document) == (
        '{"Statement":[{"Resource":"acs:oss:*:*:bücket","Effect":"allow","Action":"oss:GetObject","Condition":{}}],"Version":"1"}'
    )


# ---------------------------------------------------------------------------------------------- loading


def test_load_accepts_json_text_and_returns_the_same_document() -> None:
    assert load_policy_document(json.dumps(permission(), indent=3), OPTION) == permission()


def test_load_returns_plain_json_types_and_a_copy() -> None:
    class UnsafeText(str):
        """Stands in for Ansible's unsafe text, a str subclass."""

    document = {"Version": UnsafeText("1"), "Statement": ({"Effect": "Allow", "Action": (UnsafeText("oss:GetObject"),), "Resource": "*"},)}
    loaded = load_policy_document(document, OPTION)
    assert loaded == {"Version": "1", "Statement": [{"Effect": "Allow", "Action": ["oss:GetObject"], "Resource": "*"}]}
    assert not isinstance(loaded["Version"], UnsafeText)
    assert not isinstance(loaded["Statement"][0]["Action"][0], UnsafeText)
    loaded["Statement"][0]["Effect"] = "Deny"
    assert document["Statement"][0]["Effect"] == "Allow"


def test_load_keeps_the_meaning_of_what_it_was_given() -> None:
    document = permission(Effect="allow", Condition={})
    assert load_policy_document(document, OPTION) == document


@pytest.mark.parametrize(
    "value, expected",
    [
        ("Version: '1'\nStatement: []\n", "policy_document: not valid JSON"),
        ("", "policy_document: not valid JSON"),
        ("[]", "policy_document: must be a JSON object, got a list"),
        ('"text"', "policy_document: must be a JSON object, got a string"),
        ('{"Version": "1", "Version": "1", "Statement": []}', 'policy_document: duplicate key "Version"'),
        ('{"Version": "1", "Statement": [{"Effect": "Allow", "Action": NaN, "Resource": "*"}]}', "policy_document: NaN is not valid JSON"),
        (42, "policy_document: must be a JSON object or a string holding one, got a number"),
        (None, "policy_document: must be a JSON object or a string holding one, got null"),
        (["Version"], "policy_document: must be a JSON object or a string holding one, got a list"),
        ({"Version": "1", "Statement": [{"Effect": "Allow", "Action": {"a"}, "Resource": "*"}]}, "policy_document: cannot be represented as JSON"),
        ({"Version": "1", "Statement": [{"Effect": "Allow", "Action": float("nan"), "Resource": "*"}]}, "policy_document: cannot be represented as JSON"),
        ("[" * 100000, "policy_document: "),
    ],
)
def test_load_rejects_what_is_not_a_json_object(value: object, expected: str) -> None:
    with pytest.raises(PolicyDocumentError) as raised:
        load_policy_document(value, OPTION)
    assert str(raised.value).startswith(expected)


def _document_of_length(length: int) -> dict:
    """A valid document whose compact serialisation is exactly length characters long."""
    document = permission(Resource="acs:oss:*:*:")
    padding = length - len(dump_policy_document(document))
    assert padding > 0
    document["Statement"][0]["Resource"] += "x" * padding
    assert len(dump_policy_document(document)) == length
    return document


def test_length_limit_accepts_exactly_the_maximum() -> None:
    document = _document_of_length(MAX_POLICY_DOCUMENT_LENGTH)
    assert load_policy_document(document, OPTION) == document
    assert load_policy_document(dump_policy_document(document), OPTION) == document


def test_length_limit_rejects_one_character_more() -> None:
    document = _document_of_length(MAX_POLICY_DOCUMENT_LENGTH + 1)
    with pytest.raises(PolicyDocumentError, match=r"^policy_document: is 6145 characters long as compact JSON, more than the 6144"):
        load_policy_document(document, OPTION)


def test_length_limit_counts_compact_json_not_the_callers_layout() -> None:
    document = _document_of_length(MAX_POLICY_DOCUMENT_LENGTH - 10)
    spread_text = json.dumps(document, indent=8)
    assert len(spread_text) > MAX_POLICY_DOCUMENT_LENGTH
    assert load_policy_document(spread_text, OPTION) == document


def test_length_limit_counts_characters_not_bytes() -> None:
    document = permission(Resource="acs:oss:*:*:")
    padding = MAX_POLICY_DOCUMENT_LENGTH - len(dump_policy_document(document))
    document["Statement"][0]["Resource"] += "桶" * padding
    assert len(dump_policy_document(document).encode("utf-8")) > MAX_POLICY_DOCUMENT_LENGTH
    assert load_policy_document(document, OPTION) == document


# ---------------------------------------------------------------------------------------------- validation


def _statements(*statements: dict) -> dict:
    return {"Version": "1", "Statement": list(statements)}


ALLOW_ALL = {"Effect": "Allow", "Action": "*", "Resource": "*"}

INVALID_PERMISSION_POLICIES = {
    "Effect not Allow/Deny": (
        _statements(ALLOW_ALL, ALLOW_ALL, dict(ALLOW_ALL, Effect="Permit")),
        'policy_document: Statement[2]: Effect must be "Allow" or "Deny", got "Permit"',
    ),
    "Effect missing": (_statements({"Action": "*", "Resource": "*"}), "policy_document: Statement[0]: Effect is required"),
    "Effect not a string": (_statements(dict(ALLOW_ALL, Effect=True)), 'policy_document: Statement[0]: Effect must be "Allow" or "Deny", got true'),
    "no Action": (_statements({"Effect": "Allow", "Resource": "*"}), "policy_document: Statement[0]: exactly one of Action or NotAction"),
    "Action and NotAction": (_statements(dict(ALLOW_ALL, NotAction="ram:*")), "policy_document: Statement[0]: exactly one of Action or NotAction"),
    "no Resource": (_statements({"Effect": "Allow", "Action": "*"}), "policy_document: Statement[0]: exactly one of Resource or NotResource"),
    "Resource and NotResource": (_statements(dict(ALLOW_ALL, NotResource="a")), "policy_document: Statement[0]: only one of Resource or NotResource"),
    "empty Action list": (_statements(dict(ALLOW_ALL, Action=[])), "policy_document: Statement[0].Action: must not be an empty list"),
    "empty string in Action list": (
        _statements(ALLOW_ALL, dict(ALLOW_ALL, Action=["oss:GetObject", ""])),
        "policy_document: Statement[1].Action[1]: must not be an empty string",
    ),
    "empty Action string": (_statements(dict(ALLOW_ALL, Action="")), "policy_document: Statement[0].Action: must not be an empty string"),
    "number in Resource list": (_statements(dict(ALLOW_ALL, Resource=["*", 5])), "policy_document: Statement[0].Resource[1]: must be a string, got a number"),
    "Resource an object": (_statements(dict(ALLOW_ALL, Resource={"a": "b"})), "policy_document: Statement[0].Resource: must be a string or a list"),
    "empty NotResource list": (
        _statements({"Effect": "Allow", "Action": "*", "NotResource": []}),
        "policy_document: Statement[0].NotResource: must not be an empty list",
    ),
    "unknown statement element": (_statements(dict(ALLOW_ALL, Sid="one")), 'policy_document: Statement[0]: unknown element "Sid"'),
    "lower-case element name": (_statements({"effect": "Allow", "Action": "*", "Resource": "*"}), 'policy_document: Statement[0]: unknown element "effect"'),
    "Principal in a permission policy": (
        _statements(dict(ALLOW_ALL, Principal={"RAM": "acs:ram::1:root"})),
        "policy_document: Statement[0]: Principal is only allowed in a role's trust policy",
    ),
    "Condition not an object": (_statements(dict(ALLOW_ALL, Condition=["x"])), "policy_document: Statement[0].Condition: must be an object"),
    "Condition operator block not an object": (
        _statements(dict(ALLOW_ALL, Condition={"Bool": "true"})),
        "policy_document: Statement[0].Condition.Bool: must be an object",
    ),
    "Condition operator without keys": (
        _statements(dict(ALLOW_ALL, Condition={"Bool": {}})),
        "policy_document: Statement[0].Condition.Bool: must name at least one condition key",
    ),
    "Condition empty value list": (
        _statements(dict(ALLOW_ALL, Condition={"Bool": {"acs:SecureTransport": []}})),
        "policy_document: Statement[0].Condition.Bool.acs:SecureTransport: must not be an empty list",
    ),
    "Condition unquoted boolean": (
        _statements(dict(ALLOW_ALL, Condition={"Bool": {"acs:SecureTransport": True}})),
        "policy_document: Statement[0].Condition.Bool.acs:SecureTransport: must be a string (RAM requires numbers and booleans to be quoted",
    ),
    "Condition unquoted number in list": (
        _statements(dict(ALLOW_ALL, Condition={"NumericLessThan": {"oss:max-keys": ["10", 100]}})),
        "policy_document: Statement[0].Condition.NumericLessThan.oss:max-keys[1]: must be a string",
    ),
    "statement not an object": (_statements(ALLOW_ALL, "Allow"), "policy_document: Statement[1]: must be an object, got a string"),
    "Statement a single object": ({"Version": "1", "Statement": ALLOW_ALL}, "policy_document: Statement must be a list of statement objects"),
    "Statement empty": ({"Version": "1", "Statement": []}, "policy_document: Statement must hold at least one statement"),
    "Statement missing": ({"Version": "1"}, "policy_document: Statement is required"),
    "Version missing": ({"Statement": [ALLOW_ALL]}, 'policy_document: Version is required and must be "1"'),
    "Version a number": ({"Version": 1, "Statement": [ALLOW_ALL]}, 'policy_document: Version must be the string "1", got 1'),
    "Version another string": ({"Version": "2012-10-17", "Statement": [ALLOW_ALL]}, 'policy_document: Version must be the string "1", got "2012-10-17"'),
    "unknown top-level element": ({"Version": "1", "Statement": [ALLOW_ALL], "Id": "x"}, 'policy_document: unknown top-level element "Id"'),
}


@pytest.mark.parametrize("document, expected", list(INVALID_PERMISSION_POLICIES.values()), ids=list(INVALID_PERMISSION_POLICIES))
def test_invalid_permission_policies_are_rejected_with_their_place(document: dict, expected: str) -> None:
    with pytest.raises(PolicyDocumentError) as raised:
        validate_policy_document(document, OPTION)
    assert str(raised.value).startswith(expected)
    with pytest.raises(PolicyDocumentError) as raised_by_load:
        load_policy_document(json.dumps(document), OPTION)
    assert str(raised_by_load.value).startswith(expected)


INVALID_TRUST_POLICIES = {
    "Principal missing": (trust(Principal=None), "role_trust: Statement[0]: Principal is required in a trust policy"),
    "Principal not an object": (
        trust(Principal="cr.aliyuncs.com"),
        "role_trust: Statement[0].Principal: must be an object with RAM, Service or Federated keys",
    ),
    "Principal empty": (trust(Principal={}), "role_trust: Statement[0].Principal: must name at least one of RAM, Service or Federated"),
    "unknown principal kind": (trust(Principal={"AWS": "x"}), 'role_trust: Statement[0].Principal: unknown principal kind "AWS"'),
    "principal kind twice in different case": (
        trust(Principal={"Service": "a.aliyuncs.com", "service": "b.aliyuncs.com"}),
        'role_trust: Statement[0].Principal: principal kind Service given twice ("Service" and "service")',
    ),
    "empty principal value": (trust(Principal={"RAM": [""]}), "role_trust: Statement[0].Principal.RAM[0]: must not be an empty string"),
    "empty principal list": (trust(Principal={"RAM": []}), "role_trust: Statement[0].Principal.RAM: must not be an empty list"),
    "Resource and NotResource": (trust(Resource="*", NotResource="*"), "role_trust: Statement[0]: only one of Resource or NotResource"),
}


@pytest.mark.parametrize("document, expected", list(INVALID_TRUST_POLICIES.values()), ids=list(INVALID_TRUST_POLICIES))
def test_invalid_trust_policies_are_rejected_with_their_place(document: dict, expected: str) -> None:
    with pytest.raises(PolicyDocumentError) as raised:
        load_policy_document(document, "role_trust", trust=True)
    assert str(raised.value).startswith(expected)


def test_trust_policy_accepts_a_condition_and_an_optional_resource() -> None:
    document = trust(
        Principal={"Federated": "acs:ram::1234567890123456:saml-provider/idp"},
        Action="sts:AssumeRole",
        Condition={"StringEquals": {"saml:recipient": "https://signin.aliyun.com/saml-role/sso"}},
    )
    validate_policy_document(document, OPTION, trust=True)
    validate_policy_document(trust(Resource="*"), OPTION, trust=True)


def test_trust_policy_is_not_a_permission_policy_and_back() -> None:
    with pytest.raises(PolicyDocumentError, match="Principal is only allowed"):
        validate_policy_document(trust(Resource="*"), OPTION)
    with pytest.raises(PolicyDocumentError, match="Principal is required"):
        validate_policy_document(permission(), OPTION, trust=True)


def test_validation_error_is_a_value_error() -> None:
    assert issubclass(PolicyDocumentError, ValueError)


def test_error_messages_quote_long_values_shortened() -> None:
    with pytest.raises(PolicyDocumentError) as raised:
        validate_policy_document(permission(Effect="x" * 1000), OPTION)
    assert len(str(raised.value)) < 200


# ---------------------------------------------------------------------------------------------- comparing what cannot be parsed


def test_unparseable_text_equals_only_the_identical_text() -> None:
    assert documents_equal("not json", "not json")
    assert not documents_equal("not json", "not json ")
    assert not documents_equal("not json", permission())
    assert not documents_equal(permission(), "{")


def test_unparseable_objects_equal_nothing() -> None:
    unserialisable = {"Version": "1", "Statement": [{"Effect": "Allow", "Action": {"a"}, "Resource": "*"}]}
    assert not documents_equal(unserialisable, unserialisable)
    assert not documents_equal(None, None)


def test_json_outside_the_known_grammar_compares_only_structurally() -> None:
    with_sid = _statements(dict(ALLOW_ALL, Sid="one"))
    assert documents_equal(with_sid, json.dumps(with_sid, indent=2))
    assert not documents_equal(with_sid, _statements(ALLOW_ALL))
    assert not documents_equal(with_sid, _statements(dict(ALLOW_ALL, Sid="two")))
    # Python treats 1 == 1.0 == True; JSON documents holding them are not the same document.
    assert not documents_equal({"Version": 1, "Statement": []}, {"Version": True, "Statement": []})
    assert not documents_equal({"Version": 1, "Statement": []}, {"Version": 1.0, "Statement": []})


def test_valid_and_invalid_documents_never_compare_equal() -> None:
    document = permission()
    invalid = copy.deepcopy(document)
    invalid["Statement"][0]["Sid"] = "x"
    assert not documents_equal(document, invalid)


# ---------------------------------------------------------------------------------------------- the Container Registry guide


def test_guide_permission_policy_validates_and_fits() -> None:
    document = load_policy_document(GUIDE_POLICY_TEXT, OPTION)
    assert len(document["Statement"]) == 5
    assert len(dump_policy_document(document)) <= MAX_POLICY_DOCUMENT_LENGTH


def test_guide_trust_policy_validates_only_as_a_trust_policy() -> None:
    load_policy_document(GUIDE_TRUST_TEXT, "assume_role_policy_document", trust=True)
    with pytest.raises(PolicyDocumentError, match=r"^assume_role_policy_document: Statement\[0\]: Principal is only allowed"):
        load_policy_document(GUIDE_TRUST_TEXT, "assume_role_policy_document")


def test_guide_permission_policy_equals_its_reformatted_variants() -> None:
    document = json.loads(GUIDE_POLICY_TEXT)
    compact = dump_policy_document(document)
    sorted_layout = json.dumps(document, sort_keys=True, indent=1)
    reordered = {
        "Statement": [
            {key: statement[key] for key in sorted(statement, reverse=True) if key != "Condition"}
            for statement in reversed(document["Statement"])
        ],
        "Version": "1",
    }
    as_lists = copy.deepcopy(document)
    for statement in as_lists["Statement"]:
        for key in ("Action", "Resource"):
            if isinstance(statement[key], str):
                statement[key] = [statement[key]]
            elif len(statement[key]) == 1:
                statement[key] = statement[key][0]
            else:
                statement[key] = list(reversed(statement[key]))
    for variant in (compact, sorted_layout, reordered, as_lists, format_policy_document(document)):
        assert documents_equal(GUIDE_POLICY_TEXT, variant)
    assert not documents_equal(GUIDE_POLICY_TEXT, GUIDE_POLICY_TEXT.replace(GUIDE_BUCKET, "another-bucket"))
    assert not documents_equal(GUIDE_POLICY_TEXT, GUIDE_POLICY_TEXT.replace('"oss:ListObjects"\n', '"oss:ListObjects",\n"oss:PutObjectAcl"\n'))


def test_guide_trust_policy_equals_its_reformatted_variants() -> None:
    stored_by_the_api = '{"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"Service":["cr.aliyuncs.com"]}}],"Version":"1"}'
    written_in_yaml = {"Version": "1", "Statement": [{"Effect": "allow", "Principal": {"service": "cr.aliyuncs.com"}, "Action": ["sts:AssumeRole"]}]}
    for variant in (stored_by_the_api, written_in_yaml, trust_policy_for(["cr.aliyuncs.com"], None)):
        assert documents_equal(GUIDE_TRUST_TEXT, variant)
    assert not documents_equal(GUIDE_TRUST_TEXT, trust_policy_for(["cr.aliyuncs.com"], ["1234567890123456"]))


# ---------------------------------------------------------------------------------------------- trust_policy_for


def test_trust_policy_for_services_and_accounts() -> None:
    document = trust_policy_for(["cr.aliyuncs.com", "ecs.aliyuncs.com", "cr.aliyuncs.com"], ["1234567890123456"])
    assert document == {
        "Version": "1",
        "Statement": [
            {
                "Action": "sts:AssumeRole",
                "Effect": "Allow",
                "Principal": {"Service": ["cr.aliyuncs.com", "ecs.aliyuncs.com"], "RAM": ["acs:ram::1234567890123456:root"]},
            }
        ],
    }
    assert load_policy_document(document, "trust", trust=True) == document


def test_trust_policy_for_accounts_only() -> None:
    document = trust_policy_for(None, ["1234567890123456", "6543210987654321"])
    assert document["Statement"][0]["Principal"] == {"RAM": ["acs:ram::1234567890123456:root", "acs:ram::6543210987654321:root"]}


@pytest.mark.parametrize(
    "services, accounts, expected",
    [
        (None, None, "services, accounts: at least one trusted service or account is required"),
        ([], [], "services, accounts: at least one trusted service or account is required"),
        (["cr"], None, 'services[0]: must be a service name like "ecs.aliyuncs.com", got "cr"'),
        (["cr.aliyuncs.com", "CR.aliyuncs.com"], None, "services[1]: must be a service name"),
        (["cr.aliyuncs.com.evil.example"], None, "services[0]: must be a service name"),
        ([".aliyuncs.com"], None, "services[0]: must be a service name"),
        (None, ["12345678901234ab"], 'accounts[0]: must be an Alibaba Cloud account id (digits only), got "12345678901234ab"'),
        (None, ["1234", ""], "accounts[1]: must be an Alibaba Cloud account id"),
        (None, [1234], "accounts[0]: must be an Alibaba Cloud account id (digits only), got 1234"),
        (None, ["acs:ram::1234:root"], "accounts[0]: must be an Alibaba Cloud account id"),
    ],
)
def test_trust_policy_for_rejects_bad_input(services: list | None, accounts: list | None, expected: str) -> None:
    with pytest.raises(PolicyDocumentError) as raised:
        trust_policy_for(services, accounts)
    assert str(raised.value).startswith(expected)


def test_trust_policy_for_names_the_callers_options() -> None:
    with pytest.raises(PolicyDocumentError, match=r"^trusted_accounts\[0\]: "):
        trust_policy_for(None, ["x"], services_option="trusted_services", accounts_option="trusted_accounts")
