"""RamError content and secrecy: messages, fail_json output, STS failures, transport failures."""

from __future__ import annotations

import json
from typing import Any

import pytest
from ansible.module_utils.testing import patch_module_args

from ansible_collections.alibabacloud.ram.plugins.module_utils._errors import RamError, scrub_secrets
from ansible_collections.alibabacloud.ram.plugins.module_utils._module import AlibabaCloudRAMModule
from ansible_collections.alibabacloud.ram.plugins.module_utils._ram import RamApi

DEV_ROLE_ARN = "acs:ram::1000000000000002:role/ResourceDirectoryAccountAccessRole"
TOKEN = "CAISFakeSecurityTokenValue0123456789"


def secrets_of(emulator: Any) -> list[str]:
    return [emulator.account(name).access_key_secret for name in ("central", "dev")]


def assert_clean(text: str, secrets: list[str]) -> None:
    for secret in secrets:
        assert secret not in text
    assert "Signature=" not in text or "Signature=***" in text


def run_module(args: dict[str, Any], capsys: pytest.CaptureFixture[str], action) -> dict[str, Any]:
    with patch_module_args(args), pytest.raises(SystemExit):
        module = AlibabaCloudRAMModule(argument_spec={"name": {"type": "str"}}, supports_check_mode=True)
        action(module)
    return json.loads(capsys.readouterr().out)


def test_message_format() -> None:
    error = RamError("GetRole", "The role does not exist.", code="EntityNotExist.Role", request_id="1234-ABCD", status_code=404)
    assert str(error) == "GetRole failed: EntityNotExist.Role: The role does not exist. (request id 1234-ABCD)"
    assert error.fail_json_kwargs() == {"msg": str(error), "error_code": "EntityNotExist.Role", "request_id": "1234-ABCD", "operation": "GetRole"}
    transport = RamError("GetRole", "raw", endpoint="http://127.0.0.1:9/", transport_reason="connection refused", retryable=True, attempts=4)
    assert str(transport) == "GetRole failed: could not reach http://127.0.0.1:9/ (connection refused) (gave up after 4 attempts)"


def test_scrub_secrets_removes_query_and_json_values() -> None:
    text = (
        "url: /?Action=AssumeRole&AccessKeyId=LTAIxyz&SecurityToken=CAIS%2Babc&Signature=g4Xd%2F9v8%3D (Caused by X) "
        '{"AccessKeySecret": "plain-secret", "SecurityToken": "tok"} Authorization: ACS3-HMAC-SHA256 Credential=LTAIxyz,Signature=abc'
    )
    scrubbed = scrub_secrets(text, ["my-known-secret"])
    for value in ("LTAIxyz", "CAIS%2Babc", "g4Xd", "plain-secret", '"tok"', "Signature=abc"):
        assert value not in scrubbed
    assert "Action=AssumeRole" in scrubbed
    assert scrub_secrets("prefix my-known-secret suffix", ["my-known-secret"]) == "prefix *** suffix"


def test_server_message_is_used_not_the_sdk_text(emulator: Any, connection) -> None:
    api = RamApi.from_params(connection("central"), environ={})
    with pytest.raises(RamError) as caught:
        api.update_role("no-such-role", description="x")
    error = caught.value
    assert error.code == "EntityNotExist.Role" and error.status_code == 404 and not error.retryable
    assert error.request_id and error.endpoint == f"http://{emulator.endpoint}/"
    assert not error.message.startswith("code: ")
    assert "request id:" not in error.message
    assert str(error) == f"UpdateRole failed: EntityNotExist.Role: {error.message} (request id {error.request_id})"


def test_wrong_secret_sts_failure_leaks_nothing(emulator: Any, connection) -> None:
    params = connection("central", access_key_secret="WrongSecretValue000000000001", assume_role={"role_arn": DEV_ROLE_ARN})
    api = RamApi.from_params(params, environ={})
    with pytest.raises(RamError) as caught:
        api.list_roles()
    error = caught.value
    assert error.operation == "AssumeRole" and error.code == "SignatureDoesNotMatch"
    assert_clean(repr(vars(error)) + str(error), [*secrets_of(emulator), "WrongSecretValue000000000001"])


def test_unreachable_sts_names_it_and_scrubs_the_signed_url(emulator: Any, connection) -> None:
    params = connection("central", security_token=TOKEN, sts_endpoint="http://127.0.0.1:9", assume_role={"role_arn": DEV_ROLE_ARN}, max_attempts=1)
    api = RamApi.from_params(params, environ={})
    with pytest.raises(RamError) as caught:
        api.get_role("x")
    error = caught.value
    assert str(error) == "AssumeRole failed: could not reach http://127.0.0.1:9/ (connection refused)"
    # The message keeps the diagnostic text but the signed query values are gone.
    assert "Action=AssumeRole" in error.message
    assert_clean(repr(vars(error)), [*secrets_of(emulator), TOKEN, emulator.account("central").access_key_id])


def test_fail_ram_error_output_has_code_request_id_operation_and_no_secret(emulator: Any, connection, capsys) -> None:
    args = connection("central", assume_role={"role_arn": DEV_ROLE_ARN}, max_attempts=1)

    def act(module: AlibabaCloudRAMModule) -> None:
        module.ram.list_roles()  # assumes into dev: STS credentials now exist
        try:
            module.ram.update_role("missing-role", description="x")
        except RamError as error:
            module.fail_ram_error(error)

    result = run_module(args, capsys, act)
    assert result["failed"] is True
    assert result["error_code"] == "EntityNotExist.Role" and result["operation"] == "UpdateRole" and result["request_id"]
    assert result["msg"].startswith("UpdateRole failed: EntityNotExist.Role: ")
    output = json.dumps(result)
    assert_clean(output, secrets_of(emulator))


def test_sts_secrets_are_masked_in_module_output(emulator: Any, connection, capsys) -> None:
    args = connection("central", assume_role={"role_arn": DEV_ROLE_ARN})
    captured: dict[str, Any] = {}

    def act(module: AlibabaCloudRAMModule) -> None:
        module.ram.list_roles()
        captured["secrets"] = set(module.ram.secrets)
        # A module that (wrongly) echoes credentials still cannot leak them.
        module.exit_json(changed=False, echoed=sorted(captured["secrets"]))

    result = run_module(args, capsys, act)
    sts_values = captured["secrets"] - set(secrets_of(emulator))
    assert len(sts_values) == 2  # the STS AccessKeySecret and SecurityToken
    assert_clean(json.dumps(result), [*secrets_of(emulator), *sts_values])


def test_module_rejects_bad_connection_options_before_any_call(emulator: Any, connection, capsys) -> None:
    args = connection("central", profile="p")
    result = run_module(args, capsys, lambda module: module.exit_json(changed=False))
    assert result["failed"] is True and "profile cannot be combined" in result["msg"]
    assert emulator.counters("central")["reads"] == 0
    assert_clean(json.dumps(result), secrets_of(emulator))


def test_module_masks_secrets_taken_from_the_environment(emulator: Any, connection, capsys, monkeypatch) -> None:
    dev = emulator.account("dev")
    monkeypatch.setenv("ALICLOUD_ACCESS_KEY", dev.access_key_id)
    monkeypatch.setenv("ALICLOUD_SECRET_KEY", dev.access_key_secret)
    args = connection(None)
    result = run_module(args, capsys, lambda module: module.exit_json(changed=False, roles=len(module.ram.list_roles()), leak=dev.access_key_secret))
    assert result["roles"] == 2 and emulator.counters("dev")["reads"] == 1
    assert dev.access_key_secret not in json.dumps(result)
