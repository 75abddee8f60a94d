"""Asks the API to forget a learner (progress and conversation) once they confirmed « oubli ».

Sends only the pseudonym; never logs more than its prefix.
"""

from __future__ import annotations

import asyncio
import logging

import httpx

log = logging.getLogger(__name__)

ERASE_PATH = "/api/v1/learners/{learner}/erase"
ATTEMPTS = 3


async def erase(
    http: httpx.AsyncClient, api_url: str, ingest_token: str, learner: str, timeout: float
) -> bool:
    """True once the API has erased the learner; retried when the API is unreachable or failing."""
    url = api_url.rstrip("/") + ERASE_PATH.format(learner=learner)
    headers = {"Authorization": f"Bearer {ingest_token}"}
    for attempt in range(ATTEMPTS):
        try:
            response = await http.post(url, headers=headers, timeout=timeout)
        except httpx.HTTPError as error:
            log.warning("erasure failed for learner %s (%s)", learner[:12], type(error).__name__)
        else:
            if response.status_code == 200:
                log.info("learner %s erased", learner[:12])
                return True
            log.warning("erasure: the API answered HTTP %s", response.status_code)
            if response.status_code < 500:
                return False
        if attempt + 1 < ATTEMPTS:
            await asyncio.sleep(0.5 * 2**attempt)
    return False
