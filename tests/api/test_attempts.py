"""Quiz attempts over HTTP: the flow, 409 on resubmission, who may see what, bad input,
keys never in a tree or preview, honest scores, the formula preview, regrading."""

import pytest

from learning.grading import grade_attempt
from learning.models import Answer, Attempt, Question, Quiz
from tests.helpers import client_for

pytestmark = pytest.mark.django_db


def _quiz(path) -> Quiz:
    return Quiz.objects.get(path=path)


def _questions(path) -> dict[str, Question]:
    """The small bundle's questions by kind."""
    return {q.kind: q for q in Question.objects.filter(path=path).prefetch_related("choices")}


def _right_answers(path) -> list[dict]:
    q = _questions(path)
    right = {
        kind: next(c.pk for c in q[kind].choices.all() if c.is_correct)
        for kind in ("single", "true_false")
    }
    return [
        {"question": q["single"].pk, "choices": [right["single"]]},
        {"question": q["true_false"].pk, "choices": [right["true_false"]]},
        {"question": q["numeric"].pk, "value": "1.005"},
        {"question": q["expression"].pk, "expression": "sigmoid.derivative(z)"},
    ]


def _start(api, quiz) -> int:
    answer = api.post(f"/api/v1/quizzes/{quiz.pk}/attempts/")
    assert answer.status_code == 201, answer.json()
    return answer.json()["id"]


def test_start_submit_grade_and_read_the_results(
    learner_api, clone, django_capture_on_commit_callbacks
):
    quiz = _quiz(clone)
    started = learner_api.post(f"/api/v1/quizzes/{quiz.pk}/attempts/")
    assert started.status_code == 201 and started.json()["status"] == "in_progress"
    pk = started.json()["id"]
    with django_capture_on_commit_callbacks(execute=False) as enqueued:
        submitted = learner_api.post(
            f"/api/v1/attempts/{pk}/submit/", {"answers": _right_answers(clone)[:3]}
        )
    assert submitted.status_code == 202 and submitted.json() == {"status": "grading"}
    assert len(enqueued) == 1  # the grading task, sent once the answers are committed
    assert Answer.objects.filter(attempt_id=pk).count() == 4  # the left-out one too
    pending = learner_api.get(f"/api/v1/attempts/{pk}/").json()
    assert pending["status"] == "grading" and pending["results"] == []

    assert grade_attempt(attempt_id=pk) == "graded"
    graded = learner_api.get(f"/api/v1/attempts/{pk}/").json()
    assert (graded["status"], graded["score"], graded["max_score"]) == ("graded", 3.0, 4.0)
    by_question = {r["question"]: r for r in graded["results"]}
    expression = by_question[_questions(clone)["expression"].pk]
    assert expression["correct"] is False and expression["feedback"] == "Not answered."
    assert expression["expected"] == {"expression": "sigmoid(z)*(1-sigmoid(z))"}
    single = by_question[_questions(clone)["single"].pk]
    assert single["correct"] and single["explanation"] == "It is a probability."

    listed = learner_api.get(f"/api/v1/quizzes/{quiz.pk}/attempts/").json()
    assert listed["count"] == 1 and listed["results"][0]["score"] == 3.0


def test_grading_twice_gives_the_same_result_once(learner, learner_api, clone):
    pk = _start(learner_api, _quiz(clone))
    learner_api.post(f"/api/v1/attempts/{pk}/submit/", {"answers": _right_answers(clone)})
    grade_attempt(attempt_id=pk)
    first = list(Answer.objects.filter(attempt_id=pk).values("score", "feedback", "graded_at"))
    assert grade_attempt(attempt_id=pk) == "graded"
    attempt = Attempt.objects.get(pk=pk)
    assert (attempt.score, attempt.gradings) == (4.0, 1)
    assert (
        list(Answer.objects.filter(attempt_id=pk).values("score", "feedback", "graded_at")) == first
    )


