"""The registries plugins fill, and what each entry in them is.

A plugin manager ([`rarepassport.make_plugin_manager`][]) hands one of each to the
registration hooks (``rarepassport_register_sections`` and the like); plugins add to them,
and every step of rarepassport reads them through the manager it is given. The
registries know nothing of how plugins are found or loaded.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import attrs

from rarepassport._catalogues import Catalogue, catalogues_in
from rarepassport.errors import Message, PluginError
from rarepassport.model import View

if TYPE_CHECKING:
    from rarepassport._report import Issue
    from rarepassport.document import Section
    from rarepassport.layouts import LayoutContext, LayoutInputs
    from rarepassport.model import Passport
    from rarepassport.rendering._base import Rendered
    from rarepassport.validation import RuleContext

__all__ = [
    "BackendRegistry",
    "BackendSpec",
    "ExporterRegistry",
    "ExporterSpec",
    "LabelRegistry",
    "LayoutRegistry",
    "LayoutSpec",
    "LayoutStep",
    "PluginFailure",
    "PluginInfo",
    "Rule",
    "RuleRegistry",
    "RuleSpec",
    "SectionRegistry",
    "SectionSpec",
]

_SECTION_ID = re.compile(r"^[a-z][a-z0-9]*(?:[_-][a-z0-9]+)*$")

#: A validation rule: ``rule(passport, context)`` yields issues.
Rule = Callable[["Passport", "RuleContext"], Iterable["Issue"]]

#: A layout step: ``step(context, inputs)`` returns the sections it lays out — one, several
#: or ``None`` (nothing to show).
LayoutStep = Callable[["LayoutContext", "LayoutInputs"], "Section | Iterable[Section] | None"]


@attrs.frozen
class PluginFailure:
    """A plugin that could not be loaded or whose hook failed.

    Attributes:
        plugin: The plugin's name (entry-point name or built-in name).
        version: The version of the distribution that provides it, when known.
        hook: The hook that failed, or ``None`` when the plugin failed to load.
        message: What went wrong (English).
        message_id: The catalogue id of ``message`` (``error.plugin.raised``), for a
            program that says it in another language; ``None`` when it has none.
        arguments: The values of that message's ``{placeholders}``.
    """

    plugin: str
    message: str
    version: str | None = None
    hook: str | None = None
    # Not part of equality: the same element and reason, whatever entry says it.
    message_id: str | None = attrs.field(default=None, kw_only=True, eq=False)
    arguments: Mapping[str, str] = attrs.field(factory=dict, kw_only=True, eq=False)

    def __str__(self) -> str:
        who = self.plugin + (f" {self.version}" if self.version else "")
        where = f" in hook {self.hook}" if self.hook else ""
        return f"plugin {who}{where}: {self.message}"


@attrs.frozen
class PluginInfo:
    """A plugin that is loaded.

    Attributes:
        name: Its name.
        version: Version of the distribution providing it.
        source: ``builtin``, ``entry-point`` or ``explicit`` (passed in by code).
        hooks: The hooks it implements.
    """

    name: str
    version: str | None
    source: str
    hooks: tuple[str, ...]


@attrs.frozen(kw_only=True)
class SectionSpec:
    """A section a plugin added under ``extensions``.

    Attributes:
        id: The key under ``extensions``.
        cls: The frozen attrs class of the section's data.
        title: Heading shown in every rendering.
        plugin: The plugin that registered it.
        views: Views the section is shown in besides ``full``.
        description: One sentence for the JSON Schema and docs.
        schema: A JSON Schema for the section; ``None`` derives it from ``cls``.
        applies_to: Codes of the conditions the section is for (e.g. ``ORPHA:95``).
        emergency: Lay the section out with the emergency information, right after
            the owner's own protocols, rather than after the core sections.
        version: The version of the section's shape (``"1"``, where every section
            starts, ``"2"``...). From version 2 on, the section's data carries it as
            ``extensions.<id>.schema_version``; older data is upgraded through the
            plugin's migrations (``rarepassport_register_migrations``).
    """

    id: str
    cls: type
    title: str
    plugin: str
    views: frozenset[View]
    description: str | None = None
    schema: Mapping[str, Any] | None = None
    applies_to: tuple[str, ...] = ()
    emergency: bool = False
    version: str = "1"


_SECTION_VERSION = re.compile(r"^[1-9][0-9]*(?:\.[0-9]+)*$")


class _Registry:
    """Base of the registries handed to registration hooks."""

    def __init__(self) -> None:
        self._plugin = "(unknown)"

    def _set_plugin(self, name: str) -> None:
        self._plugin = name


class SectionRegistry(_Registry):
    """Registry of extension sections, passed to ``rarepassport_register_sections``."""

    def __init__(
        self, reserved: Iterable[str] = (), *, check: Callable[[SectionSpec], None] | None = None
    ) -> None:
        super().__init__()
        self._specs: dict[str, SectionSpec] = {}
        self._reserved = frozenset(reserved)
        self._check = check

    def add(
        self,
        id: str,
        cls: type,
        *,
        title: str,
        views: Iterable[View | str] = (View.EMERGENCY, View.EDUCATION, View.SOCIAL),
        description: str | None = None,
        schema: Mapping[str, Any] | None = None,
        applies_to: Iterable[str] = (),
        emergency: bool = False,
        version: str = "1",
    ) -> None:
        """Register a section class under ``extensions.<id>``.

        Args:
            id: Lower-case id, letters, digits, ``-`` or ``_``, e.g. ``adrenal_insufficiency``.
            cls: A frozen attrs class; declare fields with [`rarepassport.section_field`][].
            title: Heading of the section in renderings.
            views: Views the section belongs to besides ``full``.
            description: One sentence for the schema and docs.
            schema: A JSON Schema to use instead of the one derived from ``cls``.
            applies_to: Codes of the conditions the section is for, such as
                ``"ORPHA:95"`` or ``"ICD-10:E27.1"``; used to tell users which
                plugins apply to their passport.
            emergency: The section holds what to do in an emergency (e.g. the
                person's emergency dose): lay it out with the emergency information,
                right after the person's own protocols and before general guidance.
            version: The version of the section's shape, ``"1"`` (the default) at
                first. When a new release of the plugin changes the shape (renames or
                moves a field), raise it and register the migration from the previous
                version (``rarepassport_register_migrations``); the section's data
                then carries ``"schema_version"``.

        Raises:
            PluginError: When the id is malformed or taken, ``cls`` is not an attrs class,
                has a field called ``schema_version`` (where the section's version goes),
                or the version is not numbers with dots.
        """
        if not _SECTION_ID.match(id):
            raise PluginError(Message(
                "error.plugin.section-id", "section id {id} from plugin {plugin} must be lower-case letters, "
                "digits, '-' or '_', starting with a letter", id=repr(id), plugin=self._plugin))
        if id in self._reserved:
            raise PluginError(Message("error.plugin.section-id-core",
                                      "section id {id} from plugin {plugin} clashes with a core passport field",
                                      id=repr(id), plugin=self._plugin))
        if id in self._specs:
            raise PluginError(Message("error.plugin.section-id-taken",
                                      "section id {id} from plugin {plugin} is already registered by plugin {owner}",
                                      id=repr(id), plugin=self._plugin, owner=self._specs[id].plugin))
        if not attrs.has(cls):
            raise PluginError(Message("error.plugin.section-not-attrs",
                                      "section {id} from plugin {plugin}: {cls} is not an attrs class",
                                      id=repr(id), plugin=self._plugin, cls=repr(cls)))
        if "schema_version" in attrs.fields_dict(cls):
            raise PluginError(Message("error.plugin.section-schema-version", "section {id} from plugin {plugin}: a "
                                      "field may not be called 'schema_version'; the section's version is written "
                                      "there", id=repr(id), plugin=self._plugin))
        if not isinstance(version, str) or not _SECTION_VERSION.match(version):
            raise PluginError(Message("error.plugin.section-version", "section {id} from plugin {plugin}: version "
                                      '{version} is not numbers with dots, such as "2"', id=repr(id),
                                      plugin=self._plugin, version=repr(version)))
        spec = SectionSpec(
            id=id,
            cls=cls,
            title=title,
            plugin=self._plugin,
            views=frozenset((View.FULL, *(View(view) for view in views))),
            description=description,
            schema=dict(schema) if schema is not None else None,
            applies_to=tuple(applies_to),
            emergency=emergency,
            version=version,
        )
        if self._check is not None:
            self._check(spec)  # e.g. a class with no JSON form is refused now, not at first use
        self._specs[id] = spec

    def __getitem__(self, id: str) -> SectionSpec:
        return self._specs[id]

    def __contains__(self, id: object) -> bool:
        return id in self._specs

    def __iter__(self) -> Iterator[SectionSpec]:
        return iter(self._specs.values())

    def __len__(self) -> int:
        return len(self._specs)

    def ids(self) -> list[str]:
        """The registered section ids, in registration order."""
        return list(self._specs)


@attrs.frozen
class RuleSpec:
    """A validation rule and who registered it."""

    code: str
    rule: Rule
    plugin: str
    description: str | None = None


class RuleRegistry(_Registry):
    """Registry of validation rules, passed to ``rarepassport_register_rules``."""

    def __init__(self) -> None:
        super().__init__()
        self._rules: list[RuleSpec] = []

    def add(self, rule: Rule, *, code: str, description: str | None = None) -> None:
        """Register a rule.

        Args:
            rule: ``rule(passport, context)`` yielding [`rarepassport.Issue`][].
            code: An id for the rule, e.g. ``adrenal-emergency-dose``.
            description: What the rule checks, for ``rarepassport plugins``.

        Raises:
            PluginError: When ``rule`` is not callable.
        """
        if not callable(rule):
            raise PluginError(Message("error.plugin.rule-not-callable",
                                      "rule {code} from plugin {plugin} is not callable",
                                      code=repr(code), plugin=self._plugin))
        self._rules.append(RuleSpec(code=code, rule=rule, plugin=self._plugin, description=description))

    def __iter__(self) -> Iterator[RuleSpec]:
        return iter(self._rules)

    def __len__(self) -> int:
        return len(self._rules)


@attrs.frozen(kw_only=True)
class BackendSpec:
    """A render backend and who registered it.

    Attributes:
        default_view: The view rendered when none is asked for (``emergency`` for the
            wallet card, ``full`` for most).
        bilingual: Whether the backend draws a document's second language
            (``second_language=``); for another backend it is refused.
    """

    name: str
    render: Callable[..., Rendered]
    media_type: str
    suffix: str
    plugin: str
    description: str | None = None
    default_view: View = View.FULL
    bilingual: bool = False


@attrs.frozen(kw_only=True)
class ExporterSpec:
    """An exporter and who registered it."""

    name: str
    export: Callable[..., bytes]
    media_type: str
    suffix: str
    plugin: str
    description: str | None = None


_Spec = TypeVar("_Spec", "BackendSpec", "ExporterSpec")


class _NamedRegistry(_Registry, Generic[_Spec]):
    """A registry of things with unique names."""

    kind = "entry"

    def __init__(self) -> None:
        super().__init__()
        self._specs: dict[str, _Spec] = {}

    def _put(self, name: str, spec: _Spec) -> None:
        if name in self._specs:
            shown, owner = repr(name), self._specs[name].plugin
            if self.kind == "backend":
                raise PluginError(Message("error.plugin.name-taken.backend", "backend {name} from plugin {plugin} is "
                                          "already registered by plugin {owner}",
                                          name=shown, plugin=self._plugin, owner=owner))
            if self.kind == "exporter":
                raise PluginError(Message("error.plugin.name-taken.exporter", "exporter {name} from plugin {plugin} "
                                          "is already registered by plugin {owner}",
                                          name=shown, plugin=self._plugin, owner=owner))
            raise PluginError(Message("error.plugin.name-taken.entry", "entry {name} from plugin {plugin} is already "
                                      "registered by plugin {owner}", name=shown, plugin=self._plugin, owner=owner))
        self._specs[name] = spec

    def __getitem__(self, name: str) -> _Spec:
        return self._specs[name]

    def __contains__(self, name: object) -> bool:
        return name in self._specs

    def __iter__(self) -> Iterator[_Spec]:
        return iter(self._specs.values())

    def __len__(self) -> int:
        return len(self._specs)

    def names(self) -> list[str]:
        """Registered names, in registration order."""
        return list(self._specs)


class BackendRegistry(_NamedRegistry["BackendSpec"]):
    """Registry of render backends, passed to ``rarepassport_register_backends``."""

    kind = "backend"

    def add(
        self,
        name: str,
        render: Callable[..., Rendered],
        *,
        media_type: str,
        suffix: str,
        description: str | None = None,
        default_view: View | str = View.FULL,
        bilingual: bool = False,
    ) -> None:
        """Register a backend.

        Args:
            name: What users pass as ``format=``, e.g. ``"pdf"``.
            render: ``render(document, **options)`` returning a ``Rendered``.
            media_type: MIME type of the output, e.g. ``application/pdf``.
            suffix: File suffix with the dot, e.g. ``.pdf``.
            description: One line for ``rarepassport plugins``.
            default_view: The view to lay out when the caller names none, e.g.
                ``"emergency"`` for a format made for the first minutes.
            bilingual: The backend draws a document's second language: the
                essentials' labels in both (they are joined by layout), and for a
                backend that draws sections, each block's ``second`` texts. Without
                it, ``second_language=`` is refused for the format rather than ignored.

        Raises:
            PluginError: When the name is taken or ``default_view`` is not a view.
        """
        try:
            view = View(default_view)
        except ValueError:
            names = ", ".join(v.value for v in View)
            raise PluginError(Message(
                "error.plugin.backend-default-view", "backend {name} from plugin {plugin}: default_view {view} is not "
                "a view; the views are: {names}", name=repr(name), plugin=self._plugin, view=repr(str(default_view)),
                names=names)) from None
        self._put(
            name,
            BackendSpec(
                name=name,
                render=render,
                media_type=media_type,
                suffix=suffix,
                plugin=self._plugin,
                description=description,
                default_view=view,
                bilingual=bilingual,
            ),
        )


class ExporterRegistry(_NamedRegistry["ExporterSpec"]):
    """Registry of exporters, passed to ``rarepassport_register_exporters``."""

    kind = "exporter"

    def add(
        self,
        name: str,
        export: Callable[..., bytes],
        *,
        media_type: str,
        suffix: str,
        description: str | None = None,
    ) -> None:
        """Register an exporter: ``export(passport, plugins=...)`` returns bytes.

        Raises:
            PluginError: When the name is taken.
        """
        self._put(
            name,
            ExporterSpec(
                name=name,
                export=export,
                media_type=media_type,
                suffix=suffix,
                plugin=self._plugin,
                description=description,
            ),
        )


class LabelRegistry(_Registry):
    """Label catalogue per language, passed to ``rarepassport_register_labels``.

    Later registrations override earlier ones for the same id, so a plugin can
    translate or reword core labels. Labels come either as a mapping (:meth:`add`) or
    as a folder of gettext catalogues (:meth:`add_catalogues`), which is read only when
    a label of its language is first needed.
    """

    def __init__(self) -> None:
        super().__init__()
        self._layers: dict[str, list[Mapping[str, str]]] = {}
        # Answers of get_exact, forgotten whenever labels are added: validation asks for
        # the same messages in every run, through several layers of catalogues.
        self._found: dict[tuple[str, str], str | None] = {}

    def add(self, language: str, labels: Mapping[str, str]) -> None:
        """Add labels for a language (a BCP 47 tag such as ``en`` or ``pt-BR``)."""
        self._layers.setdefault(language, []).append(dict(labels))
        self._found.clear()

    def add_catalogues(self, folder: str | os.PathLike[str]) -> list[str]:
        """Add a folder of gettext catalogues: ``messages.pot`` (English) and ``<tag>.po`` files.

        In each entry the ``msgctxt`` is the label id, the ``msgid`` the English text and
        the ``msgstr`` the translation (see :doc:`/translations`). Files are parsed when a
        label of their language is first looked up.

        Args:
            folder: The folder, usually next to the plugin's module.

        Returns:
            The language tags added (``en`` for the template).
        """
        from pathlib import Path

        template, translations = catalogues_in(Path(folder))
        self._found.clear()
        added: list[str] = []
        if template is not None:
            self._layers.setdefault("en", []).append(template)
            added.append("en")
        for language, catalogue in translations.items():
            self._layers.setdefault(language, []).append(catalogue)
            added.append(language)
        return added

    def languages(self) -> list[str]:
        """Languages with at least one label."""
        return list(self._layers)

    def catalogues(self) -> list[Catalogue]:
        """The gettext catalogues added with :meth:`add_catalogues`, in the order added.

        Each has its ``path`` and, once read, ``error`` (why it could not be read, or ``None``).
        """
        return [layer for layers in self._layers.values() for layer in layers if isinstance(layer, Catalogue)]

    def ids(self, language: str) -> set[str]:
        """Label ids registered for exactly this language."""
        ids: set[str] = set()
        for layer in self._layers.get(language, ()):
            ids.update(layer)
        return ids

    def get_exact(self, label_id: str, language: str) -> str | None:
        """The label registered for exactly ``language``, without falling back."""
        key = (label_id, language)
        try:
            return self._found[key]
        except KeyError:
            pass
        found = None
        for layer in reversed(self._layers.get(language, ())):
            text = layer.get(label_id)
            if text is not None:
                found = text
                break
        self._found[key] = found
        return found

    def has_language(self, language: str) -> bool:
        """Whether labels (or a catalogue file, not yet read) are registered for exactly this tag."""
        return bool(self._layers.get(language))

    def get(self, label_id: str, language: str = "en") -> str | None:
        """The label in ``language``, falling back to shorter tags, then English.

        ``zh-Hans-CN`` tries ``zh-Hans-CN``, ``zh-Hans``, ``zh``, then ``en``.
        """
        from rarepassport.languages import candidates

        for candidate in dict.fromkeys((*candidates(language), "en")):
            text = self.get_exact(label_id, candidate)
            if text is not None:
                return text
        return None


#: The first step: the emergency summary opens every document, and nothing goes before it.
FIRST_STEP = "emergency"

#: Where a step goes when its plugin names no place: just before "About this passport".
LAST_STEP = "review"


@attrs.frozen
class LayoutSpec:
    """One registered layout step.

    Attributes:
        id: The step's id, e.g. ``allergies``; unique.
        step: ``step(context, inputs)`` returning the sections it lays out.
        plugin: The plugin that registered it.
        description: One line for ``rarepassport plugins``.
    """

    id: str
    step: LayoutStep
    plugin: str
    description: str | None = None


class LayoutRegistry(_Registry):
    """The layout steps, in document order; passed to ``rarepassport_register_layouts``.

    The core sections are laid out by the built-in plugin ``core-layout``, registered
    first, through this same registry. An outside plugin adds a step of its own — a
    section built from core data, say — and places it ``after`` or ``before`` a step
    already registered; with neither, it goes just before ``review`` ("About this
    passport"), the last section. Nothing can be placed before ``emergency``, the
    emergency summary that opens every document, and a step id can be registered once
    only (a plugin cannot replace a core section's layout).
    """

    def __init__(self) -> None:
        super().__init__()
        self._steps: list[LayoutSpec] = []

    def add(
        self,
        id: str,
        step: LayoutStep,
        *,
        after: str | None = None,
        before: str | None = None,
        description: str | None = None,
    ) -> None:
        """Register a layout step.

        Args:
            id: The step's id, e.g. ``school-plan`` (lower case, ``-`` or ``_`` between words).
            step: ``step(context, inputs)`` returning a
                [`Section`][rarepassport.Section], several, or ``None``. Only the fields in
                ``context.view`` may appear in what it returns
                ([`LayoutContext.shows`][rarepassport.LayoutContext.shows]).
            after: The id of the step this one follows.
            before: The id of the step this one precedes (not ``emergency``).
            description: One line for ``rarepassport plugins``.

        Raises:
            PluginError: When the id is taken or malformed, ``step`` is not callable,
                both or an unknown place is named, or the place is before ``emergency``.
        """
        shown = repr(id)
        before_first = Message("error.plugin.layout-step-before-first", "layout step {id} from plugin {plugin}: "
                               "nothing goes before {first}, the emergency summary",
                               id=shown, plugin=self._plugin, first=repr(FIRST_STEP))
        if not isinstance(id, str) or not _SECTION_ID.match(id):
            raise PluginError(Message("error.plugin.layout-step-id", "layout step {id} from plugin {plugin}: the id "
                                      "must be lower case letters and digits, words joined by - or _",
                                      id=shown, plugin=self._plugin))
        if not callable(step):
            raise PluginError(Message("error.plugin.layout-step-not-callable",
                                      "layout step {id} from plugin {plugin} is not callable",
                                      id=shown, plugin=self._plugin))
        taken = next((spec for spec in self._steps if spec.id == id), None)
        if taken is not None:
            raise PluginError(Message("error.plugin.layout-step-taken", "layout step {id} from plugin {plugin} is "
                                      "already registered by plugin {owner}",
                                      id=shown, plugin=self._plugin, owner=taken.plugin))
        if after is not None and before is not None:
            raise PluginError(Message("error.plugin.layout-step-both-places", "layout step {id} from plugin {plugin}: "
                                      "name one place, after= or before=, not both", id=shown, plugin=self._plugin))
        if before == FIRST_STEP:
            raise PluginError(before_first)
        ids = [spec.id for spec in self._steps]
        for place in (after, before):
            if place is not None and place not in ids:
                raise PluginError(Message("error.plugin.layout-step-no-place", "layout step {id} from plugin {plugin}: "
                                          "there is no step {place} to place it by",
                                          id=shown, plugin=self._plugin, place=repr(place)))
        if after is not None:
            index = ids.index(after) + 1
        elif before is not None:
            index = ids.index(before)
        elif LAST_STEP in ids:
            index = ids.index(LAST_STEP)
        else:
            index = len(ids)
        if index == 0 and ids:
            raise PluginError(before_first)
        self._steps.insert(index, LayoutSpec(id=id, step=step, plugin=self._plugin, description=description))

    def __iter__(self) -> Iterator[LayoutSpec]:
        return iter(self._steps)

    def __len__(self) -> int:
        return len(self._steps)

    def __contains__(self, id: object) -> bool:
        return any(spec.id == id for spec in self._steps)

    def ids(self) -> list[str]:
        """The step ids, in document order."""
        return [spec.id for spec in self._steps]
