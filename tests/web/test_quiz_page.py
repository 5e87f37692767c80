"""The quiz page through Django's test client: who may take a quiz, the form's round trip
(an unreadable formula comes back beside its question and spends no attempt), the results
once graded, the best scores on the outline, and the page's query count.

Grading itself runs in a worker (the browser journey, ``test_quiz_journey.py``); here a
graded attempt is made with ``grade_attempt``, the function the worker's task calls.
"""

import re

import pytest

from learning.grading import grade_attempt
from learning.models import Attempt, AttemptStatus, Question, Quiz
from tests.helpers import edit, item

pytestmark = pytest.mark.django_db


def quiz_url(path) -> str:
    quiz = Quiz.objects.get(path=path)
    return f"/paths/{path.slug}/quizzes/{quiz.pk}/"


def answers_of(path) -> dict:
    """Right answers to the small bundle's quiz, as the form posts them."""
    single, true_false = item(Question, path, "q1"), item(Question, path, "q2")
    right = {q.pk: q.choices.get(is_correct=True).pk for q in (single, true_false)}
    return {
        f"q-{single.pk}": str(right[single.pk]),
        f"q-{true_false.pk}": str(right[true_false.pk]),
        f"q-{item(Question, path, 'q3').pk}": "1.0",
        f"q-{item(Question, path, 'q4').pk}": "sigmoid(z)*(1-sigmoid(z))",
    }


def test_anonymous_is_sent_to_log_in(client, clone):
    answer = client.get(quiz_url(clone))
    assert answer.status_code == 302
    assert answer["Location"].startswith("/accounts/login/?next=/paths/")


def test_a_quiz_of_a_path_not_yours_is_a_404_that_says_to_clone(client, source, clone, make_user):
    client.force_login(make_user("bob"))
    for path in (source, clone):  # the public original and someone else's copy
        answer = client.get(quiz_url(path))
        assert answer.status_code == 404
        page = answer.content.decode()
        assert "your own copy of a path" in page and "clone it" in page
        assert f'href="/paths/{path.slug}/"' in page


def test_a_quiz_under_another_slug_is_not_found(client, clone, learner, source):
    client.force_login(learner)
    quiz = Quiz.objects.get(path=clone)
    assert client.get(f"/paths/{source.slug}/quizzes/{quiz.pk}/").status_code == 404


def test_the_page_shows_every_kind_of_question_with_mathml(client, clone, learner):
    edit(Question, clone, "q3", prompt="What is $\\tanh'(0)$?")
    choice = item(Question, clone, "q1").choices.first()
    choice.text = "$(0, 1)$"
    choice.save()
    client.force_login(learner)
    page = client.get(quiz_url(clone)).content.decode()
    single, expression = item(Question, clone, "q1"), item(Question, clone, "q4")
    assert page.count('type="radio"') == 4  # single (2 choices) and true/false (2)
    assert f'name="q-{single.pk}"' in page and "Range of sigmoid?" in page
    assert 'inputmode="decimal"' in page
    assert f'data-preview-url="/api/v1/questions/{expression.pk}/preview/"' in page
    prompt = page.split(f'id="q-{item(Question, clone, "q3").pk}-prompt"')[1].split("</div>")[0]
    assert "<math" in prompt and "$" not in prompt
    label = page.split(f'for="q-{single.pk}-c-{choice.pk}">')[1].split("</label>")[0]
    assert "<math" in label and "<p>" not in label  # inline in its label
    assert 'name="csrfmiddlewaretoken"' in page
    assert re.search(r'<script src="/static/web/formula_preview\.js[^"]*" defer>', page)
    assert "No attempts yet." in page