def test_resubmitting_is_a_409_and_changes_nothing(learner_api, clone):
    pk = _start(learner_api, _quiz(clone))
    body = {"answers": _right_answers(clone)}
    assert learner_api.post(f"/api/v1/attempts/{pk}/submit/", body).status_code == 202
    again = learner_api.post(f"/api/v1/attempts/{pk}/submit/", {"answers": []})
    assert again.status_code == 409 and again.json()["code"] == "conflict"
    grade_attempt(attempt_id=pk)
    assert learner_api.post(f"/api/v1/attempts/{pk}/submit/", body).status_code == 409
    assert Answer.objects.filter(attempt_id=pk).count() == 4


def test_nobody_else_sees_or_submits_an_attempt(learner_api, clone, make_user, staff):
    pk = _start(learner_api, _quiz(clone))
    for other in (make_user("eve"), staff):
        api = client_for(other)
        assert api.get(f"/api/v1/attempts/{pk}/").status_code == 404
        assert api.post(f"/api/v1/attempts/{pk}/submit/", {"answers": []}).status_code == 404
    assert (
        client_for(make_user("mallory"))
        .get(f"/api/v1/quizzes/{_quiz(clone).pk}/attempts/")
        .status_code
        == 404
    )


def test_quizzes_are_taken_on_your_own_copy_or_by_staff(learner_api, api, source, staff):
    quiz = _quiz(source)
    refused = learner_api.post(f"/api/v1/quizzes/{quiz.pk}/attempts/")
    assert refused.status_code == 404 and "clone" in refused.json()["detail"]
    assert api.post(f"/api/v1/quizzes/{quiz.pk}/attempts/").status_code == 401
    assert client_for(staff).post(f"/api/v1/quizzes/{quiz.pk}/attempts/").status_code == 201
    assert learner_api.post("/api/v1/quizzes/999999/attempts/").status_code == 404


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"expression": "sigmoid(x)"}, "answers.3.expression"),
        ({"expression": "__import__('os')"}, "answers.3.expression"),
        ({"expression": "z" * 501}, "answers.3.expression"),
        ({"expression": "lambda: 1"}, "answers.3.expression"),
        ({"question": 999999}, "answers.3.question"),
        ({"value": 1}, "answers.3.non_field_errors"),
    ],
)
def test_an_unreadable_answer_is_a_400_that_costs_nothing(learner_api, clone, change, field):
    pk = _start(learner_api, _quiz(clone))
    answers = _right_answers(clone)
    answers[3] = answers[3] | change
    refused = learner_api.post(f"/api/v1/attempts/{pk}/submit/", {"answers": answers})
    assert refused.status_code == 400 and field in refused.json()["fields"], refused.json()
    assert Attempt.objects.get(pk=pk).status == "in_progress"
    assert not Answer.objects.filter(attempt_id=pk).exists()


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"answers": "all right"},
        {"answers": [{"question": "one", "value": 1}]},
        {"answers": [{"question": 1}]},
        {"answers": [None]},
    ],
)
def test_malformed_submissions_are_400(learner_api, clone, body):
    pk = _start(learner_api, _quiz(clone))
    assert learner_api.post(f"/api/v1/attempts/{pk}/submit/", body).status_code == 400


def test_a_question_answered_twice_or_with_a_foreign_choice_is_400(learner_api, clone, source):
    pk = _start(learner_api, _quiz(clone))
    answers = _right_answers(clone)
    twice = learner_api.post(f"/api/v1/attempts/{pk}/submit/", {"answers": [*answers, answers[0]]})
    assert twice.status_code == 400 and "answers.4.question" in twice.json()["fields"]
    foreign = _questions(source)["single"].choices.first().pk
    answers[0] = answers[0] | {"choices": [foreign]}
    refused = learner_api.post(f"/api/v1/attempts/{pk}/submit/", {"answers": answers})
    assert refused.status_code == 400 and "answers.0.choices" in refused.json()["fields"]


