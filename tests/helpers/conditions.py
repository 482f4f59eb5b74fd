"""What the tests of the four built-in condition plugins share.

Each plugin's own test file checks its section, rules and guidance; the checks every
condition example must pass (round trip, canonical form, no issues, schema, the
owner's protocol before general guidance in every format) are parametrised over the
conditions in ``test_condition_examples.py``, from the table below.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import attrs

import rarepassport as rp
from rarepassport.guidance import Guidance

CONDITIONS = Path(__file__).resolve().parents[2] / "examples" / "conditions"
#: The day the example passports were checked on (their review dates lie after it).
TODAY = dt.date(2026, 11, 27)


def read_json(path: Path) -> dict[str, Any]:
    """A passport file as a dict, to change before writing it back."""
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def write(tmp_path: Path, data: dict[str, Any]) -> Path:
    """Write a passport dict to a real file, as a user would have it."""
    path = tmp_path / "passport.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def validate_file(tmp_path: Path, data: dict[str, Any], plugins: rp.PluginManager) -> rp.Report:
    """Validate a passport dict through a real file, judged on :data:`TODAY`."""
    return rp.validate(write(tmp_path, data), plugins=plugins, today=TODAY)


def guidance(passport: rp.Passport, plugins: rp.PluginManager) -> list[Guidance]:
    """Every piece of guidance the plugins give for this passport."""
    results = plugins.hook.rarepassport_emergency_guidance(passport=passport)
    return [item for result in results for item in result]


@attrs.frozen
class ConditionExample:
    """A condition plugin's example passport and what its rendering must show.

    Attributes:
        file: The example's file name in ``examples/conditions``.
        own_protocol: Words of the owner's protocol title, as the text output has it.
        guidance_title: The plugin's general guidance title.
        source: Words of the guidance source.
        pdf_detail: A detail of the plugin section that the PDF must show.
    """

    file: str
    own_protocol: str
    guidance_title: str
    source: str
    pdf_detail: str

    @property
    def path(self) -> Path:
        return CONDITIONS / self.file


EXAMPLES = (
    ConditionExample(
        file="adrenal-insufficiency.json",
        own_protocol="My adrenal crisis protocol",
        guidance_title="Adrenal crisis in adults: emergency treatment",
        source="Society for Endocrinology",
        pdf_detail="100 mg hydrocortisone IM",
    ),
    ConditionExample(
        file="mcad-deficiency.json",
        own_protocol="Robin's hospital emergency letter",
        guidance_title="MCAD deficiency: illness",
        source="British Inherited Metabolic Disease Group",
        pdf_detail="Glucose polymer drink",
    ),
    ConditionExample(
        file="haemophilia.json",
        own_protocol="Jamie's bleed protocol",
        guidance_title="Haemophilia: bleeding and injury",
        source="World Federation of Hemophilia",
        pdf_detail="Recombinant factor VIII",
    ),
    ConditionExample(
        file="dravet-syndrome.json",
        own_protocol="Ash's seizure protocol",
        guidance_title="Dravet syndrome: prolonged seizures",
        source="Dravet Syndrome UK",
        pdf_detail="Buccal midazolam",
    ),
)
