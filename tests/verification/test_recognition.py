"""Recognition for the employer's country: `?country=`, else the region of Accept-Language."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.standards.schemas import StandardRead
from tests.helpers import assert_problem
from tests.verification.factories import VERIFY, issued_credential


def _verify(client: TestClient, jwt: str, **kwargs: Any) -> dict[str, Any]:
    response = client.post(VERIFY, json={"credential": jwt}, **kwargs)
    assert response.status_code == 200, response.text
    assert "Accept-Language" in response.headers["vary"]
    body: dict[str, Any] = response.json()
    return body


def _equivalents(standard: StandardRead, country: str) -> list[str]:
    return [item.title for item in standard.equivalents if item.country.value == country]


def test_country_parameter_mexico(client: TestClient, app: FastAPI, db: Session) -> None:
    setup, issued = issued_credential(client, app, db)
    body = _verify(client, issued["jwt"], params={"country": "MX"})

    assert body["employer_country"] == "MX"
    [recognition] = body["recognition"]
    standard = setup.standard
    assert recognition["country"] == "MX"
    assert recognition["language"] == "es"
    assert recognition["standard_code"] == standard.code
    assert recognition["standard_title"] == standard.title.es
    assert recognition["nassc_level"] == standard.level.nassc_level
    assert [o["system"] for o in recognition["occupations"]] == ["SINCO 2019"] * len(
        standard.occupations
    )
    assert [o["code"] for o in recognition["occupations"]] == [
        o.sinco_2019.code for o in standard.occupations
    ]
    assert [o["title"] for o in recognition["occupations"]] == [
        o.title.es for o in standard.occupations
    ]
    assert [o["verified"] for o in recognition["occupations"]] == [
        o.sinco_2019.verified for o in standard.occupations
    ]
    assert [e["title"] for e in recognition["equivalents"]] == _equivalents(standard, "MX")
    if standard.level.conocer_level is not None:
        assert recognition["national_level"] == {
            "framework": "CONOCER",
            "level": standard.level.conocer_level,
        }


@pytest.mark.parametrize(
    ("accept_language", "country", "system", "language"),
    [
        ("fr-CA,fr;q=0.9,en;q=0.5", "CA", "NOC 2021", "fr"),
        ("es-MX", "MX", "SINCO 2019", "es"),
        ("en-US,en;q=0.8", "US", "SOC 2018", "en"),
    ],
)
def test_country_from_accept_language(
    client: TestClient,
    app: FastAPI,
    db: Session,
    accept_language: str,
    country: str,
    system: str,
    language: str,
) -> None:
    setup, issued = issued_credential(client, app, db)
    body = _verify(client, issued["jwt"], headers={"Accept-Language": accept_language})

    assert body["employer_country"] == country
    [recognition] = body["recognition"]
    assert recognition["country"] == country
    assert recognition["language"] == language
    assert {o["system"] for o in recognition["occupations"]} == {system}
    titles = [getattr(o.title, language) for o in setup.standard.occupations]
    assert [o["title"] for o in recognition["occupations"]] == titles
    assert [e["title"] for e in recognition["equivalents"]] == _equivalents(setup.standard, country)
    if country == "CA" and setup.standard.level.noc_teer is not None:
        assert recognition["national_level"] == {
            "framework": "NOC TEER",
            "level": setup.standard.level.noc_teer,
        }
    if country == "US":
        assert recognition["national_level"] is None


def test_country_parameter_wins_over_accept_language(
    client: TestClient, app: FastAPI, db: Session
) -> None:
    _, issued = issued_credential(client, app, db)
    body = _verify(
        client, issued["jwt"], params={"country": "us"}, headers={"Accept-Language": "fr-CA"}
    )
    assert body["employer_country"] == "US"
    assert body["recognition"][0]["country"] == "US"
    assert body["recognition"][0]["language"] == "fr"


def test_unknown_country_gives_all_three(client: TestClient, app: FastAPI, db: Session) -> None:
    _, issued = issued_credential(client, app, db)
    body = _verify(client, issued["jwt"], headers={"Accept-Language": "en"})
    assert body["employer_country"] is None
    assert [r["country"] for r in body["recognition"]] == ["US", "MX", "CA"]
    assert [r["language"] for r in body["recognition"]] == ["en", "en", "en"]


def test_invalid_country_is_422(client: TestClient, app: FastAPI, db: Session) -> None:
    _, issued = issued_credential(client, app, db)
    response = client.post(VERIFY, json={"credential": issued["jwt"]}, params={"country": "FR"})
    assert_problem(response, 422, "invalid-country")
