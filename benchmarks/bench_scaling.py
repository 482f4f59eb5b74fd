"""Benchmark: does rendering stay linear in the size of the passport?

Run from the repository root::

    python benchmarks/bench_scaling.py              # every backend, sizes 1x, 4x, 16x, 64x
    python benchmarks/bench_scaling.py text html    # only these backends

Two kinds of growth are measured, because hostile input grows in both: one very long
word (an address of ``base × n`` characters with no space, which wrapping must split)
and many items (``n`` medicines). For each backend it prints the best-of-3 time at each
size and the exponent ``k`` of ``time ∝ size^k`` fitted on a log-log scale: about 1 is
linear; 2 would be quadratic (text wrapping was, for long words, before issue 10).
The passports are fictional; nothing is written to disk.
"""

from __future__ import annotations

import math
import sys
import timeit
import warnings

import rarepassport as rp

SIZES = (1, 4, 16, 64)
WORD = 1_500  # characters of the long word at 1x
ITEMS = 10  # medicines at 1x


def long_word(n: int) -> rp.Passport:
    return rp.from_dict({"schema_version": "1.0", "person": {
        "name": "Ada Example", "date_of_birth": "2015-03-02", "address": "x" * (WORD * n)}})


def many_items(n: int) -> rp.Passport:
    return rp.from_dict({"schema_version": "1.0",
                         "person": {"name": "Ada Example", "date_of_birth": "2015-03-02"},
                         "medications": [{"name": f"Medicine {i}", "dose": "10 mg"} for i in range(ITEMS * n)]})


def exponent(times: list[float]) -> float:
    xs = [math.log(size) for size in SIZES]
    ys = [math.log(max(t, 1e-6)) for t in times]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sum((x - mean_x) ** 2 for x in xs)


def main(formats: list[str]) -> None:
    warnings.simplefilter("ignore")
    for name, make in (("long word", long_word), ("many items", many_items)):
        print(f"\n{name}: " + "  ".join(f"{size:>6}x" for size in SIZES) + "   exponent")
        for format in formats:
            times = []
            for size in SIZES:
                passport = make(size)
                times.append(min(timeit.repeat(
                    lambda passport=passport, format=format: rp.render(passport, format), number=1, repeat=3)))
            row = "  ".join(f"{t:7.3f}" for t in times)
            print(f"  {format:<9} {row}   {exponent(times):5.2f}")


if __name__ == "__main__":
    main(sys.argv[1:] or rp.available_formats())
