"""Distinct, fictional generated passports for the throughput and batch benchmarks.

Each is the largest bundled example with another person: name, preferred name, date of
birth, address, phone and weight differ, so nothing can be cached per passport.

    python benchmarks/batch_inputs.py 1000 > passports.ndjson   # for `rarepassport batch`
"""

from __future__ import annotations

import copy
import json
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "child-several-diagnoses.json"
GIVEN = ("Maisie", "Oliver", "Amara", "Jonas", "Priya", "Tomasz", "Aoife", "Kwame", "Lena", "Mateo",
         "Zofia", "Idris", "Freya", "Yusuf", "Elin", "Dmitri", "Nia", "Hugo", "Saoirse", "Ravi")
FAMILY = ("Thornbury", "Okafor", "Lindqvist", "Moreau", "Nowak", "Haddad", "Fernández", "Brennan",
          "Achterberg", "Kowalczyk", "Ó Súilleabháin", "Delacroix", "Mwangi", "Sørensen", "Varga")


def generated_passports(count: int, seed: int = 13) -> Iterator[dict[str, Any]]:
    """``count`` distinct passport dicts (deterministic for a seed)."""
    base = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    rng = random.Random(seed)
    for index in range(count):
        data = copy.deepcopy(base)
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
        person = data["person"]
        person["name"] = f"{given} {family} {index}"
        person["preferred_name"] = given
        person["date_of_birth"] = f"{rng.randint(2005, 2016)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        person["address"] = f"{rng.randint(1, 250)} Example Road, Anytown, AN{rng.randint(1, 9)} {rng.randint(1, 9)}EX"
        person["phone"] = f"07700 900{rng.randint(0, 999):03d}"
        if "weight" in person:
            person["weight"]["kg"] = round(rng.uniform(12, 60), 1)
        yield data


if __name__ == "__main__":
    for passport in generated_passports(int(sys.argv[1]) if len(sys.argv) > 1 else 1000):
        sys.stdout.write(json.dumps(passport, ensure_ascii=False) + "\n")
