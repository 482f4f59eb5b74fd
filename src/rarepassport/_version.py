"""The version of rarepassport: the one place it is written (hatchling reads it from here).

A literal rather than ``importlib.metadata.version()``: looking the installed
distribution up costs more than starting Python, and ``--version`` must not (issue 13).
"""

from __future__ import annotations

__version__ = "0.1.0"
