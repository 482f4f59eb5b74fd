"""The command line as its users expect it (issue 16), always through the real program.

Every test runs ``python -m rarepassport`` in a subprocess: standard input and output,
terminals (a pseudo-terminal from the ``pty`` module), the one overwrite policy, the
JSON report checked against its shipped schema, verbosity, colour, ``--debug``,
completion scripts run by real shells, errors that name the user's file.
"""

from __future__ import annotations

import json
import os
import pty
import select
import shutil
import subprocess
import sys
import textwrap
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "adult-undiagnosed.json"
YAML_EXAMPLE = ROOT / "examples" / "adult-several-conditions.yaml"
SCHEMA = json.loads((resources.files("rarepassport") / "cli" / "report.schema.json").read_text(encoding="utf-8"))


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "RAREPASSPORT_DEBUG")}
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra)
    return env


def run(
    *args: str, stdin: bytes | None = None, cwd: Path | None = None, **env: str
) -> subprocess.CompletedProcess[bytes]:
    """``rarepassport ARGS`` in a fresh interpreter, standard output and error captured."""
    return subprocess.run(
        [sys.executable, "-m", "rarepassport", *args],
        input=stdin if stdin is not None else b"",
        capture_output=True,
        cwd=cwd,
        env=_env(**env),
        timeout=300,
    )


def on_terminal(*args: str, stdin_file: Path | None = None, **env: str) -> tuple[int, bytes, bytes]:
    """``rarepassport ARGS`` with standard output on a pseudo-terminal; (status, terminal bytes, stderr)."""
    master, slave = pty.openpty()
    stdin = stdin_file.open("rb") if stdin_file is not None else subprocess.DEVNULL
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "rarepassport", *args],
            stdin=stdin, stdout=slave, stderr=subprocess.PIPE, env=_env(**env),
        )
        os.close(slave)
        seen = b""
        while True:
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # the child closed the terminal
                    break
                if not chunk:
                    break
                seen += chunk
            elif process.poll() is not None:
                break
        _, err = process.communicate(timeout=300)
        return process.returncode, seen, err
    finally:
        os.close(master)
        if stdin_file is not None:
            stdin.close()  # type: ignore[union-attr]


def report(result: subprocess.CompletedProcess[bytes]) -> dict[str, Any]:
    """The JSON report on standard output, checked against the schema shipped in the package."""
    data: dict[str, Any] = json.loads(result.stdout)
    jsonschema.validate(data, SCHEMA, cls=jsonschema.Draft202012Validator)
    assert data["exit_status"] == result.returncode
    return data


@pytest.fixture
def passport(tmp_path: Path) -> Path:
    """A valid passport in the user's own folder."""
    target = tmp_path / "ada.json"
    shutil.copyfile(EXAMPLE, target)
    return target


# --- 2. standard input and output --------------------------------------------------------------


def test_validate_reads_json_and_yaml_from_standard_input() -> None:
    result = run("validate", "-", stdin=EXAMPLE.read_bytes())
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode().startswith("<stdin>: valid")
    result = run("validate", "-", stdin=YAML_EXAMPLE.read_bytes())
    assert result.returncode == 0, result.stderr
    broken = run("validate", "-", stdin=b'{"schema_version": ')
    assert broken.returncode == 1
    assert b"<stdin>: INVALID" in broken.stdout


def test_render_reads_standard_input_and_writes_standard_output_when_piped(tmp_path: Path) -> None:
    result = run("render", "-", "--format", "text", stdin=EXAMPLE.read_bytes())
    assert result.returncode == 0, result.stderr
    assert "Ada" in result.stdout.decode() or result.stdout.strip()
    pdf = run("render", "-", stdin=EXAMPLE.read_bytes())  # piped: binary is fine
    assert pdf.returncode == 0, pdf.stderr
    assert pdf.stdout.startswith(b"%PDF-")
    out = tmp_path / "from-stdin.pdf"
    assert run("render", "-", "-o", str(out), stdin=EXAMPLE.read_bytes()).returncode == 0
    assert out.read_bytes().startswith(b"%PDF-")


