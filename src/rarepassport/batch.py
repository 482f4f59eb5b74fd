"""Many passports in one run: on one core, a process pool, or a distributed engine.

Two layers:

- **Stateless, picklable functions** for any engine: :func:`render_item` and
  :func:`validate_item` take the bytes of one passport and return an
  :class:`ItemResult` (status, warnings, the output bytes and their SHA-256), and
  :func:`render_json_line` does the same for one NDJSON line. They never raise for a bad
  passport, hold no state between calls, and each process builds its own plugin manager
  the first time it needs one (it is never pickled). Use them with ``dask.bag``,
  ``dask.distributed`` or Spark's ``mapPartitions`` (see ``docs/batch.md``).
- **A local runner**, :func:`run_batch`, behind ``rarepassport batch``: reads a folder, a
  glob, a ZIP or NDJSON, renders, validates or exports each passport (``jobs`` worker
  processes) — to FHIR IPS Bundles, or to FHIR Bulk Data NDJSON (one file per resource
  type, one resource per line) — or imports FHIR (IPS Bundles, or Bulk Data NDJSON
  grouped by patient: one passport per patient),
  writes each output atomically into a folder or a ZIP, and writes a manifest
  (``manifest.json``: per input its status, warnings, output path and checksum). One
  bad passport never stops the batch. A folder output is resumable: an input whose
  output is already complete (same input checksum, output present with the checksum the
  manifest recorded, and the same rarepassport version, plugin versions and options)
  is skipped.

Nothing here logs or prints passport content: errors and warnings name JSON paths,
code points and files, never values.
"""

from __future__ import annotations

import concurrent.futures
import fnmatch
import functools
import glob
import hashlib
import json
import os
import re
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import attrs

from rarepassport.errors import Message

if TYPE_CHECKING:
    from rarepassport.plugin_manager import PluginManager
    from rarepassport.signing import Keyring

__all__ = [
    "FHIR_NDJSON",
    "MANIFEST_NAME",
    "BatchInput",
    "BatchSummary",
    "FailurePart",
    "ItemResult",
    "export_item",
    "import_item",
    "iter_bulk_inputs",
    "iter_inputs",
    "render_item",
    "render_json_line",
    "run_batch",
    "validate_item",
    "warm_up",
    "write_item",
    "write_manifest",
]

#: File name of the manifest inside the output folder or ZIP.
MANIFEST_NAME = "manifest.json"
_PASSPORT_SUFFIXES = (".json", ".yaml", ".yml")
_NDJSON_SUFFIXES = (".ndjson", ".jsonl")
#: The ``format`` of an export to, or an import from, FHIR Bulk Data NDJSON.
FHIR_NDJSON = "fhir-ndjson"
#: Short names of exporters (as ``rarepassport export`` takes them).
_EXPORTER_ALIASES = {"fhir": "fhir-ips", "ips": "fhir-ips"}
Action = Literal["render", "validate", "export", "import"]
Status = Literal["ok", "failed", "skipped"]
#: One part of why a passport failed (`ItemResult.error_parts`): a prefix said as it is
#: (the error's type, a file, a JSON path), the English, its catalogue id (or ``None``)
#: and the values of its placeholders.
FailurePart = tuple[str, str, str | None, Mapping[str, str]]


@attrs.frozen
class BatchInput:
    """One passport to process.

    Attributes:
        name: Where it came from: a file path, ``archive.zip:member`` or ``file.ndjson:LINE``.
        data: Its bytes.
        format: ``"json"`` or ``"yaml"``.
        stem: A safe file-name stem for its output, unique within the batch.
    """

    name: str
    data: bytes = attrs.field(repr=False)
    format: Literal["json", "yaml"] = "json"
    stem: str = ""


@attrs.frozen
class ItemResult:
    """What happened to one passport.

    Attributes:
        source: The input's name (:attr:`BatchInput.name`).
        status: ``"ok"``, ``"failed"`` or ``"skipped"`` (already complete on resume).
        warnings: Warnings about the passport and its rendering (no passport values).
        error: Why it failed (names a JSON path or the file, never a value).
        error_parts: The same, in parts a program can say in another language: each
            ``(prefix, English, catalogue id or None, values)``; not in the manifest.
        output: The output's path relative to the output folder or ZIP, if one was written.
        sha256: Hex SHA-256 of the output bytes.
        input_sha256: Hex SHA-256 of the input bytes (how a resumed run knows it is unchanged).
        data: The output bytes (``None`` once written, and in the manifest).
        made_with: For a result of :func:`write_item`, a digest of what its output
            depends on besides its input (settings, rarepassport and plugin versions of
            the worker), which :func:`write_manifest` checks against its own.
    """

    source: str
    status: Status
    warnings: tuple[str, ...] = ()
    error: str | None = None
    output: str | None = None
    sha256: str | None = None
    input_sha256: str | None = None
    data: bytes | None = attrs.field(default=None, repr=False, eq=False)
    error_parts: tuple[FailurePart, ...] = attrs.field(default=(), repr=False, eq=False)
    made_with: str | None = attrs.field(default=None, repr=False, eq=False)

    @property
    def ok(self) -> bool:
        """Whether the passport was processed (or had been, on resume) without error."""
        return self.status != "failed"

    def manifest_entry(self) -> dict[str, Any]:
        """The manifest's record of this result (no output bytes)."""
        return {key: value for key, value in (
            ("source", self.source), ("status", self.status), ("output", self.output),
            ("sha256", self.sha256), ("input_sha256", self.input_sha256),
            ("warnings", list(self.warnings)), ("error", self.error)) if value is not None}


