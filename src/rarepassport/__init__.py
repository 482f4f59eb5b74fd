"""rarepassport: rare-disease patient passports you can validate, render and exchange.

The names here are the public API. ``render``, ``layout`` and ``validate`` are both
functions exported here and modules of the same name: importing them here first keeps
``rarepassport.render(...)`` the function, while ``rarepassport.render.RenderError``
style imports (``from rarepassport.render import RenderError``) still reach the module.
Nothing here imports the PDF library or fonts; that happens on the first render.
"""

from __future__ import annotations

from rarepassport._dates import PartialDate
from rarepassport._plugins import (
    PluginFailure,
    PluginInfo,
    PluginManager,
    RuleRegistry,
    SectionRegistry,
    SectionSpec,
    default_plugin_manager,
    make_plugin_manager,
)
from rarepassport._report import Issue, IssueSeverity, Report
from rarepassport._version import __version__
from rarepassport.convert import dump, dumps, from_dict, load, loads, to_dict
from rarepassport.document import Document
from rarepassport.errors import LoadError, PassportError, PluginError, Problem
from rarepassport.guidance import Guidance
from rarepassport.hookspecs import hookimpl
from rarepassport.layout import LayoutContext, layout
from rarepassport.model import *  # noqa: F403 - the model's names are the public API
from rarepassport.model import __all__ as _model_all
from rarepassport.render import InvalidPassportError, Rendered, RenderError, RenderWarning, available_formats, render
from rarepassport.schema import json_schema
from rarepassport.validate import RuleContext, validate

__all__ = [
    "Document",
    "Guidance",
    "InvalidPassportError",
    "Issue",
    "IssueSeverity",
    "LayoutContext",
    "LoadError",
    "PartialDate",
    "PassportError",
    "PluginError",
    "PluginFailure",
    "PluginInfo",
    "PluginManager",
    "Problem",
    "RenderError",
    "RenderWarning",
    "Rendered",
    "Report",
    "RuleContext",
    "RuleRegistry",
    "SectionRegistry",
    "SectionSpec",
    "__version__",
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
    "to_dict",
    "validate",
    *_model_all,
]
