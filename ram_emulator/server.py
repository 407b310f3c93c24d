"""The HTTP front: request parsing, authentication, dispatch to RAM/STS, faults, counters, log and control API."""

from __future__ import annotations

import json
import socket
import threading
import time
import traceback
import uuid
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from . import ram, sts
from . import resource_directory as rd
from .accounts import Account, AccountsFileError, accounts_from_spec, check_unique
from .documents import reformat_document
from .errors import ApiError, invalid, not_found
from .faults import Fault, FaultSet, FaultSpecError
from .signing import Acs3Authorization, acs3_signature, check_timestamp, signature_matches, signature_mismatch, v1_signatures
from .state import AccountState

RAM_VERSION = "2015-05-01"
STS_OPERATIONS = ("AssumeRole", "GetCallerIdentity")
LOG_LENGTH = 10_000
# Parameter values never worth logging: they are or carry credentials.
_SECRET_PARAMETERS = frozenset({"Signature", "SecurityToken", "AccessKeySecret"})
_LOGGED_VALUES = ("RoleName", "PolicyName", "PolicyType", "UserName", "GroupName", "VersionId", "RoleArn", "RoleSessionName", "ResourceType")
_STATUS_TEXT = {200: "OK", 400: "Bad Request", 403: "Forbidden", 404: "Not Found", 409: "Conflict", 500: "Internal Server Error", 503: "Service Unavailable"}


class DropConnection(Exception):
    """Close the connection without any reply (a lost reply, as a network failure would cause)."""


class Counters:
    """Requests that reached an operation (authenticated, known action), whether they then failed or were faulted."""

    def __init__(self) -> None:
        self.total = self._empty()
        self.by_account: dict[str, dict[str, Any]] = {}

    @staticmethod
    def _empty() -> dict[str, Any]:
        return {"reads": 0, "writes": 0, "sts": 0, "by_operation": {}}

    def count(self, account_id: str, operation: str, kind: str) -> None:
        kind = {"read": "reads", "write": "writes"}.get(kind, kind)
        for bucket in (self.total, self.by_account.setdefault(account_id, self._empty())):
            bucket[kind] += 1
            per_operation = bucket["by_operation"].setdefault(operation, {"reads": 0, "writes": 0, "sts": 0})
            per_operation[kind] += 1

    def view(self, account_id: str | None) -> dict[str, Any]:
        bucket = self.total if account_id is None else self.by_account.get(account_id, self._empty())
        return json.loads(json.dumps(bucket))


