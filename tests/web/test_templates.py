"""The layout, the error page, the macros and filters, and the headers of every page."""

from __future__ import annotations

from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx2
import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from jinja2 import StrictUndefined, Undefined, UndefinedError

from app.fields import Language
from app.web.templates import (
    LAYOUT_KEYS,
    PAGE_CONTENT_SECURITY_POLICY,
    TEMPLATES_DIR,
    environment_for,
    get_environment,
    page_context,
)
from tests.web.conftest import build_page_app

EXPECTED_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)


class Element:
    """One start tag of a parsed page, with the text up to the next tag."""

    def __init__(self, tag: str, attrs: dict[str, str | None]) -> None:
        self.tag = tag
        self.attrs = attrs
        self.raw_text = ""

    @property
    def text(self) -> str:
        return " ".join(self.raw_text.split())


class PageParser(HTMLParser):
    """Collects start tags, and the text directly inside each, from a rendered page."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[Element] = []
        self.current: Element | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.current = Element(tag, dict(attrs))
        self.elements.append(self.current)

    def handle_endtag(self, tag: str) -> None:
        self.current = None

    def handle_data(self, data: str) -> None:
        if self.current is not None:
            self.current.raw_text += data


def parse(html: str) -> list[Element]:
    parser = PageParser()
    parser.feed(html)
    parser.close()
    return parser.elements


def find(elements: list[Element], tag: str, **attrs: str) -> list[Element]:
    return [
        element
        for element in elements
        if element.tag == tag
        and all(
            element.attrs.get(name.rstrip("_").replace("_", "-")) == value
            for name, value in attrs.items()
        )
    ]


def switcher_links(elements: list[Element]) -> list[Element]:
    """The <a> elements after the language switcher's <nav>, up to the end of its list."""
    start = next(
        i for i, e in enumerate(elements) if "language-switcher" in (e.attrs.get("class") or "")
    )
    return [e for e in elements[start + 1 : start + 8] if e.tag == "a"]


def make_request(path: str = "/standards", query: str = "", root_path: str = "") -> Request:
    return Request(
        {
            "type": "http",
            "method": "GET",
            "scheme": "http",
            "server": ("testserver", 80),
            "path": path,
            "root_path": root_path,
            "query_string": query.encode(),
            "headers": [],
        }
    )


def render_string(
    source: str,
    *,
    language: Language = Language.en,
    country: str | None = None,
    request: Request | None = None,
    **context: Any,
) -> str:
    values = page_context(request or make_request(), context, language=language, country=country)
    return get_environment(language).from_string(source).render(values)


SKIP_LINK = {
    "en": "Skip to main content",
    "es": "Saltar al contenido principal",
    "fr": "Passer au contenu principal",
}
LANGUAGE_LABEL = {"en": "Language", "es": "Idioma", "fr": "Langue"}


@pytest.mark.parametrize("language", ["en", "es", "fr"])
def test_layout_renders_in_each_language(page_client: TestClient, language: Language) -> None:
    response = page_client.get("/layout", params={"lang": language})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["content-language"] == language
    elements = parse(response.text)
    assert find(elements, "html")[0].attrs["lang"] == language
    skip = find(elements, "a", class_="skip-link")[0]
    assert (skip.attrs["href"], skip.text) == ("#main", SKIP_LINK[language])
    assert find(elements, "nav", aria_label=LANGUAGE_LABEL[language])
    assert find(elements, "header") and find(elements, "footer")
    assert find(elements, "main", id="main")
    assert find(elements, "link", rel="stylesheet")[0].attrs["href"] == "/static/site.css"


def test_layout_names_the_council_in_the_page_language(page_client: TestClient) -> None:
    text = page_client.get("/layout?lang=es").text
    assert "Consejo Norteamericano de Estándares de Competencias" in text
    assert "Estados Unidos, México y Canadá" in text
    assert "North American Standards Skills Council" not in text


def test_page_security_headers(page_client: TestClient) -> None:
    response = page_client.get("/layout")
    assert response.headers["content-security-policy"] == EXPECTED_CSP
    assert PAGE_CONTENT_SECURITY_POLICY == EXPECTED_CSP
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["vary"] == "Accept-Language"


def test_language_follows_accept_language(page_client: TestClient) -> None:
    response = page_client.get("/layout", headers={"Accept-Language": "fr-CA,fr;q=0.9"})
    assert response.headers["content-language"] == "fr"
    assert '<html lang="fr"' in response.text