@attrs.frozen
class BatchSummary:
    """The outcome of :func:`run_batch`.

    Attributes:
        results: One result per input, in input order.
        manifest: Where the manifest was written.
        notes: What the batch as a whole must tell (e.g. resources of a bulk import
            that belong to no patient); never passport values.
        note_messages: The same notes as catalogue messages, for a program that says
            them in another language.
    """

    results: tuple[ItemResult, ...]
    manifest: Path
    notes: tuple[str, ...] = ()
    note_messages: tuple[Message, ...] = attrs.field(default=(), eq=False)

    @property
    def ok(self) -> int:
        """How many passports were processed now."""
        return sum(result.status == "ok" for result in self.results)

    @property
    def skipped(self) -> int:
        """How many were already complete (resumed run)."""
        return sum(result.status == "skipped" for result in self.results)

    @property
    def failed(self) -> int:
        """How many failed."""
        return sum(result.status == "failed" for result in self.results)


# --- the stateless, picklable functions ------------------------------------------------


@functools.lru_cache(maxsize=1)
def _worker_plugins() -> PluginManager:
    # Built once per process (each worker builds its own; a manager is never pickled).
    from rarepassport.plugin_manager import make_plugin_manager

    return make_plugin_manager()


#: What this process has warmed up for (per process; never pickled).
_WARMED: set[str | None] = set()


def warm_up(format: str | None = "pdf") -> float:
    """Make this process ready for batch work before its first passport: build its
    plugin manager and, for ``format``, render the bundled fictional example once (which
    parses the fonts and prepares the layout and reading code), so every later passport
    in the process pays only its own work. Once per process: a second call for the same
    format does nothing.

    Use it where an engine starts its workers: ``initializer=warm_up`` of a
    ``ProcessPoolExecutor`` given to ``dask.bag``, ``client.run(warm_up, "pdf")`` on a
    ``dask.distributed`` cluster, or at the start of a Spark partition. It never raises:
    a format that cannot render here is left for each passport to report.

    Args:
        format: The backend the batch renders (``None``: only the plugin manager).

    Returns:
        The CPU seconds this call spent (``0.0`` when the process was already warm), to
        count what a worker's start-up costs.
    """
    if format in _WARMED:
        return 0.0
    start = time.process_time()
    plugins = _worker_plugins()
    if format is not None:
        from importlib import resources

        from rarepassport.convert import loads
        from rarepassport.rendering import render_rendered

        try:
            example = (resources.files("rarepassport") / "data" / "example-passport.json").read_bytes()
            render_rendered(loads(example, plugins=plugins), _EXPORTER_ALIASES.get(format, format), plugins=plugins)
        except Exception:  # noqa: BLE001,S110 - a warm-up never stops a batch; each passport reports for itself
            pass
    _WARMED.add(format)
    return time.process_time() - start


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _failed(error: BaseException) -> dict[str, Any]:
    """The ``error`` and ``error_parts`` of a failed result."""
    return {"error": _failure(error), "error_parts": _failure_parts(error)}


def _failure_parts(error: BaseException) -> tuple[FailurePart, ...]:
    """What `_failure` says, in parts with their catalogue ids (see `ItemResult.error_parts`)."""
    from rarepassport.errors import LoadError, PassportError

    kind = f"{type(error).__name__}: "
    if isinstance(error, LoadError):
        where = f"{error.source}: " if error.source else ""
        found = len(error.problems)
        summary = Message(f"error.load.problems-found.{'one' if found == 1 else 'other'}",
                          "{count} problem found" if found == 1 else "{count} problems found", count=found)
        parts: list[FailurePart] = [(kind + where, str(summary), summary.id, dict(summary.arguments))]
        for problem in error.problems[:19]:  # as _failure: the first lines say enough
            shown = str(problem)
            parts.append((shown[: len(shown) - len(problem.message)], problem.message, problem.message_id,
                          dict(problem.arguments)))
        return tuple(parts)
    if isinstance(error, PassportError) and error.message_id is not None:
        source = getattr(error, "source", None)
        return ((kind + (f"{source}: " if source else ""), str(error).removeprefix(f"{source}: " if source else ""),
                 error.message_id, dict(error.arguments)),)
    return ()


def _failure(error: BaseException) -> str:
    from rarepassport.errors import PassportError

    if isinstance(error, PassportError | OSError | ValueError):
        text = str(error).strip().splitlines()
        # Our errors name paths and fields, never values; the first lines say enough.
        return f"{type(error).__name__}: " + " | ".join(text[:20]) if text else type(error).__name__
    # An unexpected error's message might quote input: give only its type.
    return f"{type(error).__name__} (unexpected; please report it)"


def _load(data: bytes, format: Literal["json", "yaml"]) -> Any:
    from rarepassport.convert import loads

    return loads(data, format=format, plugins=_worker_plugins())


