"""Finding, loading and registering plugins: the plugin manager.

Built-in behaviour (the core validation rules, the core sections' layout, the render
backends, the exporters, the label catalogues and the condition plugins) is registered
through the same hooks an outside plugin uses; `rarepassport.builtins.BUILTIN_PLUGINS`
lists it, in one place. Outside plugins come from the ``rarepassport`` entry-point group.
Like entry points, built-in plugins are imported by name when a manager is built, so this
module depends on none of them.

Environment variables:

* ``RAREPASSPORT_DISABLE_PLUGINS=1``: load no outside (entry-point) plugins.
* ``RAREPASSPORT_BLOCK_PLUGINS=name,other``: skip plugins with these names.
"""

from __future__ import annotations

import functools
import importlib
import os
import sys
import weakref
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

import attrs
import pluggy

from rarepassport import hookspecs
from rarepassport._version import __version__
from rarepassport.builtins import BUILTIN_PLUGINS
from rarepassport.convert import make_converter, make_passport_reader, passport_nesting
from rarepassport.errors import Message, PluginError
from rarepassport.migrations import SectionMigrationRegistry
from rarepassport.model import Passport
from rarepassport.registries import (
    BackendRegistry,
    ExporterRegistry,
    LabelRegistry,
    LayoutRegistry,
    PluginFailure,
    PluginInfo,
    RuleRegistry,
    SectionRegistry,
)
from rarepassport.schema import check_section

if TYPE_CHECKING:
    import logging

    import cattrs

__all__ = [
    "BLOCK_ENV",
    "DISABLE_ENV",
    "PluginManager",
    "default_plugin_manager",
    "make_plugin_manager",
]

def _log() -> logging.Logger:
    """Where tracebacks of failing plugins go, at DEBUG level only (``--debug``,
    ``RAREPASSPORT_DEBUG=1``): an exception's text may quote passport data. ``logging``
    is imported only when a plugin fails (start-up time)."""
    import logging

    return logging.getLogger("rarepassport")

DISABLE_ENV = "RAREPASSPORT_DISABLE_PLUGINS"
BLOCK_ENV = "RAREPASSPORT_BLOCK_PLUGINS"


def _version_of(module_name: str) -> str | None:
    import importlib.metadata

    top = module_name.split(".")[0]
    for dist in importlib.metadata.packages_distributions().get(top, []):
        try:
            return importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:  # pragma: no cover - racy uninstall
            continue
    return None


def _may_declare_entry_points(group: str) -> bool:
    """Whether an installed distribution may declare entry points in ``group``.

    A look through the folders on ``sys.path`` before asking ``importlib.metadata``, whose
    import and full scan (every installed distribution's metadata read and parsed) cost
    a command more than the rest of its start-up when no plugin is installed. It answers
    ``False`` only when ``importlib.metadata`` would find nothing: no ``entry_points.txt``
    of a ``.dist-info`` or ``.egg-info`` folder (or of an egg's ``EGG-INFO``) has a
    ``[group]`` line, read the way ``importlib.metadata`` reads it. Anything it cannot
    look through (a ZIP file on ``sys.path``, a file it cannot read or decode, another
    finder of distributions in ``sys.meta_path``) answers ``True``, and then
    ``importlib.metadata`` decides.
    """
    from importlib.machinery import PathFinder

    for finder in sys.meta_path:
        if finder is not PathFinder and getattr(finder, "find_distributions", None) is not None:
            return True
    for entry in sys.path:
        root = entry or "."
        try:
            children = os.listdir(root)
        except NotADirectoryError:
            return True  # a ZIP file: importlib.metadata reads its listing
        except OSError:
            continue  # importlib.metadata finds nothing in it either
        egg = os.path.basename(root).lower().endswith(".egg")
        for child in children:
            low = child.lower()
            if not (low.endswith((".dist-info", ".egg-info")) or (egg and low == "egg-info")):
                continue
            try:
                with open(os.path.join(root, child, "entry_points.txt"), "rb") as file:
                    data = file.read()
            except (FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError):
                continue  # importlib.metadata skips these too
            except OSError:
                return True
            if group.encode() not in data:
                continue
            try:
                lines = data.decode("utf-8").splitlines()
            except UnicodeDecodeError:
                return True
            # importlib.metadata's sections: a stripped line between brackets, which it
            # strips of every bracket ("[[group]]" too).
            if any(line.strip().startswith("[") and line.strip().endswith("]") and line.strip().strip("[]") == group
                   for line in lines):
                return True
    return False


