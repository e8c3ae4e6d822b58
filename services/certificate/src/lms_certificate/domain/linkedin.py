"""LinkedIn links that need no API key: "Add to profile" prefilled with the
certification, and the share dialog for the verification page."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

ADD_TO_PROFILE = "https://www.linkedin.com/profile/add"
SHARE = "https://www.linkedin.com/sharing/share-offsite/"


def add_to_profile_url(
    *, certification: str, organization: str, issued_at: datetime, certificate_url: str, certificate_id: str
) -> str:
    return f"{ADD_TO_PROFILE}?" + urlencode(
        {
            "startTask": "CERTIFICATION_NAME",
            "name": certification,
            "organizationName": organization,
            "issueYear": issued_at.year,
            "issueMonth": issued_at.month,
            "certUrl": certificate_url,
            "certId": certificate_id,
        }
    )


def share_url(page_url: str) -> str:
    return f"{SHARE}?" + urlencode({"url": page_url})
