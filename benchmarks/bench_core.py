"""Benchmark of the core path: bytes → Passport → Report, and Passport → text.

Run from the repository root::

    python benchmarks/bench_core.py            # best of 5 repeats
    python benchmarks/bench_core.py --repeat 3 # quicker, noisier

For every example passport in ``examples/`` (and the stress passport of
``tests/helpers/stress.py``) it measures, in one run, with :mod:`timeit` best-of-N:

* ``load``: ``rarepassport.loads(bytes)``, JSON text to a :class:`Passport`;
* ``validate``: ``rarepassport.validation.validate(passport)``, every rule on a loaded passport;
* ``dumps``: ``rarepassport.dumps(passport)``, a passport to canonical JSON text;

and compares them with floors measured on the same document:

* ``orjson.loads`` / ``orjson.dumps``: the fastest a JSON document can be parsed or written
  in Python, so ``load ÷ orjson.loads`` is what building typed objects costs;
* ``jsonschema``: a :class:`jsonschema.Draft202012Validator` (built once) checking the
  parsed document against :func:`rarepassport.schema.json_schema`, the plain structural
  check a user could run instead of ours.

The target (issue 2, point 10) is that ``load`` + ``validate`` of the largest example
costs at most 20 times ``orjson.loads`` of the same bytes; the script prints whether it
is met. YAML examples are measured on their JSON form, so every row times the same
parser. Nothing here writes files; the passports are fictional.
"""

from __future__ import annotations

import argparse
import sys
import timeit
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

import rarepassport
from rarepassport.model import Passport

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
TARGET_RATIO = 20.0


def best_seconds(function: Callable[[], object], repeat: int) -> float:
    """Best time of one call, in seconds: ``timeit`` autorange, then best of ``repeat``."""
    timer = timeit.Timer(function)
    number, _ = timer.autorange()
    return min(timer.repeat(repeat=repeat, number=number)) / number


def _optional_validate() -> Callable[[Passport], Any] | None:
    try:
        from rarepassport import validate
    except ImportError:
        return None
    return validate


def _optional_schema_validator() -> tuple[Callable[[Any], Any] | None, str]:
    """A function checking a parsed document against the JSON Schema, or why there is none."""
    try:
        import jsonschema  # type: ignore[import-untyped]

        from rarepassport import json_schema
    except ImportError as exc:
        return None, f"skipped: {exc}"
    validator = jsonschema.Draft202012Validator(json_schema())

    def check(document: Any) -> None:
        # iter_errors walks the whole document, as validate() does.
        for _ in validator.iter_errors(document):
            pass

    return check, ""


def documents() -> list[tuple[str, bytes]]:
    """``(name, JSON bytes)`` for every example, then the stress passport."""
    result = []
    for path in sorted(EXAMPLES.iterdir()):
        if path.suffix in (".json", ".yaml", ".yml"):
            passport = rarepassport.load(path)
            result.append((path.name, rarepassport.dumps(passport).encode("utf-8")))
    sys.path.insert(0, str(ROOT / "tests"))
    try:
        from helpers.stress import make_stress_passport  # type: ignore[import-not-found]
    except ImportError:
        pass
    else:
        result.append(("stress (tests/helpers/stress.py)", rarepassport.dumps(make_stress_passport()).encode("utf-8")))
    return result


def measure(data: bytes, repeat: int) -> dict[str, float | None]:
    """Seconds per call of each step and each floor, for one document."""
    validate = _optional_validate()
    schema_check, _ = _optional_schema_validator()
    document = orjson.loads(data)
    passport = rarepassport.loads(data)
    if validate is not None:
        # The benchmark is meaningless on a passport the library rejects.
        report = validate(passport)
        if not report.ok:
            raise SystemExit(f"a benchmark passport does not validate: {[str(i) for i in report.errors]}")
    times: dict[str, float | None] = {
        "orjson.loads": best_seconds(lambda: orjson.loads(data), repeat),
        "orjson.dumps": best_seconds(lambda: orjson.dumps(document), repeat),
        "load": best_seconds(lambda: rarepassport.loads(data), repeat),
        "dumps": best_seconds(lambda: rarepassport.dumps(passport), repeat),
        "validate": None,
        "jsonschema": None,
    }
    if validate is not None:
        times["validate"] = best_seconds(lambda: validate(passport), repeat)
    if schema_check is not None:
        times["jsonschema"] = best_seconds(lambda: schema_check(document), repeat)
    return times


def _us(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    micro = seconds * 1e6
    return f"{micro:.1f}" if micro < 10 else f"{micro:,.0f}"


def _ratio(numerator: float | None, denominator: float | None) -> str:
    if numerator is None or denominator is None:
        return "-"
    ratio = numerator / denominator
    return f"{ratio:.2f}×" if ratio < 1 else f"{ratio:.1f}×"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print a table; exit status 1 when the target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=5, help="timeit repeats; the best is kept (default 5)")
    args = parser.parse_args(argv)

    notes = []
    if _optional_validate() is None:
        notes.append("validate: skipped, rarepassport.validation is not available yet")
    schema_check, why = _optional_schema_validator()
    if schema_check is None:
        notes.append(f"jsonschema column {why}")

    print(f"rarepassport {rarepassport.__version__}, Python {sys.version.split()[0]}, best of {args.repeat}")
    print("times in microseconds per call; ratios are to the floor measured on the same document\n")
    header = (
        f"{'passport':<32}{'bytes':>8}{'orjson':>9}{'load':>9}{'valid.':>9}{'dumps':>9}{'schema':>9}"
        f"{'load/orj':>10}{'l+v/orj':>9}{'dump/orj':>10}{'val/sch':>9}{'l+v/sch':>9}"
    )
    print(header)
    print("-" * len(header))
    results = []
    for name, data in documents():
        t = measure(data, args.repeat)
        results.append((name, data, t))
        load_validate = t["load"] + t["validate"] if t["load"] is not None and t["validate"] is not None else None
        print(
            f"{name[:31]:<32}{len(data):>8,}{_us(t['orjson.loads']):>9}{_us(t['load']):>9}"
            f"{_us(t['validate']):>9}{_us(t['dumps']):>9}{_us(t['jsonschema']):>9}"
            f"{_ratio(t['load'], t['orjson.loads']):>10}{_ratio(load_validate, t['orjson.loads']):>9}"
            f"{_ratio(t['dumps'], t['orjson.dumps']):>10}{_ratio(t['validate'], t['jsonschema']):>9}"
            f"{_ratio(load_validate, t['jsonschema']):>9}"
        )
    for note in notes:
        print(f"note: {note}")

    examples = [row for row in results if not row[0].startswith("stress")]
    name, data, t = max(examples, key=lambda row: len(row[1]))
    load_validate = (t["load"] or 0.0) + (t["validate"] or 0.0)
    ratio = load_validate / (t["orjson.loads"] or 1.0)
    met = ratio <= TARGET_RATIO
    what = "load + validate" if t["validate"] is not None else "load (validate not available)"
    print(
        f"\ntarget: {what} of the largest example ({name}, {len(data):,} bytes) is "
        f"{ratio:.1f}× orjson.loads: {'MET' if met else 'MISSED'} (target ≤ {TARGET_RATIO:.0f}×)"
    )
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
