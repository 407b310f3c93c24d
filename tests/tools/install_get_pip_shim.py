"""Put tests/tools/get_pip_offline.py where ansible-test looks for its cached pip bootstrap script.

Usage: <python with ansible-core> tests/tools/install_get_pip_shim.py
The pip version is read from the installed ansible-test (``get_venv_packages`` in python_requirements.py); every version
found there gets a shim, so a new ansible-core release that bumps pip keeps working offline.
"""

from __future__ import annotations

import pathlib
import re
import shutil
import sys

import ansible_test


def main() -> int:
    source = pathlib.Path(ansible_test.__file__).parent / "_internal" / "python_requirements.py"
    versions = sorted(set(re.findall(r"""\bpip\s*=\s*['"]([0-9][0-9.]*)['"]""", source.read_text(encoding="utf-8"))))
    if not versions:
        print(f"install_get_pip_shim: no pip version found in {source}", file=sys.stderr)
        return 1
    shim = pathlib.Path(__file__).with_name("get_pip_offline.py")
    cache = pathlib.Path("~/.ansible/test/cache").expanduser()
    cache.mkdir(parents=True, exist_ok=True)
    for version in versions:
        target = cache / f"get_pip_{version.replace('.', '_')}.py"
        shutil.copyfile(shim, target)
        print(f"offline pip bootstrap for pip {version}: {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
