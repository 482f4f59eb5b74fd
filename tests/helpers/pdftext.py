"""Reading a rendered PDF back as text, with two independent readers: pypdf and poppler."""

from __future__ import annotations

import io
import subprocess

import pypdf


def pypdf_text(data: bytes) -> str:
    """The text pypdf extracts from every page, pages joined by newlines."""
    return "\n".join(page.extract_text() or "" for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def poppler_text(data: bytes) -> str:
    """The text poppler's ``pdftotext`` extracts (layout kept), read from standard input."""
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True, timeout=120
    ).stdout.decode("utf-8")
