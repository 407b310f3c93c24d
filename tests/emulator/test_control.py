"""The control API: faults, counters, request log, reformat mode, reset, accounts (file, generated members, run time)."""

from __future__ import annotations

import json
import time

import pytest
from alibabacloud_ram20150501 import models
from alibabacloud_tea_openapi.exceptions import ThrottlingException
from darabonba.exceptions import UnretryableException

from ram_emulator.control import EmulatorControl, EmulatorControlError
from ram_emulator.pytest_plugin import start_emulator, stop_emulator

from .conftest import POLICY_OSS_READ, TRUST_ECS, expect_error, raw_request, sdk_client

ROLE = "ResourceDirectoryAccountAccessRole"


def _get_role(client):
    return client.get_role(models.GetRoleRequest(role_name=ROLE))


def test_throttle_by_count_without_and_with_retry_after(emulator, dev_client):
    emulator.add_fault(kind="throttle", operation="GetRole", count=2)
    error = expect_error(lambda: _get_role(dev_client), "Throttling.User", 400)
    assert not isinstance(error, ThrottlingException)
    expect_error(lambda: _get_role(dev_client), "Throttling.User", 400)
    assert _get_role(dev_client).body.role.role_name == ROLE
    # Other operations and other accounts are not matched.
    emulator.add_fault(kind="throttle", account="staging", count=1, retry_after_ms=1500)
    assert _get_role(dev_client).body.role
    staging = sdk_client(emulator, emulator.account("staging"))
    with pytest.raises(ThrottlingException) as caught:
        _get_role(staging)
    assert caught.value.code == "Throttling.User" and caught.value.retry_after == 1500
    assert _get_role(staging).body.role


def test_throttle_by_seeded_ratio_is_reproducible(emulator, dev_client):
    def outcomes() -> list[bool]:
        emulator.clear_faults()
        emulator.add_fault(kind="throttle", ratio=0.5, seed=7)
        results = []
        for _attempt in range(20):
            try:
                _get_role(dev_client)
                results.append(True)
            except Exception as error:  # noqa: BLE001 - the test records which calls were throttled
                assert error.code == "Throttling.User"
                results.append(False)
        return results

    first, second = outcomes(), outcomes()
    assert first == second
    assert 3 <= first.count(False) <= 17


def test_server_errors(emulator, dev_client):
    emulator.add_fault(kind="server_error", status=500, count=1)
    emulator.add_fault(kind="server_error", status=503, count=1)
    error = expect_error(lambda: _get_role(dev_client), "InternalError", 500)
    assert type(error).__name__ == "ServerException"
    expect_error(lambda: _get_role(dev_client), "ServiceUnavailable", 503)
    assert _get_role(dev_client).body.role
    with pytest.raises(EmulatorControlError):
        emulator.add_fault(kind="server_error", status=502, count=1)
    with pytest.raises(EmulatorControlError):
        emulator.add_fault(kind="explode", count=1)


def test_drop_before_and_after_the_operation(emulator, dev_client):
    emulator.add_fault(kind="drop", operation="CreateRole", count=1)
    with pytest.raises(UnretryableException):
        dev_client.create_role(models.CreateRoleRequest(role_name="lost", assume_role_policy_document=TRUST_ECS))
    assert "lost" not in emulator.state("dev")["roles"]
    emulator.add_fault(kind="drop", operation="CreateRole", count=1, after=True)
    with pytest.raises(UnretryableException):
        dev_client.create_role(models.CreateRoleRequest(role_name="lost", assume_role_policy_document=TRUST_ECS))
    # The write happened although its reply was lost: a retry now meets EntityAlreadyExists.
    assert "lost" in emulator.state("dev")["roles"]
    expect_error(lambda: dev_client.create_role(models.CreateRoleRequest(role_name="lost", assume_role_policy_document=TRUST_ECS)),
                 "EntityAlreadyExists.Role", 409)
    assert [entry["fault"] for entry in emulator.log()] == ["drop", "drop", None]


