"""The pipeline's endpoints over HTTP: who may ask for a job (401/404/403), one job in
flight per path, the job's shape, and who may read verification and figures."""

import pytest
from rest_framework.test import APIClient

from content.models import GenerationJob, Verification
from learning.services.bundles import path_import
from tests.helpers import client_for, small_bundle

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(make_user):
    return make_user("owner")


@pytest.fixture
def mine(owner):
    return path_import(data=small_bundle(slug="mine", visibility="private"), owner=owner)


@pytest.fixture
def public(owner):
    return path_import(data=small_bundle(slug="shared", visibility="public"), owner=owner)


def generate(client, slug):
    return client.post(f"/api/v1/paths/{slug}/generate/")


def test_anonymous_is_401_and_nothing_is_queued(public):
    answer = generate(APIClient(), public.slug)
    assert answer.status_code == 401
    assert set(answer.json()) >= {"detail", "code"}
    assert not GenerationJob.objects.exists()


def test_someone_elses_private_path_is_404(mine, learner_api):
    assert generate(learner_api, mine.slug).status_code == 404
    assert generate(learner_api, "no-such-path").status_code == 404
    assert not GenerationJob.objects.exists()


def test_a_public_path_not_yours_is_403(public, learner_api):
    answer = generate(learner_api, public.slug)
    assert answer.status_code == 403
    assert answer.json()["code"] == "permission_denied"
    assert not GenerationJob.objects.exists()


def test_owner_gets_202_and_a_second_request_gets_the_same_job(mine, owner, staff_api):
    first = generate(client_for(owner), mine.slug)
    assert first.status_code == 202
    job = first.json()
    assert set(job) >= {"id", "state", "progress", "step", "error", "steps"}
    assert (job["state"], job["progress"], job["error"]) == ("queued", 0, "")
    assert set(job["steps"]) == {"figures", "verification", "podcast"}
    again = generate(staff_api, mine.slug)  # staff may too, and gets the job in flight
    assert again.status_code == 202
    assert again.json()["id"] == job["id"]
    assert GenerationJob.objects.filter(path=mine).count() == 1


def test_a_finished_job_lets_a_new_one_start(mine, owner):
    client = client_for(owner)
    first = generate(client, mine.slug).json()["id"]
    GenerationJob.objects.filter(pk=first).update(state="succeeded", progress=100)
    second = generate(client, mine.slug).json()["id"]
    assert second != first


def test_job_endpoint_is_for_its_owner_and_staff(mine, owner, learner_api, staff_api):
    job_id = generate(client_for(owner), mine.slug).json()["id"]
    assert client_for(owner).get(f"/api/v1/jobs/{job_id}/").json()["id"] == job_id
    assert staff_api.get(f"/api/v1/jobs/{job_id}/").status_code == 200
    assert learner_api.get(f"/api/v1/jobs/{job_id}/").status_code == 404
    assert APIClient().get(f"/api/v1/jobs/{job_id}/").status_code == 401
    assert staff_api.get("/api/v1/jobs/999999/").status_code == 404


def test_verification_is_for_owner_and_staff_only(public, owner, learner_api, staff_api):
    Verification.objects.create(
        path=public, item_kind="question", item_id=1, origin_uid="u", claim="tanh'(0) = 0.5",
        status="failed", expected=0.5, computed=1.0,
    )  # fmt: skip
    url = f"/api/v1/paths/{public.slug}/verification/"
    rows = client_for(owner).get(url).json()
    assert rows == [
        {"item_kind": "question", "item_id": 1, "origin_uid": "u", "claim": "tanh'(0) = 0.5",
         "status": "failed", "expected": 0.5, "computed": 1.0, "message": ""}
    ]  # fmt: skip
    assert staff_api.get(url).status_code == 200
    assert learner_api.get(url).status_code == 404
    assert APIClient().get(url).status_code == 404


def test_figures_of_a_path_you_can_read(public, mine, learner_api):
    assert learner_api.get(f"/api/v1/paths/{public.slug}/figures/").json() == []
    assert learner_api.get(f"/api/v1/paths/{mine.slug}/figures/").status_code == 404


def test_figures_and_verification_read_in_constant_queries(
    public, owner, django_assert_num_queries
):
    from content.services import GeneratePath, job_run

    job = GeneratePath(public, owner).execute(enqueue=False)
    job_run(job_id=job.pk)
    client = client_for(owner)
    with django_assert_num_queries(9):  # the path, its bundle (constant), the figures
        figures = client.get(f"/api/v1/paths/{public.slug}/figures/").json()
    assert len(figures) == 3
    with django_assert_num_queries(2):
        rows = client.get(f"/api/v1/paths/{public.slug}/verification/").json()
    statuses = {r["status"] for r in rows}
    # the small bundle's keys are right; its prose states numbers it does not declare
    assert "verified" in statuses and "failed" not in statuses
