"""Published names of the controlled vocabularies, in every language labels appear in."""

from __future__ import annotations

from app.standards.enums import OutcomeKind, RecognitionType, Sector, UnitKind
from app.standards.localized import LocalizedText

SECTOR_LABELS: dict[Sector, LocalizedText] = {
    Sector.semiconductors: LocalizedText(
        en="Semiconductors and advanced electronics",
        es="Semiconductores y electrónica avanzada",
        fr="Semi-conducteurs et électronique de pointe",
    ),
    Sector.critical_minerals_clean_energy: LocalizedText(
        en="Critical minerals and clean energy",
        es="Minerales críticos y energía limpia",
        fr="Minéraux critiques et énergie propre",
    ),
    Sector.ev_batteries: LocalizedText(
        en="Electric vehicles and batteries",
        es="Vehículos eléctricos y baterías",
        fr="Véhicules électriques et batteries",
    ),
    Sector.biopharma_medical: LocalizedText(
        en="Biopharmaceuticals and medical supplies",
        es="Biofarmacéuticos e insumos médicos",
        fr="Produits biopharmaceutiques et fournitures médicales",
    ),
    Sector.aerospace_defense: LocalizedText(
        en="Aerospace and defense",
        es="Aeroespacial y defensa",
        fr="Aérospatiale et défense",
    ),
}
"""The name of every sector; a new `Sector` member needs its entry here."""

UNIT_KIND_LABELS = {
    UnitKind.mandatory: LocalizedText(
        en="Mandatory unit", es="Unidad obligatoria", fr="Unité obligatoire"
    ),
    UnitKind.elective: LocalizedText(
        en="Elective unit", es="Unidad optativa", fr="Unité optionnelle"
    ),
}
OUTCOME_KIND_LABELS = {
    OutcomeKind.knowledge: LocalizedText(en="knowledge", es="conocimiento", fr="savoirs"),
    OutcomeKind.skill: LocalizedText(en="skill", es="habilidad", fr="savoir-faire"),
    OutcomeKind.responsibility: LocalizedText(
        en="responsibility and autonomy",
        es="responsabilidad y autonomía",
        fr="responsabilité et autonomie",
    ),
}
RECOGNITION_LABELS = {
    RecognitionType.full: LocalizedText(
        en="full recognition", es="reconocimiento total", fr="reconnaissance complète"
    ),
    RecognitionType.partial: LocalizedText(
        en="partial recognition", es="reconocimiento parcial", fr="reconnaissance partielle"
    ),
    RecognitionType.gap_training: LocalizedText(
        en="recognition after gap training",
        es="reconocimiento con formación complementaria",
        fr="reconnaissance après une formation d'appoint",
    ),
    RecognitionType.challenge_exam: LocalizedText(
        en="recognition by challenge exam",
        es="reconocimiento mediante examen de acreditación",
        fr="reconnaissance par examen d'équivalence",
    ),
}