def _env_list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


class PluginManager:
    """The loaded plugins and what they registered.

    Build one with [`make_plugin_manager`][rarepassport.make_plugin_manager]; every public function of rarepassport
    takes it as ``plugins=`` and uses [`default_plugin_manager`][rarepassport.default_plugin_manager] when none is
    given.

    Attributes:
        sections: The extension sections registered by plugins.
        rules: The validation rules registered by plugins (core rules included).
        backends: The render backends (built-in ones included).
        exporters: The exporters (FHIR IPS, ...).
        labels: The label catalogue, per language.
        layouts: The layout steps, in document order (the core sections' included).
        migrations: The plugin sections' migrations from their older versions.
        failures: Plugins that failed to load, and hooks that raised.
    """

    def __init__(
        self,
        *,
        entry_points: bool = True,
        blocked: Iterable[str] = (),
        plugins: Iterable[object] = (),
        builtins: bool = True,
    ) -> None:
        self._pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
        self._pm.add_hookspecs(hookspecs)
        self.failures: list[PluginFailure] = []
        #: Passports this manager's converter read from a document, so every value has
        #: its type and validation need not check them again. Weak (nothing is kept
        #: alive) and keyed by id (a passport with ``extensions`` cannot be hashed).
        self.read_passports: weakref.WeakValueDictionary[int, Passport] = weakref.WeakValueDictionary()
        self._infos: dict[str, tuple[str | None, str]] = {}
        self.blocked = frozenset((*blocked, *_env_list(BLOCK_ENV)))
        if builtins:
            for name, module_name in BUILTIN_PLUGINS:
                if name in self.blocked:
                    continue
                try:
                    module = importlib.import_module(module_name)
                except Exception as exc:  # noqa: BLE001 - reported like any other plugin
                    _log().debug("plugin %s failed to load", name, exc_info=True)
                    self.failures.append(
                        _failure(name, __version__, None, _failed_to_load(exc))
                    )
                    continue
                self._register(module, name, __version__, "builtin")
        for plugin in plugins:
            name = getattr(plugin, "__name__", None) or type(plugin).__name__
            if name not in self.blocked:
                self._register(plugin, name, _version_of(getattr(plugin, "__module__", name) or name), "explicit")
        if entry_points and os.environ.get(DISABLE_ENV, "").lower() not in ("1", "true", "yes"):
            self._load_entry_points()
        self.sections = SectionRegistry(reserved=_core_field_names(), check=check_section)
        self.rules = RuleRegistry()
        self.backends = BackendRegistry()
        self.exporters = ExporterRegistry()
        self.labels = LabelRegistry()
        self.layouts = LayoutRegistry()
        self.migrations = SectionMigrationRegistry()
        self.call_registration("rarepassport_register_sections", "sections", self.sections)
        self.call_registration("rarepassport_register_migrations", "migrations", self.migrations)
        self._bind_migrations()
        self.call_registration("rarepassport_register_rules", "rules", self.rules)
        self.call_registration("rarepassport_register_backends", "backends", self.backends)
        self.call_registration("rarepassport_register_exporters", "exporters", self.exporters)
        self.call_registration("rarepassport_register_labels", "labels", self.labels)
        self.call_registration("rarepassport_register_layouts", "layouts", self.layouts)

    def _bind_migrations(self) -> None:
        """Give each registered section its migrations; a migration it cannot take is a failure."""
        for spec in self.sections:
            version = self._infos.get(spec.plugin, (None, ""))[0]
            for message in self.migrations._bind(spec.id, current=spec.version, plugin=spec.plugin,
                                                 plugin_version=version):
                self.failures.append(_failure(spec.plugin, version, "rarepassport_register_migrations", message))
        for plugin, section in self.migrations._unbound():
            self.failures.append(_failure(
                plugin, self._infos.get(plugin, (None, ""))[0], "rarepassport_register_migrations",
                Message("error.plugin.migration-unbound",
                        "a migration of section {section}, which no plugin registered", section=repr(section))))

    # --- loading ---------------------------------------------------------------

    def _load_entry_points(self) -> None:
        if not _may_declare_entry_points(hookspecs.PROJECT_NAME):
            return
        import importlib.metadata

        for ep in importlib.metadata.entry_points(group=hookspecs.PROJECT_NAME):
            if ep.name in self.blocked:
                continue
            version = ep.dist.version if ep.dist is not None else None
            try:
                plugin = ep.load()
            except Exception as exc:  # noqa: BLE001 - any import failure is reported, not raised
                _log().debug("plugin %s failed to load", ep.name, exc_info=True)
                self.failures.append(
                    _failure(ep.name, version, None, _failed_to_load(exc))
                )
                continue
            self._register(plugin, ep.name, version, "entry-point")

    def _register(self, plugin: object, name: str, version: str | None, source: str) -> None:
        if self._pm.has_plugin(name) or self._pm.is_registered(plugin):
            return
        unknown = _unknown_hooks(plugin)
        for hook_name, suggestion in unknown:
            said = (Message("error.plugin.unknown-hook.did-you-mean", "unknown hook {hook}; did you mean {suggestion}?",
                            hook=repr(hook_name), suggestion=repr(suggestion)) if suggestion
                    else Message("error.plugin.unknown-hook", "unknown hook {hook}", hook=repr(hook_name)))
            self.failures.append(_failure(name, version, None, said))
        try:
            self._pm.register(plugin, name=name)
        except pluggy.PluginValidationError as exc:
            self.failures.append(PluginFailure(plugin=name, version=version, message=str(exc)))
            # pluggy keeps the plugin, and the hooks it added before the bad one, when
            # validation fails; a half-registered plugin must not run at all.
            if self._pm.has_plugin(name):
                self._pm.unregister(name=name)
            return
        self._infos[name] = (version, source)

    def is_builtin(self, name: str) -> bool:
        """Whether the plugin called ``name`` is one of rarepassport's own (`BUILTIN_PLUGINS`)."""
        return self._infos.get(name, (None, ""))[1] == "builtin"

    def call_registration(self, hook_name: str, argname: str, registry: Any) -> None:
        """Call a registration hook plugin by plugin, recording each failure.

        Built-in plugins are called first, then outside plugins in the order they
        were loaded, so a clash is blamed on the later plugin.
        """
        hook = getattr(self._pm.hook, hook_name)
        for impl in hook.get_hookimpls():
            registry._set_plugin(impl.plugin_name)
            try:
                impl.function(**{argname: registry})
            except Exception as exc:  # noqa: BLE001 - a plugin's failure must not stop the others
                _log().debug("hook %s of plugin %s failed", hook_name, impl.plugin_name, exc_info=True)
                version = self._infos.get(impl.plugin_name, (None, ""))[0]
                self.failures.append(
                    PluginFailure(
                        plugin=impl.plugin_name,
                        version=version,
                        hook=hook_name,
                        message=f"{type(exc).__name__}: {exc}" if not isinstance(exc, PluginError) else str(exc),
                        # A PluginError of a registry says what is wrong in words of the catalogue.
                        message_id=exc.message_id if isinstance(exc, PluginError) else None,
                        arguments=exc.arguments if isinstance(exc, PluginError) else {},
                    )
                )

    def call_each(
        self,
        hook_name: str,
        /,
        *,
        on_failure: Callable[[PluginFailure], None] | None = None,
        **arguments: Any,
    ) -> Iterator[tuple[str, Any]]:
        """Call a hook plugin by plugin, yielding ``(plugin name, result)`` for each answer.

        The one failure policy of every hook rarepassport calls: a plugin whose hook
        raises is skipped — its contribution left out and the built-in behaviour used in
        its place — and the failure is handed to ``on_failure`` (to be shown as a
        warning, an issue or a [`PluginWarning`][rarepassport.errors.PluginWarning]), naming the
        plugin, its version, the hook and the exception's type, never its message
        (which may quote passport data). Registration hooks follow the same policy
        and land in `failures`. ``None`` answers are not yielded. Plugins are
        called in pluggy's order (the last registered first); hook wrappers are not
        called.

        Args:
            hook_name: E.g. ``"rarepassport_layout_section"``.
            on_failure: Called with each failure; ``None`` ignores failures.
            **arguments: The hook's arguments, by name.
        """
        hook = getattr(self._pm.hook, hook_name)
        for impl in reversed(hook.get_hookimpls()):
            if impl.hookwrapper or getattr(impl, "wrapper", False):
                continue  # wrappers only make sense inside pluggy's own call loop
            try:
                result = impl.function(*[arguments[name] for name in impl.argnames])
            except Exception as exc:  # noqa: BLE001 - one plugin's bug must not lose the passport
                # The traceback only with --debug (RAREPASSPORT_DEBUG): it may quote passport data.
                _log().debug("hook %s of plugin %s failed", hook_name, impl.plugin_name, exc_info=True)
                if on_failure is not None:
                    version = self._infos.get(impl.plugin_name, (None, ""))[0]
                    on_failure(_failure(impl.plugin_name, version, hook_name,
                                        Message("error.plugin.raised", "raised {error}", error=type(exc).__name__)))
                continue
            if result is not None:
                yield impl.plugin_name, result

    # --- what is loaded --------------------------------------------------------

    @property
    def hook(self) -> Any:
        """The pluggy hook relay, for calling non-registration hooks."""
        return self._pm.hook

    def plugins(self) -> list[PluginInfo]:
        """Every loaded plugin with its version, source and hooks."""
        infos = []
        for name, plugin in self._pm.list_name_plugin():
            if plugin is None:
                continue
            version, source = self._infos.get(name, (None, "explicit"))
            hooks = tuple(sorted(caller.name for caller in self._pm.get_hookcallers(plugin) or ()))
            infos.append(PluginInfo(name=name, version=version, source=source, hooks=hooks))
        return infos

    def get_plugin(self, name: str) -> object | None:
        """The plugin object registered under ``name``, or ``None``."""
        return self._pm.get_plugin(name)

    @functools.cached_property
    def converter(self) -> cattrs.Converter:
        """The cattrs converter for passports with this manager's sections."""
        return make_converter(self.sections)

    @functools.cached_property
    def passport_reader(self) -> Callable[[dict[str, Any]], Passport]:
        """The converter's fast path: a passport from a document without errors.

        It raises on the first unexpected value; [`converter`][rarepassport.PluginManager.converter]
        then reads the document again and names every problem.
        """
        return make_passport_reader(self.converter, self.sections, nesting=self.passport_nesting)

    @functools.cached_property
    def passport_nesting(self) -> int | None:
        """How deep the objects and lists of a document the passport reader accepts can nest
        (see `rarepassport.convert.passport_nesting`); ``None`` when records nest in themselves."""
        return passport_nesting(self.sections)


