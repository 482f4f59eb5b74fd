"""The public API: every function a program calls, in one place.

Each function here takes ``plugins=``, the [`PluginManager`][rarepassport.PluginManager] whose
sections, rules, backends and labels apply; with ``None`` (the default) it uses
[`default_plugin_manager`][rarepassport.default_plugin_manager], built once with every built-in and
installed plugin. This is the one place where ``plugins=None`` becomes the default
manager: the steps below (``convert``, ``schema``, ``validation``, ``layouts``,
``rendering``, ``fhir``) are always handed a manager.

Everything here is re-exported from [`rarepassport`][]; write ``rarepassport.load(...)``.
"""

from __future__ import annotations

import datetime as _dt
import os
import warnings as _warnings
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal, NewType

from rarepassport import convert, layouts, migrations, plugins_for, redaction, rendering, schema, signing, validation
from rarepassport.convert import Format
from rarepassport.document import Document
from rarepassport.errors import RenderWarning
from rarepassport.health_links import HealthLink
from rarepassport.model import Passport, View
from rarepassport.plugin_manager import PluginManager, default_plugin_manager
from rarepassport.rendering import Rendered
from rarepassport.signing import Keyring, Verification
from rarepassport.validation import Report

__all__ = [
    "BackendName",
    "BuiltinFormat",
    "RenderFormat",
    "applicable_plugins",
    "available_formats",
    "dump",
    "dumps",
    "from_dict",
    "json_schema",
    "layout",
    "load",
    "loads",
    "make_health_link",
    "migrate_document",
    "redact",
    "render",
    "render_document",
    "render_rendered",
    "sign",
    "to_dict",
    "to_ips",
    "validate",
    "verify",
]


#: The names of the built-in backends, as a type: ``format="htm"`` is a type error.
BuiltinFormat = Literal["pdf", "card", "lockscreen", "lockscreen-pdf", "html", "accessible-pdf", "markdown", "text"]

#: The name of a backend a plugin registered (or any name only known at run time, such
#: as one read from a command line): ``BackendName("asciidoc")``. It is a ``str`` at run
#: time; the type says "checked when rendering", so a misspelt literal is still caught.
BackendName = NewType("BackendName", str)

#: What ``format=`` of [`render`][rarepassport.render] accepts: a built-in name, or a
#: [`BackendName`][rarepassport.BackendName]. A ``Literal[...] | str`` would accept
#: any text, ``"htm"`` included, so a plugin backend's name is wrapped instead.
RenderFormat = BuiltinFormat | BackendName


def _manager(plugins: PluginManager | None) -> PluginManager:
    """The manager to use: the one given, or the default one (built once)."""
    if plugins is None:
        return default_plugin_manager()
    if not isinstance(plugins, PluginManager):
        raise TypeError(
            f"plugins must be a rarepassport.PluginManager (see make_plugin_manager()), not {type(plugins).__name__}"
        )
    return plugins


def load(
    path: str | os.PathLike[str],
    *,
    plugins: PluginManager | None = None,
    passphrase: str | bytes | Callable[[], str | bytes] | None = None,
) -> Passport:
    """Read a passport file; ``.yaml``/``.yml`` are YAML, anything else JSON.

    A file encrypted with [`encrypt_bytes`][rarepassport.encrypt_bytes] (``rarepassport
    encrypt``) is recognised by its first bytes and opened with ``passphrase``.

    Args:
        path: The *path* of the file, never the document's text (read text with
            [`loads`][rarepassport.loads]). Only a regular file is read: a device, FIFO or socket is
            refused without reading from it, as is a file larger than
            [`rarepassport.limits.MAX_FILE_BYTES`][rarepassport.limits].
        plugins: The plugin manager whose sections may appear under ``extensions``.
        passphrase: The passphrase of an encrypted file, or a function that returns it
            (called only when the file is encrypted, e.g. one that prompts with
            `getpass.getpass`). Ignored for a file that is not encrypted.

    Raises:
        LoadError: For any problem in the file, naming the file.
        PassphraseRequiredError: When the file is encrypted and no passphrase is given.
        WrongPassphraseError: When the passphrase is wrong or the encrypted file was changed.
        EncryptionError: When the encrypted file is truncated or otherwise damaged.
        OSError: When the file cannot be read, or is not a regular file.
        TypeError: When ``path`` is not a path, or is a ``str`` holding a document.

    Example:
        ```python
        import getpass
        passport = rarepassport.load("ada.json.rpenc", passphrase=getpass.getpass)
        ```
    """
    return convert.load(path, plugins=_manager(plugins), passphrase=passphrase)


