"""Code formats: how standards, their units and outcomes, and national classifications are named.

The NASSC formats are ours; the national ones follow the published classifications:
SOC 2018 detailed occupations `NN-NNNN` (major groups are the odd numbers 11-55), NOC 2021
unit groups of five digits whose second digit is the TEER category (0-5), and SINCO 2019
grupos unitarios of four digits.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import StringConstraints

STANDARD_CODE_PATTERN = r"^NASSC(?:-[A-Z0-9]{2,16}){1,5}$"
ITEM_CODE_PATTERN = r"^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*$"
SOC_2018_PATTERN = r"^(?:1[13579]|[234][13579]|5[135])-\d{4}$"
NOC_2021_PATTERN = r"^\d[0-5]\d{3}$"
SINCO_2019_PATTERN = r"^[1-9]\d{3}$"
CONOCER_EC_PATTERN = r"^EC\d{4}$"

StandardCode = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=64, pattern=STANDARD_CODE_PATTERN)
]
"""A standard's stable code, e.g. `NASSC-SEMI-FAB-TECH`; the same across versions."""

ItemCode = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=40, pattern=ITEM_CODE_PATTERN)
]
"""A competency unit or learning outcome code, e.g. `SEMI-U01` or `SEMI-U01-LO2`."""
