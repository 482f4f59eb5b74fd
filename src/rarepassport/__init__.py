"""rarepassport: rare-disease patient passports you can validate, render and exchange.

The names here are the public API, each imported on first use, so ``import
rarepassport`` is almost free. ``render``, ``layout`` and ``validate`` are both functions
exported here and modules of the same name: the package always binds the function
(``rarepassport.render(...)``), while ``from rarepassport.render import RenderError``
still reaches the module. Nothing here imports the PDF library or fonts; that happens
on the first render.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

from rarepassport._version import __version__

if TYPE_CHECKING:
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
    from rarepassport.convert import dump, dumps, from_dict, load, loads, to_dict
    from rarepassport.document import Document
    from rarepassport.errors import LoadError, PassportError, PluginError, Problem
    from rarepassport.guidance import Guidance
    from rarepassport.hookspecs import hookimpl
    from rarepassport.layout import LayoutContext, layout
    from rarepassport.model import *  # noqa: F403 - the model's names are the public API
    from rarepassport.render import (
        InvalidPassportError,
        Rendered,
        RenderError,
        RenderWarning,
        available_formats,
        render,
    )
    from rarepassport.schema import json_schema
    from rarepassport.validate import RuleContext, validate

# Every public name is imported on first use (PEP 562), so `import rarepassport` and
# `rarepassport --version` cost little more than starting Python (issue 13).
# tests/test_import_light.py checks that this table and model.__all__ agree.
_MODEL_NAMES = (
    "SCHEMA_VERSION", "AdditionalSection", "Admission", "AdvanceDecision", "AllergiesStatus", "Allergy",
    "AllergyKind", "Avoid", "CarePreferences", "CareTeamMember", "Coding", "CompletedBy", "Contact",
    "ContactRole", "Device", "Diagnosis", "DiagnosisStatus", "Emergency", "Feature", "GeneticFinding",
    "History", "Identifier", "Immunisation", "Link", "LinkKind", "Medication", "MedicationsStatus",
    "OpenAccess", "PartialDate", "Passport", "Person", "PreviousEmergency", "Procedure", "Protocol", "Review",
    "ReviewedBy", "Severity", "Sex", "View", "Weight", "Zygosity", "field_views", "section_field",
)
_LAZY: dict[str, str] = {
    **dict.fromkeys(_MODEL_NAMES, "rarepassport.model"),
    "PartialDate": "rarepassport._dates",
    **dict.fromkeys(("PluginFailure", "PluginInfo", "PluginManager", "RuleRegistry", "SectionRegistry",
                     "SectionSpec", "default_plugin_manager", "make_plugin_manager"), "rarepassport._plugins"),
    **dict.fromkeys(("Issue", "IssueSeverity", "Report"), "rarepassport._report"),
    **dict.fromkeys(("dump", "dumps", "from_dict", "load", "loads", "to_dict"), "rarepassport.convert"),
    "Document": "rarepassport.document",
    **dict.fromkeys(("LoadError", "PassportError", "PluginError", "Problem"), "rarepassport.errors"),
    "Guidance": "rarepassport.guidance",
    "hookimpl": "rarepassport.hookspecs",
    **dict.fromkeys(("LayoutContext", "layout"), "rarepassport.layout"),
    **dict.fromkeys(("InvalidPassportError", "Rendered", "RenderError", "RenderWarning", "available_formats",
                     "render"), "rarepassport.render"),
    "json_schema": "rarepassport.schema",
    **dict.fromkeys(("RuleContext", "validate"), "rarepassport.validate"),
}
# Functions that share their name with the module they live in.
_FUNCTION_MODULES = ("render", "layout", "validate")


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'rarepassport' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


class _Package(types.ModuleType):
    """Keeps ``rarepassport.render`` (and ``layout``, ``validate``) the function.

    Importing the submodule of the same name makes Python bind it on the package; this
    binds the submodule's function of that name instead, so ``rarepassport.render(...)``
    works whatever was imported first, and ``from rarepassport.render import X`` still
    reaches the module through ``sys.modules``.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _FUNCTION_MODULES and isinstance(value, types.ModuleType) and hasattr(value, name):
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package

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
    *(name for name in _MODEL_NAMES if name != "PartialDate"),
]
