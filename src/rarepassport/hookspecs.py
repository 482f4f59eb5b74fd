"""The hooks a rarepassport plugin can implement.

A plugin is a module (or any object) with functions named after these hooks and
decorated with :data:`rarepassport.hookimpl`. Registration hooks receive a *registry*
object and call its ``add`` method: the registry checks what it is given, so clashes
and mistakes are reported in one place, with the plugin's name.

Outside plugins are found through the ``rarepassport`` entry-point group::

    [project.entry-points.rarepassport]
    fabry = "rarepassport_fabry"

Every hook is optional: implement only the ones you need.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from rarepassport._plugins import RuleRegistry, SectionRegistry

__all__ = ["hookimpl", "hookspec", "PROJECT_NAME"]

#: The pluggy project name, also the entry-point group plugins are found through.
PROJECT_NAME = "rarepassport"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
#: Decorator that marks a function as an implementation of a hook.
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


@hookspec
def rarepassport_register_sections(sections: SectionRegistry) -> None:
    """Add sections under the passport's ``extensions``.

    A section is a frozen attrs class; its fields' metadata (``description``,
    ``views``) feed the JSON Schema and the layout exactly as the core sections' do.
    The section's data is then written in passports as ``extensions.<id>``.

    Args:
        sections: Call ``sections.add(...)`` once per section.

    Example:
        ```python
        import attrs
        from rarepassport import hookimpl, section_field

        @attrs.frozen(kw_only=True)
        class FabryDetails:
            enzyme_therapy: str | None = section_field("Enzyme replacement therapy.", default=None)

        @hookimpl
        def rarepassport_register_sections(sections):
            sections.add("fabry", FabryDetails, title="Fabry disease",
                         applies_to=["ORPHA:324"])
        ```
    """


@hookspec
def rarepassport_register_rules(rules: RuleRegistry) -> None:
    """Add validation rules that a JSON Schema cannot express.

    A rule is a function ``rule(passport, context) -> Iterable[Issue]``; ``context``
    is a :class:`rarepassport.RuleContext` (today's date, helpers). Rules must not
    raise on odd data; if one does, the error becomes an issue naming the plugin.

    Args:
        rules: Call ``rules.add(rule, code=..., description=...)`` once per rule.

    Example:
        ```python
        from rarepassport import Issue, IssueSeverity, hookimpl

        def needs_enzyme_therapy(passport, context):
            section = passport.extensions.get("fabry")
            if section is not None and not section.enzyme_therapy:
                yield Issue(path="$.extensions.fabry.enzyme_therapy",
                            code="fabry-no-therapy", severity=IssueSeverity.WARNING,
                            message="say which enzyme therapy is given, or 'none'")

        @hookimpl
        def rarepassport_register_rules(rules):
            rules.add(needs_enzyme_therapy, code="fabry-no-therapy",
                      description="Fabry passports name the enzyme therapy.")
        ```
    """
