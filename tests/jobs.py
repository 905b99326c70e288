"""Exporting as a head does, through the background job: the button, the job's page, the download."""
from __future__ import annotations

import re

from tests.conftest import csrf_token_of


def start_export(client, campaign, area):
    """Press 导出台账 for ``area``: the answer is the redirect to the new job's page."""
    page = client.get(f"/dashboard/jobs?campaign={campaign.id}&area={area.id}").get_data(as_text=True)
    return client.post(f"/dashboard/export?campaign={campaign.id}&area={area.id}",
                       data={"csrf_token": csrf_token_of(page)})


def job_id_of(response) -> str:
    return re.search(r"/dashboard/jobs/([0-9a-f-]{36})$", response.headers["Location"]).group(1)


def export(client, campaign, area):
    """The 台账 file of ``area`` as downloaded once its job is done (jobs run at once under test: memory://)."""
    job_id = job_id_of(start_export(client, campaign, area))
    return client.get(f"/dashboard/jobs/{job_id}/file")
