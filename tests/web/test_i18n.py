"""Catalog loading: in-memory compilation, caching, fallbacks and broken catalogs."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog

from app.fields import Language
from app.web import i18n
from app.web.i18n import (
    CatalogError,
    compile_catalog,
    get_translations,
    gettext,
    load_all_translations,
    ngettext,
    pgettext,
)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Skip to main content"),
        ("es", "Saltar al contenido principal"),
        ("fr", "Passer au contenu principal"),
    ],
)
def test_gettext_translates(language: Language, expected: str) -> None:
    assert gettext(language, "Skip to main content") == expected


def test_gettext_fills_placeholders() -> None:
    assert gettext(Language.es, "Page %(page)s of %(pages)s", page=2, pages=5) == "Página 2 de 5"
    assert gettext(Language.fr, "Page %(page)s of %(pages)s", page=2, pages=5) == "Page 2 sur 5"


def test_unknown_messages_fall_back_to_the_english_msgid() -> None:
    assert gettext(Language.fr, "Not in any catalog") == "Not in any catalog"


@pytest.mark.parametrize(
    ("language", "num", "expected"),
    [
        ("en", 1, "1 hour"),
        ("en", 0, "0 hours"),
        ("es", 1, "1 hora"),
        ("es", 40, "40 horas"),
        # French treats zero as singular.
        ("fr", 0, "0 heure"),
        ("fr", 1, "1 heure"),
        ("fr", 2, "2 heures"),
    ],
)
def test_ngettext_follows_each_language_plural_rule(
    language: Language, num: int, expected: str
) -> None:
    assert ngettext(language, "%(num)s hour", "%(num)s hours", num) == expected


def test_pgettext_without_an_entry_falls_back_to_the_msgid() -> None:
    assert pgettext(Language.es, "check outcome", "passed") == "passed"


def test_translations_are_compiled_once_per_process() -> None:
    load_all_translations()
    assert get_translations("es") is get_translations("es")
    assert get_translations("es") is not get_translations("fr")


def test_compile_leaves_out_fuzzy_entries() -> None:
    catalog = Catalog(locale="es")
    catalog.add("Verify", "Verificar")
    catalog.add("Verified", "Verificado", flags=["fuzzy"])
    translations = compile_catalog(catalog)
    assert translations.gettext("Verify") == "Verificar"
    assert translations.gettext("Verified") == "Verified"


def write_catalog(root: Path, language: str, text: str) -> None:
    folder = root / language / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "messages.po").write_text(text, encoding="utf-8")


def test_a_missing_catalog_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(i18n, "LOCALES_DIR", tmp_path)
    with pytest.raises(CatalogError, match="missing message catalog"):
        i18n.read_catalog(Language.es)


def test_a_malformed_catalog_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_catalog(tmp_path, "es", 'msgid "Verify"\nVerificar\nmsgstr "Verificar"\n')
    monkeypatch.setattr(i18n, "LOCALES_DIR", tmp_path)
    with pytest.raises(CatalogError, match="cannot read message catalog"):
        i18n.read_catalog(Language.es)


def test_a_catalog_that_is_not_utf8_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "messages.po").write_bytes('msgid "Verify"\nmsgstr "Vérifier"\n'.encode("latin-1"))
    monkeypatch.setattr(i18n, "LOCALES_DIR", tmp_path)
    with pytest.raises(CatalogError, match="cannot read message catalog"):
        i18n.read_catalog(Language.fr)


def test_every_catalog_of_a_language_is_merged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_catalog(tmp_path, "es", 'msgid "Verify"\nmsgstr "Verificar"\n')
    console = tmp_path / "es" / "LC_MESSAGES" / "console.po"
    console.write_text(
        'msgid "Sign out"\nmsgstr "Cerrar sesión"\n\n'
        'msgctxt "credential status"\nmsgid "Active"\nmsgstr "Activa"\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(i18n, "LOCALES_DIR", tmp_path)
    assert i18n.catalog_domains(Language.es) == ("messages", "console")
    merged = get_translations.__wrapped__("es")
    assert merged.gettext("Verify") == "Verificar"
    assert merged.gettext("Sign out") == "Cerrar sesión"
    assert merged.pgettext("credential status", "Active") == "Activa"


def test_a_broken_second_catalog_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_catalog(tmp_path, "fr", 'msgid "Verify"\nmsgstr "Vérifier"\n')
    console = tmp_path / "fr" / "LC_MESSAGES" / "console.po"
    console.write_text('msgid "Sign out"\nFermer\nmsgstr "Fermer"\n', encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALES_DIR", tmp_path)
    with pytest.raises(CatalogError, match=r"cannot read message catalog .*console\.po"):
        get_translations.__wrapped__("fr")