def render_item(
    item: BatchInput,
    *,
    format: str = "pdf",
    view: str | None = None,
    language: str | None = None,
    strict: bool = False,
    options: dict[str, Any] | None = None,
    trust: Keyring | None = None,
) -> ItemResult:
    """Render one passport; never raises for a bad passport.

    Args:
        item: The passport's bytes and name.
        format: A backend name (``pdf``, ``card``, ``html``…).
        view: The view (the backend's default when ``None``).
        language: The language (the passport's when ``None``).
        strict: Fail a passport that has validation errors instead of rendering it with notes.
        options: Backend options (e.g. ``{"qr": "essentials"}``).
        trust: The keys a professional's signed check is verified against
            ([`load_keyring`][rarepassport.load_keyring]); the output says "signature
            verified" only for those keys, as ``render --trust`` does. ``None``
            trusts no key: a valid signature is shown as not verified against a
            trusted key.

    Returns:
        The result, with the output bytes in ``data`` when it succeeded.
    """
    from rarepassport.rendering import render_rendered

    digest = _sha256(item.data)
    try:
        passport = _load(item.data, item.format)
        rendered = render_rendered(passport, format, view, language, plugins=_worker_plugins(), strict=strict,
                                   trust=trust, **(options or {}))
    except Exception as error:  # noqa: BLE001 - one bad passport never stops the batch
        return ItemResult(source=item.name, status="failed", **_failed(error), input_sha256=digest)
    return ItemResult(source=item.name, status="ok", warnings=rendered.warnings,
                      output=f"{item.stem}{rendered.suffix}" if item.stem else None,
                      sha256=_sha256(rendered.data), input_sha256=digest, data=rendered.data)


def validate_item(item: BatchInput) -> ItemResult:
    """Validate one passport; errors make it ``failed``, warnings are listed. Never raises."""
    from rarepassport.validation import validate

    digest = _sha256(item.data)
    try:
        report = validate(_load(item.data, item.format), plugins=_worker_plugins())
    except Exception as error:  # noqa: BLE001 - one bad passport never stops the batch
        return ItemResult(source=item.name, status="failed", **_failed(error), input_sha256=digest)
    lines = tuple(f"{issue.severity.value} {issue.path} {issue.code}: {issue.message}" for issue in report.issues)
    if not report.ok:
        return ItemResult(source=item.name, status="failed", warnings=lines, input_sha256=digest,
                          error=f"{sum(1 for i in report.issues if i.severity.value == 'error')} validation error(s)")
    return ItemResult(source=item.name, status="ok", warnings=lines, input_sha256=digest)


def render_json_line(line: str | bytes, *, format: str = "pdf", view: str | None = None,
                     name: str = "<line>", strict: bool = False) -> ItemResult:
    """Render one NDJSON line (one passport as JSON): the function to map over a Dask bag.

    Example:
        ```python
        import dask.bag as db
        from rarepassport.batch import render_json_line

        bag = db.read_text("passports-*.ndjson").map(render_json_line, format="card")
        failed = bag.filter(lambda r: not r.ok).map(lambda r: r.manifest_entry()).compute()
        ```
    """
    data = line.encode() if isinstance(line, str) else line
    return render_item(BatchInput(name=name, data=data), format=format, view=view, strict=strict)


def export_item(item: BatchInput, *, format: str = "fhir-ips") -> ItemResult:
    """Export one passport with a registered exporter (``fhir-ips``, ``phenopacket``, a
    plugin's); never raises for a bad passport.

    Args:
        item: The passport's bytes and name.
        format: An exporter name (``fhir`` and ``ips`` stand for ``fhir-ips``).

    Returns:
        The result, with the exported bytes in ``data`` when it succeeded.
    """
    digest = _sha256(item.data)
    name = _EXPORTER_ALIASES.get(format, format)
    try:
        plugins = _worker_plugins()
        if name not in plugins.exporters:
            from rarepassport.errors import Message, PluginError

            raise PluginError(Message("error.batch.unknown-exporter", "unknown exporter {format}; known: {names}",
                                      format=repr(format), names=", ".join(plugins.exporters.names())))
        spec = plugins.exporters[name]
        passport = _load(item.data, item.format)
        data = spec.export(passport, plugins=plugins)
        warnings: tuple[str, ...] = ()
        if name == "fhir-ips":
            from rarepassport.fhir import not_carried

            left_out = not_carried(passport)
            if left_out:
                warnings = ("the IPS has no place for " + ", ".join(left_out) + "; they stay in the passport only",)
    except Exception as error:  # noqa: BLE001 - one bad passport never stops the batch
        return ItemResult(source=item.name, status="failed", **_failed(error), input_sha256=digest)
    return ItemResult(source=item.name, status="ok", warnings=warnings,
                      output=f"{item.stem}{spec.suffix}" if item.stem else None,
                      sha256=_sha256(data), input_sha256=digest, data=data)


def import_item(item: BatchInput) -> ItemResult:
    """Read one FHIR document Bundle (an IPS, or one patient of a bulk export from
    :func:`iter_bulk_inputs`) into passport JSON; never raises for a bad bundle.

    Every element the import could not map is listed in ``warnings`` by its FHIR path
    (for a bulk input, as ``Type/id.element``).
    """
    from rarepassport.convert import dumps
    from rarepassport.fhir import bulk_input_path, from_ips
    from rarepassport.formats import parse_text

    digest = _sha256(item.data)
    try:
        bundle = parse_text(item.data, "json")
        result = from_ips(bundle, plugins=_worker_plugins())
        data = dumps(result.passport, plugins=_worker_plugins()).encode("utf-8")
    except Exception as error:  # noqa: BLE001 - one bad bundle never stops the batch
        return ItemResult(source=item.name, status="failed", **_failed(error), input_sha256=digest)
    warnings = tuple(f"not imported: {bulk_input_path(bundle, u.path)}: {u.reason}" for u in result.unmapped)
    return ItemResult(source=item.name, status="ok", warnings=warnings,
                      output=f"{item.stem}.json" if item.stem else None,
                      sha256=_sha256(data), input_sha256=digest, data=data)


