"""The worker puts their credential into a digital wallet (OpenID4VCI) from their personal page.

`POST /my/{token}/wallet` makes a fresh offer of the credential (single use, for
`OFFER_LIFETIME`) and shows it as a QR code to scan with a wallet on a phone, and as a
link that opens a wallet app on the same device. The personal link is the worker's proof of
who they are, so the offer needs no PIN. A credential that is not valid now is not offered:
the page says why instead.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Final
from urllib.parse import quote

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from app.claims.pages import WorkerPageDep
from app.db import utcnow
from app.routing import ProblemRoute
from app.verification.pages import Resubmission
from app.verification.qr import qr_data_uri
from app.wallet import metadata, offers
from app.wallet.delivery import is_current

router = APIRouter(tags=["pages"], route_class=ProblemRoute, default_response_class=HTMLResponse)

OFFER_LIFETIME: Final = timedelta(minutes=15)


@router.post("/my/{holder_token}/wallet", name="personal_wallet_offer")
def personal_wallet_offer(holder_token: str, page: WorkerPageDep) -> HTMLResponse:
    """A wallet offer of the worker's credential: a QR code and a same-device link."""
    credential = page.holder_credential(holder_token)
    if credential is None:
        return page.holder_unknown()
    now = utcnow()
    base_url = page.setup.settings.public_base_url
    personal_url = page.personal_url(holder_token)
    root = page.request.scope.get("root_path", "")
    # The page answers a POST: its language switcher posts again for a fresh offer.
    resubmit = Resubmission(action=f"{root}/my/{quote(holder_token, safe='')}/wallet")
    if not is_current(credential, now=now):
        return page.private(
            "claim/wallet.html",
            {"wallet": {"offered": False, "personal_url": personal_url}, "resubmit": resubmit},
        )
    secret = page.setup.settings.token_secret.get_secret_value().encode()
    made = offers.create_offer(
        page.session,
        credential=credential,
        actor="holder",
        with_tx_code=False,
        lifetime=OFFER_LIFETIME,
        secret=secret,
        now=now,
    )
    uri = f"{base_url}{metadata.OFFERS_PATH}/{made.offer.id}"
    link, _ = offers.offer_links(
        uri,
        offers.offer_document(
            made.offer,
            issuer=base_url,
            configuration_ids=metadata.offered_configurations(credential.standard.code),
            secret=secret,
        ),
    )
    return page.private(
        "claim/wallet.html",
        {
            "wallet": {
                "offered": True,
                "link": link,
                "qr": qr_data_uri(link),
                "minutes": int(OFFER_LIFETIME.total_seconds() // 60),
                "personal_url": personal_url,
            },
            "resubmit": resubmit,
        },
    )
