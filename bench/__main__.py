# Copyright: (c) 2026, alibabacloud.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""python -m bench: see bench/run.py."""

from __future__ import annotations

import sys

from bench.run import main

sys.exit(main())