class Emulator:
    """All emulated accounts and their state. One lock serialises state changes; requests are otherwise parallel."""

    def __init__(self, accounts: list[Account], latency_ms: int = 0) -> None:
        self.configured_accounts = list(accounts)
        self.latency_ms = latency_ms
        self.lock = threading.RLock()
        self.reset()

    # --- lifecycle ------------------------------------------------------------------------------------------------
    def reset(self) -> None:
        with self.lock:
            self.accounts_by_id: dict[str, Account] = {}
            self.accounts_by_name: dict[str, Account] = {}
            self.accounts_by_key: dict[str, Account] = {}
            for account in self.configured_accounts:
                self._register(account)
            self.states: dict[str, AccountState] = {}
            self.sessions = sts.SessionStore()
            self.nonces: dict[str, float] = {}
            self.counters = Counters()
            self.log: deque[dict[str, Any]] = deque(maxlen=LOG_LENGTH)
            self.faults = FaultSet()
            self.reformat = False
            self._directory: rd.ResourceDirectory | None = None

    def _register(self, account: Account) -> None:
        self.accounts_by_id[account.account_id] = account
        self.accounts_by_name[account.name] = account
        self.accounts_by_key[account.access_key_id] = account

    def add_accounts(self, spec: Any) -> list[Account]:
        """Add accounts at run time (same format as the --accounts file's ``accounts``/``members``); reset drops them."""
        with self.lock:
            spec = dict(spec) if isinstance(spec, dict) else {"accounts": spec}
            spec["mode"] = "replace"
            added = accounts_from_spec(spec)
            check_unique(list(self.accounts_by_id.values()) + added)
            for account in added:
                self._register(account)
            # New members change the Resource Directory: rebuild it on its next use.
            self._directory = None
            return added

    @property
    def directory(self) -> rd.ResourceDirectory:
        with self.lock:
            if self._directory is None:
                self._directory = rd.ResourceDirectory(self.accounts_by_id.values())
            return self._directory

    def state_of(self, account_id: str) -> AccountState | None:
        """The account's RAM state, created on first use so that thousands of idle accounts cost almost nothing."""
        state = self.states.get(account_id)
        if state is None:
            account = self.accounts_by_id.get(account_id)
            if account is None:
                return None
            with self.lock:
                state = self.states.get(account_id)
                if state is None:
                    state = self.states[account_id] = AccountState(account)
        return state

    def find_account(self, reference: str) -> Account | None:
        return self.accounts_by_id.get(reference) or self.accounts_by_name.get(reference)

    def render(self, document: str) -> str:
        return reformat_document(document) if self.reformat else document

    # --- authentication ---------------------------------------------------------------------------------------------
    def _credentials(self, access_key_id: str, security_token: str | None) -> tuple[sts.Caller, str]:
        account = self.accounts_by_key.get(access_key_id)
        if account is not None:
            if security_token:
                # A token only ever belongs to an STS key: paired with a permanent key it cannot be valid.
                raise invalid("InvalidSecurityToken.Malformed", "The security token you provided is malformed.")
            return sts.Caller(account), account.access_key_secret
        if access_key_id.startswith("STS.") or security_token:
            session = self.sessions.resolve(access_key_id, security_token)
            return sts.Caller(session.account, session), session.access_key_secret
        raise not_found("InvalidAccessKeyId.NotFound", f"Specified access key is not found: {access_key_id}")

    def _use_nonce(self, nonce: str | None, now: float) -> None:
        if not nonce:
            raise invalid("MissingSignatureNonce", "SignatureNonce is mandatory.")
        with self.lock:
            if nonce in self.nonces:
                raise invalid("SignatureNonceUsed", f"The request signature nonce {nonce} has been used.")
            self.nonces[nonce] = now
            if len(self.nonces) > 200_000:
                # Nonces only need remembering while their timestamp is acceptable (15 minutes).
                horizon = now - 16 * 60
                self.nonces = {key: seen for key, seen in self.nonces.items() if seen >= horizon}

    def authenticate_acs3(self, method: str, path: str, params: dict[str, str], headers: Any, body: bytes) -> sts.Caller:
        authorization = Acs3Authorization(headers.get("Authorization") or "")
        caller, secret = self._credentials(authorization.access_key_id, headers.get("x-acs-security-token"))
        now = time.time()
        check_timestamp(headers.get("x-acs-date"), "x-acs-date", now)
        expected = acs3_signature(secret, method, path, params, headers, authorization.signed_headers, body)
        if not signature_matches(expected, authorization.signature):
            raise signature_mismatch("Check your AccessKeySecret and the canonical request.")
        if caller.session is not None and "x-acs-security-token" not in authorization.signed_headers:
            raise invalid("InvalidSecurityToken.Malformed", "The security token must be a signed header.")
        self._use_nonce(headers.get("x-acs-signature-nonce"), now)
        return caller

    def authenticate_v1(self, method: str, params: dict[str, str]) -> sts.Caller:
        signature = params.pop("Signature", None)
        access_key_id = params.get("AccessKeyId")
        if not signature or not access_key_id:
            raise invalid("IncompleteSignature", "The request lacks AccessKeyId or Signature.")
        caller, secret = self._credentials(access_key_id, params.get("SecurityToken"))
        now = time.time()
        check_timestamp(params.get("Timestamp"), "Timestamp", now)
        if params.get("SignatureMethod", "HMAC-SHA1") != "HMAC-SHA1":
            raise invalid("InvalidParameter.SignatureMethod", "Only HMAC-SHA1 is supported for signature version 1.0.")
        if not any(signature_matches(candidate, signature) for candidate in v1_signatures(secret, method, params)):
            raise signature_mismatch("Check your AccessKeySecret and the string to sign.")
        self._use_nonce(params.get("SignatureNonce"), now)
        return caller

    # --- dispatch ---------------------------------------------------------------------------------------------------
    def operation_kind(self, action: str, version: str | None) -> str:
        """'sts', 'read' or 'write', or an error for an unknown action or version."""
        if action in STS_OPERATIONS and version in (sts.STS_VERSION, None):
            return "sts"
        if version == rd.RD_VERSION:
            if action not in rd.OPERATIONS:
                raise not_found("InvalidAction.NotFound", f"Specified api {action} is not found.")
            # Every ResourceManager operation emulated is a read.
            return "read"
        if version not in (RAM_VERSION, sts.STS_VERSION):
            raise invalid("InvalidVersion", f"Specified parameter Version {version!r} is not valid.")
        operation = ram.OPERATIONS.get(action) if version == RAM_VERSION else None
        if operation is None:
            raise not_found("InvalidAction.NotFound", f"Specified api {action} is not found.")
        return "write" if operation[1] else "read"

    def perform(self, caller: sts.Caller, action: str, kind: str, params: dict[str, str], version: str | None = None) -> dict[str, Any]:
        if version == rd.RD_VERSION:
            return rd.OPERATIONS[action](self.directory, caller.account, params)
        if kind == "sts":
            if action == "GetCallerIdentity":
                return sts.get_caller_identity(caller)
            with self.lock:
                return sts.assume_role(caller, params, self.state_of, self.sessions)
        state = self.state_of(caller.account.account_id)
        handler = ram.OPERATIONS[action][0]
        with self.lock:
            return handler(ram.Call(state, params, self.render))

    def counted_account(self, caller: sts.Caller, action: str, params: dict[str, str]) -> Account:
        """AssumeRole counts against the account whose role is assumed; everything else against the caller's."""
        if action == "AssumeRole":
            arn = params.get("RoleArn") or ""
            if arn.startswith("acs:ram::"):
                target = self.accounts_by_id.get(arn[9:].partition(":")[0])
                if target is not None:
                    return target
        return caller.account


