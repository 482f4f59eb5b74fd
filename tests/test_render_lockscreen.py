"""The ``lockscreen`` and ``lockscreen-pdf`` backends: a phone lock-screen image of the essentials.

Every check reads the real output back: the PNG's pixels with Pillow, its QR code with
zxing-cpp, the page it was rasterised from with pypdf and with poppler's ``pdftotext``.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import attrs
import pypdf
import pytest
import zxingcpp
from PIL import Image

import rarepassport as rp
from rarepassport import render_rendered
from rarepassport.cli import main
from rarepassport.rendering import Rendered, RenderError, _fonts
from rarepassport.rendering._lockscreen import (
    LOCKSCREEN_QR_BYTES,
    LOCKSCREEN_QR_LIMIT,
    MIN_BODY_SIZE,
    PRESETS,
    THEMES,
)
from rarepassport.rendering._qr import emergency_qr_text

TODAY = dt.date(2026, 11, 27)


@pytest.fixture(autouse=True)
def no_system_fonts(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Only the bundled font, whatever this machine has installed: reproducible tests."""
    monkeypatch.setenv(_fonts.SYSTEM_FONTS_ENV, "0")
    _fonts.system_fallback_fonts.cache_clear()
    yield
    _fonts.system_fallback_fonts.cache_clear()


def small_passport(**changes: object) -> rp.Passport:
    """A fictional passport whose emergency essentials fit on a phone screen."""
    passport = rp.Passport(
        person=rp.Person(name="Ada Example", date_of_birth=dt.date(2015, 3, 2), address="4 Larkspur Road"),
        diagnoses=(rp.Diagnosis(name="Congenital adrenal hyperplasia", primary=True),),
        medications=(rp.Medication(name="Hydrocortisone", dose="5 mg", frequency="three times a day",
                                   time_critical=True),),
        allergies=(rp.Allergy(substance="Penicillin", reaction="hives", severity=rp.Severity.SEVERE),),
        contacts=(rp.Contact(name="Grace Example", relationship="mother", role=rp.ContactRole.EMERGENCY,
                             phone="07700 900123"),),
        review=rp.Review(updated_on=dt.date(2026, 10, 1), next_review_due=dt.date(2027, 10, 1)),
    )
    return attrs.evolve(passport, **changes)


def crowded_passport() -> rp.Passport:
    """Far more allergies than a phone screen holds."""
    allergies = tuple(rp.Allergy(substance=f"Substance number {index}", reaction="anaphylaxis",
                                 severity=rp.Severity.LIFE_THREATENING) for index in range(40))
    return small_passport(allergies=allergies)


def lockscreen(passport: rp.Passport, format: str = "lockscreen", **options: object) -> Rendered:
    return render_rendered(passport, format, "emergency", today=TODAY, **options)


def png(rendered: Rendered) -> Image.Image:
    assert rendered.media_type == "image/png"
    assert rendered.suffix == ".png"
    image = Image.open(io.BytesIO(rendered.data))
    image.load()
    return image.convert("RGB")


def squashed(text: str) -> str:
    return re.sub(r"\s+", "", text.replace("\u00a0", " "))


def pypdf_text(rendered: Rendered) -> str:
    assert rendered.media_type == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(rendered.data))
    assert len(reader.pages) == 1
    return reader.pages[0].extract_text() or ""


def poppler_text(rendered: Rendered, tmp_path: Path) -> str:
    executable = shutil.which("pdftotext")
    if executable is None:  # pragma: no cover - poppler-utils is installed in CI
        pytest.skip("poppler's pdftotext is not installed")
    path = tmp_path / "lockscreen.pdf"
    path.write_bytes(rendered.data)
    return subprocess.run([executable, "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True,
                          text=True, encoding="utf-8").stdout


def decoded(image: Image.Image) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(image)]


def expected_qr_text(passport: rp.Passport) -> str:
    document = rp.layout(passport, view="emergency", today=TODAY)
    return emergency_qr_text(document, LOCKSCREEN_QR_LIMIT, most_bytes=LOCKSCREEN_QR_BYTES).text


# --- size --------------------------------------------------------------------------


@pytest.mark.parametrize("preset", list(PRESETS))
def test_the_png_is_exactly_the_preset_size_and_its_qr_decodes_to_the_emergency_text(preset: str) -> None:
    image = png(lockscreen(small_passport(), size=preset))
    assert image.size == (PRESETS[preset].width, PRESETS[preset].height)
    assert decoded(image) == [expected_qr_text(small_passport())]


@pytest.mark.parametrize("size", ["1000x2000", "1242X2688", "720×1600"])
def test_any_width_by_height_gives_exactly_that_many_pixels(size: str) -> None:
    width, height = (int(part) for part in re.split("[xX×]", size))
    image = png(lockscreen(small_passport(), size=size))
    assert image.size == (width, height)
    assert decoded(image) == [expected_qr_text(small_passport())]