def test_render_dash_o_dash_writes_standard_output(passport: Path) -> None:
    result = run("render", str(passport), "--format", "markdown", "-o", "-")
    assert result.returncode == 0, result.stderr
    assert result.stdout.lstrip().startswith(b"#")
    assert not (passport.parent / "ada.md").exists()


def test_export_import_and_plugins_read_standard_input(tmp_path: Path) -> None:
    exported = run("export", "fhir", "-", stdin=EXAMPLE.read_bytes())
    assert exported.returncode == 0, exported.stderr
    assert json.loads(exported.stdout)["resourceType"] == "Bundle"
    imported = run("import", "fhir", "-", stdin=exported.stdout)
    assert imported.returncode == 0, imported.stderr
    assert json.loads(imported.stdout)["person"]["name"]
    applies = run("plugins", "--for", "-", stdin=EXAMPLE.read_bytes())
    assert applies.returncode == 0, applies.stderr
    assert b"Plugins that apply to <stdin>" in applies.stdout


def test_binary_output_is_refused_on_a_terminal_unless_dash_o_dash_is_given() -> None:
    status, shown, err = on_terminal("render", "-", stdin_file=EXAMPLE)
    assert status == 2
    assert b"%PDF" not in shown
    assert b"refusing to write binary data" in err and b"-o -" in err
    status, shown, err = on_terminal("render", "-", "-o", "-", stdin_file=EXAMPLE)
    assert status == 0, err
    assert b"%PDF-" in shown


def test_text_output_goes_to_a_terminal_without_asking() -> None:
    status, shown, err = on_terminal("export", "fhir", "-", stdin_file=EXAMPLE)
    assert status == 0, err
    assert b'"resourceType"' in shown


@pytest.mark.parametrize("where", ["before", "after", "both"])
def test_global_options_work_before_or_after_the_command(where: str) -> None:
    args = {
        "before": ["--block-plugin", "haemophilia", "-q", "plugins"],
        "after": ["plugins", "--block-plugin", "haemophilia", "-q"],
        "both": ["--block-plugin", "haemophilia", "plugins", "--block-plugin", "dravet-syndrome"],
    }[where]
    result = run(*args)
    assert result.returncode == 0, result.stderr
    names = [line.split()[0] for line in result.stdout.decode().splitlines() if line and not line.startswith(" ")]
    assert "haemophilia" not in names
    assert "core-rules" in names
    if where == "both":
        assert "dravet-syndrome" not in names


def test_output_format_json_is_accepted_before_the_command(passport: Path) -> None:
    assert report(run("--output-format", "json", "validate", str(passport)))["command"] == "validate"


def test_card_full_view_and_sheet_get_distinct_default_names(passport: Path) -> None:
    for args in (["--format", "card", "--view", "full"], ["--format", "card", "--sheet"], ["--format", "card"]):
        result = run("render", str(passport), *args)
        assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in passport.parent.glob("*.pdf"))
    assert names == ["ada-card-full.pdf", "ada-card-sheet.pdf", "ada-card.pdf"]


def test_every_format_view_and_option_has_its_own_default_name() -> None:
    from rarepassport.cli._render import _VIEWS, default_output

    suffixes = {"pdf": ".pdf", "card": ".pdf", "lockscreen": ".png", "lockscreen-pdf": ".pdf", "html": ".html",
                "markdown": ".md", "text": ".txt"}
    option_sets: list[dict[str, Any]] = [{}, {"sheet": True}, {"size": "a5"}, {"size": "letter"}, {"theme": "dark"},
                                         {"large_print": True}, {"high_contrast": True}, {"qr": "emergency"},
                                         {"size": "android-fhd"}]
    seen: dict[str, tuple[Any, ...]] = {}
    for format, suffix in suffixes.items():
        for view in _VIEWS:
            for options in option_sets:
                for language in (None, "fr"):
                    name = default_output("ada.json", format, suffix, view, options, language)
                    key = (format, view, tuple(sorted(options.items())), language)
                    # The same name only for choices that draw the same thing: an option the
                    # format ignores (the CLI refuses those) or the format's own default.
                    earlier = seen.setdefault(name, key)
                    if earlier != key:
                        assert earlier[0] == format and earlier[1] == view and earlier[3] == language, (name, key)
                        assert not _applies(format, dict(key[2])) or not _applies(format, dict(earlier[2])), (
                            name, key, earlier)


