# Copyright: (c) 2026, alibabacloud.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Connection options and credential resolution; for this collection's internal use only, may change without notice."""

from __future__ import annotations

import json
import logging
import math
import os
import re
import sys
from dataclasses import dataclass, field
from typing import Any, Mapping
from urllib.parse import urlsplit

from ansible.module_utils.basic import env_fallback

from ansible_collections.alibabacloud.ram.plugins.module_utils._errors import ConnectionOptionsError
from ansible_collections.alibabacloud.ram.plugins.module_utils._retry import DEFAULT_MAX_ATTEMPTS

DEFAULT_RAM_ENDPOINT = "ram.aliyuncs.com"
DEFAULT_STS_ENDPOINT = "sts.aliyuncs.com"
DEFAULT_SESSION_NAME = "alibabacloud-ram-ansible"
DEFAULT_CONNECT_TIMEOUT = 5.0
DEFAULT_READ_TIMEOUT = 10.0
MIN_SESSION_DURATION = 900
MAX_SESSION_DURATION = 43200

# Environment variables per credential option, first match wins. These four options are resolved as one group
# (explicit task options first, the environment only when the task sets none of them), so they are read here
# rather than through Ansible's per-option fallback: a profile in the task must not clash with keys exported
# in the shell.
CREDENTIAL_ENVIRONMENT = {
    "access_key_id": ("ALIBABA_CLOUD_ACCESS_KEY_ID", "ALICLOUD_ACCESS_KEY"),
    "access_key_secret": ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALICLOUD_SECRET_KEY"),
    "security_token": ("ALIBABA_CLOUD_SECURITY_TOKEN", "ALICLOUD_SECURITY_TOKEN"),
    "profile": ("ALIBABA_CLOUD_PROFILE", "ALICLOUD_PROFILE"),
}
RAM_ENDPOINT_ENVIRONMENT = "ALIBABA_CLOUD_RAM_ENDPOINT"
STS_ENDPOINT_ENVIRONMENT = "ALIBABA_CLOUD_STS_ENDPOINT"

_HOST_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")
_ROLE_ARN = re.compile(r"^acs:ram::\d+:role/[A-Za-z0-9.@_-]{1,64}$", re.I)
_SESSION_NAME = re.compile(r"^[A-Za-z0-9.@_-]{2,64}$")
_CHAINED_PROFILE_MODES = ("RamRoleArn", "ChainableRamRoleArn")


def connection_argument_spec() -> dict[str, Any]:
    """The options every module of this collection accepts, documented by the alibabacloud.ram.connection fragment."""
    return {
        "access_key_id": {"type": "str"},
        "access_key_secret": {"type": "str", "no_log": True},
        "security_token": {"type": "str", "no_log": True},
        "profile": {"type": "str"},
        "assume_role": {
            "type": "dict",
            "options": {
                "role_arn": {"type": "str", "required": True},
                "session_name": {"type": "str", "default": DEFAULT_SESSION_NAME},
                "duration_seconds": {"type": "int", "default": 3600},
                "external_id": {"type": "str"},
                "policy": {"type": "json"},
            },
        },
        "endpoint": {"type": "str", "fallback": (env_fallback, [RAM_ENDPOINT_ENVIRONMENT])},
        "sts_endpoint": {"type": "str", "fallback": (env_fallback, [STS_ENDPOINT_ENVIRONMENT])},
        "connect_timeout": {"type": "float", "default": DEFAULT_CONNECT_TIMEOUT},
        "read_timeout": {"type": "float", "default": DEFAULT_READ_TIMEOUT},
        "max_attempts": {"type": "int", "default": DEFAULT_MAX_ATTEMPTS},
    }


@dataclass(frozen=True)
class Endpoint:
    """A service endpoint split the way the SDK needs it: the scheme apart from the signed Host value."""

    scheme: str
    host: str

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.host}/"