def test_submission_takes_a_constant_number_of_queries(
    learner_api, clone, django_assert_num_queries
):
    pk = _start(learner_api, _quiz(clone))
    body = {"answers": _right_answers(clone)}
    # attempt, questions, their choices; savepoint, update (key views inside), insert, release
    with django_assert_num_queries(7):
        answer = learner_api.post(f"/api/v1/attempts/{pk}/submit/", body)
    assert answer.status_code == 202


def _key_free(tree: dict) -> None:
    for quiz in tree["quizzes"]:
        for question in quiz["questions"]:
            assert not {"answer", "explanation"} & set(question)
            assert all(set(choice) == {"id", "text"} for choice in question["choices"])


def test_keys_are_never_in_a_tree_or_preview(learner_api, api, clone, source):
    _key_free(learner_api.get(f"/api/v1/paths/{clone.slug}/").json())
    preview = api.get(f"/api/v1/paths/{source.slug}/").json()
    assert preview["preview"] is True
    _key_free(preview)


def test_an_attempt_after_opening_the_keys_is_marked_and_counted_apart(learner_api, clone):
    quiz = _quiz(clone)
    honest = _start(learner_api, quiz)
    learner_api.post(f"/api/v1/attempts/{honest}/submit/", {"answers": _right_answers(clone)})
    question = _questions(clone)["numeric"]
    read = learner_api.get(f"/api/v1/questions/{question.pk}/").json()
    assert read["answer"]["value"] == 1.0  # the owner reads the key: it is recorded
    after = _start(learner_api, quiz)
    learner_api.post(f"/api/v1/attempts/{after}/submit/", {"answers": _right_answers(clone)[:1]})
    for pk in (honest, after):
        grade_attempt(attempt_id=pk)
    assert learner_api.get(f"/api/v1/attempts/{honest}/").json()["keys_seen"] is False
    assert learner_api.get(f"/api/v1/attempts/{after}/").json()["keys_seen"] is True
    stats = learner_api.get(f"/api/v1/quizzes/{quiz.pk}/attempts/stats/").json()
    assert stats["unseen_keys"] == {"attempts": 1, "best": 4.0, "mean": 4.0, "max_score": 4.0}
    assert stats["keys_seen"]["attempts"] == 1 and stats["keys_seen"]["best"] == 1.0


def test_exporting_the_path_counts_as_opening_its_keys(learner_api, clone):
    assert learner_api.get(f"/api/v1/paths/{clone.slug}/export/").status_code == 200
    pk = _start(learner_api, _quiz(clone))
    learner_api.post(f"/api/v1/attempts/{pk}/submit/", {"answers": []})
    assert Attempt.objects.get(pk=pk).keys_seen is True


def test_practice_check_refuses_unreadable_input_with_the_reason(learner_api, clone):
    question = _questions(clone)["expression"]
    refused = learner_api.post(
        f"/api/v1/questions/{question.pk}/check/", {"expression": "sigmoid(z"}
    )
    assert refused.status_code == 400
    assert refused.json()["fields"] == {"expression": [refused.json()["detail"].split(": ", 2)[-1]]}
    assert "syntax error" in refused.json()["detail"]
    both = learner_api.post(
        f"/api/v1/questions/{question.pk}/check/", {"expression": "z", "value": 1}
    )
    assert both.status_code == 400


def test_practice_check_answers_202_with_a_poll_url_when_no_verdict_comes(
    learner_api, clone, settings
):
    settings.GRADING_CHECK_WAIT = 0.001
    question = _questions(clone)["numeric"]
    waiting = learner_api.post(f"/api/v1/questions/{question.pk}/check/", {"value": 1})
    assert waiting.status_code in (200, 202)
    if waiting.status_code == 202:
        assert waiting.json()["status"] == "grading" and "/api/v1/checks/" in waiting.json()["poll"]


