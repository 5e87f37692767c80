"""The admin's analytics page in real Chromium: both inline SVG charts draw (no script, so
the Content-Security-Policy has nothing to block), nothing is logged to the console, and
axe reports no serious violation. The numbers are ``tests/admin/test_analytics.py``'s."""

import uuid
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from learning.grading import grade_attempt
from learning.models import Flashcard, Question, Quiz
from learning.services.attempts import attempt_take
from learning.services.reviews import reviews_submit

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_analytics_page_draws_its_charts(live_server, watched, source, clone, learner, staff):
    question = Question.objects.filter(path=clone, kind="single").first()
    for is_correct in (False, True):
        attempt = attempt_take(
            user=learner,
            quiz=Quiz.objects.get(path=clone),
            answers=[
                {
                    "question": question.pk,
                    "choices": [question.choices.get(is_correct=is_correct).pk],
                }
            ],
        )
        grade_attempt(attempt_id=attempt.pk)
    card = Flashcard.objects.filter(path=clone).order_by("position").first()
    start = timezone.now() - timedelta(minutes=4)
    reviews_submit(
        user=learner,
        reviews=[
            {"flashcard": card.pk, "rating": rating, "client_id": uuid.uuid4(),
             "reviewed_at": start + timedelta(minutes=i)}
            for i, rating in enumerate((4, 1))
        ],
    )  # fmt: skip
    client = Client()
    client.force_login(staff)
    watched.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
          "url": live_server.url}]
    )  # fmt: skip
    page = watched.page
    page.goto(f"{live_server.url}/admin/learning/path/{source.pk}/change/")
    page.get_by_role("link", name="Analytics").click()
    page.wait_for_url("**/analytics/")
    charts = page.locator("svg.share-chart")
    assert charts.count() == 2
    for index in range(2):
        box = charts.nth(index).bounding_box()
        assert box and box["width"] > 300 and box["height"] > 20
    for chart in (charts.first, charts.last):  # q1 half right; card 1 lapsed once in 2
        bar = chart.locator('rect[data-share="0.5000"]')
        assert bar.count() == 1 and bar.bounding_box()["width"] == pytest.approx(150, abs=1)
    watched.screenshot("admin-path-analytics")
    assert not watched.accessibility_violations()
