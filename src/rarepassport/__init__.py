"""rarepassport: rare-disease patient passports you can validate, render and exchange.

The names here are the public API. Each is imported on first use (PEP 562), so
``import rarepassport`` and ``rarepassport --version`` cost little more than starting
Python, and each has ``__module__`` set to ``rarepassport`` so that documentation,
``repr`` and pickles show the path to use. The functions come from `rarepassport.api`;
the steps behind them are the modules ``convert``, ``schema``, ``validation``,
``layouts``, ``essentials``, ``rendering`` and ``fhir`` (see the *Design* page of the
documentation). Nothing here imports the PDF library or fonts; that happens on the first
render.
"""

from __future__ import annotations

import importlib
import inspect
import sys
import typing
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from rarepassport._version import __version__

if TYPE_CHECKING:
    from rarepassport._dates import PartialDate
    from rarepassport._report import Issue, IssueSeverity, Report
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
        make_health_link,
        migrate_document,
        redact,
        render,
        render_document,
        render_rendered,
        sign,
        to_dict,
        to_ips,
        validate,
        verify,
    )
    from rarepassport.document import Document, RenderNotice, SecondLanguage, Section
    from rarepassport.encryption import decrypt_bytes, encrypt_bytes, is_encrypted
    from rarepassport.errors import (
        DrawnTextMismatchError,
        EncryptionError,
        FhirImportError,
        HealthLinkError,
        InvalidPassportError,
        LoadError,
        MissingDependencyError,
        MissingGlyphsError,
        PassphraseRequiredError,
        PassportError,
        PluginError,
        PluginWarning,
        Problem,
        RenderError,
        RenderWarning,
        SigningError,
        WrongPassphraseError,
    )
    from rarepassport.guidance import Guidance
    from rarepassport.health_links import HealthLink, create_health_link, decode_health_link, decrypt_health_link_file
    from rarepassport.hookspecs import hookimpl
    from rarepassport.layouts import LayoutContext, LayoutInputs
    from rarepassport.migrations import Migrated, MigrationRegistry, MigrationStep, SectionMigrationRegistry
    from rarepassport.model import (
        SCHEMA_VERSION,
        AdditionalSection,
        Admission,
        AdvanceDecision,
        AllergiesStatus,
        Allergy,
        AllergyCategory,
        AllergyKind,
        Attestation,
        AttestationSigner,
        Avoid,
        CarePreferences,
        CareTeamMember,
        Coding,
        CompletedBy,
        Contact,
        ContactRole,
        Criticality,
        Device,
        Diagnosis,
        DiagnosisStatus,
        Emergency,
        Feature,
        GeneticFinding,
        History,
        Identifier,
        Immunisation,
        Link,
        LinkKind,
        Medication,
        MedicationsStatus,
        OpenAccess,
        Passport,
        Person,
        PreviousEmergency,
        Procedure,
        Protocol,
        PublicKey,
        Review,
        ReviewedBy,
        SectionDigest,
        Severity,
        Sex,
        View,
        Weight,
        Zygosity,
        field_views,
        section_field,
    )
    from rarepassport.plugin_manager import PluginManager, default_plugin_manager, make_plugin_manager
    from rarepassport.registries import (
        BackendRegistry,
        BackendSpec,
        ExporterRegistry,
        ExporterSpec,
        LabelRegistry,
        LayoutRegistry,
        LayoutSpec,
        PluginFailure,
        PluginInfo,
        RuleRegistry,
        SectionRegistry,
        SectionSpec,
    )
    from rarepassport.rendering import Rendered
    from rarepassport.signing import (
        AttestationCheck,
        Keyring,
        TrustStatus,
        Verification,
        generate_key,
        load_keyring,
    )
    from rarepassport.validation import RuleContext

