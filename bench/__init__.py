# Copyright: (c) 2026, alibabacloud.ram contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark of the cr_oss_access playbook over many emulated accounts (python -m bench --help)."""

from __future__ import annotations
