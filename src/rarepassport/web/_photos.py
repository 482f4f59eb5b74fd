"""A photo uploaded in the editor: checked as ``person.photo`` is checked, then decoded and written anew.

An uploaded file comes from outside, like a passport, so it gets the same checks as a
``person.photo`` the renderer reads ([`rarepassport.limits`][] bytes and pixels, a PNG,
JPEG or WebP image by its content, Pillow's decompression-bomb guard as an error), and
then one more step: the pixels are decoded and written into a *new* file. Nothing of the
uploaded file but its pixels is kept: no EXIF (a phone's photo carries where and when it
was taken), no comments, no trailing data. The picture is turned upright (EXIF
orientation) and made at most `MAX_SIDE` pixels on its longer side, which is more than a
passport photo is ever drawn at.

The uploaded file's own name is never used: the stored name is made from the
passport's name and the new file's digest (see ``FileStore.save_photo``).
"""

from __future__ import annotations

import io
import warnings
from typing import TYPE_CHECKING

from rarepassport import limits
from rarepassport.rendering._photo import PhotoProblem, check_image, image_kind

if TYPE_CHECKING:
    from PIL.Image import Image as PILImage

__all__ = ["MAX_SIDE", "clean_photo"]

#: Longest side, in pixels, of a stored photo (a card draws it about 2 cm wide).
MAX_SIDE = 1200


def clean_photo(data: bytes) -> tuple[bytes, str] | PhotoProblem:
    """The uploaded bytes as a new image file and its suffix (``png`` or ``jpeg``), or why not.

    Args:
        data: The uploaded file, at most ``limits.MAX_PHOTO_BYTES + 1`` bytes as read.

    Returns:
        ``(bytes, suffix)``: a PNG for a PNG upload, a JPEG otherwise, holding nothing but
        the pixels; or the [`PhotoProblem`][rarepassport.rendering._photo.PhotoProblem]
        whose notice names ``$.person.photo``.
    """
    if len(data) > limits.MAX_PHOTO_BYTES:
        return PhotoProblem("photo_too_large", limits.MAX_PHOTO_BYTES)
    problem = check_image(data)
    if problem is not None:
        return problem
    from PIL import Image, ImageOps, UnidentifiedImageError

    kind = "png" if image_kind(data) == "png" else "jpeg"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                upright = ImageOps.exif_transpose(image)
                upright.thumbnail((MAX_SIDE, MAX_SIDE))
                rgb = _flattened(upright)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return PhotoProblem("photo_too_many_pixels", limits.MAX_PHOTO_PIXELS)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
        return PhotoProblem("photo_unreadable_image")
    # A new image from the pixels alone: no info, EXIF, ICC or text chunk is carried over.
    fresh = Image.frombytes("RGB", rgb.size, rgb.tobytes())
    buffer = io.BytesIO()
    if kind == "png":
        fresh.save(buffer, format="PNG", optimize=True)
    else:
        fresh.save(buffer, format="JPEG", quality=90)
    return buffer.getvalue(), kind


def _flattened(image: PILImage) -> PILImage:
    """The image in RGB, a transparent part on white (a card is printed on white)."""
    from PIL import Image

    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    return image.convert("RGB")