#: Where each public name lives; tests/test_import_light.py checks it against the modules.
_EXPORTS: dict[str, tuple[str, ...]] = {
    "rarepassport._dates": (
        "PartialDate",
    ),
    "rarepassport._report": (
        "Issue", "IssueSeverity", "Report",
    ),
    "rarepassport.api": (
        "BackendName", "BuiltinFormat", "RenderFormat", "applicable_plugins", "available_formats", "dump", "dumps",
        "from_dict", "json_schema", "layout", "load", "loads", "make_health_link", "migrate_document", "redact",
        "render", "render_document", "render_rendered", "sign", "to_dict", "to_ips", "validate", "verify",
    ),
    "rarepassport.document": (
        "Document", "RenderNotice", "SecondLanguage", "Section",
    ),
    "rarepassport.encryption": (
        "decrypt_bytes", "encrypt_bytes", "is_encrypted",
    ),
    "rarepassport.errors": (
        "DrawnTextMismatchError", "EncryptionError", "FhirImportError", "HealthLinkError",
        "InvalidPassportError", "LoadError", "MissingDependencyError", "MissingGlyphsError",
        "PassphraseRequiredError", "PassportError",
        "PluginError", "PluginWarning", "Problem", "RenderError", "RenderWarning", "SigningError",
        "WrongPassphraseError",
    ),
    "rarepassport.guidance": (
        "Guidance",
    ),
    "rarepassport.health_links": (
        "HealthLink", "create_health_link", "decode_health_link", "decrypt_health_link_file",
    ),
    "rarepassport.hookspecs": (
        "hookimpl",
    ),
    "rarepassport.layouts": (
        "LayoutContext", "LayoutInputs",
    ),
    "rarepassport.migrations": (
        "Migrated", "MigrationRegistry", "MigrationStep", "SectionMigrationRegistry",
    ),
    "rarepassport.model": (
        "SCHEMA_VERSION", "AdditionalSection", "Admission", "AdvanceDecision", "AllergiesStatus", "Allergy",
        "AllergyCategory", "AllergyKind", "Avoid", "CarePreferences", "CareTeamMember", "Coding", "CompletedBy",
        "Contact", "ContactRole", "Criticality", "Device", "Diagnosis", "DiagnosisStatus", "Emergency", "Feature",
        "GeneticFinding", "History", "Identifier", "Immunisation", "Link", "LinkKind", "Medication",
        "MedicationsStatus", "OpenAccess", "Passport", "Person", "PreviousEmergency", "Procedure", "Protocol",
        "Review", "ReviewedBy", "Severity", "Sex", "View", "Weight", "Zygosity", "field_views", "section_field",
        "Attestation", "AttestationSigner", "PublicKey", "SectionDigest",
    ),
    "rarepassport.plugin_manager": (
        "PluginManager", "default_plugin_manager", "make_plugin_manager",
    ),
    "rarepassport.registries": (
        "BackendRegistry", "BackendSpec", "ExporterRegistry", "ExporterSpec", "LabelRegistry", "LayoutRegistry",
        "LayoutSpec", "PluginFailure", "PluginInfo", "RuleRegistry", "SectionRegistry", "SectionSpec",
    ),
    "rarepassport.rendering": (
        "Rendered",
    ),
    "rarepassport.signing": (
        "AttestationCheck", "Keyring", "TrustStatus", "Verification", "generate_key", "load_keyring",
    ),
    "rarepassport.validation": (
        "RuleContext",
    ),
}
_WHERE = {name: module for module, names in _EXPORTS.items() for name in names}


class _Public(Mapping[str, Any]):
    """The public names as a namespace, each imported when first looked up."""

    def __getitem__(self, name: str) -> Any:
        if name not in _WHERE:
            raise KeyError(name)
        return __getattr__(name)

    def __iter__(self) -> Iterator[str]:
        return iter(_WHERE)

    def __len__(self) -> int:
        return len(_WHERE)


