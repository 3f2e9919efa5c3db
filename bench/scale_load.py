"""Load N synthetic credentials into a migrated, seeded PostgreSQL database, fast (COPY).

What a row looks like, and why (the shapes the app's queries read):
- a distinct holder per credential (name from a mix of first and family names with and
  without accents, an email hash of its own), one of the seeded standards (every one, each
  at its latest version), one of a few dozen synthetic training providers in the three
  member countries, issued over the last three years, valid for the standard's years (so
  some have expired), 2.5% revoked and 1.5% suspended;
- a revocation and a suspension entry in full-size status lists of both purposes (2^18
  entries each, indexes spread by each list's keyed permutation as the allocator does);
- one anonymous verification event per credential, over the last year (the mobility report
  reads them); no audit events: no report or search reads them, and forged chain entries
  would only make `nassc audit verify` fail.
Documents are compact (id, type, standard, holder name): nothing but verification reads
them. Each row stores the vc+jwt of one credential really issued (the template, issued here
if the database has none): verification by id re-verifies the stored vc+jwt (signature,
validity and both status lists of the *template*), so verifying a loaded row by id
measures the same work as a real one but reports on the template; `bench/scale.py`
verifies credentials issued through the API instead.

Refuses a database that holds credentials unless it was created for this (marked by a
database comment, set by this loader on a database with no credentials); `--force` overrides.

Run: `.venv/bin/python bench/scale_load.py --credentials 1000000 --database-url URL`
(the database must be migrated and seeded: `nassc db upgrade`, `nassc seed`).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import secrets
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

# Run as a script: the project root is not on the path.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psycopg
from psycopg import sql

from app.status.permutation import DOMAIN_SIZE, FeistelPermutation

SYNTHETIC_MARK = "nassc synthetic benchmark data"
ISSUED_BY = "synthetic:bench-load"
PROVIDERS = 36
COUNTRIES = ("US", "MX", "CA")
REVOKED_SHARE, SUSPENDED_SHARE = 0.025, 0.015
HISTORY_DAYS = 3 * 365
FIRST = (  # noqa: SIM905 (a list of names reads best as text)
    "María José Ana Lucía Sofía Camila Valentina Isabel Carmen Elena Laura Paula Andrea "
    "Mónica Chloé Émilie Zoë Renée Sarah Emily Jessica Ashley Olivia Emma Juan Carlos "
    "Luis Miguel José Jesús Andrés Ángel Raúl Héctor François André Jérôme Noël James "
    "Robert Michael David William Daniel Matthew Anthony Joshua Kevin Brian Óscar Iñaki "
    "Nuño"
).split()
FAMILY = (  # noqa: SIM905 (a list of names reads best as text)
    "Hernández García Martínez López González Rodríguez Pérez Sánchez Ramírez Flores "
    "Gómez Díaz Cruz Morales Reyes Gutiérrez Ortiz Chávez Ruiz Jiménez Núñez Muñoz Peña "
    "Tremblay Gagnon Roy Côté Bouchard Gauthier Lévesque Bélanger Pelletier Smith "
    "Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore "
    "Martin Jackson Thompson White Harris Clark Lewis Walker Young Allen King Wright "
    "Scott Nguyen Patel Kim Singh"
).split()


@dataclass(frozen=True)
class StandardRow:
    id: int
    code: str
    sector: str
    validity_years: int


def libpq_url(url: str) -> str:
    """A SQLAlchemy URL (`postgresql+psycopg://…`) as libpq reads it."""
    scheme, rest = url.split("://", 1)
    if not scheme.startswith("postgresql"):
        raise SystemExit("the loader needs PostgreSQL (COPY); got " + scheme)
    return "postgresql://" + rest


def mark_synthetic(connection: psycopg.Connection) -> None:
    """Mark the connected database as holding synthetic data only."""
    name = connection.execute("SELECT current_database()").fetchone()
    assert name is not None
    quoted = sql.Identifier(name[0])
    connection.execute(
        sql.SQL("COMMENT ON DATABASE {} IS {}").format(quoted, sql.Literal(SYNTHETIC_MARK))
    )


def refuse_real_data(connection: psycopg.Connection, *, force: bool) -> None:
    """Stop unless the database has no credentials or is marked synthetic (or `force`)."""
    marked = connection.execute(
        "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
        "WHERE datname = current_database()"
    ).fetchone()
    if marked is not None and marked[0] == SYNTHETIC_MARK:
        return
    count = connection.execute("SELECT count(*) FROM credential").fetchone()
    if count is not None and count[0] > 0 and not force:
        raise SystemExit(
            f"refusing: this database holds {count[0]} credential(s) and is not marked as "
            "synthetic benchmark data; load into a new database, or pass --force"
        )
    mark_synthetic(connection)


def _standards(connection: psycopg.Connection) -> list[StandardRow]:
    rows = connection.execute(
        "SELECT DISTINCT ON (code) id, code, sector, validity_years FROM standard "
        "ORDER BY code, version DESC"
    ).fetchall()
    if not rows:
        raise SystemExit("no standards: run `nassc seed` first")
    return [StandardRow(*row) for row in rows]


def _providers(connection: psycopg.Connection, now: datetime) -> list[tuple[int, str]]:
    """Synthetic accredited providers (made once), with their countries."""
    existing = connection.execute(
        "SELECT id, country FROM training_provider WHERE identifier LIKE 'SYN-%' ORDER BY id"
    ).fetchall()
    for n in range(len(existing), PROVIDERS):
        country = COUNTRIES[n % len(COUNTRIES)]
        connection.execute(
            "INSERT INTO training_provider (name, country, region, identifier, contact_name, "
            "contact_email, accreditation_status, created_at, updated_at) "
            "VALUES (%s, %s, %s, %s, %s, %s, 'accredited', %s, %s)",
            (
                f"Synthetic Training Institute {n + 1}",
                country,
                f"Region {n % 7 + 1}",
                f"SYN-{n + 1:04d}",
                "Synthetic Contact",
                f"contact{n + 1}@provider.example",
                now,
                now,
            ),
        )
    return [
        (row[0], row[1])
        for row in connection.execute(
            "SELECT id, country FROM training_provider WHERE identifier LIKE 'SYN-%' ORDER BY id"
        )
    ]


def _template(connection: psycopg.Connection) -> tuple[str, str]:
    """(key id, vc+jwt) of a credential really issued, to store in every loaded row."""
    row = connection.execute(
        "SELECT key_id, jwt FROM credential WHERE issued_by <> %s ORDER BY issued_at LIMIT 1",
        (ISSUED_BY,),
    ).fetchone()
    if row is None:
        raise SystemExit("no credential to copy the vc+jwt of: issue one first")
    return row[0], row[1]


class ListFiller:
    """Opens enough full-size status lists of one purpose for `count` entries (before the
    COPY: one connection cannot run statements during it), then hands out their indexes
    in order, each list's spread by its keyed permutation as the allocator does."""

    def __init__(
        self, connection: psycopg.Connection, purpose: str, now: datetime, count: int
    ) -> None:
        self.connection, self.count, self.handed = connection, count, 0
        self.lists: list[tuple[int, FeistelPermutation]] = []
        for _ in range(-(-count // DOMAIN_SIZE)):
            key = secrets.token_bytes(32)
            row = connection.execute(
                "INSERT INTO status_list (purpose, size, allocated, permutation_key, revision, "
                "signed_revision, created_at, updated_at) "
                "VALUES (%s, %s, 0, %s, 0, -1, %s, %s) RETURNING id",
                (purpose, DOMAIN_SIZE, key, now, now),
            ).fetchone()
            assert row is not None
            self.lists.append((row[0], FeistelPermutation(key)))

    def next(self) -> tuple[int, int]:
        list_id, permutation = self.lists[self.handed // DOMAIN_SIZE]
        index = permutation(self.handed % DOMAIN_SIZE)
        self.handed += 1
        return list_id, index

    def close(self) -> None:
        """Record how many entries of each list were handed out."""
        for number, (list_id, _) in enumerate(self.lists):
            used = min(DOMAIN_SIZE, self.handed - number * DOMAIN_SIZE)
            self.connection.execute(
                "UPDATE status_list SET allocated = %s WHERE id = %s", (used, list_id)
            )


CHUNK = 5000
"""Rows sent to COPY at a time."""


def _copy_line(*values: object) -> str:
    """One row in COPY's text format. Every value here is ours: none holds a tab, a
    newline or a backslash (documents are dumped without ASCII escapes), so none is escaped."""
    return "\t".join("\\N" if value is None else str(value) for value in values) + "\n"


CREDENTIAL_COLUMNS = (
    "id, standard_id, provider_id, issued_by, subject_name, subject_email_hash, issued_at, "
    "valid_from, valid_until, status, status_reason, status_changed_at, revocation_list_id, "
    "revocation_index, suspension_list_id, suspension_index, key_id, document, jwt"
)


def load(url: str, count: int, *, force: bool = False, seed: int = 17) -> float:
    """Load `count` credentials and as many verification events; returns rows per second."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    with psycopg.connect(libpq_url(url)) as connection:
        refuse_real_data(connection, force=force)
        standards = _standards(connection)
        providers = _providers(connection, now)
        key_id, jwt = _template(connection)
        revocation = ListFiller(connection, "revocation", now, count)
        suspension = ListFiller(connection, "suspension", now, count)
        started = time.perf_counter()
        run = uuid.uuid4().hex[:8]
        lines: list[str] = []
        with connection.cursor().copy(f"COPY credential ({CREDENTIAL_COLUMNS}) FROM STDIN") as copy:
            for n in range(count):
                standard = standards[n % len(standards)]
                provider_id, _country = providers[rng.randrange(len(providers))]
                name = (
                    f"{rng.choice(FIRST)} {rng.choice(FAMILY)} {rng.choice(FAMILY)}"
                    if n % 3
                    else f"{rng.choice(FIRST)} {rng.choice(FAMILY)}"
                )
                issued_at = now - timedelta(seconds=rng.randrange(HISTORY_DAYS * 86400))
                draw = rng.random()
                status, reason, changed = "active", None, None
                if draw < REVOKED_SHARE:
                    status, reason, changed = "revoked", "Synthetic revocation", issued_at
                elif draw < REVOKED_SHARE + SUSPENDED_SHARE:
                    status, reason, changed = "suspended", "Synthetic suspension", issued_at
                credential_id = str(uuid.uuid4())
                revocation_list, revocation_index = revocation.next()
                suspension_list, suspension_index = suspension.next()
                document = {
                    "id": f"urn:uuid:{credential_id}",
                    "type": ["VerifiableCredential", "NASSCCredential"],
                    "credentialSubject": {"name": name, "achievement": standard.code},
                }
                lines.append(
                    _copy_line(
                        credential_id,
                        standard.id,
                        provider_id,
                        ISSUED_BY,
                        name,
                        hashlib.sha256(f"{run}-{n}@worker.example".encode()).hexdigest(),
                        issued_at,
                        issued_at,
                        issued_at + timedelta(days=365 * standard.validity_years),
                        status,
                        reason,
                        changed,
                        revocation_list,
                        revocation_index,
                        suspension_list,
                        suspension_index,
                        key_id,
                        json.dumps(document, separators=(",", ":"), ensure_ascii=False),
                        jwt,
                    )
                )
                if len(lines) == CHUNK:
                    copy.write("".join(lines))
                    lines.clear()
            copy.write("".join(lines))
        revocation.close()
        suspension.close()
        _load_events(connection, count, standards, rng, now)
        connection.commit()
        elapsed = time.perf_counter() - started
    with psycopg.connect(libpq_url(url), autocommit=True) as connection:
        connection.execute("ANALYZE credential")
        connection.execute("ANALYZE verification_event")
        connection.execute("ANALYZE status_list")
    return 2 * count / elapsed


def _load_events(
    connection: psycopg.Connection,
    count: int,
    standards: list[StandardRow],
    rng: random.Random,
    now: datetime,
) -> None:
    """One anonymous verification event per credential, over the last year."""
    outcomes = ("verified",) * 17 + ("expired", "revoked", "suspended")
    columns = "standard_code, sector, issuing_country, employer_country, outcome, occurred_at"
    lines: list[str] = []
    with connection.cursor().copy(f"COPY verification_event ({columns}) FROM STDIN") as copy:
        for n in range(count):
            standard = standards[n % len(standards)]
            issuing = rng.choice(COUNTRIES)
            employer = issuing if rng.random() < 0.8 else rng.choice((*COUNTRIES, None))
            lines.append(
                _copy_line(
                    standard.code,
                    standard.sector,
                    issuing,
                    employer,
                    rng.choice(outcomes),
                    now - timedelta(seconds=rng.randrange(365 * 86400)),
                )
            )
            if len(lines) == CHUNK:
                copy.write("".join(lines))
                lines.clear()
        copy.write("".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--credentials", type=int, required=True, help="how many to add")
    parser.add_argument("--database-url", required=True, help="PostgreSQL URL")
    parser.add_argument(
        "--force",
        action="store_true",
        help="load even into a database holding credentials not marked synthetic",
    )
    args = parser.parse_args()
    rate = load(args.database_url, args.credentials, force=args.force)
    print(
        f"loaded {args.credentials} credentials and {args.credentials} verification events: "
        f"{rate:,.0f} rows/s"
    )


if __name__ == "__main__":
    main()
