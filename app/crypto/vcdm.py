"""The W3C Verifiable Credentials Data Model's shared words: base contexts, document types and
media types (VCDM 2.0 §4.1, §4.5, §6.1), one home for issuing, verifying and the pages."""

from __future__ import annotations

from typing import Final

VCDM_V2_CONTEXT: Final = "https://www.w3.org/ns/credentials/v2"
VCDM_V1_CONTEXT: Final = "https://www.w3.org/2018/credentials/v1"
"""VC Data Model 1.1's base context, still read by the VC API verifier."""

VC_TYPE: Final = "VerifiableCredential"
VP_TYPE: Final = "VerifiablePresentation"
ENVELOPED_VC_TYPE: Final = "EnvelopedVerifiableCredential"
ENVELOPED_VP_TYPE: Final = "EnvelopedVerifiablePresentation"

VC_MEDIA_TYPE: Final = "application/vc"
"""A credential secured with an embedded proof (Data Integrity)."""
VP_MEDIA_TYPE: Final = "application/vp"
VC_JWT_MEDIA_TYPE: Final = "application/vc+jwt"
VP_JWT_MEDIA_TYPE: Final = "application/vp+jwt"
VC_JWT_DATA_URL: Final = f"data:{VC_JWT_MEDIA_TYPE},"
"""How an EnvelopedVerifiableCredential's `id` carries a vc+jwt."""
VP_JWT_DATA_URL: Final = f"data:{VP_JWT_MEDIA_TYPE},"
