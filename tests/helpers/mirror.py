"""Which test modules test which source module, and the check that they really do.

The rule (docs/design.md, "Tests"): the tests of ``rarepassport/<pkg>/<mod>.py`` are in
``tests/test_<pkg>_<mod>.py`` (leading and trailing underscores dropped, so
``rarepassport/_dates.py`` is tested in ``tests/test_dates.py`` and
``rarepassport/cli/_completion.py`` in ``tests/test_cli_completion.py``; a package's
``__init__`` is tested in ``tests/test_<pkg>.py``). Where the tests are elsewhere (the
older, feature-named files, or a module best tested with others), `TESTED_BY` says so.

A mapping is not taken on trust. `problems` reads each mapped test module's source and
asks that it *exercises* the module in one of these ways:

* it imports the module (``import rarepassport.x``, ``from rarepassport.x import y``,
  ``from rarepassport import x``), or refers to it (``rarepassport.limits.MAX_DEPTH``);
* it uses a public name the module defines (``rarepassport.PartialDate``,
  ``from rarepassport import Report``), as ``rarepassport._EXPORTS`` says;
* it runs it as a program (``[sys.executable, "-m", "rarepassport"]`` runs
  ``rarepassport.__main__``);
* for a private module reached only through another module's public names (a backend
  through ``rarepassport.render``, an importer step through ``rarepassport.fhir``),
  `THROUGH` names that module: the test must exercise *it*, and it must reach the private
  module in the package's import graph (function-level imports and imports by name, such
  as ``BUILTIN_PLUGINS``, included). A program the test runs exercises every module it
  reaches, so ``python -m rarepassport batch`` exercises ``rarepassport.cli``.
"""

from __future__ import annotations

import ast
import itertools
from collections.abc import Iterable, Mapping
from pathlib import Path

__all__ = ["TESTED_BY", "THROUGH", "default_test_name", "problems", "source_modules"]

PACKAGE = "rarepassport"

