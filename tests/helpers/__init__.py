"""Shared helpers of the test suite (not tests themselves).

* ``helpers.examples``: the example passport files of ``examples/``;
* ``helpers.stress``: a large multilingual passport built in Python;
* ``helpers.strategies``: hypothesis strategies for passports;
* ``helpers.conditions``: the table of built-in condition plugins every condition test reads;
* ``helpers.mirror``: which test modules test which source module, and the check that they do;
* ``helpers.signed``: a clinic's signing key and a passport whose emergency protocols it signed.

pytest puts ``tests/`` on ``sys.path`` (``tests/conftest.py`` lives there), so tests
import these as ``from helpers.stress import make_stress_passport``.
"""