@pytest.mark.parametrize("size", ["a4", "huge", "2556x1179", "100x200", "0x0"])
def test_a_size_that_is_not_a_phone_screen_is_an_error_naming_the_presets(size: str) -> None:
    with pytest.raises(RenderError, match="size"):
        lockscreen(small_passport(), size=size)


def test_a_screen_too_short_for_the_name_and_dates_is_an_error() -> None:
    with pytest.raises(RenderError, match="too little room"):
        lockscreen(small_passport(), size="1000x1000")


# --- what it shows -------------------------------------------------------------------


def test_the_page_shows_name_birth_date_dates_and_every_essential_when_they_fit(tmp_path: Path) -> None:
    rendered = lockscreen(small_passport(), "lockscreen-pdf")
    document = rp.layout(small_passport(), view="emergency", today=TODAY)
    essentials = document.essentials
    assert essentials is not None
    wanted = [document.phrase("lockscreen.heading"), essentials.name, *essentials.identity_lines,
              *essentials.currency_lines]
    wanted += [item.text for group in essentials.groups for item in group.items]
    wanted += [group.title for group in essentials.groups if group.title]
    wanted.append(document.phrase("scan_for_emergency"))
    for text in (pypdf_text(rendered), poppler_text(rendered, tmp_path)):
        flat = squashed(text)
        for line in wanted:
            assert squashed(line) in flat, line
        assert "morein" not in flat.lower()  # everything fits: no "+N more", no "More in the full passport"


@pytest.mark.parametrize("preset", list(PRESETS))
def test_a_word_after_a_bold_title_is_never_broken_inside(preset: str, tmp_path: Path) -> None:
    # "Time-critical medicines: " and "Hydrocortisone: 5 mg" are drawn in two weights;
    # a line may break between them, never inside "Hydrocortisone".
    text = poppler_text(lockscreen(small_passport(), "lockscreen-pdf", size=preset), tmp_path)
    assert any("Hydrocortisone: 5 mg" in line for line in text.splitlines())


def test_protocol_steps_are_drawn_numbered_under_their_title(tmp_path: Path) -> None:
    protocol = rp.Protocol(title="Adrenal crisis",
                           steps=("Inject hydrocortisone 100 mg.", "Call 999: say adrenal crisis."))
    passport = small_passport(emergency=rp.Emergency(protocols=(protocol,)))
    for size in ("iphone-15", "1170x3600"):
        text = squashed(poppler_text(lockscreen(passport, "lockscreen-pdf", size=size), tmp_path))
        assert squashed("Adrenal crisis 1. Inject hydrocortisone 100 mg. 2. Call 999: say adrenal crisis.") in text
        assert "morein" not in text.lower()


def test_nothing_outside_the_emergency_view_is_drawn(tmp_path: Path) -> None:
    rendered = lockscreen(small_passport(), "lockscreen-pdf")
    assert "Larkspur" not in poppler_text(rendered, tmp_path)


def test_an_overdue_review_is_said_on_the_screen(tmp_path: Path) -> None:
    passport = small_passport(review=rp.Review(updated_on=dt.date(2024, 1, 5), next_review_due=dt.date(2025, 1, 5)))
    text = squashed(poppler_text(lockscreen(passport, "lockscreen-pdf"), tmp_path))
    assert squashed("Review overdue since 5 January 2025") in text


def test_a_crowded_screen_leaves_off_by_clinical_priority_and_says_so(tmp_path: Path) -> None:
    passport = crowded_passport()
    rendered = lockscreen(passport, "lockscreen-pdf")
    for text in (pypdf_text(rendered), poppler_text(rendered, tmp_path)):
        flat = squashed(text)
        shown = [index for index in range(40) if squashed(f"Substance number {index} (") in flat]
        # The first allergies, in order, then "+N more" for exactly the rest.
        assert shown == list(range(len(shown))) and 0 < len(shown) < 40
        assert squashed(f"+{40 - len(shown)} more — see passport") in flat
        # Nothing less urgent than the shortened allergies is drawn after them ...
        assert "Hydrocortisone" not in flat and "GraceExample" not in flat
        # ... and the screen ends saying the full passport has more.
        assert re.search("(Alsointhefullpassport:.*|Moreinthefullpassport)Scanforemergencydetails", flat)


def test_body_text_is_never_smaller_than_16_css_pixels() -> None:
    reader = pypdf.PdfReader(io.BytesIO(lockscreen(crowded_passport(), "lockscreen-pdf").data))
    sizes: list[float] = []

    def visit(operator: bytes, operands: list[object], *_: object) -> None:
        if operator == b"Tf":
            sizes.append(float(operands[1]))  # type: ignore[arg-type]

    reader.pages[0].extract_text(visitor_operand_before=visit)
    assert sizes and min(sizes) >= MIN_BODY_SIZE  # the page's unit is one CSS pixel


