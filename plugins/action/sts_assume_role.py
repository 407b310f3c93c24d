# Copyright: (c) 2026, alibabacloud.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin behind alibabacloud.ram.sts_assume_role (documented in plugins/modules/sts_assume_role.py)."""

from __future__ import annotations

from typing import Any

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

from ansible_collections.alibabacloud.ram.plugins.module_utils._credentials import (
    ConnectionSettings,
    MissingSDKError,
    connection_argument_spec,
)
from ansible_collections.alibabacloud.ram.plugins.module_utils._errors import ConnectionOptionsError, RamError, scrub_secrets
from ansible_collections.alibabacloud.ram.plugins.module_utils._resource_directory import assume_role_once


def _argument_spec() -> dict[str, Any]:
    spec = connection_argument_spec()
    # Here the role is the point of the task, not an optional extra.
    spec["assume_role"] = dict(spec["assume_role"], required=True)
    return spec


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    # Nothing runs on the host: no connection, no temporary directory, no module subprocess.
    _requires_connection = False
    _supports_check_mode = True
    _supports_async = False

    def run(self, tmp: Any = None, task_vars: dict[str, Any] | None = None) -> dict[str, Any]:
        result = super().run(tmp, task_vars)
        result["changed"] = False
        try:
            _validation, arguments = self.validate_argument_spec(argument_spec=_argument_spec())
        except AnsibleActionFail as error:
            # Validate like a module would, but never echo a no_log value in the message.
            secrets = [str(self._task.args.get(name) or "") for name in ("access_key_secret", "security_token")]
            result.update(failed=True, msg=scrub_secrets(str(getattr(error, "message", error)), secrets))
            return result
        try:
            session, _client = assume_role_once(ConnectionSettings.from_params(arguments))
        except (ConnectionOptionsError, MissingSDKError) as error:
            result.update(failed=True, msg=str(error))
            return result
        except RamError as error:
            result.update(failed=True, **error.fail_json_kwargs())
            return result
        result.update(session.as_dict())
        # Always hidden: the result holds the secret and the token, whatever the task's own no_log says.
        result["_ansible_no_log"] = True
        return result
