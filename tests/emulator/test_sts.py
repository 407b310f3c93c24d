"""STS AssumeRole through the unmodified alibabacloud-credentials role-ARN provider, and temporary credentials at work."""

from __future__ import annotations

import json

import pytest
from alibabacloud_credentials.client import Client as CredentialsClient
from alibabacloud_credentials.models import Config as CredentialsConfig
from alibabacloud_ram20150501 import models
from alibabacloud_ram20150501.client import Client
from alibabacloud_tea_openapi import models as open_api_models

from .conftest import TRUST_ECS, acs3_request, expect_error, sdk_client, v1_request

DEV_ROLE_ARN = "acs:ram::1000000000000002:role/ResourceDirectoryAccountAccessRole"


def _role_arn_credentials(emulator, source="central", role_arn=DEV_ROLE_ARN, **extra) -> CredentialsClient:
    account = emulator.account(source)
    return CredentialsClient(CredentialsConfig(
        type="ram_role_arn", access_key_id=account.access_key_id, access_key_secret=account.access_key_secret,
        role_arn=role_arn, role_session_name="ansible-test", sts_endpoint=emulator.url, **extra,
    ))


def _ram_with(emulator, credentials: CredentialsClient) -> Client:
    return Client(open_api_models.Config(credential=credentials, endpoint=emulator.endpoint, protocol="http"))


def test_assume_role_from_central_acts_on_dev(emulator):
    credentials = _role_arn_credentials(emulator)
    issued = credentials.get_credential()
    assert issued.access_key_id.startswith("STS.") and issued.security_token
    ram = _ram_with(emulator, credentials)
    ram.create_role(models.CreateRoleRequest(role_name="made-by-central", assume_role_policy_document=TRUST_ECS))
    assert "made-by-central" in emulator.state("dev")["roles"]
    assert "made-by-central" not in emulator.state("central")["roles"]
    assert emulator.counters("dev")["sts"] == 1 and emulator.counters("dev")["writes"] == 1
    # Both signing styles accept the temporary credentials.
    status, body, _headers = v1_request(emulator, emulator.account("dev"), "GetRole", {"RoleName": "made-by-central"},
                                        access_key_id=issued.access_key_id, secret=issued.access_key_secret, security_token=issued.security_token)
    assert status == 200, body


def test_assume_role_reply_shape_and_caller_identity(emulator):
    central = emulator.account("central")
    status, body, _headers = v1_request(emulator, central, "AssumeRole", {"RoleArn": DEV_ROLE_ARN, "RoleSessionName": "s1", "DurationSeconds": "900"},
                                        version="2015-04-01")
    assert status == 200, body
    assert set(body) == {"RequestId", "Credentials", "AssumedRoleUser"}
    credentials = body["Credentials"]
    assert set(credentials) == {"AccessKeyId", "AccessKeySecret", "SecurityToken", "Expiration"}
    assert credentials["Expiration"].endswith("Z") and len(credentials["Expiration"]) == 20
    assert body["AssumedRoleUser"]["Arn"] == "acs:ram::1000000000000002:assumed-role/resourcedirectoryaccountaccessrole/s1"
    role_id = emulator.state("dev")["roles"]["ResourceDirectoryAccountAccessRole"]["RoleId"]
    assert body["AssumedRoleUser"]["AssumedRoleId"] == f"{role_id}:s1"

    status, identity, _headers = v1_request(emulator, central, "GetCallerIdentity", {}, version="2015-04-01",
                                            access_key_id=credentials["AccessKeyId"], secret=credentials["AccessKeySecret"],
                                            security_token=credentials["SecurityToken"])
    assert status == 200
    assert identity["AccountId"] == "1000000000000002" and identity["IdentityType"] == "AssumedRoleUser"
    assert identity["RoleId"] == role_id and identity["Arn"].endswith("/s1")
    status, root, _headers = acs3_request(emulator, central, "GetCallerIdentity", {}, version="2015-04-01")
    assert status == 200 and root["Arn"] == "acs:ram::1000000000000001:root" and root["IdentityType"] == "Account"