def test_latency_fault(emulator, dev_client):
    _get_role(dev_client)  # warm the connection
    started = time.monotonic()
    _get_role(dev_client)
    baseline = time.monotonic() - started
    emulator.add_fault(kind="latency", latency_ms=300, count=1)
    started = time.monotonic()
    _get_role(dev_client)
    assert time.monotonic() - started >= 0.3 > baseline


def test_counters_split_reads_writes_sts_per_account(emulator, dev_client, central_client):
    emulator.add_fault(kind="throttle", operation="GetRole", count=1)
    expect_error(lambda: _get_role(dev_client), "Throttling.User", 400)  # faulted: still counted
    _get_role(dev_client)
    expect_error(lambda: dev_client.get_role(models.GetRoleRequest(role_name="ghost")), "EntityNotExist.Role", 404)  # failed: counted
    dev_client.create_policy(models.CreatePolicyRequest(policy_name="counted", policy_document=POLICY_OSS_READ))
    central_client.list_roles(models.ListRolesRequest())
    dev = emulator.counters("dev")
    assert dev == {"reads": 3, "writes": 1, "sts": 0, "by_operation": {
        "GetRole": {"reads": 3, "writes": 0, "sts": 0}, "CreatePolicy": {"reads": 0, "writes": 1, "sts": 0}}}
    assert emulator.counters("1000000000000001")["by_operation"] == {"ListRoles": {"reads": 1, "writes": 0, "sts": 0}}
    total = emulator.counters()
    assert (total["reads"], total["writes"], total["sts"]) == (4, 1, 0)
    assert emulator.counters("prod") == {"reads": 0, "writes": 0, "sts": 0, "by_operation": {}}


def test_log_never_holds_secrets(emulator):
    from alibabacloud_credentials.client import Client as CredentialsClient
    from alibabacloud_credentials.models import Config as CredentialsConfig
    from alibabacloud_ram20150501.client import Client
    from alibabacloud_tea_openapi import models as open_api_models

    central = emulator.account("central")
    credentials = CredentialsClient(CredentialsConfig(
        type="ram_role_arn", access_key_id=central.access_key_id, access_key_secret=central.access_key_secret,
        role_arn="acs:ram::1000000000000002:role/ResourceDirectoryAccountAccessRole", role_session_name="log-check", sts_endpoint=emulator.url))
    ram = Client(open_api_models.Config(credential=credentials, endpoint=emulator.endpoint, protocol="http"))
    _get_role(ram)
    issued = credentials.get_credential()
    entries = emulator.log()
    assert [(entry["action"], entry["style"], entry["status"]) for entry in entries] == [("AssumeRole", "v1", 200), ("GetRole", "acs3", 200)]
    assert entries[0]["values"]["RoleSessionName"] == "log-check" and "Signature" not in entries[0]["parameters"]
    dumped = json.dumps(entries) + json.dumps(emulator.accounts())
    for secret in (central.access_key_secret, issued.access_key_secret, issued.security_token, emulator.account("dev").access_key_secret):
        assert secret not in dumped
    assert {entry["account"] for entry in entries} == {"1000000000000002"}