def loads(text: str | bytes, *, format: Format = "json", plugins: PluginManager | None = None) -> Passport:
    """Read a passport from JSON or YAML text.

    Args:
        text: The document.
        format: ``"json"`` (default) or ``"yaml"`` (needs ``rarepassport[yaml]``).
        plugins: The plugin manager whose sections may appear under ``extensions``.

    Raises:
        LoadError: For malformed text (with line and column) or any problem in the
            document (with its JSON path); every problem is listed.
    """
    return convert.loads(text, format=format, plugins=_manager(plugins))


def dump(
    passport: Passport,
    path: str | os.PathLike[str],
    *,
    format: Format | None = None,
    plugins: PluginManager | None = None,
) -> None:
    """Write a passport to a file, atomically (see `write_atomic`).

    Args:
        passport: The passport.
        path: Where to write; ``.yaml``/``.yml`` give YAML unless ``format`` says.
        format: ``"json"`` or ``"yaml"``; default from the suffix.
        plugins: The plugin manager whose sections the passport uses.

    Raises:
        PassportError: For an unknown ``format``.
        TypeError: When ``passport`` is not a Passport or ``path`` not a path.
    """
    return convert.dump(passport, path, format=format, plugins=_manager(plugins))


def dumps(passport: Passport, *, format: Format = "json", plugins: PluginManager | None = None) -> str:
    """Write a passport as canonical JSON (or YAML) text.

    The text is minimal and stable: defaults and empty lists are left out and keys
    follow the model's order, so ``loads(dumps(p)) == p`` and diffs stay readable.
    """
    return convert.dumps(passport, format=format, plugins=_manager(plugins))


def from_dict(data: Mapping[str, Any], *, plugins: PluginManager | None = None) -> Passport:
    """Build a passport from a JSON-like dict.

    Args:
        data: The document, as `json.loads` would give it.
        plugins: The plugin manager whose sections may appear under ``extensions``.

    Returns:
        The passport.

    Raises:
        LoadError: Listing every problem found, each with its JSON path.
    """
    return convert.from_dict(data, plugins=_manager(plugins))


def migrate_document(
    data: Mapping[str, Any],
    *,
    registry: migrations.MigrationRegistry | None = None,
    plugins: PluginManager | None = None,
) -> migrations.Migrated:
    """Bring a passport document (a JSON-like dict) up to the current format version.

    ``load``, ``loads`` and ``from_dict`` do this silently; call this (or run
    ``rarepassport upgrade FILE``) to see what changed: first the core document's steps,
    then each plugin section's (a section registered with a newer ``version=`` than its
    data, through the plugin's ``rarepassport_register_migrations``).

    Args:
        data: The document, as `json.loads` gives it.
        registry: The core migrations to use; default
            `rarepassport.migrations.CORE_MIGRATIONS`.
        plugins: The plugin manager whose sections' migrations apply.

    Returns:
        The upgraded document and each step applied.

    Raises:
        LoadError: When ``schema_version`` is missing, unknown or newer than this
            library reads, or a plugin section's is newer than its plugin reads (at
            ``$.extensions.<id>.schema_version``, naming the section and the plugin).

    Example:
        ```python
        migrated = rarepassport.migrate_document(json.load(open("old.json")))
        for step in migrated.steps:
            print(step)
        ```
    """
    return migrations.migrate_document(data, registry=registry, sections=_manager(plugins).migrations)


def to_dict(passport: Passport, *, plugins: PluginManager | None = None) -> dict[str, Any]:
    """The canonical JSON-ready dict of a passport (defaults left out)."""
    return convert.to_dict(passport, plugins=_manager(plugins))


