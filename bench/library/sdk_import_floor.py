# Copyright: (c) 2026, alibabacloud.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark-only module: the fixed cost of one alibabacloud.ram module task, without any API call.

It starts like a real module of the collection (AnsiballZ, the collection's module_utils) and imports the SDK
the way RamApi does before its first call, then exits. Its wall time against ansible.builtin.ping's is the part
of the ratio that no reduction in API calls can remove.
"""

from __future__ import annotations

DOCUMENTATION = r"""
module: sdk_import_floor
short_description: Start like an alibabacloud.ram module and import the SDK, with no API call (benchmark only)
description:
  - Builds an AnsibleModule, imports the RAM SDK as the collection's modules do before their first call (the
    SDK's client configuration brings alibabacloud-credentials with it), and returns without calling any API.
options: {}
author:
  - alibabacloud.ram contributors
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.alibabacloud.ram.plugins.module_utils._ram import _load_sdk


def main() -> None:
    module = AnsibleModule(argument_spec={}, supports_check_mode=True)
    _load_sdk()
    module.exit_json(changed=False)


if __name__ == "__main__":
    main()
