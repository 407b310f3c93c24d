"""Offline stand-in for the get-pip.py bootstrap script that ansible-test downloads.

ansible-test bootstraps pip into every virtual environment it creates (one per sanity test) by running
``~/.ansible/test/cache/get_pip_<pip version>.py`` with pip-install arguments such as
``--disable-pip-version-check pip==25.2 --no-setuptools --no-wheel``. When that file is missing it downloads it
from ci-files.testing.ansible.com, which these machines cannot reach. tests/tools/install_get_pip_shim.py copies
this file to that cache path; it installs pip from the interpreter's bundled wheel (ensurepip) and then lets that
pip install the requested versions from the configured package index.
"""

from __future__ import annotations

import subprocess
import sys

# Flags of the real get-pip.py that `pip install` does not understand.
GET_PIP_ONLY_FLAGS = {"--no-setuptools", "--no-wheel"}


def main() -> int:
    args = [arg for arg in sys.argv[1:] if arg not in GET_PIP_ONLY_FLAGS]
    result = subprocess.run([sys.executable, "-m", "ensurepip", "--upgrade", "--default-pip"], stdout=subprocess.DEVNULL, check=False)
    if result.returncode:
        return result.returncode
    if not [arg for arg in args if not arg.startswith("-")]:
        return 0
    return subprocess.run([sys.executable, "-m", "pip", "install", *args], check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
