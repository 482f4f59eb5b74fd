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
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

import attrs

from rarepassport._version import __version__
from rarepassport.errors import LoadError, Problem
from rarepassport.model import SCHEMA_VERSION

__all__ = [
    "CORE_MIGRATIONS",
    "SCHEMA_VERSIONS",
    "Migrated",
    "Migration",
    "MigrationRegistry",
    "MigrationStep",
    "migrate_document",
]

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
        changed: The JSON paths added, removed or changed (never their values).
    """

    source: str
    target: str
    summary: str
    changed: tuple[str, ...]

    def __str__(self) -> str:
        paths = ", ".join(self.changed) if self.changed else "nothing"
        return f"format {self.source} -> {self.target}: {self.summary} (changed: {paths})"


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
    return {dict: "an object", list: "a list", bool: "true or false", type(None): "null"}.get(
        type(value), "a number" if isinstance(value, (int, float)) else type(value).__name__)


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
        if "schema_version" not in document:
            raise LoadError([Problem("$.schema_version", "required field 'schema_version' is missing; add "
                                     f'"schema_version": "{self.current}"')])
        steps: list[MigrationStep] = []
        seen: set[str] = set()
        while (version := document["schema_version"]) != self.current:
            if not isinstance(version, str):  # a list or object would not even hash
                raise LoadError([Problem("$.schema_version", f'expected text such as "{self.current}", got '
                                         f"{_type_name(version)}; write it in quotes")])
            step = self._steps.get(version)
            if step is None or version in seen:
                raise LoadError([Problem("$.schema_version", self._refusal(version))])
            seen.add(version)
            before = document
            document = dict(step.upgrade(_copy(before)))
            document["schema_version"] = step.target
            changed = tuple(path for path in _changed(before, document) if path != "$.schema_version")
            steps.append(MigrationStep(source=version, target=step.target, summary=step.summary, changed=changed))
        return Migrated(document=document, steps=tuple(steps))

    def _refusal(self, version: str) -> str:
        if len(version) <= 20 and _version_key(version) > _version_key(self.current):
            return (f"this passport is written in format version {version}, newer than this rarepassport "
                    f"({__version__}) reads (up to {self.current}); upgrade rarepassport to a release that "
                    f"reads format {version}")
        # Never echo an unknown value: it may hold anything, up to the whole document.
        known = ", ".join(self.versions)
        return f"unknown format version; this rarepassport reads version {self.current} (known versions: {known})"


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value


#: The migrations of the core document, applied by every load.
CORE_MIGRATIONS = MigrationRegistry()


def migrate_document(data: Mapping[str, Any], *, registry: MigrationRegistry | None = None) -> Migrated:
    """Bring a passport document (a JSON-like dict) up to the current format version.

    ``load``, ``loads`` and ``from_dict`` do this silently; call this (or run
    ``rarepassport upgrade FILE``) to see what changed.

    Args:
        data: The document, as `json.loads` gives it.
        registry: The migrations to use; default
            `rarepassport.migrations.CORE_MIGRATIONS`.

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
    return (registry if registry is not None else CORE_MIGRATIONS).migrate(data)
