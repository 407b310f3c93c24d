"""Request signature checks: ACS3-HMAC-SHA256 (the current SDKs) and signature v1 HMAC-SHA1 (classic RPC style)."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from datetime import datetime, timezone
from urllib.parse import quote, quote_plus

from .errors import ApiError, invalid

ACS3_ALGORITHM = "ACS3-HMAC-SHA256"
MAX_CLOCK_SKEW_SECONDS = 15 * 60
EMPTY_BODY_SHA256 = hashlib.sha256(b"").hexdigest()


def _encode(value: str) -> str:
    return quote(value, safe="~")


class Acs3Authorization:
    """The parsed ``Authorization: ACS3-HMAC-SHA256 Credential=..,SignedHeaders=..,Signature=..`` header."""

    __slots__ = ("access_key_id", "signed_headers", "signature")

    def __init__(self, header: str) -> None:
        algorithm, _space, rest = header.partition(" ")
        if algorithm != ACS3_ALGORITHM:
            raise invalid("IncompleteSignature", f"Unsupported signature algorithm {algorithm!r}.")
        fields: dict[str, str] = {}
        for part in rest.split(","):
            name, _equals, value = part.strip().partition("=")
            fields[name] = value
        try:
            self.access_key_id = fields["Credential"]
            self.signed_headers = fields["SignedHeaders"].split(";")
            self.signature = fields["Signature"]
        except KeyError:
            raise invalid("IncompleteSignature", "The Authorization header lacks Credential, SignedHeaders or Signature.") from None


def acs3_signature(secret: str, method: str, path: str, params: Mapping[str, str], headers: Mapping[str, str],
                   signed_headers: list[str], body: bytes) -> str:
    """Recompute the ACS3-HMAC-SHA256 signature exactly as alibabacloud-tea-openapi builds it."""
    canonical_query = "&".join(f"{key}={_encode(params[key])}" for key in sorted(params))
    canonical_headers = "".join(f"{name}:{(headers.get(name) or '').strip()}\n" for name in signed_headers)
    body_hash = hashlib.sha256(body).hexdigest() if body else EMPTY_BODY_SHA256
    canonical_request = f"{method}\n{path or '/'}\n{canonical_query}\n{canonical_headers}\n{';'.join(signed_headers)}\n{body_hash}"
    string_to_sign = f"{ACS3_ALGORITHM}\n{hashlib.sha256(canonical_request.encode()).hexdigest()}"
    return hmac.new(secret.encode(), string_to_sign.encode(), hashlib.sha256).hexdigest()


def v1_signatures(secret: str, method: str, params: Mapping[str, str]) -> list[str]:
    """The signature v1 values a correct client may have computed for ``params`` (without ``Signature``).

    The specification percent-encodes with only ``~`` safe; alibabacloud-credentials' STS client uses
    ``quote_plus`` instead (space as ``+``). Both are accepted: they differ only when a value holds a space.
    """
    keys = sorted(params)
    strict = "&".join(f"{_encode(key)}={_encode(params[key])}" for key in keys)
    candidates = [f"{method}&%2F&{_encode(strict)}"]
    if any(" " in params[key] for key in keys):
        plus = "&".join(f"{quote_plus(key)}={quote_plus(params[key])}" for key in keys)
        candidates.append(f"{method}&{quote_plus('/')}&{quote_plus(plus)}")
    key = f"{secret}&".encode()
    return [base64.b64encode(hmac.new(key, text.encode(), hashlib.sha1).digest()).decode() for text in candidates]


def signature_matches(expected: str, received: str) -> bool:
    return hmac.compare_digest(expected.encode(), received.encode())


def check_timestamp(value: str | None, parameter: str, now: float) -> None:
    """RAM rejects requests whose signing time is more than 15 minutes away from its own clock."""
    if not value:
        raise invalid("MissingTimestamp" if parameter == "Timestamp" else "InvalidTimeStamp.Format", f"{parameter} is mandatory.")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise invalid("InvalidTimeStamp.Format", f"The {parameter} {value!r} is not an ISO 8601 UTC time.") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    if abs(moment.timestamp() - now) > MAX_CLOCK_SKEW_SECONDS:
        raise invalid("InvalidTimeStamp.Expired", f"The {parameter} {value} is more than 15 minutes away from the server time.")


def signature_mismatch(string_hint: str) -> ApiError:
    return invalid("SignatureDoesNotMatch", f"Specified signature does not match our calculation. {string_hint}".strip())
