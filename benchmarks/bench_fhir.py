"""Benchmark: FHIR IPS export and import against fhir.resources parsing the same bundle.

Run from the repository root::

    python benchmarks/bench_fhir.py            # the largest example in examples/
    python benchmarks/bench_fhir.py --stress   # also the 20-diagnosis stress passport
    python benchmarks/bench_fhir.py FILE ...   # any passports

For each passport it prints the median time of ``to_ips`` (export), of ``from_ips``
after ``json.loads`` (our import, from text), and of ``fhir.resources``'
``Bundle.model_validate_json`` on the same text (parsing and checking only, no mapping),
and the ratio of our import to that parse. The target is a ratio of 1.0 or less: reading
a bundle into a passport should cost no more than a FHIR library's own parse of it.
"""

from __future__ import annotations

import argparse
import datetime
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TODAY = datetime.date(2026, 11, 27)


def _median_seconds(action: Callable[[], object], *, rounds: int) -> float:
    action()  # warm caches (plugin manager, pydantic validators) outside the timing
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _largest_example() -> Path:
    candidates = [p for p in (ROOT / "examples").iterdir() if p.suffix in (".json", ".yaml", ".yml")]
    return max(candidates, key=lambda path: path.stat().st_size)


def bench(name: str, passport: object, *, rounds: int) -> float:
    """Print one line of timings for a passport; returns import/parse ratio."""
    from fhir.resources.R4B.bundle import Bundle

    from rarepassport.fhir import from_ips, to_ips

    bundle = to_ips(passport, today=TODAY)  # type: ignore[arg-type]
    text = json.dumps(bundle, ensure_ascii=False)
    export = _median_seconds(lambda: to_ips(passport, today=TODAY), rounds=rounds)  # type: ignore[arg-type]
    ours = _median_seconds(lambda: from_ips(json.loads(text)), rounds=rounds)
    theirs = _median_seconds(lambda: Bundle.model_validate_json(text), rounds=rounds)
    ratio = ours / theirs
    print(f"{name:<34} {len(bundle['entry']):>7} {len(text) / 1024:>7.1f} "
          f"{export * 1000:>9.2f} {ours * 1000:>9.2f} {theirs * 1000:>11.2f} {ratio:>6.2f}")
    return ratio


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("files", nargs="*", type=Path, help="passport files (default: the largest example)")
    parser.add_argument("--stress", action="store_true", help="also the stress passport of tests/helpers/stress.py")
    parser.add_argument("--rounds", type=int, default=50, help="timed rounds per measurement (default 50)")
    args = parser.parse_args(argv)

    import rarepassport

    files = args.files or [_largest_example()]
    print(f"{'passport':<34} {'entries':>7} {'KiB':>7} {'export ms':>9} {'import ms':>9} "
          f"{'fhir.res ms':>11} {'ratio':>6}")
    ratios = [bench(path.name, rarepassport.load(path), rounds=args.rounds) for path in files]
    if args.stress:
        sys.path.insert(0, str(ROOT / "tests"))
        from stress import make_stress_passport

        ratios.append(bench("stress passport", make_stress_passport(), rounds=args.rounds))
    worst = max(ratios)
    verdict = "met" if worst <= 1.0 else "NOT met"
    print(f"target (import <= fhir.resources parse): {verdict}; worst ratio {worst:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
