"""A small page application built only from the web layer (no database needed)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

import pytest
from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.testclient import TestClient

from app.web import install_web
from app.web.dependencies import PageCountry, PageLanguage
from app.web.templates import render_error_page, render_page


def build_page_app() -> FastAPI:
    """Routes that render the layout, an error page and the negotiated values."""
    app = FastAPI()
    install_web(app)

    @app.get("/layout")
    def layout(request: Request, language: PageLanguage, country: PageCountry) -> HTMLResponse:
        return render_page(request, "base.html", language=language, country=country)

    @app.get("/missing")
    def missing(
        request: Request,
        language: PageLanguage,
        status: Annotated[int, Query()] = 404,
    ) -> HTMLResponse:
        return render_error_page(request, status_code=status, language=language)

    @app.get("/negotiated")
    def negotiated(language: PageLanguage, country: PageCountry) -> dict[str, str | None]:
        return {"language": language, "country": country}

    return app


@pytest.fixture(scope="module")
def page_client() -> Iterator[TestClient]:
    """An HTTP client for `build_page_app`."""
    with TestClient(build_page_app()) as client:
        yield client
