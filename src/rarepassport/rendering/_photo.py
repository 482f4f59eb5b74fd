"""Reading the person's photo, confined to what the passport itself may name.

A passport comes from outside, so its ``person.photo`` must not be able to pull any
other file of this computer into the output (another person's photo, a device that
never ends, a FIFO that never answers). A photo is either

- a ``data:`` URI of a PNG, JPEG or WebP image in base64, or
- a path *relative to the passport's own folder* (``base_dir``) that resolves, symbolic
  links included, to a regular file inside that folder;

and in both cases an image by its content (not by its name), of at most
[`rarepassport.limits.MAX_PHOTO_BYTES`][rarepassport.limits] bytes and
[`rarepassport.limits.MAX_PHOTO_PIXELS`][rarepassport.limits] pixels. Anything else is not drawn, with a
warning that names ``$.person.photo`` (never the path or the data, which may identify
the person), in the document's language (``phrase.notice.photo_*``). Pillow is imported
only when a photo is checked.
"""

from __future__ import annotations

import base64
import binascii
import io
import os
import re
import warnings
from pathlib import Path
from typing import NamedTuple

from rarepassport import limits
from rarepassport.document import Document, RenderNotice

__all__ = ["PhotoProblem", "check_image", "image_kind", "load_photo", "photo_notice"]

_FIELD = "$.person.photo"


class PhotoProblem(NamedTuple):
    """Why a photo is not drawn: a notice code (``phrase.notice.<code>``) and its placeholders' values."""

    code: str
    limit: int | None = None


def photo_notice(document: Document, problem: PhotoProblem) -> RenderNotice:
    """The notice, in the document's language, that the photo is not drawn and why (never the path or data)."""
    if problem.limit is None:
        return document.notice(problem.code, path=_FIELD)
    return document.notice(problem.code, path=_FIELD, limit=problem.limit)
_DATA_URI = re.compile(r"^data:image/(png|jpeg|jpg|webp);base64,", re.IGNORECASE)


def image_kind(data: bytes) -> str | None:
    """``png``, ``jpeg`` or ``webp`` by the file's first bytes, else ``None``."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def check_image(data: bytes) -> PhotoProblem | None:
    """Why the bytes are not a photo we draw, or ``None`` when they are.

    The pixel limit is checked from the header before any pixel is decoded, and
    Pillow's own decompression-bomb guard is an error here, not a warning.
    """
    if image_kind(data) is None:
        return PhotoProblem("photo_not_image")
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
                if width * height > limits.MAX_PHOTO_PIXELS:
                    return PhotoProblem("photo_too_many_pixels", limits.MAX_PHOTO_PIXELS)
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return PhotoProblem("photo_too_many_pixels", limits.MAX_PHOTO_PIXELS)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
        return PhotoProblem("photo_unreadable_image")
    return None


def _read_data_uri(photo: str) -> tuple[bytes | None, PhotoProblem | None]:
    match = _DATA_URI.match(photo)
    if match is None:
        return None, PhotoProblem("photo_bad_data_uri")
    payload = photo[match.end():]
    if len(payload) > limits.photo_uri_length():
        return None, PhotoProblem("photo_too_large", limits.MAX_PHOTO_BYTES)
    try:
        return base64.b64decode(payload, validate=True), None
    except (binascii.Error, ValueError):
        return None, PhotoProblem("photo_bad_base64")


def _read_confined(photo: str, base_dir: str | os.PathLike[str] | None) -> tuple[bytes | None, PhotoProblem | None]:
    from rarepassport.files import read_input

    if "\x00" in photo:
        return None, PhotoProblem("photo_bad_path")
    if base_dir is None:
        return None, PhotoProblem("photo_no_folder")
    if Path(photo).is_absolute() or photo.startswith("~"):
        return None, PhotoProblem("photo_absolute_path")
    folder = os.path.realpath(base_dir)
    real = os.path.realpath(os.path.join(folder, photo))
    if os.path.commonpath([folder, real]) != folder or real == folder:
        return None, PhotoProblem("photo_outside_folder")
    try:
        return read_input(real, limit=limits.MAX_PHOTO_BYTES), None
    except OSError as exc:
        if exc.strerror and "regular file" in exc.strerror:
            return None, PhotoProblem("photo_not_regular_file")
        if exc.strerror and "larger than" in exc.strerror:
            return None, PhotoProblem("photo_too_large", limits.MAX_PHOTO_BYTES)
        return None, PhotoProblem("photo_unreadable_file")
    except ValueError:
        return None, PhotoProblem("photo_bad_path")


def load_photo(photo: str, base_dir: str | os.PathLike[str] | None) -> tuple[bytes | None, PhotoProblem | None]:
    """Read and check the photo: a ``data:`` URI or a path inside ``base_dir``.

    Args:
        photo: ``person.photo`` as the passport gives it.
        base_dir: The passport file's folder; without it only ``data:`` photos are read.

    Returns:
        ``(bytes, None)`` for an image to draw, or ``(None, problem)``; its notice
        ([`photo_notice`][rarepassport.rendering._photo.photo_notice]) names
        ``$.person.photo``, never the path or the data.
    """
    if not isinstance(photo, str):
        return None, PhotoProblem("photo_not_text")
    if photo.startswith("data:"):
        data, problem = _read_data_uri(photo)
    else:
        data, problem = _read_confined(photo, base_dir)
    if data is None:
        return None, problem
    if len(data) > limits.MAX_PHOTO_BYTES:
        return None, PhotoProblem("photo_too_large", limits.MAX_PHOTO_BYTES)
    problem = check_image(data)
    return (None, problem) if problem else (data, None)

