"""Canonicalization benchmark: the native RDFC-1.0 path against pyld, on our own credential.

Measured in one run, in this process, on the same unsigned credential (built by the issuance
builder for the first standard in curricula/, both status entries, 2 evidence items):
- pyld alone (`rdfc.canonicalize_reference`, the reference);
- the native path (`rdfc.canonicalize`, the shape's template already built), with a new
  credential id, recipient and issuance time for every call, as a stream of issued
  credentials has;
- bare signing (`add_proof`: the credential and the proof configuration, each with its own
  `created`) on the native path;
and the ratio native/pyld. Target: native ≥ 2x pyld. Rounds alternate the two, so load
from other processes weighs on both alike.

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
from app.crypto.data_integrity import add_proof
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

    def sign(n: int) -> object:
        return add_proof(
            documents[n % len(documents)],
            private_key=key,
            verification_method=f"{ISSUER.did}#key-1",
            created=MOMENT + timedelta(seconds=n),
            contexts=contexts,
        )

    print(f"credential: {path.stem}, {reference.count(chr(10))} N-Quads, byte-identical")
    ratios = []
    for round_ in range(1, args.rounds + 1):
        pyld = rate(
            args.seconds,
            lambda n: rdfc.canonicalize_reference(documents[n % len(documents)], contexts),
        )
        native = rate(
            args.seconds, lambda n: rdfc.canonicalize(documents[n % len(documents)], contexts)
        )
        signing = rate(args.seconds, sign)
        ratios.append(native / pyld)
        print(
            f"round {round_}: pyld {pyld:8.1f}/s   native {native:8.1f}/s   "
            f"add_proof (native) {signing:7.1f}/s   native/pyld {native / pyld:5.2f}x"
        )
    print(f"native/pyld per round: {', '.join(f'{r:.2f}x' for r in ratios)} (target ≥ 2x)")


if __name__ == "__main__":
    main()
