"""Item analytics in the admin: the numbers over a path and its clones (attempts graded by
the real grading function, reviews through the reviews service), the order of the most
common wrong answers, a query count that does not grow with the path, and the page with its
inline SVG charts for staff only."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from learning.charts import share_bars_svg
from learning.grading import grade_attempt
from learning.models import Choice, Flashcard, Question, Quiz, ReviewCard
from learning.selectors.analytics import path_analytics
from learning.services.attempts import attempt_start, attempt_submit, attempt_take
from learning.services.bundles import path_import
from learning.services.clone_path import path_clone
from learning.services.reviews import reviews_submit
from tests.helpers import small_bundle, uid

pytestmark = pytest.mark.django_db


def copy_of(model, path, label):
    return model.objects.get(path=path, origin_uid=uid(label))


def choice(question: Question, text: str) -> int:
    return Choice.objects.get(question=question, text=text).pk


def take(user, path, **given) -> None:
    """One graded attempt on ``path``'s quiz: ``q1="(0, 1)"``, ``q3=0.5``, ``q4="…"``."""
    answers = []
    for label, answer in given.items():
        question = copy_of(Question, path, label)
        if question.kind in ("single", "true_false"):
            answers.append({"question": question.pk, "choices": [choice(question, answer)]})
        elif question.kind == "numeric":
            answers.append({"question": question.pk, "value": answer})
        else:
            answers.append({"question": question.pk, "expression": answer})
    attempt = attempt_take(user=user, quiz=Quiz.objects.get(path=path), answers=answers)
    assert grade_attempt(attempt_id=attempt.pk) == "graded"


def review(user, path, label, *ratings) -> None:
    card = copy_of(Flashcard, path, label)
    start = timezone.now() - timedelta(minutes=4)
    reviews_submit(
        user=user,
        reviews=[
            {"flashcard": card.pk, "rating": rating, "client_id": uuid.uuid4(),
             "reviewed_at": start + timedelta(seconds=30 * i)}
            for i, rating in enumerate(ratings)
        ],
    )  # fmt: skip


@pytest.fixture
def learners(source, learner, make_user):
    """Two learners with their clones of ``source``, their attempts and reviews."""
    bob = make_user("bob")
    ada_path, bob_path = path_clone(path=source, user=learner), path_clone(path=source, user=bob)
    right = "sigmoid(z)*(1-sigmoid(z))"
    take(learner, ada_path, q1="(-1, 1)", q2="True", q3=0.5, q4="sigmoid(z)")
    take(learner, ada_path, q1="(0, 1)", q2="True", q3=0.5, q4=right)
    take(bob, bob_path, q1="(-1, 1)", q2="False", q3=2.0)  # q4 left out
    for value in (3.0, 3.0, 7.0):  # only q3 answered
        take(learner, ada_path, q3=value)
    quiz = Quiz.objects.get(path=bob_path)
    pending = attempt_start(user=bob, quiz=quiz)  # submitted, never graded: not counted
    q1 = copy_of(Question, bob_path, "q1")
    attempt_submit(
        attempt=pending, answers=[{"question": q1.pk, "choices": [choice(q1, "(0, 1)")]}]
    )
    review(learner, ada_path, "f1", 4, 1)  # Easy: review state; Again there: a lapse
    review(bob, bob_path, "f1", 4)
    review(learner, ada_path, "f2", 1, 1)  # Again while learning: no lapse
    return {"ada": ada_path, "bob": bob_path}


def test_question_numbers_gather_the_clones_graded_answers(source, learners):
    stats = {s.question.origin_uid: s for s in path_analytics(path=source).questions}
    q1, q2, q3, q4 = (stats[uuid.UUID(uid(label))] for label in ("q1", "q2", "q3", "q4"))
    assert (q1.answered, q1.correct, q1.wrong) == (3, 1, [("(-1, 1)", 2)])
    assert q1.share_correct == pytest.approx(1 / 3)
    assert (q2.answered, q2.correct, q2.wrong) == (3, 1, [("True", 2)])
    assert (q4.answered, q4.correct, q4.wrong) == (2, 1, [("sigmoid(z)", 1)])
    # Most common first, ties by text, three at most: 7 (once) is cut.
    assert (q3.answered, q3.correct) == (6, 0)
    assert q3.wrong == [("0.5", 2), ("3", 2), ("2", 1)]
    assert q3.share_correct == 0