def json_schema(*, plugins: PluginManager | None = None) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of passports, with every registered plugin section.

    The schema is derived from the model classes and their field metadata, and built
    once per plugin manager; each call returns a fresh copy you may change.

    Args:
        plugins: The plugin manager whose sections appear under ``extensions``;
            default [`rarepassport.default_plugin_manager`][].

    Returns:
        The schema as a JSON-ready dict.

    Raises:
        PluginError: When a plugin section's class has a field whose type has no JSON
            Schema (the plugin should then pass ``schema=`` when registering it).

    Example:
        ```python
        import json, rarepassport
        print(json.dumps(rarepassport.json_schema(), indent=2))
        ```
    """
    return schema.json_schema(plugins=_manager(plugins))


def validate(
    passport: Passport | Mapping[str, Any] | str | os.PathLike[str],
    *,
    plugins: PluginManager | None = None,
    today: _dt.date | None = None,
    language: str | None = None,
) -> Report:
    """Check a passport and report every issue found.

    Args:
        passport: A [`Passport`][rarepassport.Passport], a JSON-like dict, or the path of a passport file.
        plugins: The plugin manager whose sections and rules apply.
        today: The date to judge "future" and "overdue" against (default: today).
        language: The language of the messages, a BCP 47 tag such as ``fr`` (default:
            English). Messages come from the label catalogues (a plugin's rules from its
            own); one with no translation stays in English, marked as not translated.
            Paths, codes and severities are the same in every language.

    Returns:
        A [`Report`][rarepassport.Report]; ``report.ok`` is False when there are errors. Structural
        problems (unknown fields, wrong types) are reported as issues with code
        ``structure`` rather than raised.

    Example:
        ```python
        report = rarepassport.validate("ada.json")
        for issue in report:
            print(issue)
        ```
    """
    return validation.validate(passport, plugins=_manager(plugins), today=today, language=language)


def sign(
    passport: Passport,
    key: bytes | str | os.PathLike[str],
    *,
    name: str,
    role: str | None = None,
    organisation: str | None = None,
    sections: Iterable[str] = (),
    reviewed: str | None = None,
    reviewed_on: _dt.date | None = None,
    password: bytes | None = None,
    plugins: PluginManager | None = None,
) -> Passport:
    """Sign a passport, or named sections of it, as checked by a professional.

    The passport returned carries one more [`Attestation`][rarepassport.Attestation]
    in ``attestations``: who checked it, when, what it covers, a SHA-256 digest of the
    RFC 8785 canonical JSON of each covered section, the signer's public key and a
    detached-payload JWS (EdDSA or ES256) over all of that. Nothing else changes;
    write it with [`dump`][rarepassport.dump].

    Args:
        passport: The passport.
        key: The private key: a PEM file's path or its bytes (``rarepassport keygen``
            writes one; see [`generate_key`][rarepassport.generate_key]).
        name: The signer's name, e.g. ``Dr Amina Rahman``.
        role: Their role, e.g. ``consultant paediatric endocrinologist``.
        organisation: Their organisation.
        sections: Section paths to cover, e.g. ``emergency.protocols`` or
            ``$.medications``; none (the default) covers the whole passport.
        reviewed: What was checked, in the signer's words.
        reviewed_on: When it was checked; default today.
        password: The passphrase of an encrypted PEM key.
        plugins: The plugin manager; the default one when ``None``.

    Raises:
        SigningError: For a key that cannot be read or is not Ed25519 or P-256, a
            section path that names nothing in the passport, or a missing name.

    Example:
        ```python
        signed = rarepassport.sign(passport, "clinic.key", name="Dr Amina Rahman",
                                   role="consultant", sections=["emergency.protocols"])
        ```
    """
    return signing.sign(
        passport, key, name=name, role=role, organisation=organisation, sections=sections, reviewed=reviewed,
        reviewed_on=reviewed_on, password=password, plugins=_manager(plugins),
    )


def verify(
    passport: Passport, trust: Keyring | None = None, *, plugins: PluginManager | None = None
) -> Verification:
    """Check every attestation of a passport.

    Each [`AttestationCheck`][rarepassport.AttestationCheck] of the result has exactly one
    [`TrustStatus`][rarepassport.TrustStatus]: ``trusted`` (valid, unchanged, key trusted),
    ``untrusted`` (valid and unchanged, but the key is not in ``trust`` or is revoked),
    ``modified`` (valid, but the sections named in ``changed`` were edited since signing)
    or ``malformed`` (unreadable, or the signature does not match).

    Args:
        passport: The passport.
        trust: The keys you trust and the revoked key ids (see
            [`load_keyring`][rarepassport.load_keyring]); ``None`` trusts nobody, so a
            valid signature is ``untrusted``.
        plugins: The plugin manager; the default one when ``None``.

    Example:
        ```python
        result = rarepassport.verify(passport, rarepassport.load_keyring(["clinic.pub.jwk"]))
        if result.ok:
            print("every attestation is valid and trusted")
        ```
    """
    return signing.verify(passport, trust, plugins=_manager(plugins))


def layout(
    passport: Passport,
    view: View | str = "full",
    language: str | None = None,
    *,
    plugins: PluginManager | None = None,
    today: _dt.date | None = None,
    second_language: str | None = None,
    trust: Keyring | None = None,
    easy_read: bool = False,
) -> Document:
    """Lay out a passport for a view, in a language.

    Args:
        passport: The passport.
        view: ``full``, ``emergency``, ``education`` or ``social``.
        language: BCP 47 tag of the labels; default the passport's ``language``.
            Missing labels fall back to the base language, then English.
        plugins: The plugin manager; the default one when ``None``.
        today: The date an overdue review is measured against; default today.
        second_language: BCP 47 tag of a second language for the labels: the
            emergency essentials' labels are in both (what the wallet card, the lock
            screen and the emergency QR code show: *Allergies / Alergias*, values once;
            see [`rarepassport.essentials.bilingual`][]), and every section and block
            carries its texts in the second language as ``second`` (see
            [`SecondLanguage`][rarepassport.SecondLanguage]) for a backend that draws
            them, such as the ``pdf``. The person's own text is not repeated there.
        trust: The keys you trust (see [`load_keyring`][rarepassport.load_keyring]). The
            passport's attestations are verified in this call and the page says what was
            found: "checked by … — signature verified" only for a valid signature by a
            trusted key that covers unchanged content; with ``None`` no key is trusted.
        easy_read: Lay out for easy read, as learning-disability health passports are:
            the section titles and fixed phrases in their shorter, plainer easy-read
            wording from the catalogue (the normal wording where a label has none), a
            symbol beside each section title, and large print in the backends that
            print. The person's own text is never changed.

    Returns:
        The Document every backend draws: sections in reading order (emergency
        first), only fields of the view, with warnings such as an overdue review.

    Raises:
        RenderError: When ``view`` is not a view.
        TypeError: When ``passport`` is not a [`Passport`][rarepassport.Passport].
    """
    return layouts.layout(passport, view, language, plugins=_manager(plugins), today=today,
                          second_language=second_language, trust=trust,
                          easy_read=easy_read)


def redact(passport: Passport, view: View | str, *, plugins: PluginManager | None = None) -> Passport:
    """The passport holding only what a view allows: every other field emptied.

    Every field whose ``views`` metadata ([`field_views`][rarepassport.field_views]) leaves
    out ``view`` is set to its default (empty), at every depth, in core sections and in
    plugin sections; a plugin section registered without the view is left out whole.
    ``schema_version`` and ``language`` are kept. [`layout`][rarepassport.layout] (and so
    [`render`][rarepassport.render]) redacts first, and
    [`to_ips`][rarepassport.to_ips] does when given ``view=``.

    Args:
        passport: The passport.
        view: ``full`` (returns ``passport`` itself), ``emergency``, ``education`` or
            ``social``.
        plugins: The plugin manager whose sections the passport uses.

    Returns:
        A new passport; the one given is not changed.

    Raises:
        RenderError: When ``view`` is not a view.

    Example:
        ```python
        school = rarepassport.redact(passport, "education")
        assert not school.person.identifiers   # NHS number: emergency and full only
        ```
    """
    return redaction.redact(passport, view, plugins=_manager(plugins))


def render(
    passport: Passport,
    format: RenderFormat = "pdf",
    view: View | str | None = None,
    language: str | None = None,
    *,
    plugins: PluginManager | None = None,
    today: _dt.date | None = None,
    strict: bool = False,
    second_language: str | None = None,
    trust: Keyring | None = None,
    easy_read: bool = False,
    **options: Any,
) -> bytes:
    """Validate a passport, then render it for a view, in a format.

    Each warning (a validation error or warning, an overdue review, a plugin that
    failed) is emitted as a [`RenderWarning`][rarepassport.errors.RenderWarning] through `warnings.warn`; the
    output is still complete. Validation errors and warnings are also written into
    the document's notes ("Please note"), naming the fields by path and the checks by
    code, so a reader of the printout sees them.

    Args:
        passport: The passport.
        format: A backend name: ``pdf``, ``card``, ``lockscreen``, ``lockscreen-pdf``,
            ``html``, ``accessible-pdf``, ``markdown``, ``text`` or, wrapped in
            [`BackendName`][rarepassport.BackendName], one a plugin added (see
            [`available_formats`][rarepassport.available_formats]).
        view: ``full``, ``emergency``, ``education`` or ``social``; ``None`` (the
            default) is the format's default view: ``emergency`` for ``card``,
            ``full`` for the others.
        language: BCP 47 tag of the labels; default the passport's ``language``.
        plugins: The plugin manager; the default one when ``None``.
        today: The date to validate against and check the review date against;
            default today.
        strict: Raise [`InvalidPassportError`][rarepassport.errors.InvalidPassportError] instead of rendering when
            validation finds errors.
        second_language: A second language for the labels, for a bilingual full
            PDF, wallet card or lock screen (``pdf``, ``card``, ``lockscreen``,
            ``lockscreen-pdf``, also ``markdown`` and ``text``; see
            [`layout`][rarepassport.layout]). A format that cannot draw it (``html``,
            ``accessible-pdf``) refuses it with a ``RenderError``.
        trust: The keys you trust, against which the passport's attestations are verified
            while rendering (see [`layout`][rarepassport.layout]); ``None`` trusts no key.
        easy_read: Easy read (see [`layout`][rarepassport.layout]): easy-read wording and
            a symbol beside each section title; ``pdf``, ``card``, ``html`` and
            ``accessible-pdf`` are then drawn in large print, as with ``large_print=True``.
        **options: Options of the backend.

    Returns:
        The rendered bytes.

    Raises:
        RenderError: For an unknown format or view, a bad option, or a
            ``second_language`` the format cannot draw.
        InvalidPassportError: With ``strict=True``, when the passport has
            validation errors.
    """
    rendered = render_rendered(
        passport, format, view, language, plugins=plugins, today=today, strict=strict,
        second_language=second_language, trust=trust, easy_read=easy_read, **options
    )
    for message in rendered.warnings:
        _warnings.warn(message, RenderWarning, stacklevel=2)
    return rendered.data


def render_rendered(
    passport: Passport,
    format: RenderFormat = "pdf",
    view: View | str | None = None,
    language: str | None = None,
    *,
    plugins: PluginManager | None = None,
    today: _dt.date | None = None,
    strict: bool = False,
    second_language: str | None = None,
    trust: Keyring | None = None,
    easy_read: bool = False,
    **options: Any,
) -> Rendered:
    """Like [`render`][rarepassport.render], but return the [`Rendered`][rarepassport.Rendered] (bytes, type, warnings,
    issues).

    Warnings are returned, not emitted. See [`render`][rarepassport.render] for the arguments.
    """
    return rendering.render_rendered(
        passport, format, view, language, plugins=_manager(plugins), today=today, strict=strict,
        second_language=second_language, trust=trust, easy_read=easy_read, **options
    )


def render_document(
    document: Document, format: RenderFormat, *, plugins: PluginManager | None = None, **options: Any
) -> Rendered:
    """Draw a laid-out document with a backend.

    Args:
        document: The document from `rarepassport.layouts.layout`.
        format: A backend name, see [`available_formats`][rarepassport.available_formats].
        plugins: The plugin manager; the default one when ``None``.
        **options: Options of the backend (e.g. ``width=`` for ``text``).

    Returns:
        The bytes with their media type, suffix and every warning (the document's
        own first, then the backend's).

    Raises:
        RenderError: For an unknown format, an option the backend does not take, or
            a backend that does not return a [`Rendered`][rarepassport.Rendered].
    """
    return rendering.render_document(document, format, plugins=_manager(plugins), **options)


def available_formats(plugins: PluginManager | None = None) -> list[BackendName]:
    """The names of the formats that can be rendered, in registration order.

    Each is a [`BackendName`][rarepassport.BackendName], so it may be passed
    straight to ``render(format=...)``.

    Args:
        plugins: The plugin manager; the default one when ``None``.
    """
    return [BackendName(name) for name in rendering.available_formats(_manager(plugins))]


def to_ips(
    passport: Passport,
    *,
    plugins: PluginManager | None = None,
    today: _dt.date | _dt.datetime | None = None,
    language: str | None = None,
    view: View | str | None = None,
) -> dict[str, Any]:
    """Export a passport as an HL7 FHIR R4 International Patient Summary document.

    Every narrative (each section's and each resource's ``text``) is read from the
    passport laid out in the full view, so it says what the PDF says, in the same
    words, labels and dates.

    Args:
        passport: The passport.
        plugins: The plugin manager whose sections the passport uses; its
            ``rarepassport_fhir_section`` hooks may map plugin sections themselves.
        today: When the summary is made (``Bundle.timestamp``, ``Composition.date``);
            a date means midnight UTC. Default: now.
        language: BCP 47 tag of the narratives' labels, e.g. ``"fr"``; the bundle's
            ``language`` is then this one. Default: the passport's ``language``.
        view: Export only what this view allows (see [`redact`][rarepassport.redact]);
            ``None`` (the default) exports everything, as ``full`` does.

    Returns:
        The ``Bundle`` (type ``document``) as a JSON-ready dict: the IPS
        ``Composition`` first, then the Patient and every resource its sections cite.

    Example:
        ```python
        bundle = rarepassport.fhir.to_ips(rarepassport.load("ada.json"))
        json.dumps(bundle)
        ```
    """
    from rarepassport.fhir import _export  # lazy: FHIR is not loaded by ``import rarepassport``

    manager = _manager(plugins)
    if view is not None:
        passport = redaction.redact(passport, view, plugins=manager)
    return _export.to_ips(passport, plugins=manager, today=today, language=language)


def make_health_link(
    passport: Passport,
    *,
    url_base: str,
    view: View | str | None = None,
    label: str | None = None,
    expires: _dt.datetime | None = None,
    passcode: bool = False,
    long_term: bool = False,
    direct: bool = False,
    plugins: PluginManager | None = None,
    today: _dt.date | _dt.datetime | None = None,
) -> HealthLink:
    """A SMART Health Link to a passport's FHIR IPS document.

    The IPS Bundle ([`to_ips`][rarepassport.to_ips], of ``view`` when given) is
    encrypted as a compact JWE (``dir``, ``A256GCM``) with a fresh 256-bit key; the key
    is in the link only. Put [`HealthLink.files`][rarepassport.HealthLink] on the host
    at ``url_base``; share [`HealthLink.uri`][rarepassport.HealthLink] (or its
    ``viewer_url``), e.g. as a QR code (``render(..., qr="link:" + link.viewer_url(...))``).

    Args:
        passport: The passport.
        url_base: The ``https://`` address the files are served under.
        view: Share only what this view allows (see [`redact`][rarepassport.redact]);
            default everything.
        label: Up to 80 characters shown before the link is opened; not encrypted.
        expires: When the link stops working.
        passcode: Flag ``P``: the server asks for a passcode.
        long_term: Flag ``L``: the data behind the link may be updated.
        direct: Flag ``U``: the url is the file itself, fetched with GET (a static host).
        plugins: The plugin manager whose sections the passport uses.
        today: When the summary is made (``Bundle.timestamp``); default now.

    Returns:
        The [`HealthLink`][rarepassport.HealthLink].

    Raises:
        HealthLinkError: See [`create_health_link`][rarepassport.create_health_link].

    Example:
        ```python
        link = rarepassport.make_health_link(passport, url_base="https://files.example.org/shl",
                                             label="Ada's passport", view="emergency")
        for path, data in link.files.items():
            ...  # upload data to https://files.example.org/shl/<path>
        print(link.viewer_url("https://viewer.example.org/"))
        ```
    """
    from rarepassport.health_links import create_health_link

    bundle = to_ips(passport, plugins=plugins, today=today, view=view)
    return create_health_link(bundle, url_base=url_base, label=label, expires=expires, passcode=passcode,
                              long_term=long_term, direct=direct)


def applicable_plugins(passport: Passport, *, plugins: PluginManager | None = None) -> list[str]:
    """Names of the plugins that apply to this passport.

    A plugin applies when one of its sections is present under ``extensions`` or when
    a diagnosis code matches a code its section was registered for.

    Args:
        passport: The passport.
        plugins: The plugin manager to consult (default:
            [`default_plugin_manager`][rarepassport.default_plugin_manager]).

    Returns:
        Plugin names in registration order, each once.

    Example:
        ```python
        passport = rarepassport.load("ada.json")
        applicable_plugins(passport)   # ['dravet-syndrome']
        ```
    """
    return plugins_for.applicable_plugins(passport, plugins=_manager(plugins))
