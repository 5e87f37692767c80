"""The pipeline in the admin: the "Generate content" action on paths runs GeneratePath,
the job list shows failed/uncheckable counts, the verification list shows status badges."""

import pytest

from content.models import GenerationJob, Verification
from learning.services.bundles import path_import
from tests.helpers import small_bundle

pytestmark = pytest.mark.django_db


@pytest.fixture
def path():
    return path_import(data=small_bundle(slug="admin-gen"), visibility="public")


def test_generate_action_queues_one_job(client, staff, path):
    client.force_login(staff)
    for _ in range(2):  # the second time: the job in flight
        answer = client.post(
            "/admin/learning/path/",
            {"action": "generate_content", "_selected_action": [path.pk]},
            follow=True,
        )
        assert answer.status_code == 200
    job = GenerationJob.objects.get(path=path)
    assert job.state == "queued" and job.requested_by == staff
    assert f"job {job.pk} is queued" in answer.content.decode()


def test_job_and_verification_lists_show_badges(client, staff, path):
    client.force_login(staff)
    job = GenerationJob.objects.create(path=path, state="failed", progress=100)
    for status in ("verified", "failed", "failed", "uncheckable"):
        Verification.objects.create(path=path, job=job, item_kind="question", claim=f"c {status}",
                                    status=status)  # fmt: skip
    jobs = client.get("/admin/content/generationjob/").content.decode()
    assert ">2</span>" in jobs and ">1</span>" in jobs  # 2 failed, 1 uncheckable
    checks = client.get("/admin/content/verification/?status__exact=failed").content.decode()
    assert checks.count(">failed</span>") == 2
    assert ">verified</span>" not in checks
