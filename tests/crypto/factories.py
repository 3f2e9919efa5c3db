"""Plain factory functions for the crypto tests."""

from __future__ import annotations

from typing import Any

VCDM_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3P0 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"


def ob_credential(**overrides: Any) -> dict[str, Any]:
    """A realistic Open Badges 3.0 credential (about 3 KB of JSON), unsigned."""
    credential: dict[str, Any] = {
        "@context": [VCDM_V2, OB_V3P0],
        "id": "urn:uuid:2f0b6c7e-4a4f-4c1e-9a55-0c3f3c1f7a10",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Certified Welding Inspector — Level 2",
        "description": "Awarded for the NASSC harmonized weld inspection competencies.",
        "issuer": {
            "id": "https://credentials.nassc.example/issuers/ca-on-001",
            "type": ["Profile"],
            "name": "Ontario Skilled Trades Board",
            "url": "https://skilledtrades.example.ca",
            "email": "registry@skilledtrades.example.ca",
        },
        "validFrom": "2026-03-01T00:00:00Z",
        "validUntil": "2031-03-01T00:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": "sha256$"
                    "b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399",
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": "Kosher",
                }
            ],
            "achievement": {
                "id": "https://credentials.nassc.example/achievements/cwi-2",
                "type": ["Achievement"],
                "achievementType": "Certification",
                "name": "Certified Welding Inspector — Level 2",
                "description": "Inspects welds against NASSC standard WLD-2 in Canada, "
                "Mexico and the United States. Inspección de soldaduras.",
                "criteria": {
                    "narrative": "Passed the written examination (at least 75%) and a "
                    "supervised practical inspection of 20 joints."
                },
                "inLanguage": "en",
                "humanCode": "CWI-2",
                "fieldOfStudy": "Welding inspection",
                "alignment": [
                    _alignment("Visual inspection of fillet welds", "ve-1"),
                    _alignment("Interpretation of weld symbols", "ws-3"),
                    _alignment("Destructive testing procedures", "dt-2"),
                ],
                "resultDescription": [
                    {
                        "id": "urn:uuid:7d7e0e9e-5a55-4b4f-8f1f-1b2c3d4e5f60",
                        "type": ["ResultDescription"],
                        "name": "Written examination score",
                        "resultType": "Percent",
                        "valueMin": "0",
                        "valueMax": "100",
                    }
                ],
            },
            "result": [
                {
                    "type": ["Result"],
                    "resultDescription": "urn:uuid:7d7e0e9e-5a55-4b4f-8f1f-1b2c3d4e5f60",
                    "value": "88",
                }
            ],
        },
        "credentialStatus": {
            "id": "https://credentials.nassc.example/status/3#94567",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "94567",
            "statusListCredential": "https://credentials.nassc.example/status/3",
        },
    }
    credential.update(overrides)
    return credential


def _alignment(name: str, code: str) -> dict[str, Any]:
    return {
        "type": ["Alignment"],
        "targetName": name,
        "targetUrl": f"https://credentials.nassc.example/standards/wld-2/{code}",
        "targetCode": f"WLD-2.{code.upper()}",
        "targetFramework": "NASSC Harmonized Standards",
        "targetType": "CFItem",
    }
