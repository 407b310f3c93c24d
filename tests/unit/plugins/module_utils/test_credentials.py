"""Connection options and credential resolution, against the emulator's RAM and STS over real HTTP."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from ansible_collections.alibabacloud.ram.plugins.module_utils._credentials import (
    ConnectionSettings,
    Endpoint,
    parse_endpoint,
)
from ansible_collections.alibabacloud.ram.plugins.module_utils._errors import ConnectionOptionsError, RamError
from ansible_collections.alibabacloud.ram.plugins.module_utils._ram import RamApi

MEMBER_ROLE = "ResourceDirectoryAccountAccessRole"
DEV_ROLE_ARN = f"acs:ram::1000000000000002:role/{MEMBER_ROLE}"
COLLECTIONS_ROOT = Path(__file__).resolve().parents[4] / "build" / "collections"


def reads(emulator: Any, account: str) -> int:
    return emulator.counters(account)["reads"]


def write_cli_config(home: Path, profiles: list[dict[str, Any]], current: str = "") -> None:
    (home / ".aliyun").mkdir(parents=True, exist_ok=True)
    (home / ".aliyun" / "config.json").write_text(json.dumps({"current": current, "profiles": profiles}))


# ---------------------------------------------------------------------------------------------------- endpoints


@pytest.mark.parametrize(
    ("value", "scheme", "host", "url"),
    [
        ("ram.aliyuncs.com", "https", "ram.aliyuncs.com", "https://ram.aliyuncs.com/"),
        ("ram.aliyuncs.com:8443", "https", "ram.aliyuncs.com:8443", "https://ram.aliyuncs.com:8443/"),
        ("https://ram.aliyuncs.com", "https", "ram.aliyuncs.com", "https://ram.aliyuncs.com/"),
        ("https://ram.aliyuncs.com:443/", "https", "ram.aliyuncs.com:443", "https://ram.aliyuncs.com:443/"),
        ("HTTP://127.0.0.1:8080", "http", "127.0.0.1:8080", "http://127.0.0.1:8080/"),
        ("http://localhost:9000/", "http", "localhost:9000", "http://localhost:9000/"),
        ("  sts.cn-hangzhou.aliyuncs.com  ", "https", "sts.cn-hangzhou.aliyuncs.com", "https://sts.cn-hangzhou.aliyuncs.com/"),
        ("http://[::1]:8080", "http", "[::1]:8080", "http://[::1]:8080/"),
    ],
)
def test_endpoint_forms(value: str, scheme: str, host: str, url: str) -> None:
    endpoint = parse_endpoint(value, "endpoint")
    assert endpoint == Endpoint(scheme, host)
    assert endpoint.url == url


@pytest.mark.parametrize(
    "value",
    [
        "   ",
        "ftp://ram.aliyuncs.com",
        "https://",
        "http://:8080",
        "ram.aliyuncs.com/path",
        "https://ram.aliyuncs.com/v1",
        "ram.aliyuncs.com?x=1",
        "ram.aliyuncs.com#frag",
        "user:pass@ram.aliyuncs.com",
        "ram.aliyuncs.com:notaport",
        "ram.aliyuncs.com:70000",
        "ram.aliyuncs.com:0",
        "ram.aliyuncs.com:",
        "ram aliyuncs.com",
        "-bad-.aliyuncs.com",
        "ram..aliyuncs.com",
    ],
)
@pytest.mark.parametrize("option", ["endpoint", "sts_endpoint"])
def test_bad_endpoint_forms_are_rejected_naming_the_option(value: str, option: str) -> None:
    with pytest.raises(ConnectionOptionsError, match=f"^{option} must be"):
        ConnectionSettings.from_params({option: value, "access_key_id": "id", "access_key_secret": "secret"}, environ={})


def test_endpoint_defaults_and_environment() -> None:
    settings = ConnectionSettings.from_params({}, environ={})
    assert settings.endpoint == Endpoint("https", "ram.aliyuncs.com")
    assert settings.sts_endpoint == Endpoint("https", "sts.aliyuncs.com")
    assert (settings.connect_timeout_ms, settings.read_timeout_ms, settings.max_attempts) == (5000, 10000, 5)
    # An empty option (an unset templated variable) means "use the default", like every other empty option.
    assert ConnectionSettings.from_params({"endpoint": "", "sts_endpoint": ""}, environ={}).endpoint.host == "ram.aliyuncs.com"
    settings = ConnectionSettings.from_params(
        {}, environ={"ALIBABA_CLOUD_RAM_ENDPOINT": "http://127.0.0.1:1234", "ALIBABA_CLOUD_STS_ENDPOINT": "http://127.0.0.1:4321"}
    )
    assert settings.endpoint.url == "http://127.0.0.1:1234/"
    assert settings.sts_endpoint_for_sdk == "http://127.0.0.1:4321"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"connect_timeout": 0}, "connect_timeout must be more than 0"),
        ({"read_timeout": -1}, "read_timeout must be more than 0"),
        ({"max_attempts": 0}, "max_attempts must be an integer of at least 1"),
        ({"assume_role": {"role_arn": "arn:aws:iam::1:role/x"}}, "assume_role.role_arn must look like"),
        ({"assume_role": {"role_arn": DEV_ROLE_ARN, "duration_seconds": 899}}, "duration_seconds must be an integer from 900 to 43200"),
        ({"assume_role": {"role_arn": DEV_ROLE_ARN, "duration_seconds": 43201}}, "duration_seconds must be an integer from 900 to 43200"),
        ({"assume_role": {"role_arn": DEV_ROLE_ARN, "session_name": "x"}}, "session_name must be 2 to 64"),
        ({"assume_role": {"role_arn": DEV_ROLE_ARN, "policy": "{not json"}}, "assume_role.policy must be a JSON"),
    ],
)
def test_invalid_values_fail_before_any_call(params: dict[str, Any], message: str) -> None:
    with pytest.raises(ConnectionOptionsError, match=message):
        ConnectionSettings.from_params(params, environ={})


def test_fractional_timeouts_become_milliseconds() -> None:
    settings = ConnectionSettings.from_params({"connect_timeout": 0.25, "read_timeout": 2}, environ={})
    assert (settings.connect_timeout_ms, settings.read_timeout_ms) == (250, 2000)


# ---------------------------------------------------------------------------------------------------- combinations


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"access_key_id": "id", "access_key_secret": "secret", "profile": "p"}, "profile cannot be combined"),
        ({"security_token": "t", "profile": "p"}, "profile cannot be combined"),
        ({"access_key_id": "id"}, "access_key_secret is missing"),
        ({"access_key_secret": "secret"}, "access_key_id is missing"),
        ({"access_key_id": "id", "access_key_secret": ""}, "access_key_secret is missing"),
        ({"security_token": "t"}, "security_token needs access_key_id"),
    ],
)
def test_conflicting_credential_options(params: dict[str, Any], message: str) -> None:
    with pytest.raises(ConnectionOptionsError, match=message):
        ConnectionSettings.from_params(params, environ={})


def test_conflicts_found_in_the_environment_name_the_variables() -> None:
    environ = {"ALICLOUD_ACCESS_KEY": "id", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "secret", "ALIBABA_CLOUD_PROFILE": "p"}
    with pytest.raises(ConnectionOptionsError, match="ALICLOUD_ACCESS_KEY, ALIBABA_CLOUD_ACCESS_KEY_SECRET, ALIBABA_CLOUD_PROFILE"):
        ConnectionSettings.from_params({}, environ=environ)


def test_task_profile_is_not_spoiled_by_exported_keys() -> None:
    settings = ConnectionSettings.from_params({"profile": "p"}, environ={"ALIBABA_CLOUD_ACCESS_KEY_ID": "id", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "s"})
    assert settings.profile == "p" and settings.access_key_id is None


# ---------------------------------------------------------------------------------------------------- resolution order


def test_explicit_keys_win_over_environment(emulator: Any, connection) -> None:
    dev = emulator.account("dev")
    environ = {"ALIBABA_CLOUD_ACCESS_KEY_ID": dev.access_key_id, "ALIBABA_CLOUD_ACCESS_KEY_SECRET": dev.access_key_secret}
    api = RamApi.from_params(connection("central"), environ=environ)
    api.list_roles()
    assert reads(emulator, "central") == 1 and reads(emulator, "dev") == 0


@pytest.mark.parametrize("names", [("ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET"), ("ALICLOUD_ACCESS_KEY", "ALICLOUD_SECRET_KEY")])
def test_empty_strings_are_unset_and_environment_applies(emulator: Any, connection, names: tuple[str, str]) -> None:
    dev = emulator.account("dev")
    environ = {names[0]: dev.access_key_id, names[1]: dev.access_key_secret, "ALIBABA_CLOUD_SECURITY_TOKEN": ""}
    api = RamApi.from_params(connection(None, access_key_id="", access_key_secret="", security_token="", profile=""), environ=environ)
    api.list_roles()
    assert reads(emulator, "dev") == 1 and reads(emulator, "central") == 0


def test_first_environment_name_wins(emulator: Any, connection) -> None:
    dev, prod = emulator.account("dev"), emulator.account("prod")
    environ = {
        "ALIBABA_CLOUD_ACCESS_KEY_ID": dev.access_key_id,
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET": dev.access_key_secret,
        "ALICLOUD_ACCESS_KEY": prod.access_key_id,
        "ALICLOUD_SECRET_KEY": prod.access_key_secret,
    }
    RamApi.from_params(connection(None), environ=environ).list_roles()
    assert reads(emulator, "dev") == 1 and reads(emulator, "prod") == 0


def test_profile_ak_mode_from_temporary_home(emulator: Any, connection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dev, prod = emulator.account("dev"), emulator.account("prod")
    write_cli_config(
        tmp_path,
        [
            {"name": "default", "mode": "AK", "access_key_id": prod.access_key_id, "access_key_secret": prod.access_key_secret},
            {"name": "dev-keys", "mode": "AK", "access_key_id": dev.access_key_id, "access_key_secret": dev.access_key_secret},
        ],
        current="default",
    )
    monkeypatch.setenv("HOME", str(tmp_path))
    api = RamApi.from_params(connection(None, profile="dev-keys"), environ={})
    assert api.get_role(MEMBER_ROLE) is not None
    assert reads(emulator, "dev") == 1 and reads(emulator, "prod") == 0
    assert dev.access_key_secret in api.secrets


def test_profile_from_environment_variable(emulator: Any, connection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    staging = emulator.account("staging")
    write_cli_config(tmp_path, [{"name": "stg", "mode": "AK", "access_key_id": staging.access_key_id, "access_key_secret": staging.access_key_secret}])
    monkeypatch.setenv("HOME", str(tmp_path))
    RamApi.from_params(connection(None), environ={"ALICLOUD_PROFILE": "stg"}).list_roles()
    assert reads(emulator, "staging") == 1


@pytest.mark.parametrize("mode", ["RamRoleArn", "ChainableRamRoleArn"])
def test_profile_role_modes_assume_through_emulator_sts(emulator: Any, connection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: str) -> None:
    central = emulator.account("central")
    source = {"name": "central-keys", "mode": "AK", "access_key_id": central.access_key_id, "access_key_secret": central.access_key_secret}
    role_profile: dict[str, Any] = {"name": "dev-admin", "mode": mode, "ram_role_arn": DEV_ROLE_ARN, "ram_session_name": "profile-test", "expired_seconds": 900}
    if mode == "RamRoleArn":
        role_profile.update(access_key_id=central.access_key_id, access_key_secret=central.access_key_secret)
    else:
        role_profile["source_profile"] = "central-keys"
    write_cli_config(tmp_path, [source, role_profile])
    monkeypatch.setenv("HOME", str(tmp_path))
    api = RamApi.from_params(connection(None, profile="dev-admin"), environ={})
    role = api.get_role(MEMBER_ROLE)
    assert role is not None and role["Arn"].startswith("acs:ram::1000000000000002:")
    assert emulator.counters("dev")["sts"] == 1 and reads(emulator, "dev") == 1
    assert reads(emulator, "central") == 0
    # The STS secret and token the SDK used are known, so the module can mask them.
    assert len(api.secrets) >= 3


def test_profile_problems_are_clear(connection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    with pytest.raises(ConnectionOptionsError, match="does not exist"):
        RamApi.from_params(connection(None, profile="nowhere"), environ={})
    write_cli_config(tmp_path, [{"name": "loop", "mode": "ChainableRamRoleArn", "source_profile": "loop", "ram_role_arn": DEV_ROLE_ARN}])
    with pytest.raises(ConnectionOptionsError, match="not found"):
        RamApi.from_params(connection(None, profile="other"), environ={})
    with pytest.raises(ConnectionOptionsError, match="source_profile loop"):
        RamApi.from_params(connection(None, profile="loop"), environ={})


def test_assume_role_acts_in_the_member_account(emulator: Any, connection) -> None:
    # The central account has no ResourceDirectoryAccountAccessRole; dev has.
    central_api = RamApi.from_params(connection("central"), environ={})
    assert central_api.get_role(MEMBER_ROLE) is None
    api = RamApi.from_params(connection("central", assume_role={"role_arn": DEV_ROLE_ARN, "session_name": "unit-test"}), environ={})
    role = api.get_role(MEMBER_ROLE)
    assert role is not None and role["Arn"].startswith("acs:ram::1000000000000002:")
    api.list_roles()
    dev_counters = emulator.counters("dev")
    # One STS call for the whole run, however many RAM calls follow.
    assert dev_counters["sts"] == 1 and dev_counters["reads"] == 2
    assert reads(emulator, "central") == 1


def test_assume_role_on_top_of_a_profile(emulator: Any, connection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    central = emulator.account("central")
    write_cli_config(tmp_path, [{"name": "c", "mode": "AK", "access_key_id": central.access_key_id, "access_key_secret": central.access_key_secret}])
    monkeypatch.setenv("HOME", str(tmp_path))
    prod_arn = DEV_ROLE_ARN.replace("1000000000000002", "1000000000000004")
    api = RamApi.from_params(connection(None, profile="c", assume_role={"role_arn": prod_arn}), environ={})
    assert api.get_role(MEMBER_ROLE)["Arn"].startswith("acs:ram::1000000000000004:")
    assert emulator.counters("prod")["sts"] == 1


def test_external_id_mismatch_is_a_ram_error_with_the_sts_code(emulator: Any, connection) -> None:
    trust = {
        "Version": "1",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "sts:AssumeRole",
                "Principal": {"RAM": ["acs:ram::1000000000000001:root"]},
                "Condition": {"StringEquals": {"sts:ExternalId": "expected-id"}},
            }
        ],
    }
    RamApi.from_params(connection("dev"), environ={}).create_role("external-id-role", json.dumps(trust))
    arn = "acs:ram::1000000000000002:role/external-id-role"
    wrong = RamApi.from_params(connection("central", assume_role={"role_arn": arn, "external_id": "wrong-id"}), environ={})
    with pytest.raises(RamError) as caught:
        wrong.get_role("external-id-role")
    error = caught.value
    assert error.operation == "AssumeRole" and error.code == "NoPermission" and error.status_code == 403
    assert error.request_id and str(error).startswith("AssumeRole failed: NoPermission: ")
    assert emulator.counters("dev")["reads"] == 0
    right = RamApi.from_params(connection("central", assume_role={"role_arn": arn, "external_id": "expected-id"}), environ={})
    assert right.get_role("external-id-role") is not None


def test_assume_role_into_a_missing_role_is_an_error_not_a_missing_resource(emulator: Any, connection) -> None:
    # STS answers EntityNotExist.Role for a wrong role ARN: a get_* must not mistake that for "the resource is absent",
    # or check mode would report "would create" for an account it cannot even reach.
    arn = "acs:ram::1000000000000002:role/no-such-role"
    api = RamApi.from_params(connection("central", assume_role={"role_arn": arn}), environ={})
    with pytest.raises(RamError) as caught:
        api.get_role(MEMBER_ROLE)
    assert caught.value.operation == "AssumeRole" and caught.value.code == "EntityNotExist.Role"
    with pytest.raises(RamError):
        api.get_policy("AnyPolicy")
    assert emulator.counters("dev")["reads"] == 0


def run_in_subprocess(code: str, environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # The credentials library reads its environment variables at import time: only a fresh process shows the chain.
    base = {key: value for key, value in os.environ.items() if not key.startswith(("ALIBABA_CLOUD_", "ALICLOUD_")) and "proxy" not in key.lower()}
    base.update(environment)
    base["PYTHONPATH"] = os.pathsep.join([str(COLLECTIONS_ROOT), base.get("PYTHONPATH", "")])
    base["ALIBABA_CLOUD_ECS_METADATA_DISABLED"] = "true"
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=base, capture_output=True, text=True, timeout=60, check=False)


CHAIN_PROBE = """
    from ansible_collections.alibabacloud.ram.plugins.module_utils._ram import RamApi
    api = RamApi.from_params({"endpoint": "%s"}, environ={})
    print(api.credentials_description)
    print(api.get_role("ResourceDirectoryAccountAccessRole")["Arn"])