def parse_endpoint(value: str, option: str) -> Endpoint:
    """Accept ``host``, ``host:port``, ``https://host[:port]`` or ``http://host[:port]``; anything else is an error."""
    text = value.strip() if isinstance(value, str) else ""
    problem = f"{option} must be host, host:port, https://host[:port] or http://host[:port], got {value!r}"
    if not text or any(character.isspace() for character in text):
        raise ConnectionOptionsError(problem)
    scheme = "https"
    remainder = text
    if "://" in text:
        scheme, remainder = text.split("://", 1)
        scheme = scheme.lower()
        if scheme not in ("http", "https"):
            raise ConnectionOptionsError(f"{problem}: unsupported scheme {scheme!r}")
    parts = urlsplit(f"//{remainder}")
    if parts.path not in ("", "/") or parts.query or parts.fragment or "?" in remainder or "#" in remainder:
        raise ConnectionOptionsError(f"{problem}: no path, query or fragment allowed")
    if parts.username is not None or "@" in remainder:
        raise ConnectionOptionsError(f"{problem}: no user information allowed")
    try:
        port = parts.port
    except ValueError:
        raise ConnectionOptionsError(f"{problem}: invalid port") from None
    hostname = parts.hostname
    if not hostname or not _valid_host(hostname, parts.netloc):
        raise ConnectionOptionsError(f"{problem}: invalid host name")
    if port is not None and port == 0:
        raise ConnectionOptionsError(f"{problem}: invalid port")
    # urlsplit lower-cases the host name; keep the netloc as written (it is what gets signed as Host).
    return Endpoint(scheme=scheme, host=parts.netloc)


def _valid_host(hostname: str, netloc: str) -> bool:
    if netloc.startswith("["):
        return ":" in hostname
    if netloc.endswith(":"):
        return False
    return all(_HOST_LABEL.match(label) for label in hostname.rstrip(".").split("."))


def _present(value: Any) -> bool:
    return value is not None and value != ""


@dataclass(frozen=True)
class AssumeRole:
    role_arn: str
    session_name: str = DEFAULT_SESSION_NAME
    duration_seconds: int = 3600
    external_id: str | None = None
    policy: str | None = None


