"""Helpers for testing rarepassport plugins.

A plugin's tests should see the plugin exactly as rarepassport will, but nothing else
that happens to be installed on the machine. [`plugin_manager_with`][rarepassport.testing.plugin_manager_with] builds
such a
manager (built-in plugins plus the ones you pass, no entry points) and fails loudly when
your plugin has a misspelled hook, a wrong hook signature or a registration that
raises, so such mistakes break your tests instead of being reported quietly at run time.

Example:
    ```python
    import rarepassport_fabry
    from rarepassport.testing import example_passport, plugin_manager_with, round_trip

    def test_section_survives_a_round_trip():
        plugins = plugin_manager_with(rarepassport_fabry)
        passport = example_passport({"fabry": {"treatment": "none"}}, plugins=plugins)
        assert round_trip(passport, plugins=plugins) == passport
    ```

The module imports pypdf and the renderers only inside the functions that need them.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from rarepassport.errors import PluginError
from rarepassport.plugin_manager import PluginManager, make_plugin_manager

if TYPE_CHECKING:
    from rarepassport.model import Passport

__all__ = [
    "EXAMPLE_PERSON",
    "example_passport",
    "pdf_text",
    "plugin_manager_with",
    "render_all_formats",
    "round_trip",
]

#: A fictional person, enough for a valid passport.
EXAMPLE_PERSON: Mapping[str, Any] = {"name": "Alex Example", "date_of_birth": "1990-04-12"}


def plugin_manager_with(*plugins: object, strict: bool = True, builtins: bool = True) -> PluginManager:
    """A plugin manager with rarepassport's built-in plugins and ``plugins`` only.

    Installed (entry-point) plugins are not loaded, so a test sees the same thing on
    every machine.

    Args:
        *plugins: Plugin objects to register: usually your plugin's module.
        strict: Raise when any plugin failed (unknown hook name, hook signature not
            matching the specification, a registration hook that raised, a section id
            clash). Turn off to test how failures are reported.
        builtins: Register rarepassport's built-in plugins too (core rules, render
            backends, built-in condition plugins).

    Returns:
        A new plugin manager.

    Raises:
        PluginError: When ``strict`` and a plugin failed; the message lists every failure.
    """
    manager = make_plugin_manager(entry_points=False, plugins=plugins, builtins=builtins)
    if strict and manager.failures:
        lines = "\n".join(f"  {failure}" for failure in manager.failures)
        raise PluginError(f"{len(manager.failures)} plugin failure(s):\n{lines}")
    return manager


def example_passport(
    extensions: Mapping[str, Any] | None = None,
    *,
    plugins: PluginManager,
    **fields: Any,
) -> Passport:
    """A small, valid, fictional passport carrying your plugin's sections.

    Args:
        extensions: The ``extensions`` object, as it is written in a passport file,
            e.g. ``{"fabry": {"treatment": "none"}}``.
        plugins: The plugin manager whose sections may appear under ``extensions``.
        **fields: Other top-level passport fields, in their JSON form (``diagnoses=[...]``).

    Returns:
        The passport, read through ``plugins`` exactly as a file would be.

    Raises:
        LoadError: When the data does not fit the model, with each problem's path.
    """
    from rarepassport.convert import from_dict

    data: dict[str, Any] = {"schema_version": "1.0", "person": dict(EXAMPLE_PERSON), **fields}
    if extensions:
        data["extensions"] = dict(extensions)
    return from_dict(data, plugins=plugins)


def round_trip(passport: Passport, *, plugins: PluginManager) -> Passport:
    """The passport written to JSON text and read back: equal to ``passport`` when lossless."""
    from rarepassport.convert import dumps, loads

    return loads(dumps(passport, plugins=plugins), plugins=plugins)


#: Built-in formats made from another format's output (see `render_all_formats`).
_DERIVED_FROM_HTML = frozenset({"accessible-pdf"})


def render_all_formats(
    passport: Passport,
    plugins: PluginManager,
    *,
    views: Iterable[str] = ("full",),
    language: str | None = None,
) -> dict[tuple[str, str], bytes]:
    """Render the passport in every available format and view.

    Use it to check that a plugin's section reaches every backend, including backends
    other plugins add. ``accessible-pdf`` is left out: it is the ``html`` page laid out
    by WeasyPrint (an optional dependency, and slow), so what reaches ``html`` reaches it.

    Args:
        passport: The passport.
        plugins: The plugin manager (its backends are the formats rendered).
        views: The views to render, e.g. ``("full", "emergency")``.
        language: Language of the labels; default the passport's own.

    Returns:
        ``{(format, view): bytes}`` for every format and view.
    """
    from rarepassport.api import available_formats, render

    outputs: dict[tuple[str, str], bytes] = {}
    for fmt in available_formats(plugins=plugins):
        if fmt in _DERIVED_FROM_HTML:
            continue
        for view in views:
            outputs[(fmt, view)] = render(passport, format=fmt, view=view, language=language, plugins=plugins)
    return outputs


def pdf_text(data: bytes) -> str:
    """The text of a PDF, page after page, as pypdf extracts it.

    Layout-aware extraction may break lines differently from the page; compare words,
    e.g. ``"Fabry disease" in " ".join(pdf_text(pdf).split())``.
    """
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)
