# Copyright: (c) 2026, alibabacloud.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Errors raised by the RAM client wrapper; for this collection's internal use only, may change without notice."""

from __future__ import annotations

import json
import re
from typing import Any, Iterable

from ansible_collections.alibabacloud.ram.plugins.module_utils._retry import is_retryable

try:
    from alibabacloud_credentials.exceptions import CredentialException
except ImportError:  # pragma: no cover - reported by the module through missing_required_lib
    CredentialException = None  # type: ignore[assignment,misc]

STS_OPERATION = "AssumeRole"

# Query values the SDK (v1-signed STS GET, debug output) can leave inside URLs and exception text.
_SECRET_QUERY = re.compile(
    r"(?i)\b(AccessKeyId|AccessKeySecret|Signature|SecurityToken|access_key_id|access_key_secret|security_token|sts_token)"
    r"(=|%3D)([^&\s'\",)]*)"
)
_SECRET_JSON = re.compile(r"(?i)(\"(?:AccessKeyId|AccessKeySecret|SecurityToken|Signature)\"\s*:\s*\")([^\"]*)")
_AUTHORIZATION = re.compile(r"(?i)(Credential=)([^,\s'\"]+)")
_STS_FAILURE = re.compile(r"http_code:\s*(\d+),\s*result:\s*(.*)\Z", re.S)
_POOL_HOST = re.compile(r"(HTTPS?)ConnectionPool\(host='([^']+)',\s*port=(\d+)\)")


class ConnectionOptionsError(ValueError):
    """An invalid combination or value of the connection options, found before any network call."""


class RamError(Exception):
    """One failed RAM (or STS) call, API error or transport failure, safe to print: it never holds a secret."""

    def __init__(
        self,
        operation: str,
        message: str,
        *,
        code: str | None = None,
        request_id: str | None = None,
        status_code: int | None = None,
        endpoint: str | None = None,
        retryable: bool = False,
        retry_after_ms: int | None = None,
        transport_reason: str | None = None,
        attempts: int = 1,
    ) -> None:
        super().__init__(message)
        self.operation = operation
        self.message = message
        self.code = code
        self.request_id = request_id
        self.status_code = status_code
        self.endpoint = endpoint
        self.retryable = retryable
        self.retry_after_ms = retry_after_ms
        self.transport_reason = transport_reason
        self.attempts = attempts

    def __str__(self) -> str:
        if self.transport_reason is not None:
            text = f"{self.operation} failed: could not reach {self.endpoint} ({self.transport_reason})"
        elif self.code:
            text = f"{self.operation} failed: {self.code}: {self.message}"
        else:
            text = f"{self.operation} failed: {self.message}"
        notes = []
        if self.request_id:
            notes.append(f"request id {self.request_id}")
        if self.attempts > 1:
            notes.append(f"gave up after {self.attempts} attempts")
        if notes:
            text = f"{text} ({'; '.join(notes)})"
        return text

    @property
    def is_not_found(self) -> bool:
        return bool(self.code and self.code.startswith("EntityNotExist."))

    @property
    def is_already_exists(self) -> bool:
        return bool(self.code and self.code.startswith("EntityAlreadyExists."))

    def fail_json_kwargs(self) -> dict[str, Any]:
        """The keyword arguments a module passes to fail_json for this error."""
        return {"msg": str(self), "error_code": self.code, "request_id": self.request_id, "operation": self.operation}