def _make_public(value: Any) -> None:
    """Give a public class or function ``__module__ = "rarepassport"``.

    A class's string annotations are resolved first, in its defining module (names it
    imports only for type checking are found among the public names), and stored
    resolved, so ``typing.get_type_hints`` (and cattrs) still work on it.
    """
    if isinstance(value, type) and value.__module__ != __name__:
        own = inspect.get_annotations(value)
        if any(isinstance(hint, str) for hint in own.values()):
            hints = typing.get_type_hints(
                value, globalns=vars(sys.modules[value.__module__]), localns=_Public(), include_extras=True
            )
            value.__annotations__ = {key: hints[key] for key in own}
        import attrs

        if attrs.has(value):
            attrs.resolve_types(value)
        value.__module__ = __name__
    elif inspect.isfunction(value):
        value.__module__ = __name__


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'rarepassport' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    _make_public(value)
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


__all__ = [
    "SCHEMA_VERSION",
    "AdditionalSection",
    "Admission",
    "AdvanceDecision",
    "AllergiesStatus",
    "Allergy",
    "AllergyCategory",
    "AllergyKind",
    "Attestation",
    "AttestationCheck",
    "AttestationSigner",
    "Avoid",
    "BackendName",
    "BackendRegistry",
    "BackendSpec",
    "BuiltinFormat",
    "CarePreferences",
    "CareTeamMember",
    "Coding",
    "CompletedBy",
    "Contact",
    "ContactRole",
    "Criticality",
    "Device",
    "Diagnosis",
    "DiagnosisStatus",
    "Document",
    "DrawnTextMismatchError",
    "Emergency",
    "EncryptionError",
    "ExporterRegistry",
    "ExporterSpec",
    "Feature",
    "FhirImportError",
    "GeneticFinding",
    "Guidance",
    "HealthLink",
    "HealthLinkError",
    "History",
    "Identifier",
    "Immunisation",
    "InvalidPassportError",
    "Issue",
    "IssueSeverity",
    "Keyring",
    "LabelRegistry",
    "LayoutContext",
    "LayoutInputs",
    "LayoutRegistry",
    "LayoutSpec",
    "Link",
    "LinkKind",
    "LoadError",
    "Medication",
    "MedicationsStatus",
    "Migrated",
    "MigrationRegistry",
    "MigrationStep",
    "MissingDependencyError",
    "MissingGlyphsError",
    "OpenAccess",
    "PartialDate",
    "PassphraseRequiredError",
    "Passport",
    "PassportError",
    "Person",
    "PluginError",
    "PluginFailure",
    "PluginInfo",
    "PluginManager",
    "PluginWarning",
    "PreviousEmergency",
    "Problem",
    "Procedure",
    "Protocol",
    "PublicKey",
    "RenderError",
    "RenderFormat",
    "RenderNotice",
    "RenderWarning",
    "Rendered",
    "Report",
    "Review",
    "ReviewedBy",
    "RuleContext",
    "RuleRegistry",
    "SecondLanguage",
    "Section",
    "SectionDigest",
    "SectionMigrationRegistry",
    "SectionRegistry",
    "SectionSpec",
    "Severity",
    "Sex",
    "SigningError",
    "TrustStatus",
    "Verification",
    "View",
    "Weight",
    "WrongPassphraseError",
    "Zygosity",
    "__version__",
    "applicable_plugins",
    "available_formats",
    "create_health_link",
    "decode_health_link",
    "decrypt_bytes",
    "decrypt_health_link_file",
    "default_plugin_manager",
    "dump",
    "dumps",
    "encrypt_bytes",
    "field_views",
    "from_dict",
    "generate_key",
    "hookimpl",
    "is_encrypted",
    "json_schema",
    "layout",
    "load",
    "load_keyring",
    "loads",
    "make_health_link",
    "make_plugin_manager",
    "migrate_document",
    "redact",
    "render",
    "render_document",
    "render_rendered",
    "section_field",
    "sign",
    "to_dict",
    "to_ips",
    "validate",
    "verify",
]

# The old module paths (rarepassport.render, .layout, .validate) keep working, with a
# DeprecationWarning, until 1.0 (see rarepassport._moved).
from rarepassport import _moved  # noqa: E402 - after the public names it stands in for

_moved.install()
