"""Validation (placeholder while the core is laid out)."""

from __future__ import annotations

from rarepassport.hookspecs import hookimpl


@hookimpl
def rarepassport_register_rules(rules: object) -> None:
    """Register the core rules."""
