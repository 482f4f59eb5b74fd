"""rarepassport's own plugins, in one place.

Everything built in is registered through the same hooks an outside plugin uses, by the
modules this list names, in this order and before any outside plugin (so a clash is
blamed on the outside plugin):

* ``core-layout`` — the core sections' layout (`rarepassport.builtins.layout`);
* ``core-rules`` — the validation rules of the core model (`rarepassport.builtins.rules`);
* ``builtin-backends`` — ``pdf``, ``card``, ``lockscreen``, ``html``, ``markdown``, ``text``
  (`rarepassport.builtins.backends`);
* ``builtin-labels`` — the label catalogues (`rarepassport.builtins.labels`);
* ``builtin-exporters`` — ``fhir-ips`` and ``phenopacket`` (`rarepassport.builtins.exporters`);
* the condition plugins in `rarepassport.plugins`, each a self-contained example
  for patient groups writing their own.

The plugin manager imports them by name, as it loads entry points, so nothing here is
imported by ``import rarepassport``.
"""

from __future__ import annotations

__all__ = ["BUILTIN_PLUGINS"]

#: Modules registered as plugins before any outside plugin, as ``(name, module)``.
BUILTIN_PLUGINS: tuple[tuple[str, str], ...] = (
    ("core-layout", "rarepassport.builtins.layout"),
    ("core-rules", "rarepassport.builtins.rules"),
    ("builtin-backends", "rarepassport.builtins.backends"),
    ("builtin-labels", "rarepassport.builtins.labels"),
    ("builtin-exporters", "rarepassport.builtins.exporters"),
    ("adrenal-insufficiency", "rarepassport.plugins.adrenal_insufficiency"),
    ("mcad-deficiency", "rarepassport.plugins.mcad_deficiency"),
    ("haemophilia", "rarepassport.plugins.haemophilia"),
    ("dravet-syndrome", "rarepassport.plugins.dravet_syndrome"),
)