def _applies(format: str, options: dict[str, Any]) -> bool:
    from rarepassport.cli._render import _FORMAT_OPTIONS

    takes = _FORMAT_OPTIONS.get(format, ())
    if "size" in options and format == "pdf" and options["size"] not in ("a4", "a5", "letter"):
        return False
    if "size" in options and format.startswith("lockscreen") and options["size"] in ("a5", "letter"):
        return False
    return all(name in takes for name in options)


# --- 2. one overwrite policy -------------------------------------------------------------------

WRITERS = {
    "new": lambda src, out: ["new", str(out)],
    "new -o": lambda src, out: ["new", "-o", str(out)],
    "render": lambda src, out: ["render", str(src), "--format", "text", "-o", str(out)],
    "export": lambda src, out: ["export", "fhir", str(src), "-o", str(out)],
    "schema": lambda src, out: ["schema", "-o", str(out)],
    "completion": lambda src, out: ["completion", "bash", "-o", str(out)],
}


@pytest.mark.parametrize("command", WRITERS)
def test_every_command_refuses_to_replace_a_file_unless_forced(command: str, passport: Path) -> None:
    out = passport.parent / "out.txt"
    out.write_text("mine\n")
    refused = run(*WRITERS[command](passport, out))
    assert refused.returncode == 2
    assert f"{out} already exists; use --force".encode() in refused.stderr
    assert out.read_text() == "mine\n"
    forced = run(*WRITERS[command](passport, out), "--force")
    assert forced.returncode == 0, forced.stderr
    assert out.read_text() != "mine\n"


def test_import_refuses_to_replace_a_file_unless_forced(passport: Path) -> None:
    bundle = passport.parent / "bundle.json"
    assert run("export", "fhir", str(passport), "-o", str(bundle)).returncode == 0
    out = passport.parent / "back.json"
    out.write_text("{}")
    assert run("import", "fhir", str(bundle), "-o", str(out)).returncode == 2
    assert run("--force", "import", "fhir", str(bundle), "-o", str(out)).returncode == 0
    assert json.loads(out.read_text())["person"]


def test_demo_and_plugin_new_refuse_to_replace_unless_forced(tmp_path: Path) -> None:
    (tmp_path / "demo").mkdir()
    (tmp_path / "demo" / "passport.pdf").write_text("mine")
    assert run("demo", str(tmp_path / "demo")).returncode == 2
    (tmp_path / "plug").mkdir()
    (tmp_path / "plug" / "README.md").write_text("mine")
    refused = run("plugin", "new", "fabry", str(tmp_path / "plug"))
    assert refused.returncode == 2 and b"--force" in refused.stderr
    assert run("plugin", "new", "fabry", str(tmp_path / "plug"), "--force").returncode == 0


@pytest.mark.parametrize("command", ["render", "export"])
def test_the_input_is_never_replaced_even_with_force(command: str, passport: Path) -> None:
    before = passport.read_bytes()
    args = WRITERS[command](passport, passport)
    result = run(*args, "--force")
    assert result.returncode == 2
    assert b"refusing to overwrite the input file" in result.stderr
    assert passport.read_bytes() == before


# --- 3. one JSON report ----------------------------------------------------------------------------


