"""The message catalogs: complete, reviewed, consistent with each other and with the code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg

from app.fields import Language
from app.web.i18n import DOMAIN, LANGUAGES, catalog_domains, catalog_path, read_catalog

PROJECT_ROOT = Path(__file__).resolve().parents[2]
TRANSLATED: tuple[Language, ...] = (Language.es, Language.fr)
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")

IDENTICAL_ALLOWED: frozenset[tuple[Language, str]] = frozenset(
    {
        (Language.es, "Sector"),
        (Language.es, "Error %(status)s"),
        (Language.fr, "Canada"),
        (Language.fr, "Signature"),
        (Language.fr, "Suspension"),
        (Language.fr, "Pagination"),
        (Language.fr, "Page %(page)s"),
        (Language.es, "Auditor"),
        (Language.es, "Error:"),
        (Language.es, "No"),
        (Language.fr, "Module"),
        (Language.fr, "Modules"),
        (Language.fr, "Version"),
        (Language.fr, "version %(version)s"),
    }
)
"""Words spelt the same in English and the translation; anything else identical is a miss."""

DOMAINS: tuple[str, ...] = catalog_domains(Language.en)
"""Every catalog of a language: `messages` (public pages) and `console` (staff console)."""
CATALOGS = [(language, domain) for language in LANGUAGES for domain in DOMAINS]
TRANSLATED_CATALOGS = [(language, domain) for language in TRANSLATED for domain in DOMAINS]

MessageKey = tuple[str, str | None]
"""A message's identity: its msgid (the singular for plurals) and its msgctxt."""


def key_of(message: Message) -> MessageKey:
    """The identity of `message` across catalogs."""
    msgid = message.id if isinstance(message.id, str) else message.id[0]
    return msgid, message.context


def forms_of(value: str | tuple[str, ...] | list[str] | None) -> list[str]:
    """The translated forms of a message: one, or one per plural form."""
    if value is None:
        return [""]
    return [value] if isinstance(value, str) else list(value)


def entries(catalog: Catalog) -> list[Message]:
    """The messages of a catalog without its header entry."""
    return [message for message in catalog if message.id]


def all_entries(language: Language) -> list[Message]:
    """The messages of every catalog of `language`."""
    return [message for domain in DOMAINS for message in entries(read_catalog(language, domain))]


def extracted_keys() -> set[MessageKey]:
    """Every message `pybabel extract -F babel.cfg app` finds, as the README runs it."""
    with (PROJECT_ROOT / "babel.cfg").open() as config:
        # Babel leaves this function unannotated.
        method_map, options_map = parse_mapping_cfg(config)  # type: ignore[no-untyped-call]
    keys: set[MessageKey] = set()
    for _filename, _lineno, message, _comments, context in extract_from_dir(
        str(PROJECT_ROOT / "app"), method_map, options_map
    ):
        keys.add((message if isinstance(message, str) else message[0], context))
    return keys


@pytest.mark.parametrize(("language", "domain"), CATALOGS)
def test_catalog_exists_and_parses(language: Language, domain: str) -> None:
    assert catalog_path(language, domain).is_file()
    catalog = read_catalog(language, domain)
    assert len(entries(catalog)) > 40
    assert str(catalog.locale) == language


def test_every_language_has_the_same_catalogs() -> None:
    assert DOMAINS[0] == DOMAIN
    assert "console" in DOMAINS
    for language in LANGUAGES:
        assert catalog_domains(language) == DOMAINS


@pytest.mark.parametrize(("language", "domain"), CATALOGS)
def test_no_entry_is_fuzzy(language: Language, domain: str) -> None:
    catalog = read_catalog(language, domain)
    assert not catalog.fuzzy, "the header is marked fuzzy"
    assert [message.id for message in entries(catalog) if message.fuzzy] == []


@pytest.mark.parametrize(("language", "domain"), CATALOGS)
def test_no_obsolete_entries_linger(language: Language, domain: str) -> None:
    assert list(read_catalog(language, domain).obsolete) == []


@pytest.mark.parametrize("domain", DOMAINS)
def test_all_catalogs_hold_the_same_messages(domain: str) -> None:
    english = {key_of(message) for message in entries(read_catalog(Language.en, domain))}
    for language in TRANSLATED:
        translated = {key_of(message) for message in entries(read_catalog(language, domain))}
        assert translated == english


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_message_is_in_two_catalogs(language: Language) -> None:
    # Merged translations would let one silently override the other: a message the
    # console shares with the public pages belongs in messages.po only.
    seen: dict[MessageKey, str] = {}
    duplicated = []
    for domain in DOMAINS:
        for message in entries(read_catalog(language, domain)):
            if key_of(message) in seen:
                duplicated.append((key_of(message), seen[key_of(message)], domain))
            seen.setdefault(key_of(message), domain)
    assert duplicated == []


def test_catalogs_hold_every_extracted_string_and_nothing_else() -> None:
    catalog_keys = {key_of(message) for message in all_entries(Language.en)}
    extracted = extracted_keys()
    assert extracted - catalog_keys == set(), "strings in code but not in the catalogs"
    assert catalog_keys - extracted == set(), "strings in the catalogs that no code uses"


@pytest.mark.parametrize(("language", "domain"), TRANSLATED_CATALOGS)
def test_every_message_is_translated(language: Language, domain: str) -> None:
    untranslated = [
        key_of(message)
        for message in entries(read_catalog(language, domain))
        if not all(form.strip() for form in forms_of(message.string))
    ]
    assert untranslated == []


@pytest.mark.parametrize(("language", "domain"), TRANSLATED_CATALOGS)
def test_translations_differ_from_the_english(language: Language, domain: str) -> None:
    identical = [
        msgid
        for message in entries(read_catalog(language, domain))
        for msgid in [key_of(message)[0]]
        if forms_of(message.string)[0] == msgid and (language, msgid) not in IDENTICAL_ALLOWED
    ]
    assert identical == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_allowed_identical_words_are_still_in_use(language: Language) -> None:
    msgids = {key_of(message)[0] for message in all_entries(language)}
    stale = {msgid for lang, msgid in IDENTICAL_ALLOWED if lang == language} - msgids
    assert stale == set()


@pytest.mark.parametrize(("language", "domain"), TRANSLATED_CATALOGS)
def test_placeholders_survive_translation(language: Language, domain: str) -> None:
    for message in entries(read_catalog(language, domain)):
        expected = set(PLACEHOLDER.findall(" ".join(forms_of(message.id))))
        for form in forms_of(message.string):
            assert set(PLACEHOLDER.findall(form)) == expected, message.id
            # A stray "%" would make the %-formatting of newstyle gettext raise.
            assert "%" not in PLACEHOLDER.sub("", form), message.id


@pytest.mark.parametrize(("language", "domain"), CATALOGS)
def test_babel_checkers_pass(language: Language, domain: str) -> None:
    catalog = read_catalog(language, domain)
    problems = [(message.id, errors) for message, errors in catalog.check()]
    assert problems == []


@pytest.mark.parametrize(("language", "domain"), CATALOGS)
def test_plural_entries_have_every_form(language: Language, domain: str) -> None:
    catalog = read_catalog(language, domain)
    assert catalog.num_plurals == 2
    plurals = [message for message in entries(catalog) if message.pluralizable]
    assert plurals, "the catalogs carry at least one plural message"
    for message in plurals:
        assert len(forms_of(message.string)) == catalog.num_plurals


def test_french_puts_a_no_break_space_before_a_colon() -> None:
    for message in all_entries(Language.fr):
        for form in forms_of(message.string):
            assert " :" not in form and not re.search(r"\w:", form), form