def test_the_labels_follow_the_language(tmp_path: Path) -> None:
    rendered = render_rendered(small_passport(), "lockscreen-pdf", "emergency", "es", today=TODAY)
    assert squashed("Información médica de emergencia") in squashed(poppler_text(rendered, tmp_path))


# --- QR code -------------------------------------------------------------------------


def test_a_link_qr_decodes_to_exactly_the_link() -> None:
    link = "https://passport.example.org/p/3f9a"
    image = png(lockscreen(small_passport(), qr=f"link:{link}"))
    assert decoded(image) == [link]


def test_a_crowded_screen_has_a_qr_code_shortened_as_the_emergency_text_is() -> None:
    image = png(lockscreen(crowded_passport(), size="android-fhd"))
    assert decoded(image) == [expected_qr_text(crowded_passport())]
    assert len(expected_qr_text(crowded_passport()).encode("utf-8")) <= LOCKSCREEN_QR_LIMIT


def test_qr_none_draws_no_code() -> None:
    assert decoded(png(lockscreen(small_passport(), qr=None))) == []


def test_a_bad_qr_option_is_an_error() -> None:
    with pytest.raises(RenderError, match="qr"):
        lockscreen(small_passport(), qr="link:ftp://example.org/x")


# --- kept-clear areas and themes --------------------------------------------------------


@pytest.mark.parametrize("theme", list(THEMES))
@pytest.mark.parametrize("preset", list(PRESETS))
def test_the_areas_the_clock_and_buttons_cover_are_plain_background(preset: str, theme: str) -> None:
    screen = PRESETS[preset]
    image = png(lockscreen(crowded_passport(), size=preset, theme=theme))
    background = THEMES[theme].background
    for top, bottom in ((0, screen.top), (screen.height - screen.bottom, screen.height)):
        band = image.crop((0, top, screen.width, bottom))
        assert band.getcolors() == [(screen.width * (bottom - top), background)]
    # ... and the rest is not: the text and the QR code are drawn between them.
    middle = image.crop((0, screen.top, screen.width, screen.height - screen.bottom))
    assert len(middle.getcolors(maxcolors=1 << 16) or range(1 << 16)) > 2
    assert len(decoded(image)) == 1