def scrub_secrets(text: str, secrets: Iterable[str] = ()) -> str:
    """Remove credential values from free text (URLs, SDK messages, reply bodies)."""
    text = _SECRET_QUERY.sub(lambda match: f"{match.group(1)}{match.group(2)}***", text)
    text = _SECRET_JSON.sub(lambda match: f"{match.group(1)}***", text)
    text = _AUTHORIZATION.sub(lambda match: f"{match.group(1)}***", text)
    # Longest first so that a secret containing another one is removed whole.
    for secret in sorted({value for value in secrets if value and len(value) >= 4}, key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


def transport_reason(text: str) -> str:
    """A short human reason for a transport failure, from the text of the underlying requests/urllib3 error."""
    lowered = text.lower()
    if "refused" in lowered:
        return "connection refused"
    if "read timed out" in lowered:
        return "read timed out"
    if "timed out" in lowered or "timeout" in lowered:
        return "connection timed out"
    if "reset" in lowered:
        return "connection reset"
    if "remotedisconnected" in lowered or "without response" in lowered or "aborted" in lowered:
        return "connection closed without a reply"
    if "name or service not known" in lowered or "nodename" in lowered or "getaddrinfo" in lowered or "resolve" in lowered:
        return "host name could not be resolved"
    if "ssl" in lowered or "certificate" in lowered:
        return "TLS handshake failed"
    return "transport error"


def _unreached_endpoint(text: str, default: str | None) -> str | None:
    """The URL requests says it could not reach; differs from the RAM endpoint when STS was unreachable."""
    match = _POOL_HOST.search(text)
    if match is None:
        return default
    scheme = match.group(1).lower()
    return f"{scheme}://{match.group(2)}:{match.group(3)}/"


def _clean_request_id(value: Any) -> str | None:
    # The SDK formats a missing id into the text "None".
    if value in (None, "", "None"):
        return None
    return str(value)


def _from_response_exception(operation: str, error: Any, endpoint: str | None, secrets: Iterable[str]) -> RamError:
    body = error.data if isinstance(getattr(error, "data", None), dict) else {}
    code = getattr(error, "code", None) or body.get("Code")
    if code in ("None", ""):
        code = None
    status_code = getattr(error, "status_code", None)
    message = body.get("Message") or body.get("message")
    if not message:
        # No server Message: fall back on the SDK text, which is "code: <status>, <message> request id: <id>".
        message = str(getattr(error, "message", "") or "no error message in the reply")
    retry_after = getattr(error, "retry_after", None)
    return RamError(
        operation,
        scrub_secrets(str(message), secrets),
        code=code,
        request_id=_clean_request_id(getattr(error, "request_id", None) or body.get("RequestId")),
        status_code=status_code,
        endpoint=endpoint,
        retryable=is_retryable(code, status_code),
        retry_after_ms=retry_after if isinstance(retry_after, int) and retry_after > 0 else None,
    )


def _from_credential_exception(operation: str, error: Exception, sts_endpoint: str | None, secrets: Iterable[str]) -> RamError:
    """alibabacloud-credentials reports an STS error reply only as text: recover its code and message."""
    text = str(error)
    match = _STS_FAILURE.search(text)
    if match:
        status_code = int(match.group(1))
        try:
            body = json.loads(match.group(2))
        except ValueError:
            body = None
        if isinstance(body, dict):
            code = body.get("Code") or body.get("code")
            return RamError(
                STS_OPERATION,
                scrub_secrets(str(body.get("Message") or body.get("message") or "no error message in the reply"), secrets),
                code=code,
                request_id=_clean_request_id(body.get("RequestId")),
                status_code=status_code,
                endpoint=sts_endpoint,
                retryable=is_retryable(code, status_code),
            )
        return RamError(
            STS_OPERATION,
            f"HTTP {status_code} with an unreadable reply",
            status_code=status_code,
            endpoint=sts_endpoint,
            retryable=is_retryable(None, status_code),
        )
    # Not an STS reply (no usable profile, an empty default chain...): the RAM call could not even be signed.
    return RamError(operation, f"could not obtain credentials: {scrub_secrets(text, secrets)}")


def ram_error_from_exception(
    operation: str,
    error: BaseException,
    endpoint: str | None,
    *,
    sts_endpoint: str | None = None,
    secrets: Iterable[str] = (),
) -> RamError:
    """Translate whatever the SDK raised for ``operation`` into a RamError without secrets."""
    secrets = tuple(secrets)
    if isinstance(error, RamError):
        return error
    inner = getattr(error, "inner_exception", None)
    if inner is not None:
        # darabonba's UnretryableException: the real failure is inside.
        return ram_error_from_exception(operation, inner, endpoint, sts_endpoint=sts_endpoint, secrets=secrets)
    if hasattr(error, "status_code") and hasattr(error, "retry_after"):
        return _from_response_exception(operation, error, endpoint, secrets)
    if CredentialException is not None and isinstance(error, CredentialException):
        return _from_credential_exception(operation, error, sts_endpoint, secrets)
    if type(error).__name__ == "RetryError":
        # darabonba/Tea RetryError: requests could not complete the exchange. Its text is the requests message,
        # which can contain the full URL (for STS: AccessKeyId, SecurityToken, Signature) - never show it raw.
        text = str(getattr(error, "message", "") or error)
        # alibabacloud-credentials calls STS inside the RAM call: name the call that really failed.
        failed_operation = STS_OPERATION if "Action=AssumeRole" in text else operation
        return RamError(
            failed_operation,
            scrub_secrets(text, secrets),
            endpoint=_unreached_endpoint(text, endpoint),
            retryable=True,
            transport_reason=transport_reason(text),
        )
    if isinstance(error, json.JSONDecodeError):
        # A reply that is not JSON (a proxy error page, a truncated body): transient as far as we can tell.
        return RamError(operation, f"the reply from {endpoint} was not valid JSON", endpoint=endpoint, retryable=True)
    if isinstance(error, ValueError):
        # The credentials providers validate their inputs with ValueError (for example an empty key).
        return RamError(operation, f"invalid credentials: {scrub_secrets(str(error), secrets)}", endpoint=endpoint)
    return RamError(operation, f"{type(error).__name__}: {scrub_secrets(str(error), secrets)}", endpoint=endpoint)