def test_reformat_changes_text_not_meaning(emulator, dev_client):
    trust = {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": ["ecs.aliyuncs.com"]}}]}
    dev_client.create_role(models.CreateRoleRequest(role_name="shape", assume_role_policy_document=json.dumps(trust)))
    dev_client.create_policy(models.CreatePolicyRequest(policy_name="shape", policy_document=POLICY_OSS_READ))
    emulator.set_reformat(True)
    returned = dev_client.get_role(models.GetRoleRequest(role_name="shape")).body.role.assume_role_policy_document
    assert returned != json.dumps(trust)
    parsed = json.loads(returned)
    statement = parsed["Statement"][0]
    assert statement["Principal"] == {"service": "ecs.aliyuncs.com"}  # key case and list -> scalar
    assert statement["Action"] == ["sts:AssumeRole"] and statement["Effect"] == "ALLOW"
    assert list(parsed) == ["Statement", "Version"] and list(statement) == ["Principal", "Action", "Effect"]
    policy_text = dev_client.get_policy(models.GetPolicyRequest(policy_name="shape", policy_type="Custom")).body.default_policy_version.policy_document
    assert policy_text != POLICY_OSS_READ
    policy_statement = json.loads(policy_text)["Statement"][0]
    assert policy_statement["Action"] == "oss:Get*" and policy_statement["Resource"] == "acs:oss:*:*:bucket/*"
    # The stored document is untouched: reformatting is a property of replies only.
    assert emulator.state("dev")["roles"]["shape"]["AssumeRolePolicyDocument"] == json.dumps(trust)
    emulator.set_reformat(False)
    assert dev_client.get_role(models.GetRoleRequest(role_name="shape")).body.role.assume_role_policy_document == json.dumps(trust)


def test_reset_restores_defaults(emulator, dev_client):
    dev_client.create_role(models.CreateRoleRequest(role_name="temp", assume_role_policy_document=TRUST_ECS))
    dev_client.detach_policy_from_role(models.DetachPolicyFromRoleRequest(policy_name="AdministratorAccess", policy_type="System", role_name=ROLE))
    emulator.add_fault(kind="throttle", count=5)
    emulator.set_reformat(True)
    emulator.reset()
    state = emulator.state("dev")
    assert set(state["roles"]) == {ROLE, "AliyunServiceRoleForResourceDirectory"}
    assert state["roles"][ROLE]["Policies"][0]["PolicyName"] == "AdministratorAccess"
    assert emulator.counters()["reads"] == 0 and emulator.log() == [] and emulator.faults() == []
    assert json.loads(_get_role(dev_client).body.role.assume_role_policy_document)["Version"] == "1"


def test_control_api_errors_and_accounts(emulator):
    accounts = emulator.accounts()
    assert [(a["name"], a["account_id"], a["access_key_id"]) for a in accounts] == [
        ("central", "1000000000000001", "LTAI4EmuCentral0000000001"), ("dev", "1000000000000002", "LTAI4EmuDev00000000000002"),
        ("staging", "1000000000000003", "LTAI4EmuStaging0000000003"), ("prod", "1000000000000004", "LTAI4EmuProd0000000000004")]
    with pytest.raises(EmulatorControlError):
        emulator.state("nobody")
    status, body, _headers = raw_request(f"{emulator.url}/_emulator/nothing", "GET")
    assert status == 404 and "error" in body
    added = emulator.add_accounts(members=3)
    assert [a["name"] for a in added] == ["member-0001", "member-0002", "member-0003"]
    member = sdk_client(emulator, emulator.member(2))
    assert member.get_role(models.GetRoleRequest(role_name=ROLE)).body.role.arn.startswith("acs:ram::2000000000000002:role/")
    emulator.reset()
    assert len(emulator.accounts()) == 4


def test_accounts_file_extends_with_many_lazy_members(tmp_path):
    accounts_file = tmp_path / "accounts.yml"
    accounts_file.write_text(
        "mode: extend\nmembers: 1000\naccounts:\n"
        "  - {name: sandbox, account_id: '3000000000000001', access_key_id: LTAI4Sandbox, access_key_secret: SandboxSecret, member: false}\n"
    )
    process, control = start_emulator("--accounts", str(accounts_file))
    try:
        accounts = control.accounts()
        assert len(accounts) == 4 + 1 + 1000
        member = sdk_client(control, EmulatorControl.member(1000))
        assert member.get_role(models.GetRoleRequest(role_name=ROLE)).body.role.role_name == ROLE
        sandbox = sdk_client(control, access_key_id="LTAI4Sandbox", access_key_secret="SandboxSecret")
        expect_error(lambda: sandbox.get_role(models.GetRoleRequest(role_name=ROLE)), "EntityNotExist.Role", 404)
    finally:
        stop_emulator(process)
    replace_file = tmp_path / "only.json"
    replace_file.write_text(json.dumps({"mode": "replace", "accounts": [
        {"name": "solo", "account_id": "4000000000000001", "access_key_id": "LTAI4Solo", "access_key_secret": "SoloSecret", "member": False}]}))
    process, control = start_emulator("--accounts", str(replace_file))
    try:
        assert [account["name"] for account in control.accounts()] == ["solo"]
    finally:
        stop_emulator(process)