#: Source module -> test modules (without ``.py``) beside the default-named one.
TESTED_BY: dict[str, tuple[str, ...]] = {
    "rarepassport": ("test_design", "test_import_light"),
    "rarepassport.__main__": ("test_cli_package", "test_cli_conventions"),
    "rarepassport._moved": ("test_moved", "test_design"),
    "rarepassport.builtins": ("test_design",),
    "rarepassport.builtins.layout": ("test_layout_steps",),
    "rarepassport.layouts._bilingual": ("test_pdf_bilingual",),
    "rarepassport.builtins.backends": ("test_render_text_formats", "test_render_pdf"),
    "rarepassport.builtins.exporters": ("test_fhir_export", "test_phenopacket"),
    "rarepassport.builtins.labels": ("test_translations", "test_languages_render"),
    "rarepassport.builtins.rules": ("test_validation",),
    "rarepassport.cli._batch": ("test_batch",),
    "rarepassport.cli._encryption": ("test_encryption",),
    "rarepassport.cli._health_link": ("test_health_links",),
    "rarepassport.cli._upgrade": ("test_migrations",),
    "rarepassport.cli._common": ("test_cli_conventions",),
    "rarepassport.cli._completion": ("test_cli_conventions",),
    "rarepassport.cli._core": ("test_cli",),
    "rarepassport.cli._fhir": ("test_fhir_import", "test_fhir_export"),
    "rarepassport.cli._fonts": ("test_cli_labels",),
    "rarepassport.cli._labels": ("test_cli_labels",),
    "rarepassport.cli._main": ("test_cli", "test_cli_conventions"),
    "rarepassport.cli._parser": ("test_cli_help_languages",),
    "rarepassport.cli._plugin": ("test_plugin_discovery", "test_plugin_template"),
    "rarepassport.cli._render": ("test_cli_render",),
    "rarepassport.cli._starter": ("test_plugin_template",),
    "rarepassport.clinical": ("test_essentials", "test_guidance_layout"),
    "rarepassport.fhir": ("test_fhir_import", "test_fhir_export"),
    "rarepassport.fhir._common": ("test_fhir_definitions",),
    "rarepassport.fhir._definitions": ("test_fhir_definitions",),
    "rarepassport.fhir._export": ("test_fhir_export",),
    "rarepassport.fhir._import": ("test_fhir_import",),
    "rarepassport.fhir._import_base": ("test_fhir_import", "test_fhir_hostile"),
    "rarepassport.fhir._import_clinical": ("test_fhir_clinical_meaning", "test_fhir_import"),
    "rarepassport.fhir._import_emergency": ("test_fhir_clinical_meaning", "test_fhir_import"),
    "rarepassport.fhir._import_patient": ("test_fhir_import", "test_fhir_real_world"),
    "rarepassport.fhir._narrative": ("test_fhir_export", "test_fhir_hostile"),
    "rarepassport.fhir._read": ("test_fhir_hostile", "test_fhir_import"),
    "rarepassport.files": ("test_safe_writes", "test_hostile_input"),
    "rarepassport.formats": ("test_convert", "test_hostile_input", "test_fuzz"),
    "rarepassport.guidance": ("test_guidance_layout", "test_guidance_translation"),
    "rarepassport.labels": ("test_translations", "test_languages_render"),
    "rarepassport.layouts._context": ("test_layouts",),
    "rarepassport.layouts._easy_read": ("test_easy_read",),
    "rarepassport.layouts._emergency": ("test_layout_emergency_sections", "test_layouts"),
    "rarepassport.layouts._sections": ("test_layouts",),
    "rarepassport.model": ("test_convert", "test_schema", "test_layouts"),
    "rarepassport.plugin_manager": ("test_plugin_robustness", "test_plugin_discovery"),
    "rarepassport.plugins": ("test_guidance_layout",),
    "rarepassport.plugins._condition": ("test_plugin_adrenal", "test_plugin_mcad", "test_plugin_haemophilia",
                                        "test_plugin_dravet"),
    "rarepassport.plugins.adrenal_insufficiency": ("test_plugin_adrenal",),
    "rarepassport.plugins.dravet_syndrome": ("test_plugin_dravet",),
    "rarepassport.plugins.haemophilia": ("test_plugin_haemophilia",),
    "rarepassport.plugins.mcad_deficiency": ("test_plugin_mcad",),
    "rarepassport.rendering": ("test_render_validates", "test_render_text_formats"),
    "rarepassport.rendering._base": ("test_render_validates",),
    "rarepassport.rendering._accessible": ("test_render_accessible",),
    "rarepassport.rendering._text_map": ("test_render_accessible_shaped",),
    "rarepassport.rendering._card": ("test_render_card",),
    "rarepassport.rendering._fonts": ("test_font_cache",),
    "rarepassport.rendering._html": ("test_html_browser",),
    "rarepassport.rendering._lockscreen": ("test_render_lockscreen",),
    "rarepassport.rendering._markdown": ("test_render_text_formats",),
    "rarepassport.rendering._pdf": ("test_render_pdf",),
    "rarepassport.rendering._photo": ("test_photo_confinement",),
    "rarepassport.rendering._qr": ("test_qr",),
    "rarepassport.rendering._shared": ("test_render_text_formats", "test_render_pdf"),
    "rarepassport.rendering._symbols": ("test_easy_read",),
    "rarepassport.rendering._text": ("test_render_text_formats",),
    "rarepassport.rendering._verify": ("test_render_pdf", "test_render_scripts"),
    "rarepassport.testing": ("test_plugin_template", "test_plugin_robustness"),
    "rarepassport.cli._edit": ("test_web",),
    "rarepassport.web._app": ("test_web", "test_web_browser"),
    "rarepassport.web._form": ("test_web", "test_web_browser"),
    "rarepassport.web._store": ("test_web",),
    "rarepassport.web._photos": ("test_web",),
}

