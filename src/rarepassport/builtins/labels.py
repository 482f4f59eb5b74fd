"""Built-in plugin: the label catalogues, registered like any plugin's.

Built-in plugins register first, so a plugin's labels for the same id and language
override these (a plugin can translate or reword core labels).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rarepassport.hookspecs import hookimpl
from rarepassport.labels import LOCALE_DIR

if TYPE_CHECKING:
    from rarepassport.registries import LabelRegistry


@hookimpl
def rarepassport_register_labels(labels: LabelRegistry) -> None:
    """Register the built-in gettext catalogues (``locale/<tag>.po``), read when first needed."""
    labels.add_catalogues(LOCALE_DIR)
