"""Exceptions raised for bad input, with every problem found and where it is."""

from __future__ import annotations

from collections.abc import Iterable

import attrs

__all__ = ["LoadError", "PassportError", "PluginError", "Problem"]


@attrs.frozen
class Problem:
    """One thing wrong with an input, and where.

    Attributes:
        path: JSON path of the offending value, e.g. ``$.diagnoses[1].codes[0].code``.
        message: What is wrong and how to fix it, for a person.
        line: Line in the source file (1-based) where known, else ``None``.
        column: Column in the source file (1-based) where known, else ``None``.
    """

    path: str
    message: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f" (line {self.line}, column {self.column})"
        return f"{where}: {self.message}"


class PassportError(Exception):
    """Base class of every error rarepassport raises on purpose."""


class LoadError(PassportError, ValueError):
    """A passport could not be read: lists every problem found.

    Attributes:
        problems: Every problem, each with its JSON path.
        source: The file or other source read, when known.
    """

    def __init__(self, problems: Iterable[Problem], source: str | None = None) -> None:
        from rarepassport import limits

        found = tuple(problems)
        limit = max(1, limits.MAX_PROBLEMS)
        if len(found) > limit + 1:
            # A million wrong list items must not print a million lines: keep the first
            # ones and count the rest (rarepassport.limits.MAX_PROBLEMS).
            rest = len(found) - limit
            found = (*found[:limit], Problem("$", f"and {rest} more problems (not listed)"))
        self.problems: tuple[Problem, ...] = found
        self.source = source
        super().__init__(self._summary())

    def _summary(self) -> str:
        where = f"{self.source}: " if self.source else ""
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        lines = [f"{where}{count} {noun} found"]
        lines.extend(f"  {problem}" for problem in self.problems)
        return "\n".join(lines)

    def with_source(self, source: str) -> LoadError:
        """The same error, naming the file it came from."""
        return LoadError(self.problems, source=source)


class PluginError(PassportError):
    """A plugin could not be registered or used, e.g. a section id clash."""