#: Private module -> the module whose public names its tests go through.
THROUGH: dict[str, str] = {
    "rarepassport.builtins.backends": "rarepassport.api",
    "rarepassport.builtins.exporters": "rarepassport.api",
    "rarepassport.builtins.labels": "rarepassport.api",
    "rarepassport.builtins.rules": "rarepassport.api",
    "rarepassport.cli._batch": "rarepassport.cli",
    "rarepassport.cli._sign": "rarepassport.cli",
    "rarepassport.cli._encryption": "rarepassport.cli",
    "rarepassport.cli._health_link": "rarepassport.cli",
    "rarepassport.cli._upgrade": "rarepassport.cli",
    "rarepassport.cli._common": "rarepassport.cli",
    "rarepassport.cli._completion": "rarepassport.cli",
    "rarepassport.cli._core": "rarepassport.cli",
    "rarepassport.cli._edit": "rarepassport.cli",
    "rarepassport.cli._fhir": "rarepassport.cli",
    "rarepassport.cli._fonts": "rarepassport.cli",
    "rarepassport.cli._labels": "rarepassport.cli",
    "rarepassport.cli._main": "rarepassport.cli",
    "rarepassport.cli._plugin": "rarepassport.cli",
    "rarepassport.cli._render": "rarepassport.cli",
    "rarepassport.cli._starter": "rarepassport.cli",
    "rarepassport.fhir._bulk": "rarepassport.fhir",
    "rarepassport.fhir._common": "rarepassport.fhir",
    "rarepassport.fhir._export": "rarepassport.fhir",
    "rarepassport.fhir._import": "rarepassport.fhir",
    "rarepassport.fhir._import_base": "rarepassport.fhir",
    "rarepassport.fhir._import_clinical": "rarepassport.fhir",
    "rarepassport.fhir._import_emergency": "rarepassport.fhir",
    "rarepassport.fhir._import_patient": "rarepassport.fhir",
    "rarepassport.fhir._narrative": "rarepassport.fhir",
    "rarepassport.fhir._read": "rarepassport.fhir",
    "rarepassport.files": "rarepassport.api",
    "rarepassport.layouts._context": "rarepassport.api",
    "rarepassport.layouts._easy_read": "rarepassport.api",
    "rarepassport.layouts._emergency": "rarepassport.api",
    "rarepassport.layouts._sections": "rarepassport.api",
    "rarepassport.plugins._condition": "rarepassport.api",
    "rarepassport.plugins.adrenal_insufficiency": "rarepassport.api",
    "rarepassport.plugins.dravet_syndrome": "rarepassport.api",
    "rarepassport.plugins.haemophilia": "rarepassport.api",
    "rarepassport.plugins.mcad_deficiency": "rarepassport.api",
    "rarepassport.layouts._trust": "rarepassport.api",
    "rarepassport.redaction": "rarepassport.api",
    "rarepassport.rendering._base": "rarepassport.api",
    "rarepassport.rendering._card": "rarepassport.api",
    "rarepassport.rendering._html": "rarepassport.api",
    "rarepassport.rendering._lockscreen": "rarepassport.api",
    "rarepassport.rendering._markdown": "rarepassport.api",
    "rarepassport.rendering._pdf": "rarepassport.api",
    "rarepassport.rendering._photo": "rarepassport.api",
    "rarepassport.rendering._qr": "rarepassport.api",
    "rarepassport.rendering._shared": "rarepassport.api",
    "rarepassport.rendering._symbols": "rarepassport.api",
    "rarepassport.rendering._text": "rarepassport.api",
    "rarepassport.rendering._verify": "rarepassport.api",
    "rarepassport.schema": "rarepassport.api",
    "rarepassport.web._app": "rarepassport.web",
    "rarepassport.web._form": "rarepassport.web",
    "rarepassport.web._store": "rarepassport.web",
    "rarepassport.web._photos": "rarepassport.web",
}