def test_switcher_links_keep_other_query_parameters(page_client: TestClient) -> None:
    response = page_client.get("/layout?q=bater%C3%ADa&page=2&lang=es&sector=ev-batteries")
    links = switcher_links(parse(response.text))
    assert [link.attrs["hreflang"] for link in links] == ["en", "es", "fr"]
    assert [link.attrs["lang"] for link in links] == ["en", "es", "fr"]
    assert [link.text for link in links] == ["English", "Español", "Français"]
    for link, code in zip(links, ["en", "es", "fr"], strict=True):
        url = httpx2.URL(link.attrs["href"] or "")
        assert url.path == "/layout"
        assert list(url.params.multi_items()) == [
            ("q", "batería"),
            ("page", "2"),
            ("sector", "ev-batteries"),
            ("lang", code),
        ]


def test_switcher_marks_only_the_current_language(page_client: TestClient) -> None:
    links = switcher_links(parse(page_client.get("/layout?lang=fr").text))
    assert [link.attrs.get("aria-current") for link in links] == [None, None, "true"]


def test_alternate_links_point_at_every_language(page_client: TestClient) -> None:
    alternates = find(parse(page_client.get("/layout?page=3").text), "link", rel="alternate")
    assert [(a.attrs["hreflang"], a.attrs["href"]) for a in alternates] == [
        ("en", "/layout?page=3&lang=en"),
        ("es", "/layout?page=3&lang=es"),
        ("fr", "/layout?page=3&lang=fr"),
    ]


def test_switcher_urls_are_escaped_in_attributes(page_client: TestClient) -> None:
    text = page_client.get("/layout", params={"q": '"><script>alert(1)</script>'}).text
    assert "<script>" not in text
    assert "&amp;lang=en" in text


def test_links_and_stylesheet_respect_the_root_path() -> None:
    # As under `uvicorn --root-path /nassc`: the ASGI path includes the root path.
    with TestClient(build_page_app(), root_path="/nassc") as client:
        elements = parse(client.get("/nassc/layout").text)
    assert switcher_links(elements)[1].attrs["href"] == "/nassc/layout?lang=es"
    assert find(elements, "link", rel="stylesheet")[0].attrs["href"] == "/nassc/static/site.css"
    assert find(elements, "a", class_="site-name")[0].attrs["href"] == "/nassc/"


@pytest.mark.parametrize(
    ("status", "language", "title", "code"),
    [
        (404, "en", "Page not found", "Error 404"),
        (404, "es", "Página no encontrada", "Error 404"),
        (404, "fr", "Page introuvable", "Erreur 404"),
        (500, "es", "Algo salió mal", "Error 500"),
        (503, "fr", "Service non disponible", "Erreur 503"),
        (418, "en", "Invalid request", "Error 418"),
        (502, "en", "Something went wrong", "Error 502"),
    ],
)
def test_error_page(
    page_client: TestClient, status: int, language: Language, title: str, code: str
) -> None:
    response = page_client.get("/missing", params={"status": status, "lang": language})
    assert response.status_code == status
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["content-security-policy"] == EXPECTED_CSP
    assert response.headers["content-language"] == language
    elements = parse(response.text)
    assert find(elements, "title")[0].text == f"{title} · NASSC"
    assert find(elements, "h1")[0].text == title
    assert find(elements, "p", class_="error-code")[0].text == code


def test_gettext_escapes_the_values_it_fills_in() -> None:
    html = render_string(
        '{{ _("Page %(page)s of %(pages)s", page=page, pages=2) }}',
        language=Language.fr,
        page="<b>1</b>",
    )
    assert html == "Page &lt;b&gt;1&lt;/b&gt; sur 2"


def test_trans_blocks_are_translated() -> None:
    html = render_string(
        "{% trans page=1, pages=4 %}Page {{ page }} of {{ pages }}{% endtrans %}",
        language=Language.es,
    )
    assert html == "Página 1 de 4"


def test_title_block_is_escaped_once() -> None:
    source = '{% extends "base.html" %}{% block title %}{{ name }}{% endblock %}'
    html = render_string(source, name="R&D <lab>")
    assert "<title>R&amp;D &lt;lab&gt; · NASSC</title>" in html


def test_site_nav_appears_only_when_a_page_fills_it() -> None:
    assert 'class="site-nav"' not in render_string('{% extends "base.html" %}')
    source = (
        '{% extends "base.html" %}'
        '{% block site_nav %}<a href="/verify">{{ _("Verify a credential") }}</a>{% endblock %}'
    )
    nav = find(parse(render_string(source, language=Language.fr)), "nav", class_="site-nav")
    assert nav[0].attrs["aria-label"] == "Navigation du site"


