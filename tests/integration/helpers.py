# Copyright: (c) 2026, alibabacloud.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the integration tests share besides the harness: an independent SDK client and call counts.

The harness already points every module at the emulator's http:// URL with the account's keys, so tests do not
repeat the endpoints in module_defaults.
"""

from __future__ import annotations

from typing import Any

from alibabacloud_ram20150501.client import Client
from alibabacloud_tea_openapi import models as open_api_models


def ram_client(emulator, account: str = "dev") -> Client:
    """The official SDK, straight at the emulator: the independent way to set up and read state."""
    credentials = emulator.account(account)
    return Client(open_api_models.Config(access_key_id=credentials.access_key_id, access_key_secret=credentials.access_key_secret,
                                         endpoint=emulator.endpoint, protocol="http"))


def calls_between(before: dict[str, Any], after: dict[str, Any]) -> dict[str, int]:
    """Calls per operation (reads + writes + sts) made between two snapshots of the emulator's counters."""
    made = {}
    for operation, counts in after["by_operation"].items():
        earlier = before["by_operation"].get(operation, {})
        total = sum(counts.values()) - sum(earlier.values())
        if total:
            made[operation] = total
    return made
