"""`rarepassport.batch`: many passports in one run, one bad one reported, resumable, atomic.

Issue 13, points 4 and 5. Outputs are read back (pypdf) and checked against the manifest;
no timing here (the speed-up is measured in benchmarks/run.py).
"""

from __future__ import annotations

import copy
import hashlib
import io
import json
import pickle
import zipfile
from pathlib import Path

import pypdf
import pytest

from helpers.pdftext import poppler_text, pypdf_text
from rarepassport import batch

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "child-several-diagnoses.json"
NAMES = ("Oliver Brennan", "Amara Okafor", "Jonas Lindqvist", "Priya Haddad")


def _passports() -> list[dict]:
    base = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    out = []
    for name in NAMES:
        data = copy.deepcopy(base)
        data["person"]["name"] = name
        out.append(data)
    return out


@pytest.fixture
def ndjson(tmp_path: Path) -> Path:
    """Four good passports and, on line 3, a broken one."""
    lines = [json.dumps(p) for p in _passports()]
    lines.insert(2, '{"schema_version": "1.0", "person": {"name": "Broken", "date_of_birth": "not a date"}}')
    path = tmp_path / "in.ndjson"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def test_each_ndjson_line_becomes_a_card_listed_in_the_manifest(ndjson: Path, tmp_path: Path) -> None:
    summary = batch.run_batch([ndjson], tmp_path / "out", format="card", progress=False)
    manifest = json.loads(summary.manifest.read_text())
    assert [entry["source"].rsplit(":", 1)[1] for entry in manifest["items"]] == ["1", "2", "3", "4", "5"]
    good = [entry for entry in manifest["items"] if entry["status"] == "ok"]
    assert len(good) == 4
    for entry, name in zip(good, NAMES, strict=True):
        data = (tmp_path / "out" / entry["output"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        assert name in _pdf_text(data)


def test_a_bad_passport_is_reported_with_its_field_and_the_others_still_render(ndjson: Path, tmp_path: Path) -> None:
    summary = batch.run_batch([ndjson], tmp_path / "out", format="card", progress=False)
    assert (summary.ok, summary.failed) == (4, 1)
    failed = next(result for result in summary.results if result.status == "failed")
    assert failed.source.endswith(":3")
    assert "$.person.date_of_birth" in failed.error
    assert "not a date" not in failed.error  # the value itself is never echoed
    assert failed.output is None


def test_a_second_run_skips_outputs_already_complete_and_redoes_a_damaged_one(ndjson: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = batch.run_batch([ndjson], out, format="card", progress=False)
    damaged = out / first.results[0].output
    damaged.write_bytes(b"half a PDF")
    second = batch.run_batch([ndjson], out, format="card", progress=False)
    statuses = [result.status for result in second.results]
    assert statuses == ["ok", "skipped", "failed", "skipped", "skipped"]
    assert hashlib.sha256(damaged.read_bytes()).hexdigest() == second.results[0].sha256


def test_outputs_go_into_one_zip_with_its_manifest(ndjson: Path, tmp_path: Path) -> None:
    target = tmp_path / "cards.zip"
    summary = batch.run_batch([ndjson], target, format="card", progress=False)
    with zipfile.ZipFile(target) as archive:
        manifest = json.loads(archive.read(batch.MANIFEST_NAME))
        for entry in manifest["items"]:
            if entry["status"] == "ok":
                assert hashlib.sha256(archive.read(entry["output"])).hexdigest() == entry["sha256"]
    assert summary.manifest == target
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


def test_a_folder_a_glob_and_a_zip_of_passports_are_all_read(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for index, data in enumerate(_passports()[:2]):
        (folder / f"p{index}.json").write_text(json.dumps(data))
    archive = tmp_path / "more.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("nested/p9.json", json.dumps(_passports()[3]))
    names = [item.name for item in batch.iter_inputs([folder, str(tmp_path / "in" / "p1.*"), archive])]
    assert names == [str(folder / "p0.json"), str(folder / "p1.json"), str(folder / "p1.json"),
                     f"{archive}:nested/p9.json"]
    stems = [item.stem for item in batch.iter_inputs([folder, str(tmp_path / "in" / "p1.*")])]
    assert len(set(stems)) == len(stems)  # the same file twice gets two outputs, never one overwritten


def test_two_worker_processes_give_the_same_outputs_as_one(ndjson: Path, tmp_path: Path) -> None:
    one = batch.run_batch([ndjson], tmp_path / "one", format="card", jobs=1, progress=False)
    two = batch.run_batch([ndjson], tmp_path / "two", format="card", jobs=2, progress=False)
    def outline(summary: batch.BatchSummary) -> list[tuple[str, str, str | None]]:
        return [(r.source, r.status, r.output) for r in summary.results]

    assert outline(one) == outline(two)
    for result in two.results:
        if result.output:
            assert _pdf_text((tmp_path / "two" / result.output).read_bytes()) == \
                _pdf_text((tmp_path / "one" / result.output).read_bytes())


def test_validate_action_fails_only_the_invalid_passport_and_writes_only_the_manifest(
        ndjson: Path, tmp_path: Path) -> None:
    summary = batch.run_batch([ndjson], tmp_path / "out", action="validate", progress=False)
    assert [r.status for r in summary.results] == ["ok", "ok", "failed", "ok", "ok"]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [batch.MANIFEST_NAME]


def test_the_item_functions_and_their_results_pickle(ndjson: Path) -> None:
    # What a distributed engine ships to its workers: the function and, back, the result.
    assert pickle.loads(pickle.dumps(batch.render_json_line)) is batch.render_json_line
    result = batch.render_json_line(ndjson.read_text().splitlines()[0], format="card")
    again = pickle.loads(pickle.dumps(result))
    assert again.ok and again.data == result.data


def _same_as_local_batch(ndjson: Path, local: Path, engine: Path, results: list[batch.ItemResult]) -> None:
    """What an engine wrote with write_item + write_manifest is what run_batch writes."""
    assert all(result.data is None for result in results)  # only the small records travelled back
    manifest = json.loads(batch.write_manifest(engine, results, format="card").read_text())
    expected = json.loads(batch.run_batch([ndjson], local, format="card", progress=False).manifest.read_text())

    def without_output_checksums(recorded: dict) -> dict:
        # A PDF records when it was made (/CreationDate, /ID): two renders never share
        # bytes, so the outputs are compared by what they say, read back.
        return {**recorded, "items": [{k: v for k, v in entry.items() if k != "sha256"} for entry in recorded["items"]]}

    assert without_output_checksums(manifest) == without_output_checksums(expected)
    assert sorted(p.name for p in engine.iterdir()) == sorted(p.name for p in local.iterdir())  # no temporary files
    for result, name in zip([r for r in results if r.ok], NAMES, strict=True):
        data, local_data = (engine / result.output).read_bytes(), (local / result.output).read_bytes()
        assert hashlib.sha256(data).hexdigest() == result.sha256
        assert pypdf_text(data) == pypdf_text(local_data) and name in pypdf_text(data)
        assert poppler_text(data) == poppler_text(local_data)
    failed = next(result for result in results if not result.ok)
    assert failed.source.endswith(":3") and "$.person.date_of_birth" in failed.error and failed.output is None
    # The engine's folder is a batch folder: a local run resumes from its manifest.
    again = batch.run_batch([ndjson], engine, format="card", progress=False)
    assert [r.status for r in again.results] == ["skipped", "skipped", "failed", "skipped", "skipped"]


def test_dask_bag_workers_write_the_outputs_and_manifest_of_the_local_batch(ndjson: Path, tmp_path: Path) -> None:
    bag_module = pytest.importorskip("dask.bag")
    items = list(batch.iter_inputs([ndjson]))
    # One passport per partition and chunksize=1: a free worker takes the next one
    # (Dask's default chunksize of 6 sends most partitions of a small bag to one worker).
    bag = bag_module.from_sequence(items, partition_size=1)
    assert bag.npartitions == len(items)
    results = bag.map(batch.write_item, tmp_path / "dask", format="card").compute(
        scheduler="processes", num_workers=2, chunksize=1)
    _same_as_local_batch(ndjson, tmp_path / "local", tmp_path / "dask", results)


def test_dask_local_cluster_workers_warm_up_once_and_write_the_local_batch(ndjson: Path, tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    bag_module = pytest.importorskip("dask.bag")
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    with cluster, distributed.Client(cluster) as client:
        first = client.run(batch.warm_up, "card")
        second = client.run(batch.warm_up, "card")
        bag = bag_module.from_sequence(list(batch.iter_inputs([ndjson])), npartitions=2)
        results = bag.map(batch.write_item, str(tmp_path / "cluster"), format="card").compute()
    assert len(first) == 2 and all(seconds > 0 for seconds in first.values())
    assert set(second.values()) == {0.0}  # each worker warmed up once, in its own process
    _same_as_local_batch(ndjson, tmp_path / "local", tmp_path / "cluster", results)


def test_dask_local_cluster_spreads_the_passports_over_both_workers_at_once(ndjson: Path, tmp_path: Path) -> None:
    # The speed-up itself is a benchmark (benchmarks/run.py batch: about 1.9x on two idle
    # cores); what the test pins is its cause: with one passport per partition, both
    # workers render, and they render at the same time, not one after the other.
    distributed = pytest.importorskip("distributed")
    bag_module = pytest.importorskip("dask.bag")
    items = list(batch.iter_inputs([ndjson]))
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    with cluster, distributed.Client(cluster) as client:
        client.run(batch.warm_up, "card")
        bag = bag_module.from_sequence(items, partition_size=1)
        with distributed.get_task_stream(client) as stream:
            results = bag.map(batch.write_item, str(tmp_path / "cluster"), format="card").compute()
    assert len(results) == len(items) and sum(result.ok for result in results) == len(items) - 1
    computed = [(task["worker"], part["start"], part["stop"]) for task in stream.data
                for part in task["startstops"] if part["action"] == "compute"]
    workers = {worker for worker, _, _ in computed}
    assert len(workers) == 2
    overlapping = [(a, b) for a in computed for b in computed
                   if a[0] != b[0] and a[1] < b[2] and b[1] < a[2]]
    assert overlapping, "the two workers never computed at the same time"


def test_write_item_functions_pickle_by_reference_and_return_no_output_bytes(ndjson: Path, tmp_path: Path) -> None:
    cloudpickle = pytest.importorskip("cloudpickle")  # what Dask ships functions with
    batch.warm_up("card")  # this process's plugin manager is built: it must not travel with the function
    for function in (batch.write_item, batch.warm_up, batch.render_json_line):
        shipped = cloudpickle.dumps(function)
        assert len(shipped) < 200 and cloudpickle.loads(shipped) is function
    line = ndjson.read_text().splitlines()[0]
    result = batch.write_item(line, tmp_path / "out", format="card")
    assert result.ok and result.data is None and len(pickle.dumps(result)) < 1000
    digest = hashlib.sha256(line.encode()).hexdigest()[:16]
    assert (result.source, result.output) == (f"sha256:{digest}", f"passport-{digest}.pdf")
    assert NAMES[0] in _pdf_text((tmp_path / "out" / result.output).read_bytes())


def test_write_manifest_never_records_an_output_made_with_other_settings_as_complete(
        ndjson: Path, tmp_path: Path) -> None:
    # A cluster's workers may run other settings or plugin versions (other emergency
    # guidance) than the client that writes the manifest: such an output is not "done".
    out = tmp_path / "out"
    item = next(iter(batch.iter_inputs([ndjson])))
    made = batch.write_item(item, out, format="card", options={"qr": "emergency"})
    assert made.ok and made.made_with
    same = json.loads(batch.write_manifest(out, [made], format="card", options={"qr": "emergency"}).read_text())
    assert same["items"][0]["status"] == "ok"
    other = json.loads(batch.write_manifest(out, [made], format="card").read_text())
    entry = other["items"][0]
    assert entry["status"] == "failed" and "output" not in entry and "other settings" in entry["error"]
    again = batch.run_batch([ndjson], out, format="card", progress=False)
    assert again.results[0].status == "ok"  # made again, not skipped


def test_write_item_reports_an_output_it_cannot_write_and_never_raises(ndjson: Path, tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    item = next(iter(batch.iter_inputs([ndjson])))
    result = batch.write_item(item, blocked, format="card")
    assert result.status == "failed" and result.output is None and str(blocked) in result.error
    assert blocked.read_text() == "not a folder"


def test_the_batch_command_renders_reports_the_failure_and_exits_1(ndjson: Path, tmp_path: Path) -> None:
    import subprocess
    import sys

    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "rarepassport", "batch", str(ndjson), "-o", str(out), "-f", "card"],
                          capture_output=True, text=True)
    assert done.returncode == 1
    # Messages for people go to standard error (standard output is kept for data, -o -).
    assert "5 passport(s): 4 done, 0 already complete, 1 failed" in done.stderr
    assert f"failed: {ndjson}:3" in done.stderr and "not a date" not in done.stdout + done.stderr
    again = subprocess.run([sys.executable, "-m", "rarepassport", "batch", str(ndjson), "-o", str(out), "-f", "card"],
                           capture_output=True, text=True)
    assert "4 already complete" in again.stderr


def test_a_second_run_with_other_settings_redoes_every_output(ndjson: Path, tmp_path: Path) -> None:
    # Outputs depend on more than the input: the format, the options, the rarepassport
    # and plugin versions (new guidance). None of them may be skipped as "complete".
    out = tmp_path / "out"
    batch.run_batch([ndjson], out, format="card", progress=False)
    again = batch.run_batch([ndjson], out, format="card", options={"qr": "emergency"}, progress=False)
    assert [r.status for r in again.results] == ["ok", "ok", "failed", "ok", "ok"]
    manifest = json.loads(again.manifest.read_text())
    assert manifest["settings"]["rarepassport"] and manifest["settings"]["plugins"]


def test_worker_processes_leave_no_font_files_behind(ndjson: Path, tmp_path: Path) -> None:
    # Pool workers exit through os._exit (no atexit): their reduced fonts must still go.
    import os
    import subprocess
    import sys

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    code = ("import sys\nfrom rarepassport import batch\n"
            "s = batch.run_batch([sys.argv[1]], sys.argv[2], format='card', jobs=2, progress=False)\n"
            "assert s.ok == 4\n")
    subprocess.run([sys.executable, "-c", code, str(ndjson), str(tmp_path / "out")], check=True,
                   env={**os.environ, "TMPDIR": str(scratch)})
    assert not list(scratch.glob("rarepassport-fonts-*"))


def test_batch_trust_verifies_signed_checks_against_the_given_keys(tmp_path: Path) -> None:
    # Issue 14: ``batch --trust KEYS`` like ``render --trust``: a batch-rendered output says
    # "signature verified" only for a check signed by one of the given keys.
    import datetime as dt
    import subprocess
    import sys

    import rarepassport

    private, public = rarepassport.generate_key()
    _, other_public = rarepassport.generate_key()
    (tmp_path / "clinic.pub.jwk").write_text(json.dumps(public), encoding="utf-8")
    (tmp_path / "other.pub.jwk").write_text(json.dumps(other_public), encoding="utf-8")
    passport = rarepassport.load(EXAMPLE)
    signed = rarepassport.sign(passport, private, name="Dr Amina Rahman", role="consultant",
                               organisation="Anytown Hospital", sections=["emergency.protocols"],
                               reviewed_on=dt.date(2026, 11, 20))
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "signed.json").write_text(rarepassport.dumps(signed), encoding="utf-8")

    def batch_text(out: Path, *keys: str) -> tuple[subprocess.CompletedProcess[str], str]:
        args = [arg for key in keys for arg in ("--trust", str(tmp_path / key))]
        done = subprocess.run([sys.executable, "-m", "rarepassport", "batch", str(folder), "-o", str(out), "-f", "text",
                               "--no-progress", *args], capture_output=True, text=True)
        return done, " ".join((out / "signed.txt").read_text(encoding="utf-8").split()) if done.returncode == 0 else ""

    verified = "checked by Dr Amina Rahman (consultant, Anytown Hospital) on 20 November 2026 — signature verified"
    done, text = batch_text(tmp_path / "trusted", "clinic.pub.jwk")
    assert done.returncode == 0, done.stderr
    assert verified in text
    manifest = json.loads((tmp_path / "trusted" / "manifest.json").read_text())
    assert manifest["settings"]["trust"]["keys"] == [public["kid"]]
    # Another clinic's key, or none: the same valid signature is not called verified.
    for out, keys in ((tmp_path / "other", ("other.pub.jwk",)), (tmp_path / "none", ())):
        done, text = batch_text(out, *keys)
        assert done.returncode == 0, done.stderr
        assert "signature verified" not in text and "not from a trusted key: not verified" in text
    # Resuming with other keys redoes the output: its trust statement depends on them.
    again, text = batch_text(tmp_path / "none", "clinic.pub.jwk")
    assert "0 already complete" in again.stderr and verified in text
    # The keys apply to rendering only, and a key file it cannot read is named.
    refused = subprocess.run([sys.executable, "-m", "rarepassport", "batch", str(folder), "-o", str(tmp_path / "v"),
                              "--validate-only", "--trust", str(tmp_path / "clinic.pub.jwk")],
                             capture_output=True, text=True)
    assert refused.returncode == 2 and "--trust and --revoked apply to rendering" in refused.stderr
    missing = subprocess.run([sys.executable, "-m", "rarepassport", "batch", str(folder), "-o", str(tmp_path / "m"),
                              "--trust", str(tmp_path / "nope.jwk")], capture_output=True, text=True)
    assert missing.returncode == 2 and "nope.jwk" in missing.stderr and "Traceback" not in missing.stderr
