"""MkDocs hook: generate the model reference tables from the model itself.

A page that contains ``<!-- model-tables -->`` gets one table per model class, with
each field's JSON name, type, views and description read from the attrs metadata, so
the documentation cannot drift from the code.
"""

from __future__ import annotations

import datetime as dt
import enum
import typing
from typing import Any

import attrs

MARKER = "<!-- model-tables -->"


def _type_name(tp: Any) -> str:
    from rarepassport._dates import PartialDate

    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is tuple:
        return f"list of {_type_name(args[0])}"
    if args and type(None) in args:
        inner = [a for a in args if a is not type(None)]
        return _type_name(inner[0]) if len(inner) == 1 else " or ".join(_type_name(a) for a in inner)
    if tp is PartialDate:
        return "partial date"
    if tp is dt.date:
        return "date"
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return " \\| ".join(f"`{m.value}`" for m in tp)
    if isinstance(tp, type) and attrs.has(tp):
        return f"[{tp.__name__}](#{tp.__name__.lower()})"
    if tp is str:
        return "text"
    if tp is bool:
        return "true/false"
    if tp is float:
        return "number"
    return getattr(tp, "__name__", str(tp)).replace("Mapping", "object")


def _classes() -> list[type]:
    from rarepassport import model

    seen: list[type] = []

    def visit(cls: type) -> None:
        if cls in seen or cls.__name__ == "PartialDate":
            return
        seen.append(cls)
        for tp in typing.get_type_hints(cls).values():
            for candidate in (tp, *typing.get_args(tp)):
                for inner in (candidate, *typing.get_args(candidate)):
                    if isinstance(inner, type) and attrs.has(inner):
                        visit(inner)

    visit(model.Passport)
    return seen


def model_tables() -> str:
    """Markdown tables of every model class, Passport first."""
    out: list[str] = []
    for cls in _classes():
        hints = typing.get_type_hints(cls)
        doc = (cls.__doc__ or "").strip().split("\n\n")[0].replace("\n", " ")
        out.append(f"### {cls.__name__}\n\n{doc}\n")
        out.append("| key | type | required | views | description |")
        out.append("|---|---|---|---|---|")
        for field in attrs.fields(cls):
            views = field.metadata.get("views") or ()
            view_names = ", ".join(v.value for v in sorted(views, key=lambda v: list(type(v)).index(v)))
            # schema_version has a default in Python but is required in every file.
            in_files = cls.__name__ == "Passport" and field.name == "schema_version"
            required = "yes" if field.default is attrs.NOTHING or in_files else ""
            description = str(field.metadata.get("description", "")).replace("|", "\\|")
            out.append(
                f"| `{field.name}` | {_type_name(hints[field.name])} | {required} | {view_names} | {description} |"
            )
        out.append("")
    return "\n".join(out)


def on_post_build(config: Any, **kwargs: Any) -> None:
    """Publish the core JSON Schema at the address its ``$id`` names, on the built site.

    ``$id`` is ``https://rarepassport.readthedocs.io/schema/<version>/passport.schema.json``:
    the file goes to ``<site>/schema/<version>/passport.schema.json``, so the URL a
    validator or an editor follows resolves once the site is published. It is the schema
    of the core model and the built-in condition plugins' sections (no outside plugins,
    whose sections their own packages document).
    """
    import json
    from pathlib import Path
    from urllib.parse import urlsplit

    import rarepassport

    schema = rarepassport.json_schema(plugins=rarepassport.make_plugin_manager(entry_points=False))
    path = urlsplit(schema["$id"]).path.lstrip("/")
    target = Path(config["site_dir"]) / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def on_page_markdown(markdown: str, **kwargs: Any) -> str:
    """Replace the marker with the generated tables."""
    if MARKER in markdown:
        return markdown.replace(MARKER, model_tables())
    return markdown


# --- FHIR artefacts: one page (and its JSON) per extension, code system and identifier system


def _artefact_page(resource: dict[str, Any], url: str, json_name: str) -> str:
    kind = resource["resourceType"]
    title = resource.get("title") or resource["name"]
    lines = [f"# {title}", "", f"**{kind}** `{url}`", "", resource["description"], "",
             f"Status: {resource['status']}; version {resource.get('version', resource.get('date'))}. "
             f"FHIR JSON: [{json_name}]({json_name}).", ""]
    if kind == "StructureDefinition":
        value = resource["differential"]["element"][-1]["type"][0]["code"]
        maximum = resource["differential"]["element"][0]["max"]
        contexts = ", ".join(f"`{context['expression']}`" for context in resource["context"])
        lines += ["| used on | value | repeats |", "|---|---|---|",
                  f"| {contexts} | `value{value[0].upper()}{value[1:]}` | {'yes' if maximum == '*' else 'no'} |", ""]
    elif kind == "CodeSystem" and resource.get("concept"):
        lines += ["| code | display | definition |", "|---|---|---|"]
        lines += [f"| `{concept['code']}` | {concept['display']} | {concept['definition']} |"
                  for concept in resource["concept"]]
        lines.append("")
    elif kind == "CodeSystem":
        lines += ["The codes are not listed here: see the description.", ""]
    lines += ["[All FHIR artefacts](" + "../" * (url.count("/") - 4) + "index.md)", ""]
    return "\n".join(lines)


def on_files(files: Any, config: Any) -> Any:
    """Add the FHIR artefact pages, generated from ``rarepassport.fhir._definitions``."""
    import json

    from mkdocs.structure.files import File

    from rarepassport.fhir._definitions import artefacts

    rows = ["# FHIR artefacts", "",
            "The extensions, code systems and identifier system rarepassport's IPS bundles use, "
            "each at the URL the bundles cite, with its FHIR definition "
            "(`rarepassport.fhir.definitions()` gives them all in Python). See "
            "[Interoperability](../interoperability.md).", "",
            "| artefact | kind | URL |", "|---|---|---|"]
    for artefact in artefacts():
        resource = artefact.resource
        json_uri = artefact.page.removesuffix(".md") + ".json"
        json_name = json_uri.rsplit("/", 1)[-1]
        files.append(File.generated(config, artefact.page,
                                    content=_artefact_page(resource, artefact.url, json_name)))
        files.append(File.generated(config, json_uri, content=json.dumps(resource, indent=2) + "\n"))
        link = artefact.page.removeprefix("fhir/")
        rows.append(f"| [{resource.get('title') or resource['name']}]({link}) | {resource['resourceType']} "
                    f"| `{artefact.url}` |")
    files.append(File.generated(config, "fhir/index.md", content="\n".join(rows) + "\n"))
    return files
