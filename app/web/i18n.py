"""Message catalogs: `app/locales/<lang>/LC_MESSAGES/*.po`, compiled in memory once.

`messages.po` holds the public pages' messages; other catalogs in the same folder (such as
`console.po`, the staff console's) are merged into it, so one set of translations serves
every page. The `.po` files are the only artefact in git: reading them with Babel and
compiling them to `.mo` bytes in memory means there is no build step to forget and no
stale `.mo` to ship.
"""

from __future__ import annotations

from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import Final

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po
from babel.support import Translations

from app.fields import Language

LOCALES_DIR: Final = Path(__file__).resolve().parent.parent / "locales"
DOMAIN: Final = "messages"
"""The main catalog of each language; every other `<domain>.po` beside it is merged in."""
LANGUAGES: Final = tuple(Language)
"""Every language with a catalog, in the order the language switcher lists them."""


class CatalogError(Exception):
    """A message catalog is missing or cannot be parsed."""


def catalog_path(language: Language, domain: str = DOMAIN) -> Path:
    """Where the `.po` catalog `domain` of `language` lives."""
    return LOCALES_DIR / language / "LC_MESSAGES" / f"{domain}.po"


def catalog_domains(language: Language) -> tuple[str, ...]:
    """The catalogs of `language`: `DOMAIN` first, then the others in name order."""
    folder = LOCALES_DIR / language / "LC_MESSAGES"
    others = sorted(path.stem for path in folder.glob("*.po") if path.stem != DOMAIN)
    return (DOMAIN, *others)


def read_catalog(language: Language, domain: str = DOMAIN) -> Catalog:
    """Parse the `.po` catalog `domain` of `language`, refusing malformed entries."""
    path = catalog_path(language, domain)
    try:
        with path.open("rb") as po_file:
            # abort_invalid: a broken catalog must stop the service at startup rather than
            # silently show English to Spanish and French readers.
            return read_po(po_file, locale=language, domain=domain, abort_invalid=True)
    except FileNotFoundError as error:
        raise CatalogError(f"missing message catalog {path}") from error
    except (PoFileError, OSError, ValueError) as error:
        raise CatalogError(f"cannot read message catalog {path}: {error}") from error


def compile_catalog(catalog: Catalog, domain: str = DOMAIN) -> Translations:
    """Compile a parsed catalog to `.mo` bytes in memory and load them as translations."""
    buffer = BytesIO()
    # Fuzzy entries are guesses awaiting review; gettext falls back to the English msgid.
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(fp=buffer, domain=domain)


@lru_cache(maxsize=len(LANGUAGES))
def get_translations(language: Language) -> Translations:
    """The translations of `language` (every catalog merged), compiled once per process."""
    translations = compile_catalog(read_catalog(language))
    for domain in catalog_domains(language)[1:]:
        translations.merge(compile_catalog(read_catalog(language, domain), domain))
    return translations


def load_all_translations() -> None:
    """Compile every catalog now, so a broken one fails at startup, not on a first request."""
    for language in LANGUAGES:
        get_translations(language)


def gettext(language: Language, message: str, **variables: object) -> str:
    """`message` translated into `language`, with `%(name)s` placeholders filled in."""
    text = get_translations(language).gettext(message)
    return text % variables if variables else text


def ngettext(language: Language, singular: str, plural: str, num: int, **variables: object) -> str:
    """The singular or plural form for `num` in `language`; `%(num)s` is available."""
    text = get_translations(language).ngettext(singular, plural, num)
    return text % {"num": num, **variables}


def pgettext(language: Language, context: str, message: str, **variables: object) -> str:
    """`message` in `context` (a `msgctxt`) translated into `language`."""
    # Babel annotates pgettext as `str | object` (a missing entry falls back to the msgid).
    text = str(get_translations(language).pgettext(context, message))
    return text % variables if variables else text
