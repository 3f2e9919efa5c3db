"""What a wallet reads before it asks: the credential issuer's metadata (OpenID4VCI 1.0 §12.2)
and the authorization server's (RFC 8414), the issuer being its own authorization server.

Two credential configurations serve the stored Open Badges 3.0 credential as it was signed:
`ldp_vc` (the Data Integrity `eddsa-rdfc-2022` form) and `jwt_vc_json` (the VC-JOSE
`vc+jwt` form). Neither binds to a wallet key (the credential names its worker already), so
neither takes a key proof. Each published standard adds a `dc+sd-jwt` configuration (its
`vct` is the standard's type): an SD-JWT VC made for the wallet, bound to the key of each
JWT key proof, so one request may ask for up to `BATCH_SIZE` of them.
"""

from __future__ import annotations

from typing import Any, Final

from app.credentials.builder import OB_V3_CONTEXT
from app.crypto.vcdm import VCDM_V2_CONTEXT
from app.standards.models import Standard
from app.standards.vct import build_type_metadata, vct_url

LDP_VC: Final = "OpenBadgeCredential_ldp_vc"
JWT_VC_JSON: Final = "OpenBadgeCredential_jwt_vc_json"
CONFIGURATION_IDS: Final = (LDP_VC, JWT_VC_JSON)
CREDENTIAL_TYPES: Final = ["VerifiableCredential", "OpenBadgeCredential"]
TOKEN_PATH: Final = "/openid4vci/token"  # noqa: S105 - a path, not a secret
NONCE_PATH: Final = "/openid4vci/nonce"
CREDENTIAL_PATH: Final = "/openid4vci/credential"
OFFERS_PATH: Final = "/openid4vci/offers"
PRE_AUTHORIZED_GRANT: Final = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
SD_JWT_SUFFIX: Final = "_dc+sd-jwt"
BATCH_SIZE: Final = 5
PROOF_ALGORITHMS: Final = ["ES256", "EdDSA", "Ed25519"]
DPOP_ALGORITHMS: Final = ["ES256", "EdDSA", "Ed25519"]

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


def sd_jwt_configuration_id(standard_code: str) -> str:
    """The `dc+sd-jwt` configuration of a standard's credentials."""
    return standard_code + SD_JWT_SUFFIX


def offered_configurations(standard_code: str) -> list[str]:
    """What an offer of one credential of `standard_code` names, the wallet form first."""
    return [sd_jwt_configuration_id(standard_code), *CONFIGURATION_IDS]


def sd_jwt_configuration(standard: Standard, *, base_url: str) -> dict[str, Any]:
    """The `dc+sd-jwt` configuration of `standard`, displayed as its type metadata is."""
    type_metadata = build_type_metadata(standard, base_url=base_url)
    return {
        "format": "dc+sd-jwt",
        "vct": vct_url(base_url, standard.code),
        "cryptographic_binding_methods_supported": ["jwk"],
        "credential_signing_alg_values_supported": ["ES256", "EdDSA"],
        "proof_types_supported": {"jwt": {"proof_signing_alg_values_supported": PROOF_ALGORITHMS}},
        "credential_metadata": {
            "display": [
                {"name": item["name"], "locale": item["locale"], "description": item["description"]}
                for item in type_metadata["display"]
            ],
            "claims": type_metadata["claims"],
        },
    }


def credential_issuer_metadata(base_url: str, standards: list[Standard]) -> dict[str, Any]:
    """`/.well-known/openid-credential-issuer` of the issuer identified by `base_url`, with a
    `dc+sd-jwt` configuration for each of the published `standards`."""
    return {
        "credential_issuer": base_url,
        "credential_endpoint": base_url + CREDENTIAL_PATH,
        "nonce_endpoint": base_url + NONCE_PATH,
        "batch_credential_issuance": {"batch_size": BATCH_SIZE},
        "display": ISSUER_DISPLAY,
        "credential_configurations_supported": {
            **{
                sd_jwt_configuration_id(standard.code): sd_jwt_configuration(
                    standard, base_url=base_url
                )
                for standard in standards
            },
            LDP_VC: {
                "format": "ldp_vc",
                "credential_definition": {
                    "@context": [VCDM_V2_CONTEXT, OB_V3_CONTEXT],
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
    only, at our token endpoint, without client authentication; access tokens bound to a
    DPoP key when the wallet sends a proof (RFC 9449 §5.1)."""
    return {
        "issuer": base_url,
        "token_endpoint": base_url + TOKEN_PATH,
        "grant_types_supported": [PRE_AUTHORIZED_GRANT],
        "response_types_supported": [],
        "token_endpoint_auth_methods_supported": ["none"],
        "pre-authorized_grant_anonymous_access_supported": True,
        "dpop_signing_alg_values_supported": DPOP_ALGORITHMS,
    }