def source_modules(src: Path) -> dict[str, Path]:
    """Every module of the package under ``src`` (the folder holding ``rarepassport/``)."""
    modules = {}
    for path in sorted((src / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(src).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def default_test_name(module: str) -> str:
    """``rarepassport.cli._completion`` -> ``test_cli_completion``; the package itself has none."""
    parts = [part.strip("_") for part in module.split(".")[1:]]
    return "test_" + "_".join(parts) if parts else ""


def _resolve(module: str | None, level: int, here: str, is_package: bool) -> str | None:
    if level == 0:
        return module
    base = here.split(".") if is_package else here.split(".")[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join([*base, module] if module else base)


def _references(tree: ast.AST, modules: Iterable[str], here: str = "", is_package: bool = False) -> \
        tuple[set[str], set[str], set[str]]:
    """What a file refers to: ``(modules, public names, modules run with -m)``."""
    known = set(modules)
    found: set[str] = set()
    names: set[str] = set()
    run: set[str] = set()
    aliases: dict[str, str] = {}  # local name -> module it stands for
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] != PACKAGE:
                    continue
                found.add(alias.name)
                local = alias.asname or alias.name.split(".")[0]
                aliases[local] = alias.name if alias.asname else PACKAGE
        elif isinstance(node, ast.ImportFrom):
            origin = _resolve(node.module, node.level, here, is_package)
            if origin is None or origin.split(".")[0] != PACKAGE:
                continue
            found.add(origin)
            for alias in node.names:
                full = f"{origin}.{alias.name}"
                if full in known:
                    found.add(full)
                    aliases[alias.asname or alias.name] = full
                elif origin == PACKAGE:
                    names.add(alias.name)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in known:
            found.add(node.value)  # imported by name (importlib.import_module, BUILTIN_PLUGINS)
        elif isinstance(node, (ast.List, ast.Tuple)):
            items = [item.value if isinstance(item, ast.Constant) else None for item in node.elts]
            for flag, program in itertools.pairwise(items):
                if flag == "-m" and program in known:
                    # ``python -m package`` runs ``package.__main__``.
                    run.add(f"{program}.__main__" if f"{program}.__main__" in known else str(program))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute):
            continue
        chain = []
        inner: ast.expr = node
        while isinstance(inner, ast.Attribute):
            chain.append(inner.attr)
            inner = inner.value
        if not isinstance(inner, ast.Name) or inner.id not in aliases:
            continue
        dotted = aliases[inner.id]
        for attr in reversed(chain):
            if dotted == PACKAGE and f"{dotted}.{attr}" not in known:
                names.add(attr)
            dotted = f"{dotted}.{attr}"
            if dotted not in known:
                break
            found.add(dotted)
    return found, names, run


def _import_graph(modules: Mapping[str, Path]) -> dict[str, set[str]]:
    graph = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found, _names, _run = _references(tree, modules, name, path.name == "__init__.py")
        graph[name] = {other for other in found if other in modules and other != name}
    return graph


def _reaches(graph: Mapping[str, set[str]], start: str, goal: str) -> bool:
    seen, todo = {start}, [start]
    while todo:
        for other in graph.get(todo.pop(), ()):
            if other == goal:
                return True
            if other not in seen:
                seen.add(other)
                todo.append(other)
    return False


def problems(
    src: Path,
    tests: Path,
    *,
    exports: Mapping[str, Iterable[str]],
    tested_by: Mapping[str, Iterable[str]] = TESTED_BY,
    through: Mapping[str, str] = THROUGH,
) -> list[str]:
    """Why the tests under ``tests`` do not mirror the package under ``src`` (empty when they do).

    Args:
        exports: Module -> the public names it defines (``rarepassport._EXPORTS``).
    """
    modules = source_modules(src)
    where = {name: module for module, names in exports.items() for name in names}
    found = [f"{name} is mapped but is not a module" for name in [*tested_by, *through] if name not in modules]
    graph: dict[str, set[str]] | None = None
    evidence: dict[str, tuple[set[str], set[str], set[str]]] = {}

    def exercises(test: str, module: str) -> bool:
        if test not in evidence:
            tree = ast.parse((tests / f"{test}.py").read_text(encoding="utf-8"))
            evidence[test] = _references(tree, modules)
        imported, names, run = evidence[test]
        return module in imported or module in run or any(where.get(name) == module for name in names)

    for module in modules:
        default = default_test_name(module)
        mapped = list(dict.fromkeys([
            *([default] if default and (tests / f"{default}.py").is_file() else []),
            *tested_by.get(module, ()),
        ]))
        if not mapped:
            found.append(f"{module} has no test module: add tests/{default or 'test_<name>'}.py "
                         "or map it in tests/helpers/mirror.py")
        for test in mapped:
            if not (tests / f"{test}.py").is_file():
                found.append(f"{module}: tests/{test}.py does not exist")
                continue
            if exercises(test, module):
                continue
            face = through.get(module)
            if graph is None and face is not None:
                graph = _import_graph(modules)
            # A program the test runs (``python -m rarepassport``) exercises what it imports.
            if face is not None and graph is not None and (
                exercises(test, face) or any(_reaches(graph, program, face) for program in evidence[test][2])
            ):
                if _reaches(graph, face, module):
                    continue
                found.append(f"{module}: {face} does not reach it, so tests/{test}.py cannot test it through {face}")
                continue
            found.append(f"{module}: tests/{test}.py neither imports it nor uses its public names"
                         + (f" nor those of {face}" if face else ""))
    return found
