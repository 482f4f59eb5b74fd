"""A plugin that cannot be imported, like one with a missing dependency or a syntax slip."""

from __future__ import annotations

# Raised at import time so that loading the entry point fails, which is what the
# robustness tests of rarepassport need to see reported.
raise RuntimeError("rarepassport-broken fails on import on purpose (test fixture)")
