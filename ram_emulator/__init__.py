"""Local emulator of the Alibaba Cloud RAM (2015-05-01) and STS (2015-04-01) APIs for offline tests.

Run it with ``python -m ram_emulator``; drive it from tests with :class:`ram_emulator.control.EmulatorControl`.
"""

from __future__ import annotations

__version__ = "1.0.0"
