"""Authentication in both signing styles: classic v1 (GET query and POST form) and ACS3, and every failure RAM answers."""

from __future__ import annotations

import time
import uuid

from alibabacloud_ram20150501 import models

from .conftest import TRUST_ECS, acs3_request, assert_error_body, expect_error, sdk_client, v1_request

ROLE = {"RoleName": "ResourceDirectoryAccountAccessRole"}


def _stale(minutes: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - minutes * 60))


def test_v1_get_and_post_form_operations(emulator):
    dev = emulator.account("dev")
    status, body, headers = v1_request(emulator, dev, "GetRole", ROLE)
    assert status == 200 and body["Role"]["RoleName"] == ROLE["RoleName"] and body["RequestId"]
    assert headers["Content-Type"].startswith("application/json")
    # A value with spaces and reserved characters checks the v1 percent-encoding rules.
    status, body, _headers = v1_request(emulator, dev, "CreateRole", {"RoleName": "v1-role", "AssumeRolePolicyDocument": TRUST_ECS,
                                        "Description": "with space & ~tilde* ü"}, method="POST")
    assert status == 200, body
    assert body["Role"]["Description"] == "with space & ~tilde* ü"
    status, body, _headers = v1_request(emulator, dev, "ListRoles", {"MaxItems": "1"})
    assert status == 200 and body["IsTruncated"] is True
    status, body, _headers = v1_request(emulator, dev, "DeleteRole", {"RoleName": "v1-role"}, method="POST")
    assert status == 200
    assert [entry["style"] for entry in emulator.log()] == ["v1"] * 4


def test_v1_authentication_failures(emulator):
    dev = emulator.account("dev")
    status, body, _headers = v1_request(emulator, dev, "GetRole", ROLE, access_key_id="LTAI4Unknown")
    assert status == 404
    assert_error_body(body, "InvalidAccessKeyId.NotFound")
    status, body, _headers = v1_request(emulator, dev, "GetRole", ROLE, secret="wrong")
    assert (status, body["Code"]) == (400, "SignatureDoesNotMatch")
    status, body, _headers = v1_request(emulator, dev, "GetRole", ROLE, timestamp=_stale(16))
    assert (status, body["Code"]) == (400, "InvalidTimeStamp.Expired")
    assert v1_request(emulator, dev, "GetRole", ROLE, timestamp=_stale(14))[0] == 200
    nonce = uuid.uuid4().hex
    assert v1_request(emulator, dev, "GetRole", ROLE, nonce=nonce)[0] == 200
    status, body, _headers = v1_request(emulator, dev, "GetRole", ROLE, nonce=nonce)
    assert (status, body["Code"]) == (400, "SignatureNonceUsed")
    status, body, _headers = v1_request(emulator, dev, "NoSuchAction", {})
    assert (status, body["Code"]) == (404, "InvalidAction.NotFound")


def test_acs3_authentication_failures(emulator):
    dev = emulator.account("dev")
    assert acs3_request(emulator, dev, "GetRole", ROLE)[0] == 200
    status, body, _headers = acs3_request(emulator, dev, "GetRole", ROLE, access_key_id="LTAI4Unknown")
    assert (status, body["Code"]) == (404, "InvalidAccessKeyId.NotFound")
    status, body, _headers = acs3_request(emulator, dev, "GetRole", ROLE, secret="wrong")
    assert (status, body["Code"]) == (400, "SignatureDoesNotMatch")
    assert_error_body(body, "SignatureDoesNotMatch")
    status, body, _headers = acs3_request(emulator, dev, "GetRole", ROLE, date=_stale(-16))
    assert (status, body["Code"]) == (400, "InvalidTimeStamp.Expired")
    nonce = uuid.uuid4().hex
    assert acs3_request(emulator, dev, "GetRole", ROLE, nonce=nonce)[0] == 200
    status, body, _headers = acs3_request(emulator, dev, "GetRole", ROLE, nonce=nonce)
    assert (status, body["Code"]) == (400, "SignatureNonceUsed")
    status, body, _headers = acs3_request(emulator, dev, "GetRole", ROLE, security_token="CAISforged")
    assert (status, body["Code"]) == (400, "InvalidSecurityToken.Malformed")
    # Failed authentication never reaches an operation, so it is logged but not counted.
    assert emulator.counters("dev")["reads"] == 2
    assert [entry["code"] for entry in emulator.log()][-1] == "InvalidSecurityToken.Malformed"


def test_sdk_reports_auth_failures_as_client_exceptions(emulator):
    wrong_secret = sdk_client(emulator, access_key_id=emulator.account("dev").access_key_id, access_key_secret="nope")
    expect_error(lambda: wrong_secret.get_role(models.GetRoleRequest(role_name="x")), "SignatureDoesNotMatch", 400)
    unknown = sdk_client(emulator, access_key_id="LTAI4Nobody", access_key_secret="nope")
    expect_error(lambda: unknown.get_role(models.GetRoleRequest(role_name="x")), "InvalidAccessKeyId.NotFound", 404)
