"""rarepassport: rare-disease patient passports you can validate, render and exchange."""

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
from rarepassport.errors import LoadError, PassportError, PluginError, Problem
from rarepassport.guidance import Guidance
from rarepassport.hookspecs import hookimpl
from rarepassport.model import *  # noqa: F403 - the model's names are the public API
from rarepassport.model import __all__ as _model_all
from rarepassport.schema import json_schema
from rarepassport.validate import RuleContext, validate

__all__ = [
    "Guidance",
    "Issue",
    "IssueSeverity",
    "LoadError",
    "PartialDate",
    "PassportError",
    "PluginError",
    "PluginFailure",
    "PluginInfo",
    "PluginManager",
    "Problem",
    "Report",
    "RuleContext",
    "RuleRegistry",
    "SectionRegistry",
    "SectionSpec",
    "__version__",
    "default_plugin_manager",
    "dump",
    "dumps",
    "from_dict",
    "hookimpl",
    "json_schema",
    "load",
    "loads",
    "make_plugin_manager",
    "to_dict",
    "validate",
    *_model_all,
]
