"""Every rarepassport benchmark in one run, each result a ratio to a peer measured in the same run.

Run from the repository root::

    pip install -e '.[bench]'          # ReportLab, WeasyPrint, orjson (and Dask for the batch rows)
    python benchmarks/run.py            # the full run, several minutes
    python benchmarks/run.py --quick    # fewer repetitions and passports: a smoke test
    python benchmarks/run.py pdf cjk    # only these groups

Groups: ``pdf`` (PDF and card against ReportLab platypus and WeasyPrint), ``cjk`` (a
passport with a few Chinese, Devanagari or Arabic characters against the same passport
in Latin), ``throughput`` (distinct generated passports per CPU-second), ``batch``
(``rarepassport.batch`` with 1 and 2 worker processes, and, when Dask is installed, the
recipes of docs/batch.md on ``dask.bag`` and a ``LocalCluster``: wall time and the
busiest worker's CPU time, with how the passports spread over the workers),
``startup`` (``import rarepassport``, ``--version``, ``validate`` against ``python -c
pass``), ``load`` (load + validate against ``orjson.loads``) and ``scaling`` (exponent of
time against content size, 1x/4x/16x/64x).

Absolute times depend on the machine and on what else runs on it; ratios measured
side by side in one run are what to compare. Peers and our code are timed interleaved
(one call of each in turn) and the best of N is kept, so a burst of load elsewhere
hits both. Timing lives here, never in the tests.
"""

from __future__ import annotations

import argparse
import copy
import json
import math
import os
import platform
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

import rarepassport as rp  # noqa: E402

LARGEST = ROOT / "examples" / "child-several-diagnoses.json"
SCRIPTS = {"Chinese": "王小明", "Devanagari": "अनन्या", "Arabic": "ليلى"}
ROWS: list[tuple[str, str, str, str, str]] = []


def row(measure: str, ours: str, peer: str, ratio: float | None, target: str = "") -> None:
    shown = "-" if ratio is None else f"{ratio:.2f}×"
    ROWS.append((measure, ours, peer, shown, target))
    print(f"  {measure:<46} {ours:>12} {peer:>34} {shown:>8}  {target}", flush=True)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def interleaved(functions: list[Callable[[], object]], repeat: int) -> list[float]:
    """Best seconds of each function, calling them in turn ``repeat`` times (after a warm-up)."""
    for function in functions:
        function()
    best = [math.inf] * len(functions)
    for _ in range(repeat):
        for index, function in enumerate(functions):
            start = time.perf_counter()
            function()
            best[index] = min(best[index], time.perf_counter() - start)
    return best


def passport_dict(path: Path = LARGEST) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def generated(count: int) -> list[rp.Passport]:
    """``count`` distinct passports: the largest example with a different person each time."""
    from batch_inputs import generated_passports

    return [rp.from_dict(data) for data in generated_passports(count)]


# --- groups ---------------------------------------------------------------------------


