"""Trilingual text: every label of a standard is published in English, Spanish and French."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

from app.fields import SIGNABLE, Language

Label = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000), SIGNABLE
]
"""A non-empty, stripped piece of text in one language (credentials sign it: no control
characters)."""


class LocalizedText(BaseModel):
    """The same text in en, es (Mexico) and fr (Canada); none may be blank."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    en: Label
    es: Label
    fr: Label

    def in_language(self, lang: Language) -> str:
        """The text in `lang`."""
        text: str = getattr(self, lang.value)
        return text