def test_formula_preview_parses_and_renders_without_evaluating(learner_api, clone):
    question = _questions(clone)["expression"]
    url = f"/api/v1/questions/{question.pk}/preview/"
    shown = learner_api.post(url, {"expression": "sigmoid(z)*(1 - sigmoid(z))"}).json()
    assert (
        shown["variables"] == ["z"] and "<math" in shown["mathml"] and "sigmoid" in shown["latex"]
    )
    broken = learner_api.post(url, {"expression": "1 - tanh(x"}).json()
    assert broken["mathml"] is None and broken["error"]["position"] is not None
    hostile = learner_api.post(url, {"expression": "9**9**9**9**9"}).json()
    assert "error" not in hostile  # typeset, never computed
    numeric = _questions(clone)["numeric"]
    assert (
        learner_api.post(
            f"/api/v1/questions/{numeric.pk}/preview/", {"expression": "z"}
        ).status_code
        == 400
    )


def test_regrading_after_a_key_changes_lists_then_applies(learner_api, clone, make_user):
    pk = _start(learner_api, _quiz(clone))
    learner_api.post(f"/api/v1/attempts/{pk}/submit/", {"answers": _right_answers(clone)})
    grade_attempt(attempt_id=pk)
    numeric = _questions(clone)["numeric"]
    changed = learner_api.patch(
        f"/api/v1/questions/{numeric.pk}/", {"answer": {"value": 2.0, "tolerance": "1%"}}
    )
    assert changed.status_code == 200, changed.json()
    url = f"/api/v1/quizzes/{_quiz(clone).pk}/regrade/"
    dry = learner_api.post(url, {"dry_run": True}).json()
    assert dry["dry_run"] is True
    assert dry["changes"] == [
        {
            "attempt": pk,
            "user": "ada",
            "score_before": 4.0,
            "score_after": 3.0,
            "questions": [numeric.pk],
        }
    ]
    assert Attempt.objects.get(pk=pk).score == 4.0
    assert learner_api.post(url, {"dry_run": False}).json()["changes"][0]["score_after"] == 3.0
    attempt = Attempt.objects.get(pk=pk)
    assert (attempt.score, attempt.gradings) == (3.0, 2)
    assert learner_api.post(url, {"dry_run": False}).json()["changes"] == []
    assert client_for(make_user("eve")).post(url, {"dry_run": True}).status_code == 404


def test_the_admin_regrades_with_the_same_operation(client, staff, learner_api, clone):
    pk = _start(learner_api, _quiz(clone))
    learner_api.post(f"/api/v1/attempts/{pk}/submit/", {"answers": _right_answers(clone)})
    grade_attempt(attempt_id=pk)
    Question.objects.filter(path=clone, kind="numeric").update(
        answer={"value": 2.0, "tolerance": "1%"}
    )
    client.force_login(staff)
    answer = client.post(
        "/admin/learning/attempt/",
        {"action": "regrade_quizzes", "_selected_action": [pk]},
        follow=True,
    )
    assert "1 attempt(s) regraded" in answer.content.decode()
    assert Attempt.objects.get(pk=pk).score == 3.0


def test_the_web_process_never_evaluates_a_formula(learner_api, clone, settings, monkeypatch):
    """Submitting, checking and previewing formulas parse them; evaluating is the worker's."""
    from kernels.expressions import Expression

    def evaluated(*args, **kwargs):
        raise AssertionError("a learner's formula was evaluated in the web process")

    monkeypatch.setattr(Expression, "evaluate", evaluated)
    settings.GRADING_CHECK_WAIT = 0.001
    expression = _questions(clone)["expression"]
    pk = _start(learner_api, _quiz(clone))
    submitted = learner_api.post(
        f"/api/v1/attempts/{pk}/submit/", {"answers": _right_answers(clone)}
    )
    assert submitted.status_code == 202
    body = {"expression": "sigmoid(z)*(1 - sigmoid(z))"}
    assert learner_api.post(f"/api/v1/questions/{expression.pk}/check/", body).status_code in (
        200,
        202,
    )
    assert learner_api.post(f"/api/v1/questions/{expression.pk}/preview/", body).status_code == 200