"""


def test_default_chain_reads_sdk_environment_variables(emulator: Any, tmp_path: Path) -> None:
    dev = emulator.account("dev")
    result = run_in_subprocess(
        CHAIN_PROBE % f"http://{emulator.endpoint}",
        {"HOME": str(tmp_path), "ALIBABA_CLOUD_ACCESS_KEY_ID": dev.access_key_id, "ALIBABA_CLOUD_ACCESS_KEY_SECRET": dev.access_key_secret},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["default credential chain", f"acs:ram::1000000000000002:role/{MEMBER_ROLE.lower()}"]
    assert reads(emulator, "dev") == 1


def test_default_chain_uses_current_cli_profile(emulator: Any, tmp_path: Path) -> None:
    prod = emulator.account("prod")
    write_cli_config(tmp_path, [{"name": "p", "mode": "AK", "access_key_id": prod.access_key_id, "access_key_secret": prod.access_key_secret}], current="p")
    result = run_in_subprocess(CHAIN_PROBE % f"http://{emulator.endpoint}", {"HOME": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1].startswith("acs:ram::1000000000000004:")
    assert reads(emulator, "prod") == 1


def test_default_chain_without_credentials_fails_cleanly(emulator: Any, tmp_path: Path) -> None:
    probe = """
        from ansible_collections.alibabacloud.ram.plugins.module_utils._errors import RamError
        from ansible_collections.alibabacloud.ram.plugins.module_utils._ram import RamApi
        try:
            RamApi.from_params({"endpoint": "%s", "max_attempts": 1}, environ={}).list_roles()
        except RamError as error:
            print(error.operation, error.retryable)
    """
    result = run_in_subprocess(probe % f"http://{emulator.endpoint}", {"HOME": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["ListRoles", "False"]
    assert emulator.counters("central")["reads"] == 0
