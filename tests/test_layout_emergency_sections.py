"""Plugin sections that hold emergency details are laid out with the emergency information."""

from __future__ import annotations

from pathlib import Path

import rarepassport as rp

CONDITIONS = Path(__file__).parent.parent / "examples" / "conditions"


def section_ids(document: rp.Document) -> list[str]:
    return [section.id for section in document.sections]


def test_condition_section_comes_after_own_protocols_and_before_general_guidance() -> None:
    for path in sorted(CONDITIONS.glob("*.json")):
        passport = rp.load(path)
        [section_id] = [f"extensions.{key}" for key in passport.extensions]
        for view in ("full", "emergency"):
            ids = section_ids(rp.layout(passport, view=view))
            assert section_id in ids, (path.name, view)
            position = ids.index(section_id)
            if "protocols" in ids:
                assert ids.index("protocols") < position, (path.name, view, ids)
            if "guidance" in ids:
                assert position < ids.index("guidance"), (path.name, view, ids)
            assert position < ids.index("diagnoses") if "diagnoses" in ids else True


def test_condition_section_is_marked_as_emergency_information() -> None:
    path = next(iter(sorted(CONDITIONS.glob("*.json"))))
    passport = rp.load(path)
    document = rp.layout(passport, view="emergency")
    [section] = [s for s in document.sections if s.id.startswith("extensions.")]
    assert section.emergency


def test_fields_declared_with_emphasis_are_laid_out_with_emphasis() -> None:
    passport = rp.load(CONDITIONS / "adrenal-insufficiency.json")
    document = rp.layout(passport, view="emergency")
    [section] = [s for s in document.sections if s.id == "extensions.adrenal_insufficiency"]
    fields = {b.label_id: b.emphasis for b in section.blocks if isinstance(b, rp.document.Field)}
    assert fields["AdrenalInsufficiency.emergency_hydrocortisone_dose"] is True
    assert fields["AdrenalInsufficiency.daily_dose"] is False