def test_a_bad_formula_comes_back_beside_its_question_and_spends_nothing(client, clone, learner):
    client.force_login(learner)
    data = answers_of(clone)
    expression = item(Question, clone, "q4")
    data[f"q-{expression.pk}"] = "sigmoid(z"
    answer = client.post(quiz_url(clone), data)
    assert answer.status_code == 400
    page = answer.content.decode()
    block = page[page.index(f'id="question-{expression.pk}"') :]
    block = block[: block.index("</li>")]
    assert 'class="field-error"' in block and 'aria-invalid="true"' in block
    assert 'value="sigmoid(z"' in block  # what was typed is kept
    assert "1 answer could not be read" in page
    # the other answers are kept too
    single = item(Question, clone, "q1")
    assert re.search(rf'name="q-{single.pk}" id="[^"]+" value="\d+" checked', page)
    assert not Attempt.objects.filter(quiz__path=clone).exists()


def test_a_choice_not_of_the_question_is_named_beside_it(client, clone, learner):
    client.force_login(learner)
    single = item(Question, clone, "q1")
    answer = client.post(quiz_url(clone), {f"q-{single.pk}": "999999"})
    assert answer.status_code == 400
    block = answer.content.decode().split(f'id="question-{single.pk}"')[1].split("</li>")[0]
    assert "is not one of this question&#x27;s choices" in block
    assert not Attempt.objects.exists()


def test_submitting_lands_on_the_attempt_which_shows_the_results_once_graded(
    client, clone, learner
):
    client.force_login(learner)
    data = answers_of(clone)
    data[f"q-{item(Question, clone, 'q3').pk}"] = "3"  # wrong
    answer = client.post(quiz_url(clone), data)
    assert answer.status_code == 302
    attempt = Attempt.objects.get(quiz__path=clone)
    assert attempt.status == AttemptStatus.GRADING and attempt.user == learner
    assert answer["Location"] == f"{quiz_url(clone)}attempts/{attempt.pk}/"

    waiting = client.get(answer["Location"]).content.decode()
    assert "Grading your answers" in waiting
    assert f'data-poll-url="/api/v1/attempts/{attempt.pk}/"' in waiting
    assert "quiz_poll.js" in waiting

    grade_attempt(attempt_id=attempt.pk)
    page = client.get(answer["Location"]).content.decode()
    assert "Grading your answers" not in page and "quiz_poll.js" not in page
    assert re.search(r"Score: <strong>3 / 4</strong>", page)
    assert page.count("is-correct") == 3 and page.count("is-incorrect") == 1
    assert "It is a probability." in page  # an explanation
    assert "Expected" in page and "<code>sigmoid(z)*(1-sigmoid(z))</code>" in page

    listing = client.get(quiz_url(clone)).content.decode()
    assert "Best score: <strong>3 / 4</strong>" in listing
    outline = client.get(f"/paths/{clone.slug}/").content.decode()
    assert re.search(r"Check</a>:\s*best <strong>3 / 4</strong>", outline)


def test_the_outline_says_a_quiz_not_taken_yet(client, clone, learner):
    client.force_login(learner)
    page = client.get(f"/paths/{clone.slug}/").content.decode()
    assert "Your quiz scores" in page and "not taken yet" in page


def test_another_learners_attempt_is_not_found(client, clone, learner, make_user):
    client.force_login(learner)
    client.post(quiz_url(clone), answers_of(clone))
    attempt = Attempt.objects.get()
    client.force_login(make_user("bob"))
    assert client.get(f"{quiz_url(clone)}attempts/{attempt.pk}/").status_code == 404


def test_the_quiz_page_answers_in_pinned_queries(client, clone, learner, django_assert_num_queries):
    client.force_login(learner)
    client.post(quiz_url(clone), answers_of(clone))
    grade_attempt(attempt_id=Attempt.objects.get().pk)
    url = quiz_url(clone)
    client.get(url)  # the tree is cached from here on
    # session, user, the quiz and its path, the attempts, their statistics
    with django_assert_num_queries(5):
        assert client.get(url).status_code == 200
    attempt = f"{url}attempts/{Attempt.objects.get().pk}/"
    # session, user, the attempt with its quiz and path, the quiz again (who may take
    # it), the answers with their questions
    with django_assert_num_queries(6):
        assert client.get(attempt).status_code == 200
