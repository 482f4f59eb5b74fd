"""Photos are confined: only a data: image or an image file inside the passport's folder.

A passport comes from outside, so ``person.photo`` must not pull another file of this
computer into the PDF. Each test renders a real PDF and counts the images pypdf finds in
it; a refused photo is a warning naming ``$.person.photo``, never the path.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import os
import struct
import zlib
from pathlib import Path

import pypdf
import pytest
from PIL import Image

import rarepassport as rp
from rarepassport import limits
from rarepassport.rendering._pdf import render_pdf as draw_pdf
from rarepassport.rendering._photo import load_photo, photo_notice


def png_bytes(size: tuple[int, int] = (30, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A small PNG whose header claims ``width`` × ``height`` pixels (a decompression bomb)."""
    data = bytearray(png_bytes((1, 1)))
    ihdr = struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return bytes(data)


def render(photo: str, base_dir: Path | None) -> rp.Rendered:
    passport = rp.Passport(person=rp.Person(name="Ada Example", date_of_birth=dt.date(2015, 3, 2), photo=photo))
    from rarepassport import layout

    return draw_pdf(layout(passport, "full"), base_dir=base_dir)


def images(rendered: rp.Rendered) -> int:
    return len(pypdf.PdfReader(io.BytesIO(rendered.data)).pages[0].images)


def assert_refused(rendered: rp.Rendered, photo: str) -> None:
    assert images(rendered) == 0
    assert any("$.person.photo" in warning for warning in rendered.warnings), rendered.warnings
    assert not any(photo in warning for warning in rendered.warnings)


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path]:
    """The passport's folder, and a folder beside it holding another person's photo."""
    passport_dir, other_dir = tmp_path / "passport", tmp_path / "other"
    passport_dir.mkdir()
    other_dir.mkdir()
    (other_dir / "someone-else.png").write_bytes(png_bytes())
    return passport_dir, other_dir


def test_a_photo_inside_the_passport_folder_is_drawn(folders: tuple[Path, Path]) -> None:
    passport_dir, _ = folders
    (passport_dir / "ada.png").write_bytes(png_bytes())
    assert images(render("ada.png", passport_dir)) == 1


def test_a_link_that_stays_inside_the_folder_is_followed(folders: tuple[Path, Path]) -> None:
    passport_dir, _ = folders
    (passport_dir / "photos").mkdir()
    (passport_dir / "photos" / "ada.png").write_bytes(png_bytes())
    (passport_dir / "me.png").symlink_to(passport_dir / "photos" / "ada.png")
    assert images(render("me.png", passport_dir)) == 1


def test_an_absolute_path_is_not_read(folders: tuple[Path, Path]) -> None:
    passport_dir, other_dir = folders
    photo = str(other_dir / "someone-else.png")
    assert_refused(render(photo, passport_dir), photo)


def test_a_path_climbing_out_with_dot_dot_is_not_read(folders: tuple[Path, Path]) -> None:
    passport_dir, _ = folders
    assert_refused(render("../other/someone-else.png", passport_dir), "../other")


def test_a_symlink_out_of_the_folder_is_not_followed(folders: tuple[Path, Path]) -> None:
    passport_dir, other_dir = folders
    (passport_dir / "ada.png").symlink_to(other_dir / "someone-else.png")
    assert_refused(render("ada.png", passport_dir), "ada.png")


def test_a_folder_link_out_of_the_folder_is_not_followed(folders: tuple[Path, Path]) -> None:
    passport_dir, other_dir = folders
    (passport_dir / "photos").symlink_to(other_dir)
    assert_refused(render("photos/someone-else.png", passport_dir), "photos")


def test_without_the_passport_folder_no_file_is_read(
    folders: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    passport_dir, _ = folders
    (passport_dir / "ada.png").write_bytes(png_bytes())
    monkeypatch.chdir(passport_dir)
    assert_refused(render("ada.png", None), "ada.png")


def test_a_nul_byte_in_the_path_is_a_warning(folders: tuple[Path, Path]) -> None:
    assert_refused(render("ada\x00.png", folders[0]), "ada")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_as_photo_is_refused_without_waiting(folders: tuple[Path, Path]) -> None:
    passport_dir, _ = folders
    os.mkfifo(passport_dir / "ada.png")
    rendered = render("ada.png", passport_dir)
    assert_refused(rendered, "ada.png")
    assert any("not a regular file" in warning for warning in rendered.warnings)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_dev_zero_as_photo_is_never_read(folders: tuple[Path, Path]) -> None:
    passport_dir, _ = folders
    assert_refused(render("/dev/zero", passport_dir), "/dev/zero")
    (passport_dir / "ada.png").symlink_to("/dev/zero")
    assert_refused(render("ada.png", passport_dir), "ada.png")


def test_a_file_that_is_not_an_image_by_content_is_refused(folders: tuple[Path, Path]) -> None:
    passport_dir, _ = folders
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, format="GIF")  # an image, but not one we draw
    (passport_dir / "ada.png").write_bytes(buffer.getvalue())
    rendered = render("ada.png", passport_dir)
    assert_refused(rendered, "ada.png")
    assert any("PNG, JPEG or WebP" in warning for warning in rendered.warnings)


@pytest.mark.parametrize(("width", "height"), [(5000, 5000), (20_000, 20_000)], ids=["over-our-limit", "bomb"])
def test_too_many_pixels_is_refused_before_decoding(folders: tuple[Path, Path], width: int, height: int) -> None:
    passport_dir, _ = folders
    (passport_dir / "ada.png").write_bytes(png_claiming(width, height))
    rendered = render("ada.png", passport_dir)
    assert_refused(rendered, "ada.png")
    assert any("pixels" in warning for warning in rendered.warnings)


def test_a_decompression_bomb_in_a_data_uri_is_refused() -> None:
    uri = "data:image/png;base64," + base64.b64encode(png_claiming(20_000, 20_000)).decode()
    data, problem = load_photo(uri, None)
    assert data is None and problem is not None and problem.code == "photo_too_many_pixels"
    person = rp.Person(name="Ada Example", date_of_birth=dt.date(2015, 3, 2))
    text = photo_notice(rp.layout(rp.Passport(person=person)), problem).text
    assert "$.person.photo" in text and "pixels" in text


def test_a_photo_file_over_the_byte_limit_is_refused(
    folders: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    passport_dir, _ = folders
    (passport_dir / "ada.png").write_bytes(png_bytes())
    monkeypatch.setattr(limits, "MAX_PHOTO_BYTES", 10)
    rendered = render("ada.png", passport_dir)
    assert_refused(rendered, "ada.png")
    assert any("larger than 10 bytes" in warning for warning in rendered.warnings)


def test_a_data_uri_over_the_byte_limit_is_refused_before_decoding(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_PHOTO_BYTES", 10)
    uri = "data:image/png;base64," + base64.b64encode(png_bytes()).decode()
    data, problem = load_photo(uri, None)
    assert data is None and problem == ("photo_too_large", 10)


def test_the_command_line_reads_a_photo_beside_the_passport_only(folders: tuple[Path, Path]) -> None:
    from rarepassport.cli import main

    passport_dir, other_dir = folders
    document = {"schema_version": "1.0", "person": {"name": "Ada Example", "date_of_birth": "2015-03-02",
                                                      "photo": str(other_dir / "someone-else.png")}}
    import json

    (passport_dir / "ada.json").write_text(json.dumps(document))
    assert main(["render", str(passport_dir / "ada.json"), "-o", str(passport_dir / "ada.pdf")]) == 0
    assert len(pypdf.PdfReader(passport_dir / "ada.pdf").pages[0].images) == 0
