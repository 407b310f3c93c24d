"""Fixtures and helpers for the emulator conformance tests: SDK clients and hand-signed requests."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from alibabacloud_ram20150501.client import Client
from alibabacloud_tea_openapi import models as open_api_models

from ram_emulator.control import AccountCredentials, EmulatorControl

TRUST_ECS = json.dumps({"Statement": [{"Action": "sts:AssumeRole", "Effect": "Allow", "Principal": {"Service": ["ecs.aliyuncs.com"]}}], "Version": "1"})
POLICY_OSS_READ = json.dumps({"Version": "1", "Statement": [{"Effect": "Allow", "Action": ["oss:Get*"], "Resource": ["acs:oss:*:*:bucket/*"]}]})

_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def sdk_client(emulator: EmulatorControl, credentials: AccountCredentials | None = None, *, access_key_id: str | None = None,
               access_key_secret: str | None = None, security_token: str | None = None, **config: Any) -> Client:
    if credentials is not None:
        access_key_id, access_key_secret = credentials.access_key_id, credentials.access_key_secret
    return Client(open_api_models.Config(access_key_id=access_key_id, access_key_secret=access_key_secret, security_token=security_token,
                                         endpoint=emulator.endpoint, protocol="http", **config))


@pytest.fixture
def dev_client(emulator: EmulatorControl) -> Client:
    return sdk_client(emulator, emulator.account("dev"))


@pytest.fixture
def central_client(emulator: EmulatorControl) -> Client:
    return sdk_client(emulator, emulator.account("central"))


def raw_request(url: str, method: str = "POST", headers: dict[str, str] | None = None, data: bytes | None = None) -> tuple[int, dict[str, Any], dict[str, str]]:
    """Send one HTTP request and return (status, parsed JSON body, headers)."""
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with _NO_PROXY.open(request, timeout=10) as response:
            return response.status, json.loads(response.read()), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read()), dict(error.headers)


def _percent(value: str) -> str:
    return quote(value, safe="~")


def v1_request(emulator: EmulatorControl, credentials: AccountCredentials, action: str, params: dict[str, str], *, method: str = "GET",
               version: str = "2015-05-01", timestamp: str | None = None, nonce: str | None = None, secret: str | None = None,
               security_token: str | None = None, access_key_id: str | None = None) -> tuple[int, dict[str, Any], dict[str, str]]:
    """A classic RPC request signed with signature v1 (HMAC-SHA1), written from the published algorithm."""
    query = {
        "Action": action, "Version": version, "Format": "JSON",
        "Timestamp": timestamp or time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "SignatureNonce": nonce or uuid.uuid4().hex, "SignatureMethod": "HMAC-SHA1", "SignatureVersion": "1.0",
        "AccessKeyId": access_key_id or credentials.access_key_id, **params,
    }
    if security_token:
        query["SecurityToken"] = security_token
    canonical = "&".join(f"{_percent(key)}={_percent(query[key])}" for key in sorted(query))
    string_to_sign = f"{method}&%2F&{_percent(canonical)}"
    key = f"{secret or credentials.access_key_secret}&".encode()
    query["Signature"] = base64.b64encode(hmac.new(key, string_to_sign.encode(), hashlib.sha1).digest()).decode()
    encoded = urlencode(query)
    if method == "GET":
        return raw_request(f"{emulator.url}/?{encoded}", "GET")
    return raw_request(f"{emulator.url}/", "POST", {"Content-Type": "application/x-www-form-urlencoded"}, encoded.encode())


def acs3_request(emulator: EmulatorControl, credentials: AccountCredentials, action: str, params: dict[str, str], *,
                 date: str | None = None, nonce: str | None = None, secret: str | None = None, security_token: str | None = None,
                 access_key_id: str | None = None, version: str = "2015-05-01") -> tuple[int, dict[str, Any], dict[str, str]]:
    """An ACS3-HMAC-SHA256 request built by hand (independently of the SDK) so each auth field can be varied."""
    headers = {
        "host": emulator.endpoint, "x-acs-action": action, "x-acs-version": version,
        "x-acs-date": date or time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "x-acs-signature-nonce": nonce or uuid.uuid4().hex,
        "x-acs-content-sha256": hashlib.sha256(b"").hexdigest(),
    }
    if security_token:
        headers["x-acs-security-token"] = security_token
    signed = sorted(headers)
    canonical_query = "&".join(f"{key}={_percent(params[key])}" for key in sorted(params))
    canonical_headers = "".join(f"{name}:{headers[name]}\n" for name in signed)
    canonical_request = f"POST\n/\n{canonical_query}\n{canonical_headers}\n{';'.join(signed)}\n{hashlib.sha256(b'').hexdigest()}"
    string_to_sign = f"ACS3-HMAC-SHA256\n{hashlib.sha256(canonical_request.encode()).hexdigest()}"
    signature = hmac.new((secret or credentials.access_key_secret).encode(), string_to_sign.encode(), hashlib.sha256).hexdigest()
    credential = access_key_id or credentials.access_key_id
    headers["Authorization"] = f"ACS3-HMAC-SHA256 Credential={credential},SignedHeaders={';'.join(signed)},Signature={signature}"
    url = f"{emulator.url}/?{'&'.join(f'{key}={_percent(value)}' for key, value in params.items())}"
    return raw_request(url, "POST", headers, b"")


def expect_error(call: Callable[[], Any], code: str, status: int) -> Any:
    """Run an SDK call that must fail with exactly this RAM error code and HTTP status."""
    with pytest.raises(Exception) as caught:
        call()
    error = caught.value
    assert getattr(error, "code", None) == code, f"expected {code}, got {error!r}"
    assert error.status_code == status
    assert error.data["RequestId"] and error.data["HostId"] and error.data["Recommend"] and error.data["Message"]
    return error


def assert_error_body(body: dict[str, Any], code: str) -> None:
    assert body["Code"] == code
    assert set(body) == {"Code", "Message", "RequestId", "HostId", "Recommend"}


def wire_reply(emulator: EmulatorControl, credentials: AccountCredentials, action: str, params: dict[str, str]) -> dict[str, Any]:
    """The raw JSON of a successful reply, checked against the SDK response model: every key known, nothing dropped."""
    from alibabacloud_ram20150501 import models

    status, body, headers = acs3_request(emulator, credentials, action, params)
    assert status == 200, body
    assert int(headers["Content-Length"]) > 0
    model = getattr(models, f"{action}ResponseBody")()
    assert model.from_map(body).to_map() == body, f"{action} reply does not round-trip through the SDK model"
    return body
