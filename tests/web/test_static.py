"""`/static/site.css`: served by `mount_static`, self-contained, accessible and printable."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.web import STATIC_DIR, mount_static

CSS = (STATIC_DIR / "site.css").read_text(encoding="utf-8")


def print_rules() -> str:
    """The body of the `@media print` block (the last block of the sheet)."""
    return CSS[CSS.index("@media print") :]


def test_site_css_is_served(page_client: TestClient) -> None:
    response = page_client.get("/static/site.css")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/css; charset=utf-8"
    assert response.text == CSS
    assert "etag" in response.headers


def test_mount_static_alone_serves_the_sheet() -> None:
    app = FastAPI()
    mount_static(app)
    with TestClient(app) as client:
        assert client.get("/static/site.css").status_code == 200
        assert client.get("/static/missing.css").status_code == 404
        assert client.get("/static/%2e%2e/web/__init__.py").status_code == 404
    assert app.url_path_for("static", path="site.css") == "/static/site.css"


def test_css_loads_nothing_from_elsewhere() -> None:
    # The page CSP is `style-src 'self'`, and pages must work without a network.
    assert "@import" not in CSS
    assert "@font-face" not in CSS
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", CSS)


def test_css_shows_keyboard_focus() -> None:
    assert ":focus-visible" in CSS
    # Only <main>, focused as the skip link's target rather than by the reader, drops it.
    unfocused = re.findall(r"([^{}]+)\{[^}]*outline:\s*none", CSS)
    assert [selector.strip().split("\n")[-1] for selector in unfocused] == ["main:focus"]


@pytest.mark.parametrize(
    "selector", [".skip-link", ".site-nav", ".language-switcher", ".pagination", "form"]
)
def test_print_hides_navigation(selector: str) -> None:
    hidden = print_rules().split("display: none !important;")[0]
    assert selector in hidden


def test_print_is_black_on_white_and_keeps_sections_whole() -> None:
    rules = print_rules()
    assert "color: #000000 !important" in rules
    assert "background: transparent !important" in rules
    assert "break-inside: avoid" in rules
    assert 'content: " (" attr(href) ")"' in rules