def _line_input(data: str | bytes) -> BatchInput:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    digest = _sha256(raw)[:16]
    return BatchInput(name=f"sha256:{digest}", data=raw, stem=f"passport-{digest}")


def write_item(
    item: BatchInput | str | bytes,
    output: str | os.PathLike[str],
    *,
    action: Action = "render",
    format: str | None = None,
    view: str | None = None,
    language: str | None = None,
    strict: bool = False,
    options: dict[str, Any] | None = None,
    trust: Keyring | None = None,
) -> ItemResult:
    """Process one passport and write its output into the folder ``output`` from the
    process that made it, atomically (a temporary file renamed into place): the function
    to map on an engine. Only the small result travels back — never the output bytes,
    which on a cluster would otherwise be pickled back through the scheduler to one
    client and held there. Never raises for a bad passport.

    Args:
        item: A passport from :func:`iter_inputs` (its name and output stem are kept),
            or one passport as JSON text (an NDJSON line, as ``dask.bag.read_text``
            gives): then named ``sha256:`` and the first 16 hex digits of its checksum,
            its output ``passport-`` and the same digits.
        output: A folder every worker can write to (created when missing).
        action: ``"render"`` (default), ``"validate"`` (writes nothing), ``"export"``
            or ``"import"``, as for :func:`run_batch` (the whole-batch
            ``fhir-ndjson`` export is not per passport: use :func:`run_batch`).
        format: As for :func:`run_batch`.
        view: As for :func:`run_batch`.
        language: As for :func:`run_batch`.
        strict: As for :func:`run_batch`.
        options: As for :func:`run_batch`.
        trust: As for :func:`run_batch`.

    Returns:
        The result with ``data`` ``None``; give the results to :func:`write_manifest`.

    Raises:
        ValueError: For ``action="export"`` with ``format="fhir-ndjson"``.
    """
    batch_input = item if isinstance(item, BatchInput) else _line_input(item)
    format, settings = _settings_of(action, format, view, language, strict, options, trust)
    if action == "export" and format == FHIR_NDJSON:
        raise ValueError("a FHIR Bulk Data NDJSON export is written for the whole batch: use run_batch")
    # What the worker made it with: the client's manifest must not record as complete
    # an output made with other plugin versions (other emergency guidance) or settings.
    made_with = _sha256(json.dumps(_settings(action, settings), sort_keys=True).encode())
    result = attrs.evolve(_process(batch_input, action, settings), made_with=made_with)
    if result.data is None or result.output is None:
        return attrs.evolve(result, data=None)
    from rarepassport.files import write_atomic

    folder = Path(output)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_atomic(folder / result.output, result.data)
    except OSError as error:
        return ItemResult(source=result.source, status="failed", error=_failure(error),
                          input_sha256=result.input_sha256, made_with=made_with)
    return attrs.evolve(result, data=None)


def _entry_result(entry: ItemResult | Mapping[str, Any]) -> ItemResult:
    if isinstance(entry, ItemResult):
        return entry
    return ItemResult(source=str(entry["source"]), status=entry["status"], warnings=tuple(entry.get("warnings", ())),
                      error=entry.get("error"), output=entry.get("output"), sha256=entry.get("sha256"),
                      input_sha256=entry.get("input_sha256"))


def _checked(result: ItemResult, expected: str) -> ItemResult:
    if result.made_with is None or result.made_with == expected or result.status == "failed":
        return result
    return attrs.evolve(result, status="failed", output=None, sha256=None, error=(
        "made with other settings or other rarepassport or plugin versions than this manifest records; "
        "process it again"))


def write_manifest(
    output: str | os.PathLike[str],
    results: Iterable[ItemResult | Mapping[str, Any]],
    *,
    action: Action = "render",
    format: str | None = None,
    view: str | None = None,
    language: str | None = None,
    strict: bool = False,
    options: dict[str, Any] | None = None,
    trust: Keyring | None = None,
    notes: Sequence[str | Message] = (),
) -> Path:
    """Write ``manifest.json`` into the folder ``output`` for results gathered from an
    engine (:func:`write_item`'s, in input order): the same manifest :func:`run_batch`
    writes for the same inputs and settings, so a later ``run_batch`` (or
    ``rarepassport batch``) on the folder resumes from it.

    A result a worker made with other settings, or with another rarepassport or plugin
    version than this process has (a cluster whose workers were not upgraded with the
    client), is recorded as ``failed``, never as complete: its output may carry other
    emergency guidance, and a resumed run makes it again.

    Args:
        output: The folder the outputs were written into.
        results: The results, or their :meth:`ItemResult.manifest_entry` records
            (e.g. from a Spark job).
        action: The settings :func:`write_item` was given (the manifest records them,
            with the rarepassport and plugin versions of this process).
        format: As given to :func:`write_item`.
        view: As given to :func:`write_item`.
        language: As given to :func:`write_item`.
        strict: As given to :func:`write_item`.
        options: As given to :func:`write_item`.
        trust: As given to :func:`write_item`.
        notes: What the batch as a whole must tell (never passport values).

    Returns:
        The manifest's path.

    Raises:
        OSError: When it cannot be written.
    """
    from rarepassport.files import write_atomic

    format, settings = _settings_of(action, format, view, language, strict, options, trust)
    fingerprint = _settings(action, settings)
    expected = _sha256(json.dumps(fingerprint, sort_keys=True).encode())
    final = [_checked(_entry_result(entry), expected) for entry in results]
    folder = Path(output)
    folder.mkdir(parents=True, exist_ok=True)
    write_atomic(folder / MANIFEST_NAME, _manifest_bytes(action, format, fingerprint, final, notes))
    return folder / MANIFEST_NAME


