"""The documentation's Python examples are correct, typed programs.

Specification: issue 9, point 6 ("Typed for users"). Every ```python block in docs/ and
README.md is written to a file of its own and checked with ``mypy --strict``, as a user
would check a script copied from the page. The conventions a page may use (written in
docs/plugins/testing.md, "The documentation's examples"):

- ```python title="name.py"``` makes the block the module ``name``, so a later block may
  import it (the AsciiDoc backend and its test on the backend page);
- a block made only of snippet lines (``--8<-- "path"`` or ``"path:section"``) is the
  file it includes: that whole file is checked, once;
- ```python fragment``` marks a block that is deliberately not a program (a few lines
  shown inside a longer explanation); it is skipped, and only a handful may exist;
- ```python no-run``` marks a program that is type-checked but not run, because it needs
  something a test machine does not have (a plugin installed through its entry point).

Every other block is also run, each in a fresh directory of its own holding the files
the examples read (``ada.json``, ``passport.json``, ``big.json``, ``examples/minimal.json``,
copies of examples/minimal.json), with the example plugin and the other blocks' modules
importable.

The example plugin (examples/plugins/rarepassport-fabry) is on mypy's path, so blocks may
import ``rarepassport_fabry``; ``rarepassport`` is this checkout's ``src``. A user's script
(tests/data/typing/user_script.py) is checked in the same run: its ``# type: ignore``
comments are mistakes the public types must catch (``format="htm"``).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [*sorted((ROOT / "docs").rglob("*.md")), ROOT / "README.md"]
USER_SCRIPT = ROOT / "tests" / "data" / "typing" / "user_script.py"
EXAMPLE_PLUGIN_SOURCES = sorted(str(path) for path in (ROOT / "examples" / "plugins").glob("*/src"))

# At most this many blocks may be marked ```python fragment, and this many no-run.
MAX_FRAGMENTS = 3
MAX_NO_RUN = 3
# The files the examples read, made in each block's directory from examples/minimal.json.
FIXTURES = ("ada.json", "passport.json", "big.json", "examples/minimal.json")

_FENCE = re.compile(r"^(?P<indent>[ \t]*)```python(?P<info>.*)$")
_TITLE = re.compile(r'title="(?P<name>[A-Za-z_][A-Za-z0-9_]*)\.py"')
_SNIPPET = re.compile(r'^--8<-- "(?P<path>[^":]+)(?::[^"]*)?"$')

# jsonschema (used by the schema page) ships no type information and its stub package
# is not a dependency; everything else the examples import is typed.
_MYPY_CONFIG = """\
[mypy]
strict = True
python_version = 3.10

