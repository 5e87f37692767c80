"""Celery tasks of the content pipeline, on the ``content`` queue: they take ids."""

from celery import shared_task

from content.services import JOB_TIME_LIMIT_SECONDS, job_run


@shared_task(
    name="content.generate",
    acks_late=True,
    soft_time_limit=JOB_TIME_LIMIT_SECONDS - 60,
    time_limit=JOB_TIME_LIMIT_SECONDS,
)
def generate_content(job_id: int) -> str | None:
    """Run generation job ``job_id``; a redelivered or repeated task finds it finished and
    does nothing."""
    job = job_run(job_id=job_id)
    return job.state if job else None
