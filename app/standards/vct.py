"""SD-JWT VC Type Metadata for each harmonized standard (draft-ietf-oauth-sd-jwt-vc §6).

https://datatracker.ietf.org/doc/draft-ietf-oauth-sd-jwt-vc/ — the `vct` of our SD-JWT VCs is
`{public_base_url}/vct/{standard_code}`, and that URL resolves to this document: `display`
entries (each with its REQUIRED `locale`) in English, Mexican Spanish and Canadian French,
and claim metadata (`path`, labels in the three languages, `sd` always / never / allowed)
that matches what `app.wallet.sd_jwt_vc.build_claims` makes disclosable (it lives
here, below verification, so the verifier can name what a holder withheld).
"""

from __future__ import annotations

from typing import Any, Final

from app.standards.models import Standard

LOCALES: Final = {"en": "en", "es": "es-MX", "fr": "fr-CA"}
"""Our languages and the locale each display entry is tagged with."""

_NAMES: Final = {
    "en": "NASSC certification: {title}",
    "es": "Certificación NASSC: {title}",
    "fr": "Certification NASSC : {title}",
}
_DESCRIPTIONS: Final = {
    "en": "A worker's certification against the NASSC harmonized standard {code}, "
    "recognized in the United States, Mexico and Canada.",
    "es": "Certificación de una persona trabajadora en la norma armonizada NASSC {code}, "
    "reconocida en Estados Unidos, México y Canadá.",
    "fr": "Certification d'un travailleur selon la norme harmonisée NASSC {code}, "
    "reconnue aux États-Unis, au Mexique et au Canada.",
}
_RENDERING: Final = {"simple": {"background_color": "#12355b", "text_color": "#ffffff"}}

# (path, sd, labels en/es/fr): the claims of `sd_jwt_vc.build_claims`, in its order.
_CLAIMS: Final[tuple[tuple[tuple[str | None, ...], str, tuple[str, str, str]], ...]] = (
    (("name",), "always", ("Name", "Nombre", "Nom")),
    (("credential_id",), "never", ("Credential ID", "ID de la credencial", "ID de l'attestation")),
    (("achievement",), "never", ("Certification", "Certificación", "Certification")),
    (("achievement", "code"), "never", ("Standard code", "Clave de la norma", "Code de la norme")),
    (("achievement", "version"), "never", ("Version", "Versión", "Version")),
    (("achievement", "title"), "never", ("Standard", "Norma", "Norme")),
    (("achievement", "type"), "never", ("Type", "Tipo", "Type")),
    (("achievement", "sector"), "never", ("Sector", "Sector", "Secteur")),
    (("achievement", "level"), "never", ("NASSC level", "Nivel NASSC", "Niveau NASSC")),
    (("assessment_date",), "never", ("Assessed on", "Fecha de evaluación", "Évalué le")),
    (("score",), "always", ("Score (%)", "Puntuación (%)", "Note (%)")),
    (("units",), "never", ("Competency units", "Unidades de competencia", "Unités de compétence")),
    (("units", None), "always", ("Unit passed", "Unidad aprobada", "Unité réussie")),
    (("evidence",), "never", ("Evidence", "Evidencia", "Preuves")),
    (("evidence", None), "always", ("Evidence item", "Evidencia", "Élément de preuve")),
    (("provider",), "always", ("Training provider", "Centro de formación", "Formateur")),
    (
        ("recognition",),
        "never",
        ("National recognition", "Reconocimiento nacional", "Reconnaissance nationale"),
    ),
)


def vct_url(base_url: str, standard_code: str) -> str:
    """The `vct` of the SD-JWT VCs of a standard, and where its type metadata is served."""
    return f"{base_url}/vct/{standard_code}"


def build_type_metadata(standard: Standard, *, base_url: str) -> dict[str, Any]:
    """The Type Metadata document of `standard` (its newest published version's titles)."""
    titles = {"en": standard.title_en, "es": standard.title_es, "fr": standard.title_fr}
    display = [
        {
            "locale": locale,
            "name": _NAMES[language].format(title=titles[language]),
            "description": _DESCRIPTIONS[language].format(code=standard.code),
            "rendering": _RENDERING,
        }
        for language, locale in LOCALES.items()
    ]
    claims = [
        {
            "path": list(path),
            "display": [
                {"locale": locale, "label": label}
                for locale, label in zip(LOCALES.values(), labels, strict=True)
            ],
            "sd": sd,
        }
        for path, sd, labels in _CLAIMS
    ]
    return {
        "vct": vct_url(base_url, standard.code),
        "name": _NAMES["en"].format(title=standard.title_en),
        "description": _DESCRIPTIONS["en"].format(code=standard.code),
        "display": display,
        "claims": claims,
    }