def test_date_and_number_filters_follow_language_and_country() -> None:
    source = "{{ day | date }}|{{ day | date('short') }}|{{ amount | number }}|{{ 0.5 | percent }}"
    day = date(2026, 11, 24)
    assert render_string(source, language=Language.en, day=day, amount=1234.5) == (
        "November 24, 2026|11/24/26|1,234.5|50%"
    )
    assert render_string(source, language=Language.en, country="CA", day=day, amount=1234.5) == (
        "November 24, 2026|2026-11-24|1,234.5|50%"
    )
    assert render_string(source, language=Language.es, day=day, amount=1234.5) == (
        "24 de noviembre de 2026|24/11/26|1,234.5|50%"
    )
    assert render_string(source, language=Language.fr, day=day, amount=1234.5) == (
        "24 novembre 2026|2026-11-24|1\u00a0234,5|50\u00a0%"
    )


def test_unknown_date_format_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown date format"):
        render_string("{{ day | date('fancy') }}", day=date(2026, 11, 24))


def test_pagination_macro_keeps_the_query_and_translates() -> None:
    source = '{% from "_macros.html" import pagination with context %}{{ pagination(2, 5) }}'
    request = make_request("/standards", "sector=ev-batteries&page=2&lang=es")
    elements = parse(render_string(source, language=Language.es, request=request))
    assert find(elements, "nav", class_="pagination")[0].attrs["aria-label"] == "Paginación"
    previous, following = find(elements, "a", rel="prev")[0], find(elements, "a", rel="next")[0]
    assert previous.text == "Anterior"
    assert previous.attrs["href"] == "/standards?sector=ev-batteries&lang=es&page=1"
    assert following.text == "Siguiente"
    assert following.attrs["href"] == "/standards?sector=ev-batteries&lang=es&page=3"
    assert find(elements, "li", class_="pagination__current")[0].text == "Página 2 de 5"


def test_pagination_macro_at_the_edges() -> None:
    source = '{% from "_macros.html" import pagination with context %}{{ pagination(p, n) }}'
    assert render_string(source, p=1, n=1).strip() == ""
    first = parse(render_string(source, p=1, n=3))
    assert not find(first, "a", rel="prev") and find(first, "a", rel="next")
    last = parse(render_string(source, p=3, n=3))
    assert find(last, "a", rel="prev") and not find(last, "a", rel="next")


@pytest.mark.parametrize(
    ("language", "num", "expected"),
    [
        ("en", 1, "1 hour"),
        ("en", 1200, "1,200 hours"),
        ("es", 40, "40 horas"),
        ("fr", 0, "0 heure"),
        ("fr", 1200, "1\u00a0200 heures"),
    ],
)
def test_hours_macro(language: Language, num: int, expected: str) -> None:
    source = '{% from "_macros.html" import hours %}{{ hours(num) }}'
    assert render_string(source, language=language, num=num) == expected


def test_strict_environment_refuses_undefined_variables() -> None:
    with pytest.raises(UndefinedError):
        render_string("{{ missing }}")
    lenient = get_environment(Language.en, strict=False).from_string("[{{ missing }}]")
    assert lenient.render() == "[]"


def test_environments_are_built_once_per_language() -> None:
    assert get_environment(Language.es) is get_environment(Language.es)
    assert get_environment(Language.es) is not get_environment(Language.fr)


@pytest.mark.parametrize("key", sorted(LAYOUT_KEYS))
def test_page_context_refuses_layout_keys(key: str) -> None:
    with pytest.raises(ValueError, match="reserved by the layout"):
        page_context(make_request(), {key: "x"}, language=Language.en)


@pytest.mark.parametrize(
    "template", sorted(TEMPLATES_DIR.rglob("*.html")), ids=lambda path: path.name
)
def test_templates_need_no_inline_script_or_style(template: Path) -> None:
    # The page CSP allows neither; an inline one would silently not run or not apply.
    source = template.read_text(encoding="utf-8").lower()
    for forbidden in ("<script", "<style", " style=", "javascript:", " onclick=", " onload="):
        assert forbidden not in source


def test_trans_blocks_ignore_line_breaks_and_indentation() -> None:
    source = """{% trans page=1, pages=4 %}
        Page {{ page }}
        of {{ pages }}
    {% endtrans %}"""
    assert render_string(source, language=Language.fr) == "Page 1 sur 4"


@pytest.mark.parametrize(
    ("environment", "undefined"),
    [("production", Undefined), ("development", StrictUndefined), (None, StrictUndefined)],
)
def test_only_production_renders_leniently(
    environment: str | None, undefined: type[Undefined]
) -> None:
    app = FastAPI()
    if environment is not None:
        app.state.settings = SimpleNamespace(environment=environment)
    request = Request({**make_request().scope, "app": app})
    assert environment_for(request, Language.es).undefined is undefined


def test_body_class_block() -> None:
    assert "<body>" in render_string('{% extends "base.html" %}')
    source = '{% extends "base.html" %}{% block body_class %}page--certificate{% endblock %}'
    assert '<body class="page--certificate">' in render_string(source)
