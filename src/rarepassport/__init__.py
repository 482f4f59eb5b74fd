"""rarepassport: rare-disease patient passports you can validate, render and exchange.

The names here are the public API, each with ``__module__`` set to ``rarepassport`` so
that documentation and tracebacks show the path to use. The functions come from
`rarepassport.api`; the steps behind them are the modules ``convert``, ``schema``,
``validation``, ``layouts``, ``essentials``, ``rendering`` and ``fhir`` (see the *Design*
page of the documentation). Nothing here imports the PDF library or fonts; that happens
on the first render.
"""

from __future__ import annotations

import attrs

from rarepassport._dates import PartialDate
from rarepassport._report import Issue, IssueSeverity, Report
from rarepassport._version import __version__
from rarepassport.api import (
    BackendName,
    BuiltinFormat,
    RenderFormat,
    applicable_plugins,
    available_formats,
    dump,
    dumps,
    from_dict,
    json_schema,
    layout,
    load,
    loads,
    render,
    render_document,
    render_rendered,
    to_dict,
    to_ips,
    validate,
)
from rarepassport.document import Document
from rarepassport.errors import (
    DrawnTextMismatchError,
    FhirImportError,
    InvalidPassportError,
    LoadError,
    MissingGlyphsError,
    PassportError,
    PluginError,
    PluginWarning,
    Problem,
    RenderError,
    RenderWarning,
)
from rarepassport.guidance import Guidance
from rarepassport.hookspecs import hookimpl
from rarepassport.layouts import LayoutContext
from rarepassport.model import *  # noqa: F403 - the model's names are the public API
from rarepassport.model import __all__ as _model_all
from rarepassport.plugin_manager import PluginManager, default_plugin_manager, make_plugin_manager
from rarepassport.registries import (
    BackendRegistry,
    BackendSpec,
    ExporterRegistry,
    ExporterSpec,
    LabelRegistry,
    PluginFailure,
    PluginInfo,
    RuleRegistry,
    SectionRegistry,
    SectionSpec,
)
from rarepassport.rendering import Rendered
from rarepassport.validation import RuleContext

__all__ = [
    "BackendName",
    "BackendRegistry",
    "BackendSpec",
    "BuiltinFormat",
    "Document",
    "DrawnTextMismatchError",
    "ExporterRegistry",
    "ExporterSpec",
    "FhirImportError",
    "Guidance",
    "InvalidPassportError",
    "Issue",
    "IssueSeverity",
    "LabelRegistry",
    "LayoutContext",
    "LoadError",
    "MissingGlyphsError",
    "PartialDate",
    "PassportError",
    "PluginError",
    "PluginFailure",
    "PluginInfo",
    "PluginWarning",
    "PluginManager",
    "Problem",
    "RenderError",
    "RenderWarning",
    "RenderFormat",
    "Rendered",
    "Report",
    "RuleContext",
    "RuleRegistry",
    "SectionRegistry",
    "SectionSpec",
    "__version__",
    "applicable_plugins",
    "available_formats",
    "default_plugin_manager",
    "dump",
    "dumps",
    "from_dict",
    "hookimpl",
    "json_schema",
    "layout",
    "load",
    "loads",
    "make_plugin_manager",
    "render",
    "render_document",
    "render_rendered",
    "to_dict",
    "to_ips",
    "validate",
    *_model_all,
]


def _set_public_module(names: list[str]) -> None:
    """Give every public class and function ``__module__ = "rarepassport"``.

    Documentation, ``repr`` and pickles then show the path a program should import
    from (``rarepassport.Report``, not ``rarepassport._report.Report``), as httpx does.
    A class's string annotations are resolved first, in its defining module, and
    stored resolved, so ``typing.get_type_hints`` (and cattrs) still work on it.
    """
    import inspect
    import sys
    import typing

    for name in names:
        value = globals()[name]
        if isinstance(value, type):
            own = inspect.get_annotations(value)
            if any(isinstance(hint, str) for hint in own.values()):
                namespace = {**vars(sys.modules[value.__module__]), **globals()}
                hints = typing.get_type_hints(value, globalns=namespace, include_extras=True)
                value.__annotations__ = {key: hints[key] for key in own}
            if attrs.has(value):
                attrs.resolve_types(value)
            value.__module__ = __name__
        elif inspect.isfunction(value):
            value.__module__ = __name__


_set_public_module([name for name in __all__ if name != "__version__"])

# The old module paths (rarepassport.render, .layout, .validate) keep working, with a
# DeprecationWarning, until 1.0 (see rarepassport._moved).
from rarepassport import _moved  # noqa: E402 - after the public names it stands in for

_moved.install()