def test_flashcard_numbers_follow_the_replayed_review_state(source, learners, learner):
    f1, f2 = path_analytics(path=source).flashcards
    assert f1.flashcard.origin_uid == uuid.UUID(uid("f1"))
    assert (f1.reviews, f1.again, f1.lapses, f1.learners) == (3, 1, 1, 2)
    assert f1.lapse_rate == pytest.approx(1 / 3)
    bobs = ReviewCard.objects.get(flashcard__path=learners["bob"], flashcard__origin_uid=uid("f1"))
    assert bobs.state == "review"  # ada's card is relearning: only bob's interval counts
    expected = (bobs.due - bobs.last_review).total_seconds() / 86400
    assert expected > 1 and f1.mean_interval_days == pytest.approx(expected)
    assert (f2.reviews, f2.again, f2.lapses, f2.learners) == (2, 2, 0, 1)
    assert f2.lapse_rate == 0 and f2.again_share == 1 and f2.mean_interval_days is None


def test_a_path_nobody_used_has_no_rates(source):
    analytics = path_analytics(path=source)
    assert analytics.clones == 0
    assert all(s.answered == 0 and s.share_correct is None for s in analytics.questions)
    assert all(s.reviews == 0 and s.lapse_rate is None for s in analytics.flashcards)


def path_with_questions(n: int, learner):
    bundle = small_bundle(slug=f"many-{n}", title=f"{n} questions")
    bundle["quizzes"][0]["questions"] = [
        {"origin_uid": uid(f"many-{n}-q{i}"), "kind": "single", "prompt": f"Q{i}",
         "explanation": "", "choices": [{"text": "yes", "is_correct": True},
                                        {"text": "no", "is_correct": False}]}
        for i in range(n)
    ]  # fmt: skip
    source = path_import(data=bundle, visibility="public")
    mine = path_clone(path=source, user=learner)
    answers = [
        {"question": q.pk, "choices": [q.choices.order_by("position").last().pk]}
        for q in Question.objects.filter(path=mine)
    ]
    attempt = attempt_take(user=learner, quiz=Quiz.objects.get(path=mine), answers=answers)
    grade_attempt(attempt_id=attempt.pk)
    review(learner, mine, "f1", 4, 1)
    return source


def test_the_query_count_does_not_grow_with_the_path(learner, django_assert_num_queries):
    small, large = path_with_questions(2, learner), path_with_questions(20, learner)
    with django_assert_num_queries(7):
        few = path_analytics(path=small)
    with django_assert_num_queries(7):
        many = path_analytics(path=large)
    assert len(few.questions) == 2 and len(many.questions) == 20
    assert all(s.answered == 1 and s.wrong == [("no", 1)] for s in many.questions)
    assert many.flashcards[0].lapses == 1


ANALYTICS = "/admin/learning/path/{}/analytics/"


def test_the_page_shows_the_numbers_and_both_charts_to_staff(admin_client, source, learners):
    client = admin_client
    change = client.get(f"/admin/learning/path/{source.pk}/change/").content.decode()
    assert ANALYTICS.format(source.pk) in change
    answer = client.get(ANALYTICS.format(source.pk))
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "script-src 'self'" in answer["Content-Security-Policy"]
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg" class="share-chart"') == 2
    assert 'aria-label="Share of answers correct, per question"' in page
    assert 'aria-label="Lapse rate, per flashcard"' in page
    assert 'data-share="0.3333"' in page  # q1 correct and f1's lapse rate
    assert "<code>(-1, 1)</code> × 2" in page and "<code>7</code>" not in page
    assert "its 2 clones" in page


def test_the_page_is_refused_to_learners_and_to_staff_without_view_rights(
    client, learner, source, django_user_model
):
    client.force_login(learner)
    answer = client.get(ANALYTICS.format(source.pk))
    assert answer.status_code == 302 and answer["Location"].startswith("/admin/login/")
    clerk = django_user_model.objects.create_user("clerk", password="x" * 12, is_staff=True)
    client.force_login(clerk)
    assert client.get(ANALYTICS.format(source.pk)).status_code == 403
    client.force_login(django_user_model.objects.create_superuser("root", password="x" * 12))
    assert client.get(ANALYTICS.format(source.pk + 1000)).status_code == 404


def test_the_chart_escapes_labels_and_clamps_bars():
    svg = str(share_bars_svg([("<script>x</script>", 1.5), ("none", None)], title="t", fill="#000"))
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert 'width="300.0"' in svg  # clamped to the full bar
    assert "no data" in svg and 'data-share=""' in svg