@dataclass(frozen=True)
class ConnectionSettings:
    """The connection options checked and normalised; building it makes no network call."""

    endpoint: Endpoint
    sts_endpoint: Endpoint
    sts_endpoint_explicit: bool
    connect_timeout_ms: int
    read_timeout_ms: int
    max_attempts: int
    access_key_id: str | None = None
    access_key_secret: str | None = field(default=None, repr=False)
    security_token: str | None = field(default=None, repr=False)
    profile: str | None = None
    assume_role: AssumeRole | None = None
    # Where the credential options came from, for error messages ("task options" or variable names).
    credential_origin: str = "task options"

    @classmethod
    def from_params(cls, params: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> ConnectionSettings:
        environ = os.environ if environ is None else environ
        credentials, origin = _credential_options(params, environ)
        _check_credential_combination(credentials, origin)

        endpoint_value = params.get("endpoint") or environ.get(RAM_ENDPOINT_ENVIRONMENT) or DEFAULT_RAM_ENDPOINT
        sts_value = params.get("sts_endpoint") or environ.get(STS_ENDPOINT_ENVIRONMENT)
        return cls(
            endpoint=parse_endpoint(endpoint_value, "endpoint"),
            sts_endpoint=parse_endpoint(sts_value or DEFAULT_STS_ENDPOINT, "sts_endpoint"),
            sts_endpoint_explicit=bool(sts_value),
            connect_timeout_ms=_timeout_ms(params.get("connect_timeout"), "connect_timeout", DEFAULT_CONNECT_TIMEOUT),
            read_timeout_ms=_timeout_ms(params.get("read_timeout"), "read_timeout", DEFAULT_READ_TIMEOUT),
            max_attempts=_max_attempts(params.get("max_attempts")),
            access_key_id=credentials.get("access_key_id"),
            access_key_secret=credentials.get("access_key_secret"),
            security_token=credentials.get("security_token"),
            profile=credentials.get("profile"),
            assume_role=_assume_role(params.get("assume_role")),
            credential_origin=origin,
        )

    @property
    def sts_endpoint_for_sdk(self) -> str:
        """alibabacloud-credentials speaks HTTPS to a bare host and takes the scheme only inside the value."""
        if self.sts_endpoint.scheme == "http":
            return f"http://{self.sts_endpoint.host}"
        return self.sts_endpoint.host

    @property
    def static_secrets(self) -> list[str]:
        return [value for value in (self.access_key_secret, self.security_token) if value]


def _credential_options(params: Mapping[str, Any], environ: Mapping[str, str]) -> tuple[dict[str, str], str]:
    explicit = {name: params.get(name) for name in CREDENTIAL_ENVIRONMENT if _present(params.get(name))}
    if explicit:
        return explicit, "task options"
    from_environment: dict[str, str] = {}
    variables = []
    for name, variable_names in CREDENTIAL_ENVIRONMENT.items():
        for variable in variable_names:
            if _present(environ.get(variable)):
                from_environment[name] = environ[variable]
                variables.append(variable)
                break
    return from_environment, f"environment variables {', '.join(variables)}" if variables else "environment"


def _check_credential_combination(credentials: Mapping[str, str], origin: str) -> None:
    has_id = "access_key_id" in credentials
    has_secret = "access_key_secret" in credentials
    if "profile" in credentials and (has_id or has_secret or "security_token" in credentials):
        raise ConnectionOptionsError(
            f"profile cannot be combined with access_key_id, access_key_secret or security_token (from {origin})"
        )
    if has_id != has_secret:
        missing = "access_key_secret" if has_id else "access_key_id"
        raise ConnectionOptionsError(f"access_key_id and access_key_secret must be given together: {missing} is missing (from {origin})")
    if "security_token" in credentials and not has_id:
        raise ConnectionOptionsError(f"security_token needs access_key_id and access_key_secret (from {origin})")


def _timeout_ms(value: Any, option: str, default: float) -> int:
    seconds = default if value is None else value
    try:
        seconds = float(seconds)
    except (TypeError, ValueError):
        raise ConnectionOptionsError(f"{option} must be a number of seconds, got {value!r}") from None
    if math.isnan(seconds) or seconds <= 0 or seconds > 3600:
        raise ConnectionOptionsError(f"{option} must be more than 0 and at most 3600 seconds, got {value!r}")
    # The SDK wants whole milliseconds; never round a tiny timeout down to "no timeout".
    return max(1, int(round(seconds * 1000)))


def _max_attempts(value: Any) -> int:
    attempts = DEFAULT_MAX_ATTEMPTS if value is None else value
    if isinstance(attempts, bool) or not isinstance(attempts, int) or attempts < 1:
        raise ConnectionOptionsError(f"max_attempts must be an integer of at least 1, got {value!r}")
    return attempts


def _assume_role(value: Any) -> AssumeRole | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise ConnectionOptionsError("assume_role must be a dictionary")
    role_arn = value.get("role_arn")
    if not _present(role_arn) or not _ROLE_ARN.match(str(role_arn)):
        raise ConnectionOptionsError(f"assume_role.role_arn must look like acs:ram::<account id>:role/<name>, got {role_arn!r}")
    session_name = value.get("session_name") or DEFAULT_SESSION_NAME
    if not _SESSION_NAME.match(session_name):
        raise ConnectionOptionsError(
            f"assume_role.session_name must be 2 to 64 letters, digits or . @ - _ characters, got {session_name!r}"
        )
    duration = value.get("duration_seconds")
    duration = 3600 if duration is None else duration
    if isinstance(duration, bool) or not isinstance(duration, int) or not MIN_SESSION_DURATION <= duration <= MAX_SESSION_DURATION:
        raise ConnectionOptionsError(
            f"assume_role.duration_seconds must be an integer from {MIN_SESSION_DURATION} to {MAX_SESSION_DURATION}, got {duration!r}"
        )
    policy = value.get("policy")
    if isinstance(policy, Mapping):
        policy = json.dumps(policy, separators=(",", ":"))
    elif _present(policy):
        try:
            json.loads(policy)
        except ValueError:
            raise ConnectionOptionsError("assume_role.policy must be a JSON policy document") from None
    return AssumeRole(
        role_arn=str(role_arn),
        session_name=session_name,
        duration_seconds=duration,
        external_id=value.get("external_id") or None,
        policy=policy or None,
    )


class RecordingProvider:
    """Hands out another provider's credentials and remembers every secret it handed out.

    STS and profile credentials are secrets Ansible never saw as option values; the module adds what this
    records to its no_log values, and error messages are scrubbed of them.
    """

    def __init__(self, inner: Any, secrets: set[str]) -> None:
        self._inner = inner
        self._secrets = secrets

    def _record(self, credentials: Any) -> Any:
        if credentials is not None:
            for value in (credentials.get_access_key_secret(), credentials.get_security_token()):
                if value:
                    self._secrets.add(value)
        return credentials

    def get_credentials(self) -> Any:
        return self._record(self._inner.get_credentials())

    async def get_credentials_async(self) -> Any:
        return self._record(await self._inner.get_credentials_async())

    def get_provider_name(self) -> str:
        return self._inner.get_provider_name()


@dataclass
class ResolvedCredentials:
    """The alibabacloud-credentials client to hand to the SDK, and the secret values known so far."""

    client: Any
    secrets: set[str]
    description: str


def cli_profile_path() -> str:
    # Resolved at call time from HOME, unlike alibabacloud-credentials which fixes it at import time.
    return os.path.join(os.path.expanduser("~"), ".aliyun", "config.json")


# The SDKs keep process-wide keep-alive pools (class attributes of these cores). Ansible runs every task in a worker
# forked from the controller; a connection the controller opened (the Resource Directory inventory lists accounts and
# may assume a role in the controller process) is inherited by every worker, and workers reusing it share one TCP
# stream and read each other's replies: one account's STS session handed to another account's tasks.
_SDK_CONNECTION_POOLS = (("Tea.core", "TeaCore"), ("darabonba.core", "DaraCore"))
# Pools dropped in a forked child are kept referenced, never closed: their sockets still serve the parent.
_inherited_pools: list[Any] = []
_fork_hook: list[bool] = []


def _forget_inherited_connection_pools() -> None:
    for module_name, class_name in _SDK_CONNECTION_POOLS:
        core = getattr(sys.modules.get(module_name), class_name, None)
        pools = getattr(core, "_sessions", None)
        if isinstance(pools, dict) and pools:
            _inherited_pools.append(pools)
            core._sessions = {}


def isolate_connections_across_fork() -> None:
    """Make every process forked from this one open its own connections (registered once per process)."""
    if not _fork_hook and hasattr(os, "register_at_fork"):
        os.register_at_fork(after_in_child=_forget_inherited_connection_pools)
        _fork_hook.append(True)


def resolve_credentials(settings: ConnectionSettings) -> ResolvedCredentials:
    """Build the credentials chain the options describe. No network call happens here; STS is called on first use."""
    # Every SDK client of this collection (RamApi, RpcApi, the credentials chain) starts here.
    isolate_connections_across_fork()
    try:
        from alibabacloud_credentials.client import Client as CredentialsClient
        from alibabacloud_credentials.http import HttpOptions
        from alibabacloud_credentials.provider import (
            DefaultCredentialsProvider,
            RamRoleArnCredentialsProvider,
            StaticAKCredentialsProvider,
            StaticSTSCredentialsProvider,
        )
    except ImportError as error:
        raise MissingSDKError("alibabacloud-credentials", error) from error

    # alibabacloud-credentials logs every failed STS refresh to stderr with the request URL, which carries the
    # AccessKeyId, SecurityToken and Signature. Failures reach the caller as exceptions (scrubbed by RamError),
    # so that log only leaks secrets into module output and controller logs.
    logging.getLogger("credentials").disabled = True
    secrets: set[str] = set(settings.static_secrets)
    http_options = HttpOptions(connect_timeout=settings.connect_timeout_ms, read_timeout=settings.read_timeout_ms)
    if settings.access_key_id:
        if settings.security_token:
            provider: Any = StaticSTSCredentialsProvider(
                access_key_id=settings.access_key_id,
                access_key_secret=settings.access_key_secret,
                security_token=settings.security_token,
            )
            description = f"STS token from {settings.credential_origin}"
        else:
            provider = StaticAKCredentialsProvider(access_key_id=settings.access_key_id, access_key_secret=settings.access_key_secret)
            description = f"access key from {settings.credential_origin}"
    elif settings.profile:
        provider = _profile_provider(settings, settings.profile, cli_profile_path(), http_options, secrets)
        description = f"profile {settings.profile!r} of {cli_profile_path()}"
    else:
        provider = DefaultCredentialsProvider()
        description = "default credential chain"

    if settings.assume_role is not None:
        role = settings.assume_role
        provider = RamRoleArnCredentialsProvider(
            credentials_provider=RecordingProvider(provider, secrets),
            role_arn=role.role_arn,
            role_session_name=role.session_name,
            duration_seconds=role.duration_seconds,
            policy=role.policy,
            external_id=role.external_id,
            sts_endpoint=settings.sts_endpoint_for_sdk,
            http_options=http_options,
        )
        description = f"{role.role_arn} assumed with {description}"
    return ResolvedCredentials(CredentialsClient(provider=RecordingProvider(provider, secrets)), secrets, description)


class MissingSDKError(Exception):
    """A required SDK library is not installed; the module reports it with missing_required_lib."""

    def __init__(self, library: str, error: ImportError) -> None:
        super().__init__(f"{library} is not installed: {error}")
        self.library = library
        self.import_error = error


def _load_profiles(path: str, profile: str) -> dict[str, Any]:
    try:
        with open(path, encoding="utf-8") as handle:
            config = json.load(handle)
    except FileNotFoundError:
        raise ConnectionOptionsError(f"profile {profile!r} requested but {path} does not exist") from None
    except (OSError, ValueError) as error:
        raise ConnectionOptionsError(f"cannot read {path}: {error}") from None
    if not isinstance(config, dict) or not isinstance(config.get("profiles"), list):
        raise ConnectionOptionsError(f"{path} has no profiles list")
    return {entry["name"]: entry for entry in config["profiles"] if isinstance(entry, dict) and entry.get("name")}


def _profile_provider(settings: ConnectionSettings, name: str, path: str, http_options: Any, secrets: set[str]) -> Any:
    """A provider for a CLI profile.

    The library's CLI-profile provider handles every mode, but builds role-ARN modes without any way to choose the
    STS endpoint (only a region), so those two modes are built here with the library's own role-ARN provider;
    every other mode is delegated to the library's provider, pointed at the profile file under the current HOME.
    """
    from alibabacloud_credentials.provider import CLIProfileCredentialsProvider, RamRoleArnCredentialsProvider, StaticAKCredentialsProvider

    profiles = _load_profiles(path, name)
    chain: list[str] = []
    current = name
    while True:
        if current in chain:
            raise ConnectionOptionsError(f"profile {name!r} in {path}: source_profile loop {' -> '.join([*chain, current])}")
        chain.append(current)
        entry = profiles.get(current)
        if entry is None:
            raise ConnectionOptionsError(f"profile {current!r} not found in {path}")
        if entry.get("mode") != "ChainableRamRoleArn":
            break
        current = entry.get("source_profile") or ""

    provider: Any = None
    for profile_name in reversed(chain):
        entry = profiles[profile_name]
        mode = entry.get("mode")
        for key in ("access_key_secret", "sts_token"):
            if entry.get(key):
                secrets.add(str(entry[key]))
        if mode not in _CHAINED_PROFILE_MODES:
            provider = CLIProfileCredentialsProvider(profile_name=profile_name, profile_file=path)
            continue
        if mode == "RamRoleArn":
            try:
                source: Any = StaticAKCredentialsProvider(access_key_id=entry.get("access_key_id"), access_key_secret=entry.get("access_key_secret"))
            except ValueError:
                raise ConnectionOptionsError(f"profile {profile_name!r} in {path} (mode RamRoleArn) needs access_key_id and access_key_secret") from None
        else:
            source = RecordingProvider(provider, secrets)
        if not entry.get("ram_role_arn"):
            raise ConnectionOptionsError(f"profile {profile_name!r} in {path} (mode {mode}) has no ram_role_arn")
        role_options: dict[str, Any] = {
            "credentials_provider": source,
            "role_arn": entry.get("ram_role_arn"),
            "role_session_name": entry.get("ram_session_name") or DEFAULT_SESSION_NAME,
            "duration_seconds": int(entry.get("expired_seconds") or 3600),
            "policy": entry.get("policy") or None,
            "external_id": entry.get("external_id") or None,
            "http_options": http_options,
        }
        if settings.sts_endpoint_explicit or not entry.get("sts_region"):
            role_options["sts_endpoint"] = settings.sts_endpoint_for_sdk
        else:
            role_options["sts_region_id"] = entry.get("sts_region")
            role_options["enable_vpc"] = entry.get("enable_vpc")
        try:
            provider = RamRoleArnCredentialsProvider(**role_options)
        except ValueError as error:
            raise ConnectionOptionsError(f"profile {profile_name!r} in {path}: {error}") from None
    return provider
