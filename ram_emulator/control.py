"""A small standard-library client for the emulator's control API (``/_emulator/...``)."""

from __future__ import annotations

import json
import urllib.request
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

from .accounts import DEFAULT_ACCOUNTS, Account, member_account


@dataclass(frozen=True)
class AccountCredentials:
    """The credentials of a known account. Secrets are known to tests but never served by the emulator."""

    name: str
    account_id: str
    access_key_id: str
    access_key_secret: str = field(repr=False)

    @classmethod
    def of(cls, account: Account) -> AccountCredentials:
        return cls(account.name, account.account_id, account.access_key_id, account.access_key_secret)


class EmulatorControlError(RuntimeError):
    """The control API refused a request."""


class EmulatorControl:
    """Drive a running emulator: reset it, read its state, counters and log, inject faults."""

    def __init__(self, url: str, timeout: float = 10.0) -> None:
        parts = urlsplit(url if "://" in url else f"http://{url}")
        if parts.hostname is None or parts.port is None:
            raise ValueError(f"the emulator URL needs a host and a port: {url!r}")
        self._host = parts.hostname
        self._port = parts.port
        self._timeout = timeout
        # The emulator is always local: never route control calls through a proxy from the environment.
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    @property
    def host(self) -> str:
        return self._host

    @property
    def port(self) -> int:
        return self._port

    @property
    def endpoint(self) -> str:
        """What the SDK's ``Config(endpoint=..., protocol="http")`` wants: host and port, no scheme."""
        return f"{self._host}:{self._port}"

    @property
    def url(self) -> str:
        return f"http://{self._host}:{self._port}"

    def __repr__(self) -> str:
        return f"EmulatorControl({self.url!r})"

    # --- transport ----------------------------------------------------------------------------------------------
    def _call(self, method: str, route: str, payload: Any = None) -> Any:
        data = None if payload is None else json.dumps(payload).encode()
        request = urllib.request.Request(f"{self.url}/_emulator/{route}", data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with self._opener.open(request, timeout=self._timeout) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            detail = error.read().decode(errors="replace")
            raise EmulatorControlError(f"{method} /_emulator/{route} failed with {error.code}: {detail}") from None

    # --- control calls ------------------------------------------------------------------------------------------
    def reset(self) -> None:
        self._call("POST", "reset", {})

    def accounts(self) -> list[dict[str, Any]]:
        return self._call("GET", "accounts")["accounts"]

    def add_accounts(self, accounts: list[dict[str, Any]] | None = None, members: int = 0) -> list[dict[str, Any]]:
        return self._call("POST", "accounts", {"accounts": accounts or [], "members": members})["added"]

    def state(self, account: str) -> dict[str, Any]:
        return self._call("GET", f"state?account={quote(account)}")

    def counters(self, account: str | None = None) -> dict[str, Any]:
        return self._call("GET", "counters" if account is None else f"counters?account={quote(account)}")

    def log(self) -> list[dict[str, Any]]:
        return self._call("GET", "log")["entries"]

    def add_fault(self, **spec: Any) -> list[dict[str, Any]]:
        return self._call("POST", "faults", spec)["faults"]

    def faults(self) -> list[dict[str, Any]]:
        return self._call("GET", "faults")["faults"]

    def clear_faults(self) -> None:
        self._call("DELETE", "faults")

    def set_reformat(self, enabled: bool) -> None:
        self._call("POST", "reformat", {"enabled": enabled})

    def advance_sts_clock(self, seconds: float) -> None:
        """Age every STS session by ``seconds`` (to test expired security tokens without waiting)."""
        self._call("POST", "clock", {"advance_seconds": seconds})

    # --- credentials known to tests -----------------------------------------------------------------------------
    @staticmethod
    def account(name: str) -> AccountCredentials:
        """Credentials of a default account (central, dev, staging, prod)."""
        for account in DEFAULT_ACCOUNTS:
            if account.name == name:
                return AccountCredentials.of(account)
        raise KeyError(f"no default account named {name!r}")

    @staticmethod
    def member(index: int) -> AccountCredentials:
        """Credentials of generated member account ``index`` (from ``members: N`` or add_accounts(members=N))."""
        return AccountCredentials.of(member_account(index))
