"""Canonicalization benchmark: the native RDFC-1.0 path against pyld, on our own credential.

Measured in one run, in this process, on the same unsigned credential (built by the issuance
builder for the first standard in curricula/, both status entries, 2 evidence items):
- pyld alone (`rdfc.canonicalize_reference`, the reference);
- the native path (`rdfc.canonicalize`, the shape's template already built), with a new
  credential id, recipient and issuance time for every call, as a stream of issued
  credentials has;
- bare signing (`add_proof`: the credential and the proof configuration, each with its own
  `created`) and bare verification (`verify_proof`) on the native path;
and the ratio native/pyld. Target: native ≥ 2x pyld. The two canonicalizations are called
in turn, one document each, so load from other processes weighs on both alike.

Run: `.venv/bin/python bench/canonicalize.py [--seconds 3] [--rounds 3]`.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.config import PROJECT_ROOT
from app.credentials.builder import Assessment, EvidenceItem, Issuer, Recipient, build_credential
from app.crypto import rdfc
from app.crypto.contexts import PinnedContexts
from app.crypto.data_integrity import add_proof, verify_proof
from app.standards.schemas import StandardRead
from app.status.builder import status_entry

BASE_URL = "https://credentials.nassc.example"
ISSUER = Issuer(did="did:web:credentials.nassc.example", name="NASSC", url=BASE_URL)
MOMENT = datetime(2026, 11, 20, 15, 4, 5, tzinfo=UTC)


def credential(standard: StandardRead, n: int) -> dict[str, Any]:
    """Our unsigned credential for worker `n` (distinct id, name, email, salt, indexes, times)."""
    moment = MOMENT + timedelta(seconds=n)
    return build_credential(
        credential_id=f"2f0b6c7e-4a4f-4c1e-9a55-{n:012d}",
        issuer=ISSUER,
        standard=standard,
        base_url=BASE_URL,
        recipient=Recipient(name=f"Worker {n}", email=f"worker{n}@example.com"),
        salt=f"{n:032x}",
        assessment=Assessment(
            completed_on=date(2026, 11, 1),
            score_percent=88.0,
            evidence=(
                EvidenceItem(name="Written examination", narrative="Scored 88%"),
                EvidenceItem(name="Practical", url=f"{BASE_URL}/evidence/{n}"),
            ),
        ),
        status_entries=[
            status_entry(base_url=BASE_URL, list_id=3, index=n, purpose="revocation"),
            status_entry(base_url=BASE_URL, list_id=4, index=n, purpose="suspension"),
        ],
        issued_at=moment,
        valid_from=moment,
        valid_until=None,
    )


def rate(seconds: float, work: Callable[[int], object]) -> float:
    """Calls of `work(n)` per second over about `seconds`."""
    count = 0
    started = time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds or count < 5:
        work(count)
        count += 1
    return count / elapsed


def paired_rates(
    seconds: float, first: Callable[[int], object], second: Callable[[int], object]
) -> tuple[float, float]:
    """Calls per second of `first` and `second`, called in turn so both see the same load."""
    spent = [0.0, 0.0]
    count = 0
    started = time.perf_counter()
    while time.perf_counter() - started < seconds or count < 5:
        for slot, work in enumerate((first, second)):
            begun = time.perf_counter()
            work(count)
            spent[slot] += time.perf_counter() - begun
        count += 1
    return count / spent[0], count / spent[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="per measure (default 3)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds (default 3)")
    args = parser.parse_args()

    contexts = PinnedContexts.load(PROJECT_ROOT / "credentials" / "contexts")
    path = sorted((PROJECT_ROOT / "curricula").glob("*.json"))[0]
    standard = StandardRead.model_validate(json.loads(path.read_text(encoding="utf-8")))
    documents = [credential(standard, n) for n in range(512)]
    first = documents[0]
    reference = rdfc.canonicalize_reference(first, contexts)
    if rdfc.canonicalize(first, contexts) != reference:
        sys.exit("the native path differs from pyld on our credential")
    for document in documents[1:8]:
        if rdfc.canonicalize(document, contexts) != rdfc.canonicalize_reference(document, contexts):
            sys.exit("the native path differs from pyld on our credential")
    key = Ed25519PrivateKey.generate()

    def sign(n: int) -> dict[str, Any]:
        return add_proof(
            documents[n % len(documents)],
            private_key=key,
            verification_method=f"{ISSUER.did}#key-1",
            created=MOMENT + timedelta(seconds=n),
            contexts=contexts,
        )

    signed = [sign(n) for n in range(64)]
    public_key = key.public_key()

    def verify(n: int) -> object:
        result = verify_proof(signed[n % len(signed)], public_key=public_key, contexts=contexts)
        if not result.verified:
            sys.exit("a signed credential did not verify")
        return result

    print(f"credential: {path.stem}, {reference.count(chr(10))} N-Quads, byte-identical")
    ratios = []
    for round_ in range(1, args.rounds + 1):
        pyld, native = paired_rates(
            args.seconds,
            lambda n: rdfc.canonicalize_reference(documents[n % len(documents)], contexts),
            lambda n: rdfc.canonicalize(documents[n % len(documents)], contexts),
        )
        signing = rate(args.seconds, sign)
        verifying = rate(args.seconds, verify)
        ratios.append(native / pyld)
        print(
            f"round {round_}: canonicalize pyld {pyld:6.1f}/s  native {native:6.1f}/s  "
            f"native/pyld {native / pyld:5.2f}x | add_proof {signing:6.1f}/s  "
            f"verify_proof {verifying:6.1f}/s"
        )
    print(f"native/pyld per round: {', '.join(f'{r:.2f}x' for r in ratios)} (target ≥ 2x)")


if __name__ == "__main__":
    main()
