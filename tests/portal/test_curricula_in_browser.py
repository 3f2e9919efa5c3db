"""A curriculum from draft to approval in headless Chromium, without any script: a provider
user in Puebla builds it module by module ("Add a module" is a round trip), saves a draft
with gaps and reads them in Spanish, fixes them and submits; staff approve it in the
console; the provider sees it approved in Spanish, English and French. The form is
photographed at 1280 and 390 px in the three languages."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from sqlalchemy.orm import Session

from app.auth.roles import Role
from app.curricula.models import Curriculum
from app.fields import Country
from app.provider_users.models import ProviderRole
from app.providers.models import TrainingProvider
from tests.browser import LiveServer, sign_in_form, submit, wait_for
from tests.credentials.factories import issuing_setup
from tests.curricula.factories import complete_curriculum_body
from tests.factories import PASSWORD, create_staff_user
from tests.portal.curriculum_forms import (
    choose,
    fill_module,
    fix_gaps,
    gap_texts,
    gapped_body,
    type_into,
)
from tests.portal.helpers import ready_user
from tests.portal.test_portal_in_browser import SIZES, fits

pytestmark = pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)
APPROVED = {"es": "Aprobado", "en": "Approved", "fr": "Approuvé"}


def shoot(browser: WebDriver, folder: Path, name: str) -> None:
    """Photograph the whole page at each width (the window made as tall as the page), after
    checking it is no wider than the window."""
    for width, height in SIZES:
        browser.set_window_size(width, height)
        fits(browser)
        tall = browser.execute_script("return document.documentElement.scrollHeight")
        browser.set_window_size(width, min(int(tall), 8000))
        browser.save_screenshot(str(folder / f"{name}-{width}.png"))
    browser.set_window_size(*SIZES[0])


def test_a_provider_user_fixes_the_gaps_and_staff_approve(
    browser: WebDriver,
    live_server: LiveServer,
    api: TestClient,
    app: FastAPI,
    db: Session,
    tmp_path: Path,
) -> None:
    setup = issuing_setup(api, app, db)
    provider = db.get(TrainingProvider, setup.provider_id)
    assert provider is not None
    email = ready_user(db, provider, ProviderRole.provider_staff)
    gapped = gapped_body(setup.standard)
    complete = complete_curriculum_body(setup.standard, Country.mx)
    first, second = (outcome.code for outcome in setup.standard.units[0].outcomes[:2])

    browser.set_window_size(1280, 900)
    sign_in_form(
        browser, f"{live_server.url}/portal?lang=es", account=("email", email), password=PASSWORD
    )
    submit(browser, browser.find_element(By.LINK_TEXT, "Planes de estudios"))
    submit(browser, browser.find_element(By.ID, "new-curriculum"))
    shoot(browser, tmp_path, "curriculum-new-es")
    choose(browser, "standard-choice", f"{setup.standard.code}:{setup.standard.version}")
    submit(browser, browser.find_element(By.CSS_SELECTOR, "main form button"))
    assert browser.find_element(By.ID, "no-report").text
    type_into(browser, "module-1-theory_hours", "doce")
    submit(browser, browser.find_element(By.ID, "save-draft"))
    problems = browser.find_element(By.CSS_SELECTOR, ".console-error-summary").text
    assert "Escriba el título del plan de estudios." in problems
    assert "Módulo 1: Escriba la clave del módulo, por ejemplo MEC-101." in problems
    assert "Módulo 1: Escriba las horas como número entero" in problems
    shoot(browser, tmp_path, "curriculum-errors-es")

    type_into(browser, "title", "Técnico en ensamble aeroespacial — plan dual Puebla")
    for number, module in enumerate(gapped["modules"], start=1):
        if number > 1:
            submit(browser, browser.find_element(By.ID, "add-module"))
        fill_module(browser, number, module)
    submit(browser, browser.find_element(By.ID, "save-draft"))
    assert "Borrador guardado." in browser.find_element(By.CSS_SELECTOR, "[role=status]").text
    gaps = gap_texts(browser)
    assert any(gap.startswith(f"Ningún módulo enseña el resultado {second}") for gap in gaps)
    assert any(gap.startswith(f"El resultado {first} de la unidad") for gap in gaps)
    assert any("El módulo M02 se imparte en inglés" in gap for gap in gaps)
    assert any("deben ser en el lugar de trabajo" in gap for gap in gaps)
    url = browser.current_url
    curriculum_id = int(url.split("/curricula/")[1].split("?")[0])
    shoot(browser, tmp_path, "curriculum-gaps-es")
    for lang in ("en", "fr"):
        browser.get(url.replace("lang=es", f"lang={lang}"))
        wait_for(browser, "#gaps")
        shoot(browser, tmp_path, f"curriculum-gaps-{lang}")
    browser.get(url)
    wait_for(browser, "#gaps")

    fix_gaps(browser, complete)
    submit(browser, browser.find_element(By.ID, "submit-curriculum"))
    assert browser.find_element(By.ID, "no-gaps").text.startswith("Sin brechas")
    status = browser.find_element(By.ID, "curriculum-status").text
    assert status.startswith("En espera de revisión")
    shoot(browser, tmp_path, "curriculum-submitted-es")

    registrar = create_staff_user(db, Role.registrar)
    browser.get(f"{live_server.url}/console")
    wait_for(browser, "input#username").send_keys(registrar)
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    submit(browser, browser.find_element(By.CSS_SELECTOR, "form.console-form button"))
    browser.get(f"{live_server.url}/console/curricula/{curriculum_id}")
    submit(browser, wait_for(browser, "button#approve"))
    curriculum = db.get(Curriculum, curriculum_id)
    assert curriculum is not None
    db.refresh(curriculum)
    assert curriculum.status == "approved"

    for lang, word in APPROVED.items():
        browser.get(f"{live_server.url}/portal/curricula/{curriculum_id}?lang={lang}")
        assert wait_for(browser, "#curriculum-status").text.startswith(word)
        shoot(browser, tmp_path, f"curriculum-approved-{lang}")
    browser.get(f"{live_server.url}/portal/curricula?lang=es")
    assert "Aprobado" in wait_for(browser, "table#curricula").text
    shoot(browser, tmp_path, "curricula-es")