[mypy-jsonschema.*]
ignore_missing_imports = True
"""


@dataclass(frozen=True)
class Block:
    page: Path
    line: int  # line number of the first line of code (1-based)
    info: str
    code: str

    @property
    def where(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"

    @property
    def fragment(self) -> bool:
        return "fragment" in self.info.split()

    @property
    def runs(self) -> bool:
        return not self.fragment and "no-run" not in self.info.split() and self.snippets is None

    @property
    def module(self) -> str:
        match = _TITLE.search(self.info)
        if match:
            return match["name"]
        stem = re.sub(r"\W", "_", str(self.page.relative_to(ROOT).with_suffix("")))
        return f"example_{stem}_{self.line}"

    @property
    def snippets(self) -> list[Path] | None:
        """The files a snippet-only block includes, or None when it has code of its own."""
        lines = [line.strip() for line in self.code.splitlines() if line.strip()]
        matches = [_SNIPPET.match(line) for line in lines]
        if not lines or not all(matches):
            return None
        return [ROOT / match["path"] for match in matches if match]


def _blocks() -> list[Block]:
    found = []
    for page in PAGES:
        lines = page.read_text(encoding="utf-8").splitlines()
        number = 0
        while number < len(lines):
            fence = _FENCE.match(lines[number])
            number += 1
            if not fence:
                continue
            start, indent, body = number, fence["indent"], []
            while not lines[number].strip().startswith("```"):
                body.append(lines[number][len(indent) :])
                number += 1
            number += 1
            found.append(Block(page, start + 1, fence["info"].strip(), "\n".join(body) + "\n"))
    return found


BLOCKS = _blocks()


def test_the_pages_have_python_examples_and_few_fragments() -> None:
    assert len(BLOCKS) >= 40, "the extraction found fewer blocks than the docs have"
    fragments = [block.where for block in BLOCKS if block.fragment]
    assert len(fragments) <= MAX_FRAGMENTS, fragments
    not_run = [block.where for block in BLOCKS if "no-run" in block.info.split()]
    assert len(not_run) <= MAX_NO_RUN, not_run


def test_snippet_blocks_include_files_that_exist() -> None:
    for block in BLOCKS:
        for path in block.snippets or []:
            assert path.is_file(), f"{block.where}: {path} does not exist"


def test_the_builtin_format_type_names_exactly_the_builtin_backends() -> None:
    import typing

    import rarepassport

    builtin = rarepassport.available_formats(rarepassport.make_plugin_manager(entry_points=False))
    assert list(typing.get_args(rarepassport.BuiltinFormat)) == builtin


def test_every_example_passes_mypy_strict(tmp_path: Path) -> None:
    pytest.importorskip("mypy")
    examples = tmp_path / "examples"
    examples.mkdir()
    files: list[str] = [str(USER_SCRIPT)]
    where: dict[str, Block] = {}
    for block in BLOCKS:
        if block.fragment:
            continue
        snippets = block.snippets
        if snippets is not None:
            files += [str(path) for path in snippets if str(path) not in files]
            continue
        path = examples / f"{block.module}.py"
        assert not path.exists(), f"{block.where}: a second block is named {block.module}.py"
        path.write_text(block.code, encoding="utf-8")
        files.append(str(path))
        where[path.name] = block
    config = tmp_path / "mypy.ini"
    config.write_text(_MYPY_CONFIG, encoding="utf-8")
    env = {**os.environ, "MYPYPATH": os.pathsep.join([str(ROOT / "src"), *EXAMPLE_PLUGIN_SOURCES])}
    env.pop("PYTHONPATH", None)
    result = subprocess.run(
        [
            sys.executable, "-m", "mypy", "--config-file", str(config), "--cache-dir", str(tmp_path / "cache"),
            "--no-error-summary", "--show-error-codes", "--hide-error-context", *files,
        ],
        capture_output=True, text=True, cwd=examples, env=env, check=False,
    )  # fmt: skip

    def on_the_page(match: re.Match[str]) -> str:
        block = where.get(Path(match["file"]).name)
        if block is None:
            return match[0]
        return f"{block.page.relative_to(ROOT)}:{block.line + int(match['line']) - 1}:"

    report = re.sub(r"^(?P<file>[^\s:]+\.py):(?P<line>\d+):", on_the_page, result.stdout, flags=re.M)
    assert result.returncode == 0, report + result.stderr


@pytest.fixture(scope="module")
def example_modules(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every block written as a module, so a block may import an earlier one."""
    modules = tmp_path_factory.mktemp("modules")
    for block in BLOCKS:
        if not block.fragment and block.snippets is None:
            (modules / f"{block.module}.py").write_text(block.code, encoding="utf-8")
    return modules


@pytest.mark.parametrize("block", [block for block in BLOCKS if block.runs], ids=lambda block: block.where)
def test_every_example_runs(block: Block, example_modules: Path, tmp_path: Path) -> None:
    minimal = (ROOT / "examples" / "minimal.json").read_bytes()
    for name in FIXTURES:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(minimal)
    path = os.pathsep.join([str(ROOT / "src"), *EXAMPLE_PLUGIN_SOURCES, str(example_modules)])
    result = subprocess.run(
        [sys.executable, "-W", "ignore::rarepassport.RenderWarning", str(example_modules / f"{block.module}.py")],
        capture_output=True, text=True, cwd=tmp_path, env={**os.environ, "PYTHONPATH": path}, check=False,
    )  # fmt: skip
    assert result.returncode == 0, f"{block.where}:\n{result.stderr[-3000:]}"
