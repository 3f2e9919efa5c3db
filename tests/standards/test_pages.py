"""The public catalog of harmonized standards: the index, one standard, in en, es and fr."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from fastapi.testclient import TestClient
from markupsafe import escape
from sqlalchemy.orm import Session

from app.config import PROJECT_ROOT, Settings
from app.db import utcnow
from app.fields import Language
from app.standards import service as standards_service
from app.standards.schemas import StandardCreate
from app.web.i18n import gettext
from tests.web.helpers import Node, assert_page, parse

pytestmark = pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)

SEMI = "NASSC-SEMI-FAB-TECH"
SEED_FILES = sorted((PROJECT_ROOT / "curricula").glob("*.json"))


def load_seed(path: Path) -> StandardCreate:
    """A seed file as the registry validates it."""
    return StandardCreate.model_validate(json.loads(path.read_text(encoding="utf-8")))


def seed_file(code: str) -> StandardCreate:
    """The seed standard with `code`."""
    return next(data for data in map(load_seed, SEED_FILES) if data.code == code)


@pytest.fixture
def seeded(db: Session, settings: Settings) -> list[str]:
    """The seed standards, stored and published; returns their codes."""
    result = standards_service.seed_standards(db, directory=settings.curricula_dir, now=utcnow())
    db.commit()
    return [label.split(" ")[0] for label in result.created]


def catalog_codes(page: Node) -> list[str]:
    """The standard codes listed on a catalog page, in order."""
    table = page.find_all("table", class_="catalog-table")
    if not table:
        return []
    return [row.find("code").text for row in table[0].find("tbody").find_all("tr")]


def page_msgids() -> set[str]:
    """The msgids the catalog pages use (their templates and `page_labels`), placeholders out."""
    app_dir = PROJECT_ROOT / "app"
    sources = [
        (app_dir / "standards" / "page_labels.py", "python", {}),
        *(
            (path, "jinja2", {"extensions": "jinja2.ext.i18n", "trimmed": "true"})
            for path in sorted((app_dir / "templates" / "standards").glob("*.html"))
        ),
    ]
    msgids: set[str] = set()
    for path, method, options in sources:
        for _lineno, message, _comments, _context in extract_from_file(
            method, str(path), options=options
        ):
            msgid = message if isinstance(message, str) else message[0]
            if "%(" not in msgid:
                msgids.add(msgid)
    return msgids


# --- The catalog index ------------------------------------------------------------------


def test_catalog_lists_every_published_standard(client: TestClient, seeded: list[str]) -> None:
    page = assert_page(client.get("/standards"))
    codes = catalog_codes(page)
    assert len(codes) >= 5
    assert sorted(codes) == sorted(seeded) == codes
    assert page.find("h1").text == "Catalog of harmonized standards"
    first = page.find("table", class_="catalog-table").find("tbody").find("tr")
    assert first.find("th").attrs["scope"] == "row"
    assert "United States, Mexico, and Canada" in first.text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"sector": "semiconductors"}, ["NASSC-SEMI-FAB-TECH"]),
        ({"level": "3"}, ["NASSC-AERO-ASSY-TECH", "NASSC-EVB-CELL-TECH"]),
        ({"q": "wind"}, ["NASSC-CLEAN-WIND-TECH"]),
        ({"q": "Éolienne", "lang": "fr"}, ["NASSC-CLEAN-WIND-TECH"]),
        ({"q": "batteries", "level": "3", "country": "MX"}, ["NASSC-EVB-CELL-TECH"]),
        ({"q": "no such thing"}, []),
    ],
)
def test_catalog_filters(
    client: TestClient, seeded: list[str], query: dict[str, str], expected: list[str]
) -> None:
    page = assert_page(client.get("/standards", params=query))
    assert catalog_codes(page) == expected
    heading = page.find("h2", id="catalog-results-heading").text
    assert heading.startswith(str(len(expected)))


def test_catalog_filter_form_keeps_the_applied_values(
    client: TestClient, seeded: list[str]
) -> None:
    page = assert_page(client.get("/standards?sector=ev-batteries&level=3&q=cell&lang=es"))
    form = page.find("form", role="search")
    assert form.attrs["method"] == "get" and form.attrs["action"] == "/standards"
    assert form.find("input", name="q").attrs["value"] == "cell"
    assert form.find("input", name="lang").attrs == {
        "type": "hidden",
        "name": "lang",
        "value": "es",
    }
    selected = {
        select.attrs["name"]: [
            o.attrs["value"] for o in select.find_all("option") if "selected" in o.attrs
        ]
        for select in form.find_all("select")
    }
    assert selected == {"sector": ["ev-batteries"], "country": [], "level": ["3"], "language": []}
    for select in form.find_all("select"):
        assert page.find("label", for_=select.attrs["id"] or "").text
    assert page.find("a", href="/standards?lang=es").text == "Quitar filtros"


def test_catalog_ignores_empty_and_unknown_filter_values(
    client: TestClient, seeded: list[str]
) -> None:
    # An unchanged form submits every field, empty; a hand-edited URL may hold anything.
    empty = client.get("/standards?q=&sector=&country=&level=&language=&lang=en")
    assert len(catalog_codes(assert_page(empty))) == 5
    junk = client.get("/standards?sector=mining&country=FR&level=nine&language=de&page=-1")
    assert len(catalog_codes(assert_page(junk))) == 5


def test_catalog_paginates(client: TestClient, seeded: list[str]) -> None:
    first = assert_page(client.get("/standards?per_page=2&lang=fr"))
    assert len(catalog_codes(first)) == 2
    nav = first.find("nav", class_="pagination")
    assert "Page 1 sur 3" in nav.text
    assert nav.find("a", rel="next").attrs["href"] == "/standards?per_page=2&lang=fr&page=2"
    last = assert_page(client.get("/standards?per_page=2&lang=fr&page=3"))
    assert len(catalog_codes(last)) == 1


def test_catalog_links_carry_the_language_and_country_filter(
    client: TestClient, seeded: list[str]
) -> None:
    page = assert_page(client.get("/standards?lang=es&country=CA&sector=semiconductors"))
    link = page.find("table", class_="catalog-table").find("a")
    assert link.attrs["href"] == f"/standards/{SEMI}?lang=es&country=CA"
    assert link.text == seed_file(SEMI).title.es


def test_catalog_in_spanish(client: TestClient, seeded: list[str]) -> None:
    response = client.get("/standards", headers={"Accept-Language": "es-MX,es;q=0.9"})
    page = assert_page(response)
    assert response.headers["content-language"] == "es"
    assert page.find("html").attrs["lang"] == "es"
    assert page.find("h1").text == "Catálogo de estándares armonizados"
    titles = [row.find("a").text for row in page.find("tbody").find_all("tr")]
    assert seed_file(SEMI).title.es in titles
    assert "Semiconductores y electrónica avanzada" in page.find("tbody").text


def test_catalog_escapes_the_search_text(client: TestClient, seeded: list[str]) -> None:
    response = client.get("/standards", params={"q": '"><script>alert(1)</script>'})
    assert "<script>" not in response.text
    assert "&lt;script&gt;" in response.text


# --- One standard ----------------------------------------------------------------------

HEADINGS: dict[Language, list[str]] = {
    Language.en: [
        "Level and national references",
        "Occupations",
        "Competency units",
        "Assessment",
        "Equivalent national credentials",
        "Delivery by country",
        "Machine-readable data",
    ],
    Language.es: [
        "Nivel y referencias nacionales",
        "Ocupaciones",
        "Unidades de competencia",
        "Evaluación",
        "Credenciales nacionales equivalentes",
        "Impartición por país",
        "Datos legibles por máquina",
    ],
    Language.fr: [
        "Niveau et références nationales",
        "Professions",
        "Unités de compétence",
        "Évaluation",
        "Titres de compétences nationaux équivalents",
        "Formation par pays",
        "Données lisibles par machine",
    ],
}


@pytest.mark.parametrize("language", ["en", "es", "fr"])
def test_standard_page_in_each_language(
    client: TestClient, seeded: list[str], language: Language
) -> None:
    response = client.get(f"/standards/{SEMI}", params={"lang": language})
    page = assert_page(response)
    seed = seed_file(SEMI)
    text = Language(language)
    assert response.headers["content-language"] == language
    assert page.find("html").attrs["lang"] == language
    assert page.find("h1").text == seed.title.in_language(text)
    assert page.find("title").text.startswith(seed.title.in_language(text))
    assert seed.description.in_language(text) in page.find("p", class_="lead").text
    assert [h2.text for h2 in page.find("main").find_all("h2")] == HEADINGS[language]
    body = page.find("main").text
    assert seed.units[0].outcomes[0].performance_criteria[0].in_language(text) in body
    assert seed.delivery_profiles[0].notes is not None
    assert seed.delivery_profiles[0].notes.in_language(text) in body


@pytest.mark.parametrize("language", ["es", "fr"])
def test_standard_page_has_no_english_page_text(
    client: TestClient, seeded: list[str], language: Language
) -> None:
    body = parse(client.get(f"/standards/{SEMI}?lang={language}").text).find("html").text
    leftovers = {
        msgid
        for msgid in page_msgids()
        if gettext(language, msgid) != msgid and f" {msgid} " in f" {body} "
    }
    assert leftovers == set()
    for english in ("Competency units", "Learning outcomes", "Performance criteria", "unverified"):
        assert english not in body


def test_standard_page_sections_are_landmarks_with_headings(
    client: TestClient, seeded: list[str]
) -> None:
    page = assert_page(client.get(f"/standards/{SEMI}"))
    main = page.find("main")
    assert main.find("nav", aria_label="Breadcrumb")
    assert main.find("article", aria_labelledby="standard-title")
    regions = [s for s in main.find_all("section") if "aria-labelledby" in s.attrs]
    assert len(regions) == 7
    for region in regions:
        assert main.find("h2", id=region.attrs["aria-labelledby"] or "")
    for table in main.find_all("table"):
        assert table.find_all("caption") or "aria-labelledby" in table.attrs
        for th in table.find_all("th"):
            assert th.attrs["scope"] in {"col", "row"}
    assert 'style="' not in client.get(f"/standards/{SEMI}").text
    assert "<script" not in client.get(f"/standards/{SEMI}").text


def test_standard_page_shows_levels_codes_units_and_assessment(
    client: TestClient, seeded: list[str]
) -> None:
    page = assert_page(client.get(f"/standards/{SEMI}"))
    seed = seed_file(SEMI)
    level = page.find("section", id="level").text
    assert "CONOCER level (Mexico) 3" in level and "NOC TEER category (Canada) 2" in level
    assert "EQF level (European reference) 4" in level
    header = page.find("header", class_="standard-header").text
    assert "5 years, then renewal" in header and "Semiconductors and advanced electronics" in header
    occupations = page.find("section", id="occupations").find("tbody").find_all("tr")
    first = [cell.text for cell in occupations[0].children if isinstance(cell, Node)]
    assert first[0] == seed.occupations[0].title.en
    assert first[1] == "51-9141 Exact match"
    assert first[3] == "2642 Broader group unverified"
    units = page.find("section", id="units")
    assert len(units.find_all("section", class_="unit")) == len(seed.units)
    unit = units.find("section", id="unit-SEMI-U01")
    assert "Mandatory Weight in the assessment: 20%" in unit.text
    assert "Candidates complete every mandatory unit and 1 elective unit." in units.text
    legend = "Entries marked “unverified” have not yet been confirmed"
    assert legend in page.find("section", id="occupations").text
    assert legend not in page.find("section", id="equivalents").text
    rows = page.find("section", id="assessment").find("tbody").find_all("tr")
    assert [cell.text for cell in rows[0].children if isinstance(cell, Node)] == [
        "Written exam",
        "All units",
        "80",
        "90",
        "70%",
    ]
    assert rows[1].find("a", href="#unit-SEMI-U02").text == "SEMI-U02"


def test_standard_page_links_the_json_and_case_exports(
    client: TestClient, seeded: list[str]
) -> None:
    page = assert_page(client.get(f"/standards/{SEMI}?lang=fr"))
    links = [a.attrs["href"] or "" for a in page.find("section", id="data").find_all("a")]
    assert links == [
        f"http://testserver/api/v1/standards/{SEMI}/versions/1?lang=fr",
        f"http://testserver/api/v1/standards/{SEMI}/case?version=1&lang=fr",
    ]
    for link in links:
        exported = client.get(link)
        assert exported.status_code == 200
        assert exported.headers["content-language"] == "fr"
    breadcrumb = page.find("nav", class_="breadcrumb")
    assert breadcrumb.find("a", href="/standards?lang=fr")


def test_unverified_equivalents_are_marked(client: TestClient, seeded: list[str]) -> None:
    page = assert_page(client.get("/standards/NASSC-CLEAN-WIND-TECH?country=MX&lang=es"))
    section = page.find("section", id="equivalents")
    groups = section.find_all("section", class_="country-group")
    assert groups[0].find("h3").text == "México Su país"
    row = groups[0].find("tbody").find("tr")
    assert "EC0118" in row.text and row.find("strong", class_="flag").text == "no verificado"
    assert "Los datos marcados como “no verificado”" in section.text
    canada = next(group for group in groups if group.find("h3").text == "Canadá")
    assert "Certificado de oficio provincial o territorial CA-ON" in canada.text


def test_retired_version_stays_readable_by_number(
    client: TestClient, db: Session, seeded: list[str]
) -> None:
    standards_service.retire_standard(db, code=SEMI, version=1)
    db.commit()
    page = assert_page(client.get(f"/standards/{SEMI}?version=1"))
    assert page.find("p", class_="notice").text.startswith("This version is retired")
    newest = assert_page(client.get("/standards/NASSC-BIO-MFG-TECH?version="))
    assert not newest.find_all("p", class_="notice")
    assert_page(client.get(f"/standards/{SEMI}"), status=404)
    assert SEMI not in catalog_codes(assert_page(client.get("/standards")))


def delivery_countries(page: Node) -> list[tuple[str, bool]]:
    """The delivery cards' countries, in order, and whether each is the reader's."""
    section = page.find("section", id="delivery")
    return [
        (card.find("h3").text, "delivery-card--reader" in card.classes)
        for card in section.find_all("section", class_="delivery-card")
    ]


def test_reader_country_puts_canada_first(client: TestClient, seeded: list[str]) -> None:
    page = assert_page(client.get(f"/standards/{SEMI}?country=CA"))
    assert delivery_countries(page) == [
        ("Canada Your country", True),
        ("United States", False),
        ("Mexico", False),
    ]
    groups = page.find("section", id="equivalents").find_all("section", class_="country-group")
    assert groups[0].find("h3").text == "Canada Your country"
    assert "country-group--reader" in groups[0].classes
    assert "Instrumentation and Control Technician" in groups[0].text
    chooser = page.find("nav", class_="country-chooser")
    assert "Delivery and recognition for your country are shown first." in chooser.text
    assert chooser.find("a", aria_current="true").text == "Canada"
    card = page.find("section", class_="delivery-card--reader").text
    assert "300 to 720 hours" in card and "55%" in card and "160 hours" in card
    assert "English and French" in card


def test_reader_country_from_accept_language(client: TestClient, seeded: list[str]) -> None:
    response = client.get(f"/standards/{SEMI}", headers={"Accept-Language": "fr-CA"})
    page = assert_page(response)
    assert page.find("html").attrs["lang"] == "fr"
    assert delivery_countries(page)[0] == ("Canada Votre pays", True)
    card = page.find("section", class_="delivery-card--reader").text
    assert "300 à 720 heures" in card and "Anglais et français" in card


def test_without_a_country_nothing_is_highlighted(client: TestClient, seeded: list[str]) -> None:
    page = assert_page(client.get(f"/standards/{SEMI}", headers={"Accept-Language": "en"}))
    assert delivery_countries(page) == [
        ("United States", False),
        ("Mexico", False),
        ("Canada", False),
    ]
    assert not page.find_all("span", class_="tag--reader")


@pytest.mark.parametrize(
    ("path", "language", "detail"),
    [
        ("/standards/NASSC-NO-SUCH", "en", "No published standard has the code NASSC-NO-SUCH."),
        (f"/standards/{SEMI}?version=7", "es", f"El estándar {SEMI} no tiene una versión 7"),
        (f"/standards/{SEMI}?version=abc", "fr", f"La norme {SEMI} n'a pas de version abc"),
    ],
)
def test_unknown_standard_is_an_html_404(
    client: TestClient, seeded: list[str], path: str, language: Language, detail: str
) -> None:
    response = client.get(path, headers={"Accept-Language": language})
    page = assert_page(response, status=404)
    assert page.find("html").attrs["lang"] == language
    assert page.find("h1").text == gettext(language, "Page not found")
    assert detail in page.find("main").text


def test_unknown_code_is_escaped_on_the_404_page(client: TestClient) -> None:
    response = client.get("/standards/%3Cb%3Ebold")
    assert_page(response, status=404)
    assert "<b>bold" not in response.text
    assert "&lt;b&gt;bold" in response.text


def test_standard_content_is_escaped(client: TestClient, db: Session) -> None:
    data = seed_file(SEMI).model_copy(
        update={
            "code": "NASSC-XSS-TEST",
            "title": seed_file(SEMI).title.model_copy(
                update={"en": '<script>alert("x")</script> & <b>Co</b>'}
            ),
        }
    )
    standards_service.create_standard(db, data=data, now=utcnow())
    db.commit()
    response = client.get("/standards/NASSC-XSS-TEST")
    page = assert_page(response)
    assert "<script>" not in response.text and "<b>Co</b>" not in response.text
    assert escape('<script>alert("x")</script> & <b>Co</b>') in response.text
    assert page.find("h1").text == '<script>alert("x")</script> & <b>Co</b>'
    catalog = client.get("/standards?q=xss")
    assert "<script>" not in catalog.text
    assert catalog_codes(assert_page(catalog)) == ["NASSC-XSS-TEST"]
