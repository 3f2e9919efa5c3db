"""The shared web layer of the public pages: catalogs, templates, static files.

Pages import what they need by module: `app.web.templates.render_page`,
`app.web.dependencies.PageLanguage`, `app.web.i18n.gettext`, `app.web.vocabulary`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from app.web.i18n import load_all_translations
from app.web.templates import STATIC_PATH

STATIC_DIR: Final = Path(__file__).resolve().parent.parent / "static"


def mount_static(app: FastAPI) -> None:
    """Serve `app/static/` at `/static` (route name `static`)."""
    app.mount(STATIC_PATH, StaticFiles(directory=STATIC_DIR), name="static")


def install_web(app: FastAPI) -> None:
    """Mount the static files and compile the catalogs now, so a broken one fails startup."""
    load_all_translations()
    mount_static(app)
