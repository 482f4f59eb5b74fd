"""Schema evolution: documents of an older format version are upgraded step by step.

Every passport document carries ``schema_version``. Reading one of an older version runs
the registered migrations in order, each from one version to the next, until the
document is at [`SCHEMA_VERSION`][rarepassport.SCHEMA_VERSION]; each step is reported
with what it changed (the JSON paths added, removed or changed), so an upgrade is never
silent for whoever asks ([`migrate_document`][rarepassport.migrate_document],
``rarepassport upgrade FILE``). A document of a *newer* version is refused with a
message naming the version this library reads, so it is never read half-understood.

Format 1.0 is the first and only version so far: the registry is empty, and the
mechanism is tested with a registry of its own. A change to the model that old documents
cannot be read under adds a version here, with its migration, in the same release.

Plugin sections are versioned the same way, each on its own: a section registered with
``version="2"`` writes ``"schema_version": "2"`` inside its data
(``extensions.<id>.schema_version``); a section's data without one is at version 1,
where every section starts. The plugin registers the steps from its older versions
through the ``rarepassport_register_migrations`` hook
([`SectionMigrationRegistry`][rarepassport.SectionMigrationRegistry]); loading runs them
after the core's, and a section newer than the installed plugin reads is refused naming
the section and the plugin.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

import attrs

from rarepassport._catalogues import core_text
from rarepassport._version import __version__
from rarepassport.errors import LoadError, Message, PluginError, Problem
from rarepassport.model import SCHEMA_VERSION

__all__ = [
    "CORE_MIGRATIONS",
    "SCHEMA_VERSIONS",
    "Migrated",
    "Migration",
    "MigrationRegistry",
    "MigrationStep",
    "SectionMigrationRegistry",
    "migrate_document",
]

#: The version of a plugin section whose data carries no ``schema_version``.
FIRST_SECTION_VERSION = "1"

#: Every format version, oldest first, with the first rarepassport release that reads it.
SCHEMA_VERSIONS: Mapping[str, str] = {"1.0": "0.1.0"}

Upgrade = Callable[[dict[str, Any]], dict[str, Any]]


@attrs.frozen(kw_only=True)
class Migration:
    """One step: a function that turns a document of ``source`` into one of ``target``.

    Attributes:
        source: The version it reads.
        target: The version it writes (the next one).
        upgrade: Takes a copy of the document (a JSON-like dict) and returns the
            upgraded one; it need not set ``schema_version``.
        summary: What changes, for a person ("person.nickname is now preferred_name").
    """

    source: str
    target: str
    upgrade: Upgrade
    summary: str


@attrs.frozen(kw_only=True)
class MigrationStep:
    """What one migration did to a document.

    Attributes:
        source: The version before.
        target: The version after.
        summary: The migration's summary.
        changed: The JSON paths added, removed or changed (never their values), from the
            document's root (``$.extensions.fabry.treatment``).
        section: For a plugin section's migration, its id under ``extensions``; ``None``
            for the core document's.
        plugin: For a plugin section's migration, the plugin that registered it.
    """

    source: str
    target: str
    summary: str
    changed: tuple[str, ...]
    section: str | None = None
    plugin: str | None = None

    @property
    def label_id(self) -> str:
        """The id of the label that translates :attr:`summary`: ``migration.<section>.<target>``
        for a plugin section's step (``migration.fabry.2``), ``migration.format.<target>``
        for the core document's. A plugin adds it with its other labels; a language
        without it shows the English summary, marked as not translated."""
        return f"migration.{self.section or 'format'}.{self.target}"

    def __str__(self) -> str:
        # English, for Python callers; `rarepassport upgrade` says it in its language
        # from the catalogue (cli.upgrade.step-format, cli.upgrade.step-section).
        paths = ", ".join(self.changed) if self.changed else "nothing"
        what = "format" if self.section is None else f"section extensions.{self.section} (plugin {self.plugin})"
        return f"{what} {self.source} -> {self.target}: {self.summary} (changed: {paths})"


@attrs.frozen(kw_only=True)
class Migrated:
    """A document brought up to the current format version.

    Attributes:
        document: The upgraded document (a new dict; the one given is not changed).
        steps: Each migration applied, in order; empty when it was already current.
    """

    document: dict[str, Any]
    steps: tuple[MigrationStep, ...]


def _version_key(version: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in version.split("."))
    except ValueError:
        return (-1,)


def _type_name(value: object) -> str:
    return {dict: "an object", list: "a list", bool: "true/false", type(None): "null"}.get(
        type(value), "a number" if isinstance(value, (int, float)) else type(value).__name__)


def _problem(path: str, message_id: str, **arguments: str) -> Problem:
    """A problem with its catalogue id, its English from the catalogue."""
    return Problem(path, core_text(message_id, **arguments), message_id=message_id, arguments=arguments)


def _changed(before: Any, after: Any, path: str = "$") -> Iterator[str]:
    """The JSON paths where ``after`` differs from ``before``."""
    if isinstance(before, dict) and isinstance(after, dict):
        for key in [*before, *(k for k in after if k not in before)]:
            where = f"{path}.{key}"
            if key not in after or key not in before:
                yield where
            else:
                yield from _changed(before[key], after[key], where)
    elif isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        for index, (old, new) in enumerate(zip(before, after, strict=True)):
            yield from _changed(old, new, f"{path}[{index}]")
    elif before != after or type(before) is not type(after):
        yield path


class MigrationRegistry:
    """The migrations between format versions, one from each old version.

    Args:
        current: The version documents are upgraded to.
        versions: Every known version with the first library release that reads it.
    """

    def __init__(self, current: str = SCHEMA_VERSION, versions: Mapping[str, str] = SCHEMA_VERSIONS) -> None:
        self.current = current
        self.versions = dict(versions)
        self._steps: dict[str, Migration] = {}
        # Set for a plugin section's registry (see SectionMigrationRegistry).
        self._section: str | None = None
        self._plugin: str | None = None
        self._plugin_version: str | None = None

    def add(self, source: str, target: str, upgrade: Upgrade, *, summary: str) -> None:
        """Register the step from ``source`` to ``target``.

        Raises:
            ValueError: When a step from ``source`` exists, or ``target`` is not newer.
        """
        if source in self._steps:
            raise ValueError(f"a migration from format {source} is already registered")
        if _version_key(target) <= _version_key(source):
            raise ValueError(f"a migration must go to a newer version, not from {source} to {target}")
        self._steps[source] = Migration(source=source, target=target, upgrade=upgrade, summary=summary)

    def __iter__(self) -> Iterator[Migration]:
        return iter(self._steps.values())

    def migrate(self, data: Mapping[str, Any]) -> Migrated:
        """Bring a document up to :attr:`current`, step by step, reporting each step.

        Raises:
            LoadError: At ``$.schema_version``, when it is missing, not text, unknown,
                or newer than this library reads.
        """
        document = dict(data)
        root = "$" if self._section is None else f"$.extensions.{self._section}"
        where = f"{root}.schema_version"
        if "schema_version" not in document:
            if self._section is not None:  # a section's data without a version is at its first
                document["schema_version"] = FIRST_SECTION_VERSION
            else:
                raise LoadError([Problem(where, "required field 'schema_version' is missing; add "
                                         f'"schema_version": "{self.current}"',
                                         message_id="validation.read.version-missing",
                                         arguments={"current": self.current})])
        steps: list[MigrationStep] = []
        seen: set[str] = set()
        while (version := document["schema_version"]) != self.current:
            if not isinstance(version, str):  # a list or object would not even hash
                raise LoadError([_problem(where, "validation.read.version-not-text", current=self.current,
                                          got_type=_type_name(version))])
            step = self._steps.get(version)
            if step is None or version in seen:
                raise LoadError([self._refusal(where, version)])
            seen.add(version)
            before = document
            try:
                document = dict(step.upgrade(_copy(before)))
            except Exception as exc:  # a plugin's bug is a problem with a path, never a traceback
                if self._section is None:
                    raise
                raise LoadError([_problem(root, "validation.read.section-migration-failed", section=self._section,
                                          version=version, target=step.target, plugin=str(self._plugin),
                                          error=type(exc).__name__)]) from None
            document["schema_version"] = step.target
            changed = tuple(path for path in _changed(before, document, root) if path != where)
            steps.append(MigrationStep(source=version, target=step.target, summary=step.summary, changed=changed,
                                       section=self._section, plugin=self._plugin))
        return Migrated(document=document, steps=tuple(steps))

    def _refusal(self, where: str, version: str) -> Problem:
        if self._section is not None:
            return self._section_refusal(where, version)
        if len(version) <= 20 and _version_key(version) > _version_key(self.current):
            return Problem(where, f"this passport is written in format version {version}, newer than this "
                           f"rarepassport ({__version__}) reads (up to {self.current}); upgrade rarepassport to a "
                           f"release that reads format {version}", message_id="validation.read.version-newer",
                           arguments={"version": version, "release": __version__, "current": self.current})
        # Never echo an unknown value: it may hold anything, up to the whole document.
        known = ", ".join(self.versions)
        return Problem(where, f"unknown format version; this rarepassport reads version {self.current} "
                       f"(known versions: {known})", message_id="validation.read.version-unknown",
                       arguments={"current": self.current, "known": known})

    def _section_refusal(self, where: str, version: str) -> Problem:
        about = {"section": str(self._section), "current": self.current,
                 "plugin": f"{self._plugin}" + (f" {self._plugin_version}" if self._plugin_version else "")}
        if len(version) <= 20 and _version_key(version) > _version_key(self.current):
            return _problem(where, "validation.read.section-version-newer", version=version, **about)
        if len(version) <= 20 and _version_key(version) > (-1,):
            return _problem(where, "validation.read.section-no-migration", version=version, **about)
        # Never echo an unknown value: it may hold anything.
        return _problem(where, "validation.read.section-version-unknown", **about)


class SectionMigrationRegistry:
    """The migrations of plugin sections, passed to ``rarepassport_register_migrations``.

    A plugin that changes the shape of its ``extensions`` section registers it with a
    new ``version=`` (``sections.add(..., version="2")``) and adds here one step from
    each older version, so that passports written for an older release of the plugin
    are upgraded on load, losing nothing. A section's data with no ``schema_version``
    is at version 1. Only the plugin that registered a section may migrate it.

    Example:
        ```python
        def treatment_renamed(section):
            if "enzyme_therapy" in section:
                section["treatment"] = section.pop("enzyme_therapy")
            return section

        @hookimpl
        def rarepassport_register_migrations(migrations):
            migrations.add("fabry", "1", "2", treatment_renamed,
                           summary="enzyme_therapy is now treatment")
        ```
    """

    def __init__(self) -> None:
        self._plugin = "(unknown)"
        self._added: dict[str, list[tuple[str, Migration]]] = {}
        self._sections: dict[str, MigrationRegistry] = {}

    def _set_plugin(self, name: str) -> None:
        self._plugin = name

    def add(self, section: str, source: str, target: str, upgrade: Upgrade, *, summary: str) -> None:
        """Register the step of section ``section`` from version ``source`` to ``target``.

        Args:
            section: The section's id under ``extensions``.
            source: The version it reads (``"1"`` for data with no ``schema_version``).
            target: The version it writes, newer than ``source``.
            upgrade: Takes a copy of the section's data (a JSON-like dict) and returns
                the upgraded data; it need not set ``schema_version``. It must keep
                every value (move it, never drop it).
            summary: What changes, for a person.

        Raises:
            PluginError: When ``target`` is not newer than ``source``, a version is not
                numbers with dots, or a step from ``source`` is already registered.
        """
        for version in (source, target):
            if not isinstance(version, str) or _version_key(version) == (-1,):
                raise PluginError(Message("error.plugin.migration-version", "section {section} from plugin {plugin}: "
                                          "a version is numbers with dots, such as \"2\", not {version}",
                                          section=repr(section), plugin=self._plugin, version=repr(version)))
        if _version_key(target) <= _version_key(source):
            raise PluginError(Message("error.plugin.migration-backwards", "section {section} from plugin {plugin}: a "
                                      "migration must go to a newer version, not from {source} to {target}",
                                      section=repr(section), plugin=self._plugin, source=source, target=target))
        if any(existing.source == source for _, existing in self._added.get(section, [])):
            raise PluginError(Message("error.plugin.migration-taken", "section {section} from plugin {plugin}: a "
                                      "migration from version {source} is already registered",
                                      section=repr(section), plugin=self._plugin, source=source))
        self._added.setdefault(section, []).append(
            (self._plugin, Migration(source=source, target=target, upgrade=upgrade, summary=summary)))

    def _bind(self, section: str, *, current: str, plugin: str, plugin_version: str | None) -> list[Message]:
        """Make the registry of one registered section; returns what was refused, for people."""
        refused = []
        registry = MigrationRegistry(current=current, versions={})
        registry._section, registry._plugin, registry._plugin_version = section, plugin, plugin_version
        for owner, step in self._added.get(section, []):
            if owner != plugin:
                refused.append(Message("error.plugin.migration-not-owner", "plugin {owner} added a migration of "
                                       "section {section}, which plugin {plugin} registered; only the section's own "
                                       "plugin may migrate it", owner=owner, section=repr(section), plugin=plugin))
            elif _version_key(step.target) > _version_key(current):
                refused.append(Message("error.plugin.migration-too-new", "section {section}: a migration to version "
                                       "{target}, newer than the section's version {current}", section=repr(section),
                                       target=step.target, current=current))
            else:
                registry._steps[step.source] = step
        self._sections[section] = registry
        return refused

    def _unbound(self) -> list[tuple[str, str]]:
        """The (plugin, section) of migrations for sections no plugin registered."""
        return [(owner, section) for section, added in self._added.items() if section not in self._sections
                for owner, _ in added]

    def __iter__(self) -> Iterator[Migration]:
        return (step for registry in self._sections.values() for step in registry)

    def version(self, section: str) -> str | None:
        """The version section ``section`` is upgraded to, or ``None`` when no plugin registered it."""
        registry = self._sections.get(section)
        return registry.current if registry is not None else None

    def migrate(self, data: Mapping[str, Any]) -> Migrated:
        """Bring every registered plugin section of a document up to its section's version.

        Sections no installed plugin registered are left as they are (reading reports
        them). Each section is migrated on its own; every section that cannot be is
        reported at once.

        Raises:
            LoadError: At ``$.extensions.<id>.schema_version`` for a section written in
                a version newer than its plugin reads, unknown, or with no migration;
                at ``$.extensions.<id>`` when a plugin's migration fails.
        """
        document = dict(data)
        extensions = document.get("extensions")
        if not isinstance(extensions, dict):
            return Migrated(document=document, steps=())
        upgraded = dict(extensions)
        steps: list[MigrationStep] = []
        problems: list[Problem] = []
        for section, value in extensions.items():
            registry = self._sections.get(section)
            if registry is None or not isinstance(value, dict):
                continue
            try:
                migrated = registry.migrate(value)
            except LoadError as exc:
                problems.extend(exc.problems)
                continue
            if migrated.document.get("schema_version") == FIRST_SECTION_VERSION and "schema_version" not in value:
                del migrated.document["schema_version"]  # version 1 need not say so
            upgraded[section] = migrated.document
            steps.extend(migrated.steps)
        if problems:
            raise LoadError(problems)
        if steps or upgraded != extensions:
            document["extensions"] = upgraded
        return Migrated(document=document, steps=tuple(steps))


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value


#: The migrations of the core document, applied by every load.
CORE_MIGRATIONS = MigrationRegistry()


def migrate_document(
    data: Mapping[str, Any],
    *,
    registry: MigrationRegistry | None = None,
    sections: SectionMigrationRegistry | None = None,
) -> Migrated:
    """Bring a passport document (a JSON-like dict) up to the current format version.

    ``load``, ``loads`` and ``from_dict`` do this silently; call this (or run
    ``rarepassport upgrade FILE``) to see what changed. (``rarepassport.migrate_document``
    passes the plugin sections' migrations of a plugin manager as ``sections``.)

    Args:
        data: The document, as `json.loads` gives it.
        registry: The migrations to use; default
            `rarepassport.migrations.CORE_MIGRATIONS`.
        sections: The plugin sections' migrations (a plugin manager's
            ``migrations``), applied after the core's; ``None`` leaves the sections as they are.

    Returns:
        The upgraded document and each step applied.

    Raises:
        LoadError: When ``schema_version`` is missing, unknown or newer than this
            library reads.

    Example:
        ```python
        migrated = rarepassport.migrate_document(json.load(open("old.json")))
        for step in migrated.steps:
            print(step)
        ```
    """
    core = (registry if registry is not None else CORE_MIGRATIONS).migrate(data)
    if sections is None:
        return core
    plugin_steps = sections.migrate(core.document)
    return Migrated(document=plugin_steps.document, steps=(*core.steps, *plugin_steps.steps))