def test_trust_policy_must_admit_the_caller(emulator):
    with pytest.raises(Exception) as caught:
        _role_arn_credentials(emulator, source="staging").get_credential()
    assert "NoPermission" in str(caught.value) and "403" in str(caught.value)
    with pytest.raises(Exception) as caught:
        _role_arn_credentials(emulator, role_arn="acs:ram::1000000000000002:role/nope").get_credential()
    assert "EntityNotExist.Role" in str(caught.value) and "404" in str(caught.value)
    with pytest.raises(Exception) as caught:
        _role_arn_credentials(emulator, role_session_expiration=43200).get_credential()
    assert "InvalidParameter.DurationSeconds" in str(caught.value)


def test_external_id_condition_and_role_principal(emulator):
    dev = sdk_client(emulator, emulator.account("dev"))
    trust = {"Version": "1", "Statement": [
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"RAM": "1000000000000001"},
         "Condition": {"StringEquals": {"sts:ExternalId": "abc-123"}}},
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"RAM": ["acs:ram::1000000000000002:role/ResourceDirectoryAccountAccessRole"]}},
    ]}
    dev.create_role(models.CreateRoleRequest(role_name="guarded", assume_role_policy_document=json.dumps(trust), max_session_duration=7200))
    arn = "acs:ram::1000000000000002:role/guarded"
    central = emulator.account("central")
    for external_id, expected in ((None, 403), ("wrong", 403), ("abc-123", 200)):
        params = {"RoleArn": arn, "RoleSessionName": "ext"} | ({"ExternalId": external_id} if external_id else {})
        status, body, _headers = v1_request(emulator, central, "AssumeRole", params, version="2015-04-01")
        assert status == expected, (external_id, body)
    assert _role_arn_credentials(emulator, role_arn=arn, external_id="abc-123", role_session_expiration=7200).get_credential().access_key_id
    # A session of dev's member access role is admitted by the role principal (a chained hop, no external id).
    hop = _role_arn_credentials(emulator).get_credential()
    status, body, _headers = v1_request(emulator, central, "AssumeRole", {"RoleArn": arn, "RoleSessionName": "hop2"}, version="2015-04-01",
                                        access_key_id=hop.access_key_id, secret=hop.access_key_secret, security_token=hop.security_token)
    assert status == 200, body
    status, body, _headers = v1_request(emulator, central, "AssumeRole", {"RoleArn": arn, "RoleSessionName": "short", "DurationSeconds": "899"},
                                        version="2015-04-01")
    assert (status, body["Code"]) == (400, "InvalidParameter.DurationSeconds")


def test_expired_and_malformed_security_tokens(emulator):
    issued = _role_arn_credentials(emulator).get_credential()
    dev = emulator.account("dev")
    temporary = sdk_client(emulator, access_key_id=issued.access_key_id, access_key_secret=issued.access_key_secret,
                           security_token=issued.security_token)
    assert temporary.get_role(models.GetRoleRequest(role_name="ResourceDirectoryAccountAccessRole")).body.role
    forged = sdk_client(emulator, access_key_id=issued.access_key_id, access_key_secret=issued.access_key_secret, security_token="CAISforged")
    expect_error(lambda: forged.get_role(models.GetRoleRequest(role_name="x")), "InvalidSecurityToken.Malformed", 400)
    emulator.advance_sts_clock(3601)
    expect_error(lambda: temporary.get_role(models.GetRoleRequest(role_name="x")), "InvalidSecurityToken.Expired", 400)
    status, body, _headers = v1_request(emulator, dev, "GetRole", {"RoleName": "x"}, access_key_id=issued.access_key_id,
                                        secret=issued.access_key_secret, security_token=issued.security_token)
    assert (status, body["Code"]) == (400, "InvalidSecurityToken.Expired")