def _luminance(colour: tuple[int, int, int]) -> float:
    # WCAG 2.2, relative luminance of sRGB.
    def linear(channel: int) -> float:
        value = channel / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(channel) for channel in colour)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def wcag_contrast(one: tuple[int, int, int], two: tuple[int, int, int]) -> float:
    high, low = sorted((_luminance(one), _luminance(two)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("theme", list(THEMES))
def test_every_text_colour_has_a_contrast_of_at_least_7_to_1(theme: str) -> None:
    colours = THEMES[theme]
    pairs = {"text": (colours.text, colours.background), "alert": (colours.alert, colours.background),
             "band text": (colours.band_text, colours.band)}
    assert set(colours.pairs()) == {"text", "alert", "band_text"}  # no text colour left out
    for name, (foreground, background) in pairs.items():
        assert wcag_contrast(foreground, background) >= 7.0, name


@pytest.mark.parametrize("theme", list(THEMES))
def test_the_picture_uses_only_the_theme_colours_whose_contrast_is_checked(theme: str) -> None:
    colours = THEMES[theme]
    allowed = {colours.background, colours.text, colours.alert, colours.band, colours.band_text,
               (0, 0, 0), (255, 255, 255)}  # the QR code is black on white
    image = png(lockscreen(crowded_passport(), theme=theme))
    total = image.width * image.height
    # Anti-aliased edges make many shades, each a tiny share of the picture.
    main = [colour for count, colour in image.getcolors(1 << 22) or [] if count > total * 0.001]
    assert main
    for colour in main:
        assert any(max(abs(a - b) for a, b in zip(colour, known, strict=True)) <= 3 for known in allowed), colour


def test_each_theme_draws_its_own_background() -> None:
    screen = PRESETS["iphone-15"]
    corners = {theme: png(lockscreen(small_passport(), theme=theme)).getpixel((0, screen.height // 2))
               for theme in THEMES}
    assert corners == {theme: THEMES[theme].background for theme in THEMES}


def test_an_unknown_theme_is_an_error() -> None:
    with pytest.raises(RenderError, match="theme"):
        lockscreen(small_passport(), theme="pink")


# --- glyphs --------------------------------------------------------------------------


def test_a_character_no_font_can_draw_is_an_error_naming_the_field_not_the_value() -> None:
    passport = small_passport(allergies=(rp.Allergy(substance="Peni\U0010fffdcillin", severity=rp.Severity.SEVERE),))
    with pytest.raises(RenderError) as caught:
        lockscreen(passport)
    message = str(caught.value)
    assert "$.allergies[0]" in message and "U+10FFFD" in message
    assert "Peni" not in message


def test_a_name_no_font_can_draw_is_an_error_naming_the_name() -> None:
    passport = small_passport(person=rp.Person(name="\U00010000 Example", date_of_birth=dt.date(2015, 3, 2)))
    with pytest.raises(RenderError, match=re.escape("$.person.name")):
        lockscreen(passport, "lockscreen-pdf")


def test_a_character_in_text_that_is_left_off_is_no_error() -> None:
    allergies = (*crowded_passport().allergies, rp.Allergy(substance="\U0010fffd", severity=rp.Severity.MILD))
    image = png(lockscreen(small_passport(allergies=allergies)))
    assert image.size == (PRESETS["iphone-15"].width, PRESETS["iphone-15"].height)


_NOTO = (Path("/usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf"),
         Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"))


@pytest.mark.skipif(not all(path.is_file() for path in _NOTO), reason="Noto Arabic and CJK fonts not installed")
def test_arabic_and_chinese_text_is_drawn_with_fallback_fonts(tmp_path: Path) -> None:
    passport = small_passport(
        person=rp.Person(name="ليلى حسن المصري", date_of_birth=dt.date(2010, 1, 15)),
        diagnoses=(rp.Diagnosis(name="Fictional metabolic disorder", primary=True),
                   rp.Diagnosis(name="متلازمة استقلابية خيالية"), rp.Diagnosis(name="虚构的代谢疾病")),
    )
    fonts = [str(path) for path in _NOTO]
    text = squashed(poppler_text(lockscreen(passport, "lockscreen-pdf", fonts=fonts), tmp_path))
    assert "虚构的代谢疾病" in text and "Fictionalmetabolicdisorder" in text
    image = png(lockscreen(passport, fonts=fonts))
    assert decoded(image) == [expected_qr_text(passport)]


def test_a_long_name_wraps_in_the_band_and_is_never_cut(tmp_path: Path) -> None:
    name = "Bartholomew Alexander Fitzgerald-Montgomery-Wolstenholme Example"
    passport = small_passport(person=rp.Person(name=name, date_of_birth=dt.date(2015, 3, 2)))
    text = poppler_text(lockscreen(passport, "lockscreen-pdf", size="iphone-13"), tmp_path)
    # pdftotext joins a word broken after its hyphen at the end of a line.
    assert squashed(name).replace("-", "") in squashed(text).replace("-", "")


# --- command line ----------------------------------------------------------------------


def test_the_command_line_writes_a_lock_screen_png(tmp_path: Path) -> None:
    source = tmp_path / "ada.json"
    source.write_text(rp.dumps(small_passport()), encoding="utf-8")
    out = tmp_path / "me.png"
    assert main(["render", str(source), "--format", "lockscreen", "--size", "iphone-15", "--theme", "dark",
                 "-o", str(out)]) == 0
    with Image.open(out) as image:
        assert image.size == (1179, 2556)
        assert image.convert("RGB").getpixel((0, 0)) == THEMES["dark"].background


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--format", "lockscreen", "--size", "a4"], "iphone-15"),
        (["--format", "pdf", "--size", "iphone-15"], "--size for --format pdf must be one of a4, a5, letter"),
        (["--format", "html", "--theme", "dark"], "--theme applies only to --format lockscreen"),
    ],
)
def test_sizes_and_themes_are_checked_against_the_format(tmp_path: Path, arguments: list[str], message: str,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "ada.json"
    source.write_text(rp.dumps(small_passport()), encoding="utf-8")
    assert main(["render", str(source), *arguments]) == 2
    assert message in capsys.readouterr().err


def test_the_demo_writes_a_lock_screen_png_whose_qr_decodes(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    assert main(["demo", str(folder)]) == 0
    with Image.open(folder / "lock-screen.png") as image:
        assert image.size == (PRESETS["iphone-15"].width, PRESETS["iphone-15"].height)
        texts = decoded(image.convert("RGB"))
    passport = rp.load(folder / "example-passport.json")
    assert len(texts) == 1 and texts[0].startswith(passport.person.name)


def test_the_lock_screen_uses_the_emergency_view_when_no_view_is_given() -> None:
    import rarepassport as _rp

    manager = _rp.default_plugin_manager()
    assert manager.backends["lockscreen"].default_view is _rp.View.EMERGENCY
    assert manager.backends["lockscreen-pdf"].default_view is _rp.View.EMERGENCY