def _core_field_names() -> set[str]:
    return {field.name for field in attrs.fields(Passport)}


def _unknown_hooks(plugin: object) -> list[tuple[str, str | None]]:
    known = [name for name in dir(hookspecs) if name.startswith("rarepassport_")]
    unknown = []
    for attr in dir(plugin):
        if attr.startswith("rarepassport_") and attr not in known:
            import difflib  # only for a misspelt hook (start-up time)

            close = difflib.get_close_matches(attr, known, n=1)
            unknown.append((attr, close[0] if close else None))
    return unknown


def make_plugin_manager(
    *,
    entry_points: bool = True,
    blocked: Iterable[str] = (),
    plugins: Iterable[object] = (),
    builtins: bool = True,
) -> PluginManager:
    """Build a plugin manager.

    Args:
        entry_points: Load outside plugins from the ``rarepassport`` entry-point group
            (unless ``RAREPASSPORT_DISABLE_PLUGINS`` is set).
        blocked: Names of plugins not to load (added to ``RAREPASSPORT_BLOCK_PLUGINS``).
        plugins: Plugin objects (modules, classes, instances) to register directly;
            handy in a plugin's own tests.
        builtins: Register rarepassport's built-in plugins (core rules, backends,
            condition plugins). Leave on unless you know why.

    Returns:
        A new, independent plugin manager.

    Example:
        ```python
        import my_plugin
        pm = make_plugin_manager(entry_points=False, plugins=[my_plugin])
        passport = rarepassport.load("ada.json", plugins=pm)
        ```
    """
    return PluginManager(entry_points=entry_points, blocked=blocked, plugins=plugins, builtins=builtins)


@functools.lru_cache(maxsize=1)
def default_plugin_manager() -> PluginManager:
    """The plugin manager used when a function is given no ``plugins=``.

    Built on first use with every built-in and installed plugin, then reused.
    """
    return make_plugin_manager()


def _failure(plugin: str, version: str | None, hook: str | None, message: Message) -> PluginFailure:
    """A failure whose message is an entry of the catalogue (so a command can translate it)."""
    return PluginFailure(plugin=plugin, version=version, hook=hook, message=str(message),
                         message_id=message.id, arguments=dict(message.arguments))


def _failed_to_load(exc: BaseException) -> Message:
    return Message("error.plugin.failed-to-load", "failed to load: {error}", error=f"{type(exc).__name__}: {exc}")
