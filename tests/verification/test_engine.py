"""The engine on its own: injected registry, status source and clock; outcome precedence."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from app.config import PROJECT_ROOT
from app.crypto.contexts import PinnedContexts
from app.crypto.jose import sign_vc_jwt
from app.verification.checks import Check, CheckName, CheckStatus, Code, Outcome, outcome_of
from app.verification.engine import VerificationEngine
from app.verification.forms import credential_from_token
from app.verification.status_check import ListDocument, StatusListUnavailable
from app.verification.trust import TrustedKeys
from app.verification.validity import check_validity
from tests.crypto.factories import ob_credential
from tests.verification.factories import ForeignIssuer

NOW = datetime(2027, 6, 1, tzinfo=UTC)


class Registry:
    """An in-memory trust registry."""

    def __init__(self, *issuers: TrustedKeys) -> None:
        self.issuers = {issuer.did: issuer for issuer in issuers}

    def lookup(self, did: str) -> TrustedKeys | None:
        return self.issuers.get(did)


class Unreachable:
    """A status source that never answers."""

    def prefetch(self, urls: Sequence[str]) -> None:
        pass

    def retrieve(self, url: str, *, issuer: TrustedKeys) -> ListDocument:
        raise StatusListUnavailable(Code.status_list_unavailable, "timed out")


@pytest.fixture(scope="module")
def contexts() -> PinnedContexts:
    return PinnedContexts.load(Path(PROJECT_ROOT) / "credentials" / "contexts")


def _credential(node: ForeignIssuer, **changes: Any) -> dict[str, Any]:
    document = ob_credential(**changes)
    document["issuer"] = {"id": node.did, "type": ["Profile"], "name": "Node"}
    document["credentialStatus"] = [
        {
            "id": f"https://{node.host}/status/1#5",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "5",
            "statusListCredential": f"https://{node.host}/status/1",
        }
    ]
    return document


def _engine(node: ForeignIssuer, contexts: PinnedContexts) -> VerificationEngine:
    trusted = TrustedKeys(
        did=node.did, name="Node", country="CA", keys={node.method: node.key.public_key()}
    )
    return VerificationEngine(
        registry=Registry(trusted), status_lists=Unreachable(), contexts=contexts, now=NOW
    )


def test_unreachable_status_is_status_unknown_never_verified(contexts: PinnedContexts) -> None:
    node = ForeignIssuer("ca.nassc.example")
    token = sign_vc_jwt(_credential(node), private_key=node.key, kid=node.method)
    result = _engine(node, contexts).verify(credential_from_token(token))

    assert result.outcome is Outcome.status_unknown
    assert result.verified is False
    assert result.check(CheckName.revocation).status is CheckStatus.unknown
    assert result.check(CheckName.suspension).code is Code.no_status_entry


def test_expired_beats_status_unknown(contexts: PinnedContexts) -> None:
    node = ForeignIssuer("ca.nassc.example")
    document = _credential(node, validUntil="2027-01-01T00:00:00Z")
    token = sign_vc_jwt(document, private_key=node.key, kid=node.method)
    result = _engine(node, contexts).verify(credential_from_token(token))
    assert result.outcome is Outcome.expired


def _checks(**statuses: tuple[CheckStatus, Code]) -> list[Check]:
    passed = (CheckStatus.passed, Code.signature_valid)
    return [Check(name, *statuses.get(name.value, passed), "") for name in CheckName]


@pytest.mark.parametrize(
    ("statuses", "outcome"),
    [
        ({}, Outcome.verified),
        (
            {
                "revocation": (CheckStatus.failed, Code.revoked),
                "validity": (CheckStatus.failed, Code.expired),
            },
            Outcome.revoked,
        ),
        (
            {
                "suspension": (CheckStatus.failed, Code.suspended),
                "revocation": (CheckStatus.unknown, Code.status_list_unavailable),
            },
            Outcome.suspended,
        ),
        ({"validity": (CheckStatus.failed, Code.not_yet_valid)}, Outcome.not_yet_valid),
        ({"validity": (CheckStatus.failed, Code.malformed_date)}, Outcome.invalid),
        (
            {
                "schema": (CheckStatus.failed, Code.nonconformant),
                "revocation": (CheckStatus.failed, Code.revoked),
            },
            Outcome.invalid,
        ),
        (
            {
                "proof": (CheckStatus.failed, Code.signature_mismatch),
                "schema": (CheckStatus.failed, Code.nonconformant),
            },
            Outcome.tampered,
        ),
        ({"proof": (CheckStatus.failed, Code.unknown_key)}, Outcome.wrong_key),
        (
            {
                "issuer": (CheckStatus.failed, Code.untrusted_issuer),
                "proof": (CheckStatus.unknown, Code.not_checked),
            },
            Outcome.unknown_issuer,
        ),
        ({"issuer": (CheckStatus.failed, Code.missing_issuer)}, Outcome.invalid),
        (
            {"suspension": (CheckStatus.unknown, Code.status_list_not_fetched)},
            Outcome.status_unknown,
        ),
    ],
)
def test_outcome_precedence(
    statuses: dict[str, tuple[CheckStatus, Code]], outcome: Outcome
) -> None:
    assert outcome_of(_checks(**statuses)) is outcome


@pytest.mark.parametrize(
    ("document", "code"),
    [
        ({"validFrom": "2027-06-01T00:00:00Z"}, Code.within_validity),
        ({"validFrom": "2027-06-01T00:00:01Z"}, Code.not_yet_valid),
        ({"validUntil": "2027-06-01T00:00:00Z"}, Code.within_validity),
        ({"validUntil": "2027-05-31T23:59:59Z"}, Code.expired),
        ({"validFrom": "2027-01-01T00:00:00"}, Code.malformed_date),
        ({"validFrom": "yesterday"}, Code.malformed_date),
        (
            {"validFrom": "2028-01-01T00:00:00Z", "validUntil": "2026-01-01T00:00:00Z"},
            Code.malformed_date,
        ),
        ({"validFrom": "2027-06-01T02:00:00+02:00"}, Code.within_validity),
        ({}, Code.within_validity),
    ],
)
def test_validity_boundaries(document: dict[str, Any], code: Code) -> None:
    assert check_validity(document, now=NOW).code is code


@pytest.mark.parametrize(
    ("claims", "code"),
    [
        ({"nbf": NOW.timestamp()}, Code.within_validity),
        ({"nbf": NOW.timestamp() + 1}, Code.not_yet_valid),
        ({"exp": NOW.timestamp() + 1}, Code.within_validity),
        ({"exp": NOW.timestamp()}, Code.expired),
        ({"exp": int(NOW.timestamp()) - 1, "validUntil": "2099-01-01T00:00:00Z"}, Code.expired),
        ({"exp": "2099-01-01T00:00:00Z"}, Code.malformed_date),
        ({"nbf": True}, Code.malformed_date),
        ({"exp": 1e300}, Code.malformed_date),
        ({"exp": float("nan")}, Code.malformed_date),
        ({"exp": None}, Code.malformed_date),
    ],
)
def test_jwt_nbf_and_exp_boundaries(claims: dict[str, Any], code: Code) -> None:
    # RFC 7519 §4.1.4–4.1.5: valid from nbf inclusive, until exp exclusive.
    assert check_validity(claims, now=NOW, jwt_claims=claims).code is code


def test_nbf_and_exp_mean_nothing_outside_a_jwt() -> None:
    claims = {"exp": NOW.timestamp() - 1, "nbf": NOW.timestamp() + 1}

    assert check_validity(claims, now=NOW).code is Code.within_validity
