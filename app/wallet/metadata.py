"""What a wallet reads before it asks: the credential issuer's metadata (OpenID4VCI 1.0 §12.2)
and the authorization server's (RFC 8414), the issuer being its own authorization server.

Two credential configurations serve the stored Open Badges 3.0 credential as it was signed:
`ldp_vc` (the Data Integrity `eddsa-rdfc-2022` form) and `jwt_vc_json` (the VC-JOSE
`vc+jwt` form). Neither binds to a wallet key (the credential names its worker already), so
neither takes a key proof.
"""

from __future__ import annotations

from typing import Any, Final

from app.credentials.builder import OB_V3_CONTEXT, VC_V2_CONTEXT

LDP_VC: Final = "OpenBadgeCredential_ldp_vc"
JWT_VC_JSON: Final = "OpenBadgeCredential_jwt_vc_json"
CONFIGURATION_IDS: Final = (LDP_VC, JWT_VC_JSON)
CREDENTIAL_TYPES: Final = ["VerifiableCredential", "OpenBadgeCredential"]
TOKEN_PATH: Final = "/openid4vci/token"  # noqa: S105 - a path, not a secret
NONCE_PATH: Final = "/openid4vci/nonce"
CREDENTIAL_PATH: Final = "/openid4vci/credential"
OFFERS_PATH: Final = "/openid4vci/offers"
PRE_AUTHORIZED_GRANT: Final = "urn:ietf:params:oauth:grant-type:pre-authorized_code"

ISSUER_DISPLAY: Final = [
    {"name": "NASSC — North American Standards Skills Council", "locale": "en"},
    {"name": "NASSC — Consejo de Normas de Competencias de América del Norte", "locale": "es-MX"},
    {"name": "NASSC — Conseil nord-américain des normes de compétences", "locale": "fr-CA"},
]
CREDENTIAL_DISPLAY: Final = [
    {
        "name": "NASSC certification",
        "locale": "en",
        "description": "An industry certification recognised in the US, Mexico and Canada.",
        "background_color": "#12355b",
        "text_color": "#ffffff",
    },
    {
        "name": "Certificación NASSC",
        "locale": "es-MX",
        "description": "Una certificación industrial reconocida en México, EE. UU. y Canadá.",
        "background_color": "#12355b",
        "text_color": "#ffffff",
    },
    {
        "name": "Certification NASSC",
        "locale": "fr-CA",
        "description": "Une certification industrielle reconnue au Canada, aux États-Unis "
        "et au Mexique.",
        "background_color": "#12355b",
        "text_color": "#ffffff",
    },
]


def credential_issuer_metadata(base_url: str) -> dict[str, Any]:
    """`/.well-known/openid-credential-issuer` of the issuer identified by `base_url`."""
    return {
        "credential_issuer": base_url,
        "credential_endpoint": base_url + CREDENTIAL_PATH,
        "nonce_endpoint": base_url + NONCE_PATH,
        "display": ISSUER_DISPLAY,
        "credential_configurations_supported": {
            LDP_VC: {
                "format": "ldp_vc",
                "credential_definition": {
                    "@context": [VC_V2_CONTEXT, OB_V3_CONTEXT],
                    "type": CREDENTIAL_TYPES,
                },
                "credential_signing_alg_values_supported": ["eddsa-rdfc-2022"],
                "credential_metadata": {"display": CREDENTIAL_DISPLAY},
            },
            JWT_VC_JSON: {
                "format": "jwt_vc_json",
                "credential_definition": {"type": CREDENTIAL_TYPES},
                "credential_signing_alg_values_supported": ["EdDSA"],
                "credential_metadata": {"display": CREDENTIAL_DISPLAY},
            },
        },
    }


def authorization_server_metadata(base_url: str) -> dict[str, Any]:
    """`/.well-known/oauth-authorization-server` (RFC 8414): the pre-authorized code grant
    only, at our token endpoint, without client authentication."""
    return {
        "issuer": base_url,
        "token_endpoint": base_url + TOKEN_PATH,
        "grant_types_supported": [PRE_AUTHORIZED_GRANT],
        "response_types_supported": [],
        "token_endpoint_auth_methods_supported": ["none"],
        "pre-authorized_grant_anonymous_access_supported": True,
    }
