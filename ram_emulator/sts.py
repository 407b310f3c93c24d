"""STS 2015-04-01: AssumeRole with trust-policy evaluation, GetCallerIdentity, and the temporary-credential store."""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from .accounts import Account
from .documents import as_list, get_ci, parse_document, statements_of
from .errors import ApiError, invalid, missing, not_found
from .state import AccountState

STS_VERSION = "2015-04-01"
_ROLE_ARN = re.compile(r"^acs:ram::(\d+):role/(.+)$")
_SESSION_NAME = re.compile(r"^[A-Za-z0-9._@\-]{2,64}$")


@dataclass(frozen=True)
class Session:
    """A set of temporary credentials issued by AssumeRole; it acts in the account that owns the role."""

    access_key_id: str
    access_key_secret: str = field(repr=False)
    security_token: str = field(repr=False)
    account: Account
    role_name: str
    role_id: str
    session_name: str
    expiration: float

    @property
    def role_arn(self) -> str:
        return f"acs:ram::{self.account.account_id}:role/{self.role_name.lower()}"

    @property
    def assumed_role_arn(self) -> str:
        return f"acs:ram::{self.account.account_id}:assumed-role/{self.role_name.lower()}/{self.session_name}"


@dataclass(frozen=True)
class Caller:
    """Who signed a request: an account's own key, or a session obtained through AssumeRole."""

    account: Account
    session: Session | None = None

    def principal_forms(self) -> set[str]:
        """The trust-policy RAM principals that admit this caller (compared lower-cased)."""
        account_id = self.account.account_id
        # A trusted account root admits every identity of that account, assumed-role sessions included.
        forms = {account_id, f"acs:ram::{account_id}:root"}
        if self.session is not None:
            forms.add(self.session.role_arn)
        return forms


class SessionStore:
    """Temporary credentials by access key id and by token. ``clock_offset`` lets tests age tokens without waiting."""

    def __init__(self) -> None:
        self.by_access_key: dict[str, Session] = {}
        self.by_token: dict[str, Session] = {}
        self.clock_offset = 0.0

    def now(self) -> float:
        return time.time() + self.clock_offset

    def issue(self, account: Account, role_name: str, role_id: str, session_name: str, duration: int) -> Session:
        session = Session(
            access_key_id=f"STS.{secrets.token_hex(14)}",
            access_key_secret=secrets.token_urlsafe(30),
            security_token=f"CAIS{secrets.token_urlsafe(96)}",
            account=account,
            role_name=role_name,
            role_id=role_id,
            session_name=session_name,
            expiration=time.time() + duration,
        )
        self.by_access_key[session.access_key_id] = session
        self.by_token[session.security_token] = session
        return session

    def resolve(self, access_key_id: str, security_token: str | None) -> Session:
        """The live session a request signs with, or the STS error RAM answers."""
        if not security_token:
            raise invalid("InvalidSecurityToken.Malformed", "The security token is missing for temporary credentials.")
        session = self.by_token.get(security_token)
        if session is None or session.access_key_id != access_key_id:
            raise invalid("InvalidSecurityToken.Malformed", "The security token you provided is malformed.")
        if session.expiration <= self.now():
            raise invalid("InvalidSecurityToken.Expired", "The security token you provided has expired.")
        return session


def _statement_admits(statement: dict[str, Any], caller_forms: set[str], external_id: str | None) -> bool:
    actions = [action.lower() for action in as_list(get_ci(statement, "Action"))]
    if not any(action in ("sts:assumerole", "sts:*", "*") for action in actions):
        return False
    principal = get_ci(statement, "Principal") or {}
    ram_principals = {str(value).lower() for value in as_list(get_ci(principal, "RAM"))}
    if "*" not in ram_principals and not ram_principals & caller_forms:
        return False
    return _conditions_hold(get_ci(statement, "Condition") or {}, external_id)


def _conditions_hold(conditions: dict[str, Any], external_id: str | None) -> bool:
    for operator, tests in conditions.items():
        if operator.lower() != "stringequals" or not isinstance(tests, dict):
            # Only StringEquals on sts:ExternalId is modelled; any other condition cannot be proven, so it fails.
            return False
        for key, expected in tests.items():
            if key.lower() != "sts:externalid" or external_id not in [str(value) for value in as_list(expected)]:
                return False
    return True


def trust_admits(trust_document: str, caller: Caller, external_id: str | None) -> bool:
    """Whether the role's trust policy lets ``caller`` assume it: some Allow admits and no Deny matches."""
    document = parse_document(trust_document, "AssumeRolePolicyDocument", trust=True)
    forms = {form.lower() for form in caller.principal_forms()}
    allowed = False
    for statement in statements_of(document):
        if not _statement_admits(statement, forms, external_id):
            continue
        if str(get_ci(statement, "Effect")).lower() == "deny":
            return False
        allowed = True
    return allowed


def _expiration_text(moment: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(moment))


def assume_role(caller: Caller, params: dict[str, str], states: Any, sessions: SessionStore) -> dict[str, Any]:
    """AssumeRole. ``states`` maps an account id to its (lazily created) AccountState or None."""
    role_arn = params.get("RoleArn") or ""
    if not role_arn:
        raise missing("RoleArn")
    match = _ROLE_ARN.match(role_arn)
    if match is None:
        raise invalid("InvalidParameter.RoleArn", f"The role ARN {role_arn!r} is not of the form acs:ram::<account id>:role/<name>.")
    session_name = params.get("RoleSessionName") or ""
    if not session_name:
        raise missing("RoleSessionName")
    if not _SESSION_NAME.match(session_name):
        raise invalid("InvalidParameter.RoleSessionName", "RoleSessionName must be 2-64 letters, digits or . @ - _.")
    target_state: AccountState | None = states(match.group(1))
    role = target_state.roles.get(match.group(2).lower()) if target_state is not None else None
    if role is None:
        raise not_found("EntityNotExist.Role", f"The role {role_arn} does not exist.")
    duration_text = params.get("DurationSeconds") or "3600"
    if not duration_text.isdigit() or not 900 <= int(duration_text) <= role.max_session_duration:
        limit = role.max_session_duration
        raise invalid("InvalidParameter.DurationSeconds", f"DurationSeconds must be between 900 and the role's MaxSessionDuration ({limit}).")
    if params.get("Policy"):
        parse_document(params["Policy"], "Policy")
    if not trust_admits(role.trust_document, caller, params.get("ExternalId") or None):
        raise ApiError(403, "NoPermission", "You are not authorized to do this action. The role's trust policy does not admit the caller.")
    session = sessions.issue(target_state.account, role.name, role.role_id, session_name, int(duration_text))
    return {
        "Credentials": {
            "AccessKeyId": session.access_key_id,
            "AccessKeySecret": session.access_key_secret,
            "SecurityToken": session.security_token,
            "Expiration": _expiration_text(session.expiration),
        },
        "AssumedRoleUser": {"Arn": session.assumed_role_arn, "AssumedRoleId": f"{role.role_id}:{session_name}"},
    }


def get_caller_identity(caller: Caller) -> dict[str, Any]:
    account_id = caller.account.account_id
    if caller.session is None:
        return {"AccountId": account_id, "Arn": f"acs:ram::{account_id}:root", "IdentityType": "Account",
                "PrincipalId": account_id, "UserId": account_id, "RoleId": ""}
    session = caller.session
    return {"AccountId": account_id, "Arn": session.assumed_role_arn, "IdentityType": "AssumedRoleUser",
            "PrincipalId": f"{session.role_id}:{session.session_name}", "UserId": "", "RoleId": session.role_id}