def test_validate_json_is_one_object_for_one_file_or_several(passport: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema_version": "1.0", "person": {"name": "X", "nickname": 1}}')
    one = report(run("validate", str(passport), "--format", "json"))
    assert [r["status"] for r in one["results"]] == ["ok"]
    several = report(run("validate", "--output-format", "json", str(passport), str(bad), str(tmp_path / "no.json")))
    assert [r["status"] for r in several["results"]] == ["ok", "invalid", "error"]
    assert several["exit_status"] == 2
    assert several["results"][1]["issues"] and several["results"][2]["error"].startswith("cannot read")


def test_render_json_report_lists_warnings_and_the_file_written(passport: Path) -> None:
    data = report(run("render", str(passport), "--format", "card", "--output-format", "json"))
    (result,) = data["results"]
    assert result["status"] == "ok"
    assert result["output"] == str(passport.parent / "ada-card.pdf")
    assert isinstance(result["warnings"], list)


def test_render_json_report_of_an_invalid_passport(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema_version": "1.0", "person": {"name": "X"}, "allergies": [{}]}')
    data = report(run("render", str(bad), "--output-format", "json"))
    assert data["exit_status"] == 1
    assert data["results"][0]["status"] == "invalid" and data["results"][0]["issues"]


def test_export_import_and_plugins_json_reports(passport: Path) -> None:
    bundle = passport.parent / "bundle.json"
    exported = report(run("export", "fhir", str(passport), "-o", str(bundle), "--output-format", "json"))
    assert exported["results"][0]["output"] == str(bundle)
    imported = report(run("import", "fhir", str(bundle), "-o", str(passport.parent / "back.json"),
                          "--output-format", "json"))
    assert imported["results"][0]["status"] == "ok"
    plugins = report(run("plugins", "--output-format", "json"))
    assert any(p["name"] == "core-rules" for p in plugins["results"][0]["plugins"])
    # The layout steps in document order, the core sections' from the built-in core-layout.
    steps = plugins["results"][0]["layouts"]
    assert steps[0] == {"id": "emergency", "plugin": "core-layout",
                        "description": "Emergency summary, essentials and whom to call"}
    assert [s["id"] for s in steps][-1] == "review"


def test_an_error_is_a_json_result_too(tmp_path: Path) -> None:
    data = report(run("export", "nonsense", str(tmp_path / "missing.json"), "--output-format", "json"))
    assert data["exit_status"] == 2
    assert data["results"][-1]["status"] == "error"
    assert "unknown export format" in data["results"][-1]["error"]
    to_stdout = report(run("export", "fhir", str(EXAMPLE), "--output-format", "json"))
    assert "standard output carries the report" in to_stdout["results"][-1]["error"]


def test_the_report_schema_is_shown_in_the_docs() -> None:
    page = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert '--8<-- "src/rarepassport/cli/report.schema.json"' in page


# --- 4. verbosity, debug and colour ------------------------------------------------------------------


def test_quiet_render_prints_nothing_and_default_says_what_it_wrote(passport: Path) -> None:
    loud = run("render", str(passport), "--format", "text")
    assert loud.returncode == 0 and b"wrote " in loud.stderr
    quiet = run("render", str(passport), "--format", "text", "-q", "--force")
    assert quiet.returncode == 0 and quiet.stderr == b""


def test_verbose_says_which_plugins_are_loaded(passport: Path) -> None:
    result = run("-v", "validate", str(passport))
    assert b"plugins loaded: " in result.stderr
    assert b"plugins loaded" not in run("validate", str(passport)).stderr


@pytest.fixture
def crashing_plugin(tmp_path: Path) -> Path:
    """A plugin, installed only on this test's path, whose rule raises."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "crashy_rule.py").write_text(textwrap.dedent('''
        from rarepassport import hookimpl

        def explodes(passport, context):
            raise KeyError("a-bug-in-the-rule")

        @hookimpl
        def rarepassport_register_rules(rules):
            rules.add(explodes, code="crashy-explodes", description="always raises")
    '''))
    info = site / "crashy_rule-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: crashy-rule\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[rarepassport]\ncrashy = crashy_rule\n")
    return site


def test_debug_shows_the_traceback_of_a_failing_plugin(passport: Path, crashing_plugin: Path) -> None:
    path = str(crashing_plugin) + os.pathsep + str(ROOT / "src")
    plain = run("validate", str(passport), PYTHONPATH=path)
    assert plain.returncode == 1
    assert b"rule-failed" in plain.stdout and b"Traceback" not in plain.stderr
    for debug in (("--debug",), ()):
        env = {"PYTHONPATH": path} if debug else {"PYTHONPATH": path, "RAREPASSPORT_DEBUG": "1"}
        result = run("validate", str(passport), *debug, **env)
        assert b"Traceback" in result.stderr
        assert b"a-bug-in-the-rule" in result.stderr and b"crashy_rule.py" in result.stderr


def test_an_internal_error_says_how_to_report_it_and_debug_shows_the_traceback(tmp_path: Path) -> None:
    # A backend that raises something no one expected: an internal error.
    site = tmp_path / "site"
    site.mkdir()
    (site / "bad_backend.py").write_text(textwrap.dedent('''
        from rarepassport import hookimpl

        def draw(document, **options):
            raise ZeroDivisionError("oops")

        @hookimpl
        def rarepassport_register_backends(backends):
            backends.add("boom", draw, suffix=".boom", media_type="application/x-boom")
    '''))
    info = site / "bad_backend-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: bad-backend\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[rarepassport]\nboom = bad_backend\n")
    path = str(site) + os.pathsep + str(ROOT / "src")
    out = tmp_path / "x.boom"
    plain = run("render", str(EXAMPLE), "--format", "boom", "-o", str(out), PYTHONPATH=path)
    assert plain.returncode == 2, plain.stderr
    assert b"Traceback" not in plain.stderr
    assert b"--debug" in plain.stderr and b"please report it at https://" in plain.stderr
    debug = run("--debug", "render", str(EXAMPLE), "--format", "boom", "-o", str(out), PYTHONPATH=path)
    assert b"Traceback" in debug.stderr and b"ZeroDivisionError" in debug.stderr
    assert b"please report it at https://" in debug.stderr


def test_colour_on_a_terminal_only(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema_version": "1.0", "person": {"name": "X", "nickname": 1}}')
    status, shown, _ = on_terminal("validate", str(EXAMPLE), str(bad))
    assert status == 1
    assert b"\x1b[32mvalid\x1b[0m" in shown and b"\x1b[31mINVALID\x1b[0m" in shown
    piped = run("validate", str(EXAMPLE), str(bad))
    assert b"\x1b[" not in piped.stdout and b"\x1b[" not in piped.stderr
    _, shown, _ = on_terminal("validate", str(EXAMPLE), NO_COLOR="1")
    assert b"\x1b[" not in shown
    forced = run("validate", str(EXAMPLE), FORCE_COLOR="1")
    assert b"\x1b[32mvalid\x1b[0m" in forced.stdout
    assert b"\x1b[" not in run("validate", str(EXAMPLE), FORCE_COLOR="1", NO_COLOR="1").stdout


# --- 5. shell completion ------------------------------------------------------------------------------

OPTIONS_TO_MENTION = ("--output-format", "--allow-invalid", "--block-plugin", "--force", "--sheet", "validate",
                      "render", "completion")


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_scripts_are_valid_and_know_the_options(shell: str, tmp_path: Path) -> None:
    result = run("completion", shell)
    assert result.returncode == 0, result.stderr
    script = result.stdout.decode()
    for word in OPTIONS_TO_MENTION:
        assert word.lstrip("-") in script, word
    program = shutil.which(shell)
    if program is None:
        pytest.skip(f"{shell} is not installed (the CI installs it)")
    path = tmp_path / f"rarepassport.{shell}"
    path.write_text(script)
    check = subprocess.run([program, "-n", str(path)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr


def test_bash_completion_completes_commands_and_options(tmp_path: Path) -> None:
    script = tmp_path / "rp.bash"
    script.write_bytes(run("completion", "bash").stdout)

    def complete(*words: str) -> list[str]:
        line = " ".join(f"'{w}'" for w in ("rarepassport", *words))
        code = (f"source {script}; COMP_WORDS=({line}); COMP_CWORD={len(words)}; _rarepassport; "
                'printf "%s\\n" "${COMPREPLY[@]}"')
        result = subprocess.run(["bash", "-c", code], capture_output=True, text=True, cwd=tmp_path, check=True)
        return result.stdout.split()

    assert "validate" in complete("val")
    assert complete("render", "x.json", "--all") == ["--allow-invalid", "--allow-missing-glyphs"]
    assert set(complete("validate", "--format", "")) == {"text", "json"}
    assert "--title" in complete("plugin", "new", "--t")


# --- 6. errors name the user's file; a missing extra is named ---------------------------------------


def test_an_unwritable_output_is_named_as_given_never_a_temporary(passport: Path, tmp_path: Path) -> None:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    result = run("render", str(passport), "--format", "text", "-o", str(folder))
    assert result.returncode == 2
    assert str(folder).encode() in result.stderr
    assert b".tmp" not in result.stderr
    nowhere = run("render", str(passport), "-o", str(tmp_path / "no" / "such" / "x.pdf"))
    assert nowhere.returncode == 2 and str(tmp_path / "no" / "such").encode() in nowhere.stderr
    demo_on_file = run("demo", str(passport))
    assert demo_on_file.returncode == 2 and str(passport).encode() in demo_on_file.stderr
    assert b".tmp" not in demo_on_file.stderr


def _without_yaml(*args: str) -> subprocess.CompletedProcess[bytes]:
    code = ("import sys; sys.modules['yaml'] = None\n"
            "from rarepassport.cli import main\n"
            f"sys.exit(main({list(args)!r}))")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, env=_env(), timeout=300)


@pytest.mark.parametrize("args", [
    ("validate", str(YAML_EXAMPLE)),
    ("render", str(YAML_EXAMPLE), "--format", "text", "-o", "-"),
    ("export", "fhir", str(YAML_EXAMPLE)),
])
def test_a_missing_pyyaml_names_the_extra_and_exits_2(args: tuple[str, ...]) -> None:
    result = _without_yaml(*args)
    assert result.returncode == 2, (result.stdout, result.stderr)
    text = result.stdout + result.stderr
    assert b"pip install 'rarepassport[yaml]'" in text
    assert b"INVALID" not in text and b"Traceback" not in text


def test_writing_yaml_without_pyyaml_names_the_extra(tmp_path: Path) -> None:
    result = _without_yaml("new", str(tmp_path / "mine.yaml"))
    assert result.returncode == 2
    assert b"pip install 'rarepassport[yaml]'" in result.stderr


def test_zsh_completion_finds_the_words_bash_does(tmp_path: Path) -> None:
    # zsh runs the same function through bashcompinit, with a 1-based COMP_WORDS; its own
    # matcher then keeps the candidates that fit what was typed.
    if shutil.which("zsh") is None:
        pytest.skip("zsh is not installed (the CI installs it)")
    script = tmp_path / "_rarepassport"
    script.write_bytes(run("completion", "zsh").stdout)

    def candidates(*words: str) -> set[str]:
        line = " ".join(f"'{w}'" for w in ("rarepassport", *words))
        code = (f"autoload -U compinit; compinit -u -D; source {script}; COMP_WORDS=({line}); "
                f"COMP_CWORD={len(words)}; _rarepassport; print -l -- $COMPREPLY")
        result = subprocess.run(["zsh", "-f", "-c", code], capture_output=True, text=True, cwd=tmp_path, check=True)
        return set(result.stdout.split())

    assert "validate" in candidates("val")
    assert {"--allow-invalid", "--allow-missing-glyphs"} <= candidates("render", "x.json", "--all")
    assert candidates("validate", "--format", "") == {"text", "json"}


def test_output_piped_into_a_reader_that_stops_early_is_no_error() -> None:
    """``rarepassport fonts | head -1``: a closed pipe is the reader's choice, not a failure."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(Path(__file__).parents[1] / "src"),
                                                                      os.environ.get("PYTHONPATH")]))}
    process = subprocess.Popen([sys.executable, "-m", "rarepassport", "fonts"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # the reader is gone before the first line is written
    error = process.stderr.read().decode()
    assert process.wait(timeout=60) == 0
    assert error == ""
