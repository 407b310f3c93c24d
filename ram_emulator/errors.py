"""The one exception every emulated operation raises to produce an API error reply."""

from __future__ import annotations


class ApiError(Exception):
    """An error reply as RAM/STS sends it: HTTP status, dotted error code and a human message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message


def not_found(code: str, message: str) -> ApiError:
    return ApiError(404, code, message)


def conflict(code: str, message: str) -> ApiError:
    return ApiError(409, code, message)


def invalid(code: str, message: str) -> ApiError:
    return ApiError(400, code, message)


def missing(parameter: str) -> ApiError:
    # RAM names missing-parameter errors after the parameter, e.g. MissingRoleName.
    return ApiError(400, f"Missing{parameter}", f"{parameter} is mandatory for this action.")
