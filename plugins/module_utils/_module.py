# Copyright: (c) 2026, alibabacloud.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""AlibabaCloudRAMModule, the base class of this collection's modules; for this collection's internal use only."""

from __future__ import annotations

from typing import Any, NoReturn

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.alibabacloud.ram.plugins.module_utils._credentials import (
    ConnectionSettings,
    MissingSDKError,
    connection_argument_spec,
)
from ansible_collections.alibabacloud.ram.plugins.module_utils._errors import ConnectionOptionsError, RamError
from ansible_collections.alibabacloud.ram.plugins.module_utils._ram import RamApi

CONNECTION_OPTIONS = frozenset(connection_argument_spec())


class AlibabaCloudRAMModule(AnsibleModule):
    """AnsibleModule plus the shared connection options and one lazily built RamApi per run.

    The credential options are checked as a group by ConnectionSettings rather than with mutually_exclusive /
    required_together, because an empty string must count as unset (a templated, empty lookup is common) and
    Ansible's checks count any key that is present.
    """

    def __init__(self, argument_spec: dict[str, Any] | None = None, **kwargs: Any) -> None:
        merged = connection_argument_spec()
        clashes = CONNECTION_OPTIONS.intersection(argument_spec or {})
        if clashes:
            # A programming error in a module, not a user error: fail loudly and early.
            raise ValueError(f"module options clash with the connection options: {', '.join(sorted(clashes))}")
        merged.update(argument_spec or {})
        super().__init__(argument_spec=merged, **kwargs)
        self._ram_api: RamApi | None = None
        self.check_connection_options()

    def check_connection_options(self) -> None:
        """Validate the connection options before any API call; fails the module with a clear message."""
        try:
            settings = ConnectionSettings.from_params(self.params)
        except ConnectionOptionsError as error:
            self.fail_json(msg=str(error))
        # Secrets taken from the environment were never option values Ansible could mask by itself.
        self.no_log_values.update(settings.static_secrets)
        self._settings = settings

    @property
    def ram(self) -> RamApi:
        """The RAM client, built on first use: modules failing validation never pay for the SDK import."""
        if self._ram_api is None:
            try:
                self._ram_api = RamApi.from_settings(self._settings)
            except MissingSDKError as error:
                self.fail_json(msg=missing_required_lib(error.library), exception=str(error.import_error))
            except ConnectionOptionsError as error:
                self.fail_json(msg=str(error))
        return self._ram_api

    def _mask_credentials(self) -> None:
        if self._ram_api is not None:
            self.no_log_values.update(self._ram_api.secrets)

    def exit_json(self, **kwargs: Any) -> NoReturn:
        self._mask_credentials()
        super().exit_json(**kwargs)

    def fail_json(self, msg: str, **kwargs: Any) -> NoReturn:
        # Called from __init__ before _ram_api exists when argument validation fails.
        if getattr(self, "_ram_api", None) is not None:
            self._mask_credentials()
        super().fail_json(msg=msg, **kwargs)

    def fail_ram_error(self, error: RamError, **kwargs: Any) -> NoReturn:
        """Fail with the error's message, code, request id and operation (never a secret)."""
        result = error.fail_json_kwargs()
        result.update(kwargs)
        self.fail_json(**result)