# --- inputs ------------------------------------------------------------------------------


def _format_of(name: str) -> Literal["json", "yaml"]:
    return "yaml" if name.lower().endswith((".yaml", ".yml")) else "json"


def _stem(name: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "passport"
    return cleaned[:120]


def _file_inputs(path: Path) -> Iterator[tuple[str, bytes, str, Literal["json", "yaml"]]]:
    from rarepassport.convert import read_input

    lower = path.name.lower()
    if lower.endswith(".zip"):
        with zipfile.ZipFile(path) as archive:
            for member in sorted(archive.namelist()):
                if member.lower().endswith(_PASSPORT_SUFFIXES + _NDJSON_SUFFIXES) and not member.endswith("/") \
                        and Path(member).name != MANIFEST_NAME:  # a batch's own ZIP, given back as input
                    data = archive.read(member)
                    if member.lower().endswith(_NDJSON_SUFFIXES):
                        yield from _ndjson_lines(f"{path}:{member}", data, Path(member).stem)
                    else:
                        yield f"{path}:{member}", data, Path(member).with_suffix("").as_posix(), _format_of(member)
    elif lower.endswith(_NDJSON_SUFFIXES):
        yield from _ndjson_lines(str(path), read_input(path), path.stem)
    else:
        yield str(path), read_input(path), path.stem, _format_of(path.name)


def _ndjson_lines(name: str, data: bytes, stem: str) -> Iterator[tuple[str, bytes, str, Literal["json", "yaml"]]]:
    for number, line in enumerate(data.splitlines(), start=1):
        if line.strip():
            yield f"{name}:{number}", line, f"{stem}-{number:06d}", "json"


def iter_inputs(sources: Iterable[str | os.PathLike[str]]) -> Iterator[BatchInput]:
    """The passports of ``sources``, in a stable order.

    Each source is a folder (its ``.json``, ``.yaml``, ``.yml``, ``.ndjson`` and ``.jsonl``
    files, sorted), a glob pattern (``'in/*.json'``), a ZIP of such files, an NDJSON
    file (one passport per line) or one passport file.

    Raises:
        OSError: When a source does not exist or cannot be read (named in the message).
    """
    seen: dict[str, int] = {}
    for source in sources:
        text = os.fspath(source)
        if any(ch in text for ch in "*?[") and not Path(text).exists():
            paths = [Path(p) for p in sorted(glob.glob(text, recursive=True)) if Path(p).is_file()]
        elif Path(text).is_dir():
            paths = sorted(p for p in Path(text).rglob("*")
                           if p.is_file() and p.name.lower().endswith(_PASSPORT_SUFFIXES + _NDJSON_SUFFIXES)
                           and not fnmatch.fnmatch(p.name, MANIFEST_NAME))
        elif Path(text).is_file():
            paths = [Path(text)]
        else:
            raise FileNotFoundError(2, "no such file, folder or matching files", text)
        for path in paths:
            for name, data, stem, format in _file_inputs(path):
                safe = _stem(stem)
                count = seen.get(safe, 0)
                seen[safe] = count + 1
                yield BatchInput(name=name, data=data, format=format,
                                 stem=safe if count == 0 else f"{safe}-{count + 1}")


def _bulk_files(sources: Iterable[str | os.PathLike[str]]) -> Iterator[tuple[str, bytes]]:
    from rarepassport.convert import read_input

    for source in sources:
        text = os.fspath(source)
        if any(ch in text for ch in "*?[") and not Path(text).exists():
            paths = [Path(p) for p in sorted(glob.glob(text, recursive=True)) if Path(p).is_file()]
        elif Path(text).is_dir():
            paths = sorted(p for p in Path(text).rglob("*") if p.is_file() and p.name.lower().endswith(
                (*_NDJSON_SUFFIXES, ".zip")))
        elif Path(text).is_file():
            paths = [Path(text)]
        else:
            raise FileNotFoundError(2, "no such file, folder or matching files", text)
        for path in paths:
            if path.name.lower().endswith(".zip"):
                with zipfile.ZipFile(path) as archive:
                    for member in sorted(archive.namelist()):
                        if member.lower().endswith(_NDJSON_SUFFIXES):
                            yield f"{path}:{member}", archive.read(member)
            else:
                yield str(path), read_input(path)


def iter_bulk_inputs(
    sources: Iterable[str | os.PathLike[str]],
) -> tuple[list[BatchInput], list[ItemResult], tuple[Message, ...]]:
    """The patients of a FHIR Bulk Data export, each as a document Bundle to import.

    ``sources`` are NDJSON files (``Patient.ndjson``, ``AllergyIntolerance.ndjson``…,
    one resource per line), folders or ZIPs of them, or glob patterns. The resources of
    all of them are grouped by the Patient each names
    ([`bulk_patient_bundles`][rarepassport.fhir.bulk_patient_bundles]).

    Returns:
        The inputs (one per Patient, named ``Patient/id``, the bundle as JSON bytes), a
        failed result for each line that is not a resource and each patient that cannot
        be grouped, and notes on resources that belong to no patient (catalogue
        messages: ``str(note)`` is the English).

    Raises:
        OSError: When a source does not exist or cannot be read (named in the message).
    """
    from rarepassport.errors import LoadError
    from rarepassport.fhir import bulk_patient_bundles
    from rarepassport.formats import parse_text

    resources: list[dict[str, Any]] = []
    failures: list[ItemResult] = []
    for name, data in _bulk_files(sources):
        for number, line in enumerate(data.splitlines(), start=1):
            if not line.strip():
                continue
            where = f"{name}:{number}"
            try:
                resource = parse_text(line, "json")
            except LoadError as error:
                failures.append(ItemResult(source=where, status="failed", **_failed(error)))
                continue
            if not isinstance(resource, dict) or not isinstance(resource.get("resourceType"), str) \
                    or not isinstance(resource.get("id"), str):
                failures.append(ItemResult(source=where, status="failed",
                                           error="not a FHIR resource: each line needs a resourceType and an id"))
                continue
            resources.append(resource)
    groups, left = bulk_patient_bundles(resources)
    items: list[BatchInput] = []
    seen: dict[str, int] = {}
    for group in groups:
        if group.error is not None or group.bundle is None:
            failures.append(ItemResult(source=group.patient, status="failed", error=group.error))
            continue
        safe = _stem(group.patient.replace("/", "-"))
        count = seen.get(safe, 0)
        seen[safe] = count + 1
        items.append(BatchInput(name=group.patient, data=json.dumps(group.bundle, ensure_ascii=False).encode(),
                                stem=safe if count == 0 else f"{safe}-{count + 1}"))
    notes = tuple(Message("error.batch.no-patient", "{count} {kind} resource(s) name no Patient of the input and "
                          "were not imported", count=count, kind=kind) for kind, count in sorted(left.items()))
    return items, failures, notes


# --- the local runner ----------------------------------------------------------------------


def _settings(action: Action, settings: dict[str, Any]) -> dict[str, Any]:
    """What the outputs depend on besides their input: a resumed run redoes every output
    when any of it changed (a new plugin version may bring new emergency guidance)."""
    from rarepassport._version import __version__

    plugins = sorted(f"{info.name}=={info.version or ''}" for info in _worker_plugins().plugins())
    return {"action": action, "rarepassport": __version__, "plugins": plugins,
            **{key: value for key, value in settings.items() if key not in ("options", "trust")},
            "options": json.loads(json.dumps(settings.get("options") or {}, default=str)),
            **({"trust": _trust_fingerprint(settings["trust"])} if settings.get("trust") is not None else {})}


def _settings_of(action: Action, format: str | None, view: str | None, language: str | None, strict: bool,
                 options: dict[str, Any] | None, trust: Keyring | None) -> tuple[str, dict[str, Any]]:
    """The format (its default filled in) and the settings each item is processed with."""
    if format is None:
        format = "pdf" if action in ("render", "validate") else "fhir"
    settings: dict[str, Any] = {"format": format, "view": view, "language": language, "strict": strict,
                                "options": options}
    if action == "render" and trust is not None:
        settings["trust"] = trust
    return format, settings


def _manifest_bytes(action: Action, format: str, fingerprint: dict[str, Any], final: Sequence[ItemResult],
                    notes: Sequence[str | Message], ndjson: list[dict[str, Any]] | None = None) -> bytes:
    manifest: dict[str, Any] = {
        "format": format if action != "validate" else None,
        "action": action,
        "settings": fingerprint,
        "total": len(final),
        "ok": sum(r.status == "ok" for r in final),
        "skipped": sum(r.status == "skipped" for r in final),
        "failed": sum(r.status == "failed" for r in final),
        "items": [result.manifest_entry() for result in final],
    }
    if notes:
        manifest["notes"] = [str(note) for note in notes]
    if ndjson is not None:
        manifest["ndjson"] = ndjson
    return json.dumps(manifest, indent=2, ensure_ascii=False).encode() + b"\n"


def _trust_fingerprint(keyring: Keyring) -> dict[str, Any]:
    """The keys an output's trust statement was checked against (ids and validity, never key material)."""
    return {"keys": sorted(keyring.keys), "revoked": sorted(keyring.revoked),
            "validity": {kid: [str(day) if day else None for day in keyring.validity[kid]]
                         for kid in sorted(keyring.validity)}}


class _FolderOutput:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def previous(self, settings: dict[str, Any]) -> dict[str, dict[str, Any]]:
        manifest = self.folder / MANIFEST_NAME
        try:
            recorded = json.loads(manifest.read_text(encoding="utf-8"))
            entries = recorded["items"]
            if recorded.get("settings") != settings:
                return {}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return {}
        return {entry["source"]: entry for entry in entries if isinstance(entry, dict) and "source" in entry}

    def complete(self, entry: dict[str, Any] | None, item: BatchInput) -> bool:
        if not entry or entry.get("status") not in ("ok", "skipped") or not entry.get("output"):
            return False
        if entry.get("input_sha256") != _sha256(item.data):
            return False
        try:
            return _sha256((self.folder / entry["output"]).read_bytes()) == entry.get("sha256")
        except OSError:
            return False

    def write(self, name: str, data: bytes) -> None:
        from rarepassport.convert import write_atomic

        write_atomic(self.folder / name, data)

    def write_together(self, files: dict[str, bytes]) -> None:
        """Write files that belong together: every one in full under a temporary name
        first, then all renamed into place, so that a run killed while writing never
        leaves new ``Patient.ndjson`` beside an older export's ``Condition.ndjson``."""
        from rarepassport.convert import write_atomic

        partial = {name: self.folder / f".{name}.{os.getpid()}.part" for name in files}
        try:
            for name, data in files.items():
                write_atomic(partial[name], data)
            for name, path in partial.items():
                os.replace(path, self.folder / name)
        finally:
            for path in partial.values():
                path.unlink(missing_ok=True)

    def remove_stale_ndjson(self, keep: set[str]) -> None:
        """Remove the NDJSON files an earlier export wrote here that this one did not:
        a stale ``Consent.ndjson`` read with new files would mix old records in."""
        try:
            recorded = json.loads((self.folder / MANIFEST_NAME).read_text(encoding="utf-8"))
            names = [entry["url"] for entry in recorded.get("ndjson", ())]
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return
        for name in names:
            if isinstance(name, str) and name not in keep and "/" not in name and name.endswith(".ndjson"):
                (self.folder / name).unlink(missing_ok=True)

    def close(self, manifest: bytes) -> Path:
        self.write(MANIFEST_NAME, manifest)
        return self.folder / MANIFEST_NAME


class _ZipOutput:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written beside the target and renamed over it at the end: never half a ZIP.
        self.partial = path.with_name(f".{path.name}.{os.getpid()}.part")
        self.archive = zipfile.ZipFile(self.partial, "w", compression=zipfile.ZIP_DEFLATED)

    def previous(self, settings: dict[str, Any]) -> dict[str, dict[str, Any]]:
        return {}

    def complete(self, entry: dict[str, Any] | None, item: BatchInput) -> bool:
        return False

    def write(self, name: str, data: bytes) -> None:
        self.archive.writestr(name, data)

    def close(self, manifest: bytes) -> Path:
        self.archive.writestr(MANIFEST_NAME, manifest)
        self.archive.close()
        os.replace(self.partial, self.path)
        return self.path

    def abort(self) -> None:
        self.archive.close()
        self.partial.unlink(missing_ok=True)


def _progress(total: int | None, enabled: bool | None) -> Callable[[ItemResult], None] | None:
    import sys

    if enabled is False or (enabled is None and not sys.stderr.isatty()):
        return None
    try:
        from tqdm import tqdm  # type: ignore[import-untyped,unused-ignore]
    except ImportError:
        tqdm = None
    if tqdm is not None:
        bar = tqdm(total=total, unit="passport", file=sys.stderr)

        def advance(result: ItemResult) -> None:
            bar.update(1)
            if result.status == "failed":
                bar.set_postfix_str("some failed")

        advance.close = bar.close  # type: ignore[attr-defined]
        return advance
    try:
        from rich.progress import Progress  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return None
    progress = Progress(transient=False)
    progress.start()
    task = progress.add_task("passports", total=total)

    def advance_rich(result: ItemResult) -> None:
        progress.advance(task)

    advance_rich.close = progress.stop  # type: ignore[attr-defined]
    return advance_rich


def _process(item: BatchInput, action: Action, settings: dict[str, Any]) -> ItemResult:
    if action == "validate":
        return validate_item(item)
    if action == "export":
        return export_item(item, format="fhir-ips" if settings["format"] == FHIR_NDJSON else settings["format"])
    if action == "import":
        return import_item(item)
    return render_item(item, **settings)


class _BulkWriter:
    """The NDJSON files of a Bulk Data export: one per resource type, one resource a line."""

    def __init__(self) -> None:
        self.lines: dict[str, list[bytes]] = {}
        self.owner: dict[str, str] = {}

    def add(self, result: ItemResult) -> ItemResult:
        from rarepassport.fhir import bulk_resources

        assert result.data is not None
        resources = bulk_resources(json.loads(result.data))
        keys = [f"{r['resourceType']}/{r['id']}" for r in resources]
        taken = [key for key in keys if key in self.owner]
        if taken:
            # Two passports with the same id give the same resource ids: one person's
            # resources would be read back as another's. Refuse the later one.
            return attrs.evolve(result, status="failed", data=None, output=None, sha256=None, error=(
                f"its resources have the ids of those of {self.owner[taken[0]]} ({taken[0]}"
                f"{' and more' if len(taken) > 1 else ''}): two passports with the same id"))
        for key, resource in zip(keys, resources, strict=True):
            self.owner[key] = result.source
            line = json.dumps(resource, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
            self.lines.setdefault(str(resource["resourceType"]), []).append(line)
        return attrs.evolve(result, data=None, output=None, sha256=None)

    def files(self) -> dict[str, bytes]:
        return {f"{kind}.ndjson": b"".join(lines) for kind, lines in sorted(self.lines.items())}

    def outputs(self) -> list[dict[str, Any]]:
        """The ``output`` list of a Bulk Data status response: type, file, count."""
        return [{"type": kind, "url": f"{kind}.ndjson", "count": len(lines)}
                for kind, lines in sorted(self.lines.items())]


def run_batch(
    sources: Sequence[str | os.PathLike[str]],
    output: str | os.PathLike[str],
    *,
    action: Action = "render",
    format: str | None = None,
    view: str | None = None,
    language: str | None = None,
    strict: bool = False,
    options: dict[str, Any] | None = None,
    jobs: int = 1,
    resume: bool = True,
    progress: bool | None = None,
    trust: Keyring | None = None,
) -> BatchSummary:
    """Render, validate, export or import every passport of ``sources`` into ``output``.

    Args:
        sources: Folders, globs, ZIPs, NDJSON files or passport files (see :func:`iter_inputs`);
            for ``import`` with ``format="fhir-ndjson"``, the NDJSON files of a FHIR Bulk
            Data export (see :func:`iter_bulk_inputs`); for ``import`` with ``"fhir"``,
            IPS document Bundles (``.json``).
        output: A folder, or a path ending in ``.zip`` for one ZIP of every output.
        action: ``"render"`` (default), ``"validate"`` (writes only the manifest),
            ``"export"`` or ``"import"``.
        format: For ``render``, a backend name, as for :func:`render_item` (default
            ``pdf``). For ``export``, an exporter (default ``fhir``: one IPS Bundle per
            passport) or ``fhir-ndjson``: FHIR Bulk Data NDJSON, one file per resource
            type (``Patient.ndjson``…), listed in the manifest's ``ndjson``. For
            ``import``, ``fhir`` (default) or ``fhir-ndjson``: one passport per patient.
        view: The view, as for :func:`render_item`.
        language: The language, as for :func:`render_item`.
        strict: As for :func:`render_item`.
        options: Backend options, as for :func:`render_item`.
        jobs: Worker processes (1: this process; 0: one per core).
        resume: Skip inputs whose output in the folder is already complete (folder output only).
        progress: A progress bar on standard error (tqdm or rich when installed); by default
            only when standard error is a terminal.
        trust: For ``render``, the keys signed checks are verified against, as for
            :func:`render_item`; the manifest's settings name their key ids, and a
            resumed run with other keys redoes every output.

    Returns:
        The summary; ``summary.failed`` says how many failed (each with its error in the manifest).

    Raises:
        OSError: When a source cannot be read or the output cannot be written.
    """
    format, settings = _settings_of(action, format, view, language, strict, options, trust)
    notes: tuple[Message, ...] = ()
    early: list[ItemResult] = []
    if action == "import" and format == FHIR_NDJSON:
        items, early, notes = iter_bulk_inputs(sources)
    elif action == "import":
        items = [attrs.evolve(item, format="json") for item in iter_inputs(sources)]
    else:
        items = list(iter_inputs(sources))
    bulk = _BulkWriter() if action == "export" and format == FHIR_NDJSON else None
    target = Path(output)
    sink: _FolderOutput | _ZipOutput = _ZipOutput(target) if target.suffix.lower() == ".zip" else _FolderOutput(target)
    fingerprint = _settings(action, settings)
    previous = sink.previous(fingerprint) if resume else {}
    results: list[ItemResult | None] = [None] * len(items)
    todo: list[int] = []
    for index, item in enumerate(items):
        entry = previous.get(item.name)
        if action in ("render", "export", "import") and bulk is None and sink.complete(entry, item):
            assert entry is not None
            results[index] = ItemResult(source=item.name, status="skipped", output=entry.get("output"),
                                        sha256=entry.get("sha256"), input_sha256=entry.get("input_sha256"),
                                        warnings=tuple(entry.get("warnings", ())))
        else:
            todo.append(index)
    advance = _progress(len(items), progress)
    if advance is not None:
        for result in results:
            if result is not None:
                advance(result)

    def finish(index: int, result: ItemResult) -> None:
        if result.data is not None and bulk is None and result.output is not None:
            sink.write(result.output, result.data)
            result = attrs.evolve(result, data=None)
        results[index] = result
        if advance is not None:
            advance(result)

    try:
        workers = (os.cpu_count() or 1) if jobs == 0 else max(1, jobs)
        if workers == 1 or len(todo) <= 1:
            for index in todo:
                finish(index, _process(items[index], action, settings))
        else:
            with concurrent.futures.ProcessPoolExecutor(max_workers=workers) as pool:
                # A bounded window of submitted work keeps memory flat on large batches.
                window = workers * 4
                pending: dict[concurrent.futures.Future[ItemResult], int] = {}
                queue = iter(todo)
                for index in queue:
                    pending[pool.submit(_process, items[index], action, settings)] = index
                    if len(pending) >= window:
                        break
                while pending:
                    done, _ = concurrent.futures.wait(pending, return_when=concurrent.futures.FIRST_COMPLETED)
                    for future in done:
                        finish(pending.pop(future), future.result())
                        following = next(queue, None)
                        if following is not None:
                            pending[pool.submit(_process, items[following], action, settings)] = following
        if bulk is not None:
            # In input order, whatever order the workers finished in: the files are the
            # same for the same inputs, and of two passports with one id the later fails.
            results = [bulk.add(r) if r is not None and r.status == "ok" else r for r in results]
        final = (*early, *(result for result in results if result is not None))
        if advance is not None:
            for result in early:
                advance(result)
        ndjson = None
        if bulk is not None:
            files = bulk.files()
            if isinstance(sink, _FolderOutput):
                sink.write_together(files)
                sink.remove_stale_ndjson(set(files))
            else:
                for name, data in files.items():
                    sink.write(name, data)
            ndjson = bulk.outputs()
        path = sink.close(_manifest_bytes(action, format, fingerprint, final, notes, ndjson))
    except BaseException:
        if isinstance(sink, _ZipOutput):
            sink.abort()
        raise
    finally:
        if advance is not None:
            advance.close()  # type: ignore[attr-defined]
    return BatchSummary(results=final, manifest=path, notes=tuple(str(note) for note in notes), note_messages=notes)