def bench_pdf(repeat: int) -> None:
    from rarepassport import render_rendered
    from rarepassport.rendering._card import _essentials_texts

    print("\nPDF and wallet card against ReportLab platypus and WeasyPrint (same content)")
    passport = rp.from_dict(passport_dict())
    document = rp.layout(passport, "full")
    card_document = rp.layout(passport, "emergency")
    card_texts = [text for _where, text in _essentials_texts(card_document.essentials)]
    ours_pdf = lambda: render_rendered(passport, "pdf", "full")  # noqa: E731
    ours_card = lambda: render_rendered(passport, "card")  # noqa: E731
    try:
        from reportlab_equivalent import reportlab_card, reportlab_pdf
    except ImportError:
        row("full A4 PDF", "-", "ReportLab not installed", None)
        return
    pdf, rl_pdf, card, rl_card = interleaved(
        [ours_pdf, lambda: reportlab_pdf(document), ours_card, lambda: reportlab_card(card_texts)], repeat)
    row("full A4 PDF vs ReportLab platypus", ms(pdf), f"ReportLab {ms(rl_pdf)}", pdf / rl_pdf, "≤ 1×")
    row("wallet card vs ReportLab platypus card", ms(card), f"ReportLab {ms(rl_card)}", card / rl_card)
    row("wallet card, absolute", ms(card), "", None, "< 50 ms")
    if os.environ.get("RAREPASSPORT_BENCH_NO_WEASYPRINT"):
        # WeasyPrint's own font set-up can take minutes on a machine with the full Noto CJK.
        row("full A4 PDF vs WeasyPrint", ms(pdf), "skipped (--no-weasyprint)", None)
        return
    try:
        import weasyprint  # type: ignore[import-untyped]
    except Exception:
        row("full A4 PDF vs WeasyPrint", ms(pdf), "WeasyPrint not installed", None)
        return
    html = rp.render(passport, "html", "full").decode()
    (weasy,) = interleaved([lambda: weasyprint.HTML(string=html).write_pdf()], max(2, repeat // 3))
    row("full A4 PDF vs WeasyPrint on our HTML", ms(pdf), f"WeasyPrint {ms(weasy)}", pdf / weasy, "≤ 0.2×")
    row("wallet card vs WeasyPrint on our HTML", ms(card), f"WeasyPrint {ms(weasy)}", card / weasy)


def bench_cjk(repeat: int) -> None:
    from rarepassport import render_rendered

    print("\nA few characters of another script against the same passport in Latin (fonts found on this system)")
    latin = passport_dict()
    base = rp.from_dict(latin)
    for script, name in SCRIPTS.items():
        data = copy.deepcopy(latin)
        data["person"]["name"] = f"{data['person']['name']} {name}"
        other = rp.from_dict(data)
        for format, view in (("pdf", "full"), ("card", None)):
            try:
                latin_time, other_time = interleaved(
                    [lambda f=format, v=view: render_rendered(base, f, v),
                     lambda f=format, v=view, o=other: render_rendered(o, f, v)], repeat)
            except rp.RenderError as error:
                row(f"{format}: {script}", "-", f"cannot draw: {type(error).__name__}", None)
                continue
            row(f"{format} with 3–6 {script} characters vs Latin", ms(other_time), f"Latin {ms(latin_time)}",
                other_time / latin_time, "≤ 1.2×")


def bench_throughput(count: int) -> None:
    print(f"\nThroughput: {count} distinct generated passports, one process (per CPU-second of this process)")
    passports = generated(count)
    for format, view in (("pdf", "full"), ("card", None), ("html", "full")):
        subset = passports if format == "html" else passports[: max(20, count // 10)]
        start = time.process_time()
        for passport in subset:
            rp.render(passport, format, view)
        spent = time.process_time() - start
        row(f"{format}: passports per CPU-second", f"{len(subset) / spent:.1f}/s", f"{len(subset)} passports", None)
    data = [json.dumps(rp.to_dict(passport)).encode() for passport in passports]
    start = time.process_time()
    for raw in data:
        rp.validate(rp.loads(raw))
    spent = time.process_time() - start
    row("load + validate: passports per CPU-second", f"{len(data) / spent:.0f}/s", f"{len(data)} passports", None)


def _worker_pid(_item: object, seconds: float = 0.02) -> int:
    time.sleep(seconds)  # long enough that every worker of the pool has started
    return os.getpid()


def _spread(bag: Any, **compute: Any) -> str:
    """How many items each worker process ran (counted, not timed)."""
    from collections import Counter

    pids = bag.map(_worker_pid, 0.25).compute(scheduler="processes", num_workers=2, **compute)
    return "/".join(str(n) for n in sorted(Counter(pids).values(), reverse=True))


def _traced_write(item: Any, output: Any, **settings: Any) -> tuple[Any, int, float, float]:
    """``batch.write_item``, with the worker's pid and its process CPU time before and after."""
    from rarepassport import batch

    before = time.process_time()
    result = batch.write_item(item, output, **settings)
    return result, os.getpid(), before, time.process_time()


def _cpu_makespan(traces: list[tuple[Any, int, float, float]], *, from_start: bool) -> tuple[float, str]:
    """The CPU seconds of the busiest worker, and each worker's passports: on two idle
    cores the wall time of the run is about this, whatever else the machine runs now
    (counted from each worker's CPU clock, which does not run while it waits for a
    core). ``from_start``: from the worker process's start (its start-up counted), else
    from its first passport."""
    busy: dict[int, tuple[float, float, int]] = {}
    for _result, pid, before, after in traces:
        first, last, count = busy.get(pid, (before, after, 0))
        busy[pid] = (min(first, before), max(last, after), count + 1)
    spans = {pid: (last if from_start else last - first) for pid, (first, last, _n) in busy.items()}
    counts = "/".join(str(n) for _f, _l, n in sorted(busy.values(), key=lambda b: -b[2]))
    return max(spans.values()), counts


def _warm_pool(workers: int) -> Any:
    """A spawn pool whose workers have all started and run ``batch.warm_up`` (the recipe
    of docs/batch.md for several ``compute()`` calls)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from rarepassport import batch

    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=batch.warm_up, initargs=("pdf",))
    # Slow tasks until every worker has run one: all started, each ran warm_up first.
    while len(set(pool.map(_worker_pid, range(workers), [0.5] * workers))) < workers:
        pass
    return pool


def bench_batch(count: int) -> None:
    import pickle
    import tempfile

    from rarepassport import batch

    print(f"\nBatch: {count} generated passports to PDF, 1 and 2 workers: local pool, dask.bag, LocalCluster")
    from batch_inputs import generated_passports

    load = "/".join(f"{value:.1f}" for value in os.getloadavg())
    # This process renders once first: every "1 worker" row then measures the work
    # itself, not this process's start-up (which a forked pool worker inherits).
    start_up = batch.warm_up("pdf")
    row("start-up of one process (CPU; counted once per worker)", f"{start_up:.2f} s",
        f"load average {load}", None)
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "in.ndjson"
        source.write_text("".join(json.dumps(data) + "\n" for data in generated_passports(count)))
        times = {}
        for jobs in (1, 2):
            out = Path(folder) / f"out{jobs}"
            start = time.perf_counter()
            summary = batch.run_batch([source], out, format="pdf", jobs=jobs)
            times[jobs] = time.perf_counter() - start
            assert summary.failed == 0, summary
        row("batch pdf, 2 workers vs 1 (process pool)", f"{times[2]:.2f} s", f"1 worker {times[1]:.2f} s",
            times[1] / times[2], "≥ 1.8× on 2 idle cores")
        try:
            import dask.bag as db  # type: ignore[import-untyped]
        except ImportError:
            row("dask.bag, 2 processes vs 1", "-", "Dask not installed", None)
            return
        items = list(batch.iter_inputs([source]))
        # What changed, counted: how the tasks spread over two workers, and the bytes back.
        old_bag = db.from_sequence(items, npartitions=8)
        new_bag = db.from_sequence(items, partition_size=1)
        row("items per worker: npartitions=8, chunksize 6 (old)", _spread(old_bag),
            f"{old_bag.npartitions} partitions", None)
        row("items per worker: partition_size=1, chunksize=1", _spread(new_bag, chunksize=1),
            f"{new_bag.npartitions} partitions", None)
        sample = items[0]
        returned = len(pickle.dumps(batch.render_item(sample, format="pdf")))
        written = len(pickle.dumps(batch.write_item(sample, Path(folder) / "sample", format="pdf")))
        row("bytes back per passport: write_item vs render_item", f"{written} B", f"render_item {returned} B",
            written / returned)

        def dask_bag(workers: int, pool: Any = None) -> tuple[float, float, str]:
            out = Path(folder) / f"bag{workers}{'w' if pool else ''}"
            bag = db.from_sequence(items, partition_size=max(1, len(items) // (workers * 16)))
            start = time.perf_counter()
            compute: dict[str, Any] = {"pool": pool} if pool is not None else {"num_workers": workers}
            traces = bag.map(_traced_write, out, format="pdf").compute(scheduler="processes", chunksize=1, **compute)
            batch.write_manifest(out, [trace[0] for trace in traces], format="pdf")
            spent = time.perf_counter() - start
            assert all(trace[0].ok for trace in traces)
            return (spent, *_cpu_makespan(traces, from_start=pool is None))

        def rows(what: str, one: tuple[float, float, str], two: tuple[float, float, str], target: str) -> None:
            row(f"{what}: wall time", f"{two[0]:.2f} s", f"1 worker {one[0]:.2f} s", one[0] / two[0], target)
            row(f"{what}: busiest worker's CPU", f"{two[1]:.2f} s ({two[2]})", f"1 worker {one[1]:.2f} s",
                one[1] / two[1], target)

        fresh = {workers: dask_bag(workers) for workers in (1, 2)}
        rows("dask.bag pdf 2 vs 1, new spawn workers", fresh[1], fresh[2], "start-up included")
        warm = {}
        for workers in (1, 2):
            with _warm_pool(workers) as pool:
                warm[workers] = dask_bag(workers, pool)
        rows("dask.bag pdf 2 vs 1, warm pool (recipe)", warm[1], warm[2], "≥ 1.8× on 2 idle cores")
        try:
            from distributed import Client, LocalCluster  # type: ignore[import-untyped]
        except ImportError:
            row("LocalCluster, 2 workers vs 1", "-", "distributed not installed", None)
            return
        cluster: dict[int, tuple[float, float, str]] = {}
        warm_ups: list[float] = []
        for workers in (1, 2):
            out = Path(folder) / f"cluster{workers}"
            with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                              dashboard_address=None) as local, Client(local) as client:
                warm_ups += client.run(batch.warm_up, "pdf").values()
                bag = db.from_sequence(items, partition_size=max(1, len(items) // (workers * 16)))
                start = time.perf_counter()
                traces = bag.map(_traced_write, str(out), format="pdf").compute()
                batch.write_manifest(out, [trace[0] for trace in traces], format="pdf")
                cluster[workers] = (time.perf_counter() - start, *_cpu_makespan(traces, from_start=False))
            assert all(trace[0].ok for trace in traces)
        rows("LocalCluster pdf 2×1 vs 1×1 (warm)", cluster[1], cluster[2], "≥ 1.8× on 2 idle cores")
        row("start-up of a cluster worker (CPU, client.run)", f"{max(warm_ups):.2f} s",
            f"{len(warm_ups)} workers", None)
        load = "/".join(f"{value:.1f}" for value in os.getloadavg())
        row("load average at the end of the batch group", load, "", None)


def _run_env(bytecode_cache: str | None = None) -> dict[str, str]:
    """The environment of a child ``python``: our ``src`` first; with ``bytecode_cache``,
    compiled modules kept in that folder (as an installed package has its ``.pyc``
    files) even when ``PYTHONDONTWRITEBYTECODE`` is set here."""
    paths = (str(ROOT / "src"), os.environ.get("PYTHONPATH", ""))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in paths if p))
    if bytecode_cache is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = bytecode_cache
    return env


def _child_cpu(argv: list[str], env: dict[str, str]) -> float:
    """CPU seconds (user + system) a child process used: unlike its wall time, this does
    not count the time it waited for a core on a machine shared with other work."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(argv, env=env, check=False, capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def bench_startup(repeat: int) -> None:
    import tempfile

    print("\nStart-up, fresh interpreter each time, against `python -c pass` (interleaved; CPU time)")
    python = sys.executable
    commands = [
        [python, "-c", "pass"],
        [python, "-c", "import rarepassport"],
        [python, "-m", "rarepassport", "--version"],
        [python, "-m", "rarepassport", "validate", str(LARGEST)],
    ]
    with tempfile.TemporaryDirectory() as cache:
        # Compiled once (the warm-up round), then read from the cache, as after
        # `pip install`; the last row compiles our source on every start.
        env, uncached = _run_env(cache), dict(_run_env(), PYTHONDONTWRITEBYTECODE="1")
        runs = [(argv, env) for argv in commands] + [(commands[-1], uncached)]
        for argv, run_env in runs:
            _child_cpu(argv, run_env)
        best = [math.inf] * len(runs)
        for _ in range(repeat):
            for index, (argv, run_env) in enumerate(runs):
                best[index] = min(best[index], _child_cpu(argv, run_env))
    bare, imported, version, validate, validate_uncached = best
    row("import rarepassport", ms(imported), f"python -c pass {ms(bare)}", imported / bare, "≤ 3×")
    row("rarepassport --version", ms(version), f"python -c pass {ms(bare)}", version / bare, "≤ 3×")
    row("rarepassport validate one.json", ms(validate), f"python -c pass {ms(bare)}", validate / bare, "≤ 5×")
    row("validate one.json, no bytecode cache", ms(validate_uncached), f"python -c pass {ms(bare)}",
        validate_uncached / bare)


def bench_load(repeat: int) -> None:
    print("\nLoad + validate against orjson.loads of the same bytes")
    try:
        import orjson
    except ImportError:
        row("load + validate vs orjson.loads", "-", "orjson not installed", None)
        return
    for path in (LARGEST, ROOT / "examples" / "minimal.json"):
        raw = path.read_bytes()
        ours, peer = interleaved(
            [lambda raw=raw: rp.validate(rp.loads(raw)), lambda raw=raw: orjson.loads(raw)], repeat * 20)
        row(f"load + validate {path.name} ({len(raw) // 1024} KB)", f"{ours * 1e6:.0f} µs",
            f"orjson.loads {peer * 1e6:.0f} µs", ours / peer, "≤ 10×")


def bench_scaling(repeat: int) -> None:
    from bench_scaling import SIZES, exponent, many_items

    print("\nScaling with content size (" + "/".join(f"{s}×" for s in SIZES) + "): fitted exponent, 1 = linear")
    passports = [many_items(size) for size in SIZES]
    raw = [json.dumps(rp.to_dict(p)).encode() for p in passports]
    cases: list[tuple[str, Callable[[int], object]]] = [
        ("load + validate", lambda i: rp.validate(rp.loads(raw[i]))),
        ("pdf", lambda i: rp.render(passports[i], "pdf", "full")),
        ("html", lambda i: rp.render(passports[i], "html", "full")),
    ]
    for name, function in cases:
        times = [min(interleaved([lambda i=i, f=function: f(i)], max(1, repeat // 2))) for i in range(len(SIZES))]
        row(f"{name}: exponent of time vs size", f"{exponent(times):.2f}",
            " / ".join(f"{t * 1000:.0f}" for t in times) + " ms", None, "≈ 1")


GROUPS: dict[str, Callable[[int, int], None]] = {
    "pdf": lambda repeat, count: bench_pdf(repeat),
    "cjk": lambda repeat, count: bench_cjk(repeat),
    "throughput": lambda repeat, count: bench_throughput(count),
    "batch": lambda repeat, count: bench_batch(max(20, count // 10)),
    "startup": lambda repeat, count: bench_startup(repeat),
    "load": lambda repeat, count: bench_load(repeat),
    "scaling": lambda repeat, count: bench_scaling(max(2, repeat // 2)),
}


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    model = Path("/proc/cpuinfo")
    if model.exists():
        for line in model.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (f"{cpu}, {os.cpu_count()} logical cores, load average {load:.1f} at start; "
            f"Python {platform.python_version()} on {platform.system()} {platform.release()}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("groups", nargs="*", choices=[*GROUPS, []], help="groups to run (default: all)")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions and passports: a smoke test")
    parser.add_argument("--repeat", type=int, help="repetitions of each timing (default 10; 3 with --quick)")
    parser.add_argument("--passports", type=int,
                        help="generated passports for throughput (default 1000; 50 with --quick); "
                             "the batch uses a tenth of them, at least 20")
    parser.add_argument("--markdown", type=Path, help="also write the results as a Markdown table here")
    parser.add_argument("--no-weasyprint", action="store_true",
                        help="leave out the WeasyPrint rows (slow where many fonts are installed)")
    args = parser.parse_args(argv)
    if args.no_weasyprint:
        os.environ["RAREPASSPORT_BENCH_NO_WEASYPRINT"] = "1"
    warnings.simplefilter("ignore")
    print(machine())
    repeat = args.repeat or (3 if args.quick else 10)
    count = args.passports or (50 if args.quick else 1000)
    for name in args.groups or list(GROUPS):
        GROUPS[name](repeat, count)
    if args.markdown:
        lines = ["| measure | rarepassport | peer (same run) | ratio | target |", "|---|---|---|---|---|"]
        lines += ["| " + " | ".join(cells) + " |" for cells in ROWS]
        args.markdown.write_text(machine() + "\n\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