def _request_id() -> str:
    return str(uuid.uuid4()).upper()


class RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "ram-emulator"
    emulator: Emulator  # set on the subclass made by make_server

    def setup(self) -> None:
        super().setup()
        # Replies go out in one write, but the request side may still meet Nagle's algorithm: turn it off.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - signature fixed by the base class
        # The control API keeps a structured log; stderr noise would slow the server and clutter test output.
        return

    # --- reply helpers ------------------------------------------------------------------------------------------
    def _send(self, status: int, payload: Any, extra_headers: dict[str, str] | None = None) -> None:
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        lines = [
            f"HTTP/1.1 {status} {_STATUS_TEXT.get(status, 'Error')}",
            "Content-Type: application/json;charset=utf-8",
            f"Content-Length: {len(body)}",
        ]
        if isinstance(payload, dict) and "RequestId" in payload:
            lines.append(f"x-acs-request-id: {payload['RequestId']}")
        for name, value in (extra_headers or {}).items():
            lines.append(f"{name}: {value}")
        if self.close_connection:
            lines.append("Connection: close")
        self.wfile.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)

    def _send_error(self, error: ApiError, request_id: str, host: str, extra_headers: dict[str, str] | None = None) -> None:
        product = {"sts": "Sts", "resourcemanager": "ResourceManager"}.get(host.partition(".")[0], "Ram")
        self._send(error.status, {
            "Code": error.code,
            "Message": error.message,
            "RequestId": request_id,
            "HostId": host,
            "Recommend": f"https://api.aliyun.com/troubleshoot?q={error.code}&product={product}&requestId={request_id}",
        }, extra_headers)

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    # --- verbs --------------------------------------------------------------------------------------------------
    def do_GET(self) -> None:  # noqa: N802 - name fixed by http.server
        self._handle("GET")

    def do_POST(self) -> None:  # noqa: N802
        self._handle("POST")

    def do_DELETE(self) -> None:  # noqa: N802
        self._handle("DELETE")

    def _handle(self, method: str) -> None:
        body = self._read_body()
        path, _separator, query = self.path.partition("?")
        if path.startswith("/_emulator/"):
            self._control(method, path[len("/_emulator/"):], query, body)
        else:
            self._api(method, path, query, body)

    # --- the RAM/STS API ----------------------------------------------------------------------------------------
    def _api(self, method: str, path: str, query: str, body: bytes) -> None:
        emulator = self.emulator
        started = time.monotonic()
        request_id = _request_id()
        params = dict(parse_qsl(query, keep_blank_values=True))
        action = self.headers.get("x-acs-action")
        if action and "Signature" in params and not self.headers.get("Authorization"):
            # tea-openapi's signature-v1 RPC path also sends x-acs-action; its signature is in the query.
            action = None
        style = "acs3" if action else "v1"
        if not action and body and "form-urlencoded" in (self.headers.get("Content-Type") or ""):
            params.update(parse_qsl(body.decode(), keep_blank_values=True))
        if style == "v1":
            action = params.get("Action") or ""
            version = params.get("Version")
        else:
            version = self.headers.get("x-acs-version")
        host = "sts.aliyuncs.com" if action in STS_OPERATIONS else "resourcemanager.aliyuncs.com" if version == rd.RD_VERSION else "ram.aliyuncs.com"
        entry: dict[str, Any] = {"time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "action": action, "style": style,
                                 "method": method, "account": None, "account_name": None, "fault": None}
        status, code = 200, None
        caller = None
        reply: dict[str, Any] | None = None
        error: ApiError | None = None
        try:
            try:
                kind = emulator.operation_kind(action, version)
                if style == "acs3":
                    caller = emulator.authenticate_acs3(method, path, params, self.headers, body)
                    if body and "form-urlencoded" in (self.headers.get("Content-Type") or ""):
                        # ACS3 signs a form body through x-acs-content-sha256; its fields are parameters too.
                        params.update(parse_qsl(body.decode(), keep_blank_values=True))
                else:
                    caller = emulator.authenticate_v1(method, params)
                    for name in ("Action", "Version", "Format", "Timestamp", "SignatureNonce", "SignatureMethod",
                                 "SignatureVersion", "AccessKeyId", "SecurityToken", "RegionId"):
                        params.pop(name, None)
                counted = emulator.counted_account(caller, action, params)
                entry["account"], entry["account_name"] = counted.account_id, counted.name
                with emulator.lock:
                    emulator.counters.count(counted.account_id, action, kind)
                    latency, fault = emulator.faults.select(counted.account_id, counted.name, action)
                delay = latency + emulator.latency_ms
                if delay:
                    time.sleep(delay / 1000)
                if fault is not None:
                    entry["fault"] = fault.kind
                    if fault.kind == "drop" and fault.after:
                        emulator.perform(caller, action, kind, params, version)
                    self._raise_fault(fault)
                reply = emulator.perform(caller, action, kind, params, version)
            except DropConnection:
                raise
            except Exception as unexpected:  # noqa: BLE001 - any bug must still produce a reply, as RAM would
                if not isinstance(unexpected, ApiError):
                    traceback.print_exc()
                    unexpected = ApiError(500, "InternalError", "The request processing has failed due to some unknown error.")
                error = unexpected
                status, code = error.status, error.code
        except DropConnection:
            status, code = 0, "ConnectionDropped"
            self.close_connection = True
        # Logged before the reply goes out, so a client that reads the log right after its call finds the entry.
        entry.update({
            "status": status, "code": code, "request_id": request_id,
            "access_key_id": caller.session.access_key_id if caller and caller.session else (caller.account.access_key_id if caller else None),
            "parameters": sorted(name for name in params if name not in _SECRET_PARAMETERS),
            "values": {name: params[name][:200] for name in _LOGGED_VALUES if name in params},
            "duration_ms": round((time.monotonic() - started) * 1000, 3),
        })
        emulator.log.append(entry)
        if error is not None:
            self._send_error(error, request_id, host, getattr(error, "headers", None))
        elif reply is not None:
            reply["RequestId"] = request_id
            self._send(200, reply)

    @staticmethod
    def _raise_fault(fault: Fault) -> None:
        if fault.kind == "drop":
            raise DropConnection()
        if fault.kind == "throttle":
            error = ApiError(400, "Throttling.User", "Request was denied due to user flow control.")
            if fault.retry_after_ms:
                error.headers = {"x-acs-retry-after": str(fault.retry_after_ms)}  # type: ignore[attr-defined]
            raise error
        if fault.status == 500:
            raise ApiError(500, "InternalError", "The request processing has failed due to some unknown error.")
        raise ApiError(503, "ServiceUnavailable", "The request has failed due to a temporary failure of the server.")

    # --- the control API ----------------------------------------------------------------------------------------
    def _control(self, method: str, route: str, query: str, body: bytes) -> None:
        emulator = self.emulator
        arguments = dict(parse_qsl(query))
        try:
            payload = json.loads(body) if body else {}
        except ValueError:
            self._send(400, {"error": "the body must be JSON"})
            return
        try:
            result = self._control_route(emulator, method, route, arguments, payload)
        except (FaultSpecError, AccountsFileError, ValueError, TypeError) as error:
            self._send(400, {"error": str(error)})
            return
        except LookupError as error:
            self._send(404, {"error": str(error.args[0] if error.args else error)})
            return
        self._send(200, result)

    def _control_route(self, emulator: Emulator, method: str, route: str, arguments: dict[str, str], payload: Any) -> Any:
        def account_argument(required: bool) -> Account | None:
            reference = arguments.get("account")
            if reference is None:
                if required:
                    raise ValueError("the account query parameter is required")
                return None
            account = emulator.find_account(reference)
            if account is None:
                raise LookupError(f"unknown account {reference!r}")
            return account

        if (method, route) == ("POST", "reset"):
            emulator.reset()
            return {"reset": True}
        if (method, route) == ("GET", "accounts"):
            return {"accounts": [account.public_view() for account in emulator.accounts_by_id.values()]}
        if (method, route) == ("POST", "accounts"):
            return {"added": [account.public_view() for account in emulator.add_accounts(payload)]}
        if (method, route) == ("GET", "state"):
            account = account_argument(required=True)
            with emulator.lock:
                return emulator.state_of(account.account_id).dump()
        if (method, route) == ("GET", "counters"):
            account = account_argument(required=False)
            with emulator.lock:
                return emulator.counters.view(account.account_id if account else None)
        if (method, route) == ("GET", "log"):
            with emulator.lock:
                return {"entries": list(emulator.log)}
        if route == "faults":
            with emulator.lock:
                if method == "POST":
                    emulator.faults.add(Fault.from_spec(payload))
                elif method == "DELETE":
                    emulator.faults.clear()
                return {"faults": [fault.view() for fault in emulator.faults.faults]}
        if (method, route) == ("POST", "reformat"):
            emulator.reformat = bool(payload.get("enabled", True))
            return {"enabled": emulator.reformat}
        if (method, route) == ("POST", "clock"):
            # Ages STS sessions only (request timestamps stay checked against the real clock).
            emulator.sessions.clock_offset += float(payload.get("advance_seconds", 0))
            return {"sts_clock_offset_seconds": emulator.sessions.clock_offset}
        raise LookupError(f"no control route {method} /_emulator/{route}")


class EmulatorServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256


def make_server(emulator: Emulator, host: str, port: int) -> EmulatorServer:
    handler = type("BoundRequestHandler", (RequestHandler,), {"emulator": emulator})
    return EmulatorServer((host, port), handler)


def base_url(server: EmulatorServer) -> str:
    host, port = server.server_address[:2]
    return f"http://{host}:{port}"


def parse_url(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    return parts.hostname or "127.0.0.1", parts.port or 80
