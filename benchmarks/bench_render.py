"""Render benchmark: the pdf and card backends against WeasyPrint, warm and cold, memory.

Run from the repository root (WeasyPrint comes with ``pip install -e '.[bench]'``)::

    python benchmarks/bench_render.py                 # the full run, a few minutes
    python benchmarks/bench_render.py --quick         # fewer repetitions, for a smoke test

It uses the largest example passport (by file size, from ``examples/`` and the bundled
demo passport) and prints, each against its target:

1. the full A4 PDF and the wallet card, against WeasyPrint turning this project's own
   HTML rendering of the same passport into a PDF (target: the PDF costs at most a
   fifth of WeasyPrint);
2. 100 renders in one process against one cold render in a fresh subprocess (import,
   font loading, render; target: at most 40 times the cold render, i.e. fonts and
   imports are paid once);
3. growth of the resident memory over 1,000 renders after the first 10 (target: at
   most 20 MB, i.e. nothing accumulates per render).

Timing lives here, never in the tests.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [*sorted((ROOT / "examples").glob("*.json")), *sorted((ROOT / "examples").glob("*.yaml")),
           ROOT / "src" / "rarepassport" / "data" / "example-passport.json"]


def largest_example() -> Path:
    return max((path for path in SOURCES if path.exists()), key=lambda path: path.stat().st_size)


def timed(function: Callable[[], object], repeat: int) -> float:
    """Median seconds of ``repeat`` calls, after one warm-up call."""
    function()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def rss_mb() -> float:
    """Resident memory of this process now, in MB (Linux /proc, else peak via resource)."""
    statm = Path("/proc/self/statm")
    if statm.exists():
        pages = int(statm.read_text().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 1e6
    import resource  # pragma: no cover - macOS and others: peak, which only grows

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1e6 if sys.platform == "darwin" else 1e3)


COLD = """
import sys, time
start = time.perf_counter()
import rarepassport
from rarepassport import render_rendered
passport = rarepassport.load(sys.argv[1])
render_rendered(passport, "pdf", "full")
print(time.perf_counter() - start)
"""


def cold_render_seconds(path: Path, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        result = subprocess.run([sys.executable, "-c", COLD, str(path)], capture_output=True, text=True, check=True)
        samples.append(float(result.stdout.strip()))
    return statistics.median(samples)


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def main() -> int:
    parser = argparse.ArgumentParser(description="Render benchmark for the pdf and card backends.")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (a smoke test, not a measurement)")
    parser.add_argument("--memory-renders", type=int, default=1000, help="renders for the memory check")
    args = parser.parse_args()
    repeat = 2 if args.quick else 5
    memory_renders = 50 if args.quick else args.memory_renders

    import rarepassport
    from rarepassport import layout, render_document

    path = largest_example()
    passport = rarepassport.load(path)
    full = layout(passport, "full")
    emergency = layout(passport, "emergency")
    html = render_document(full, "html").data
    print(f"passport: {path.relative_to(ROOT)} ({path.stat().st_size:,} bytes)")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs\n")

    pdf_seconds = timed(lambda: render_document(full, "pdf"), repeat)
    card_seconds = timed(lambda: render_document(emergency, "card"), repeat)
    pages = render_document(full, "pdf").data.count(b"/Type /Page\n")
    print(f"1. full A4 PDF: {pdf_seconds * 1000:7.1f} ms   wallet card: {card_seconds * 1000:7.1f} ms")
    try:
        import weasyprint
    except ImportError:
        print("   WeasyPrint is not installed (pip install -e '.[bench]'): comparison skipped")
    else:
        weasy_seconds = timed(lambda: weasyprint.HTML(string=html.decode("utf-8")).write_pdf(), repeat)
        ratio = pdf_seconds / weasy_seconds
        print(f"   WeasyPrint (our HTML to PDF): {weasy_seconds * 1000:7.1f} ms")
        print(f"   pdf / WeasyPrint = {ratio:.3f}  (target <= 0.200)  {verdict(ratio <= 0.2)}")

    cold = cold_render_seconds(path, 1 if args.quick else 3)
    start = time.perf_counter()
    for _ in range(100):
        render_document(full, "pdf")
    hundred = time.perf_counter() - start
    ratio = hundred / cold
    print(f"\n2. one cold render (new process, import included): {cold * 1000:7.1f} ms")
    print(f"   100 renders in one process: {hundred:6.2f} s = {ratio:.1f} x cold  (target <= 40)  "
          f"{verdict(ratio <= 40)}")

    for _ in range(10):
        render_document(full, "pdf")
    gc.collect()
    before = rss_mb()
    peak = before
    for index in range(memory_renders):
        render_document(full, "pdf")
        if index % 50 == 0:
            peak = max(peak, rss_mb())
    gc.collect()
    after = rss_mb()
    growth = max(after, peak) - before
    print(f"\n3. memory over {memory_renders} renders after the first 10: {before:.1f} MB -> peak "
          f"{max(after, peak):.1f} MB, growth {growth:.1f} MB  (target <= 20)  {verdict(growth <= 20)}")
    print(f"\n({pages} pages per PDF)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
