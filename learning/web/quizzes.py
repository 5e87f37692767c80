"""The quiz page: take a quiz of your own path, then its graded results.

``/paths/<slug>/quizzes/<id>/`` shows the questions (prompts and choices as Markdown with
MathML) and your earlier attempts; its one form starts and submits an attempt together
(``attempt_take``), so an answer that cannot be read (``answers.2.expression``) comes back
beside its question with everything you typed, and costs no attempt. A submitted attempt
is graded by a worker: ``…/attempts/<n>/`` says so and ``quiz_poll.js`` reloads it when the
grade is in (without JavaScript, a link asks again). A quiz of a path that is not yours is
a 404 that says to clone the path, as the API does.
"""

import re

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from config.errors import InvalidInput, NotFound
from learning.models import AttemptStatus
from learning.rendering import render_markdown_many
from learning.selectors.attempts import (
    attempt_get_for_user,
    attempt_result,
    attempt_stats,
    attempts_of,
    quiz_get_for_attempt,
)
from learning.selectors.trees import path_tree
from learning.services.attempts import attempt_take
from learning.web.errors import pages

#: Earlier attempts listed on the quiz page.
ATTEMPTS_SHOWN = 20
CHOICE_KINDS = ("single", "multiple", "true_false")
_ANSWER_FIELD = re.compile(r"^answers\.(\d+)\.")
_ONE_PARAGRAPH = re.compile(r"^<p>(.*)</p>\s*$", re.DOTALL)


def _inline(html: str) -> str:
    """A choice's rendered Markdown without its paragraph, so it fits in a label."""
    match = _ONE_PARAGRAPH.match(html)
    return match.group(1) if match and "<p>" not in match.group(1) else html


def _quiz_of(request, slug: str, pk: int):
    """The quiz and its questions (rendered), or the clone hint as a 404 page."""
    quiz = quiz_get_for_attempt(quiz_id=pk, user=request.user)
    if quiz.path.slug != slug:
        raise NotFound(f"No quiz {pk} in {slug!r}.")
    tree = path_tree(quiz.path, preview=False)
    questions = next(q["questions"] for q in tree["quizzes"] if q["id"] == quiz.pk)
    texts = [q["prompt"] for q in questions]
    texts += [c["text"] for q in questions for c in q["choices"]]
    html = iter(render_markdown_many(texts))
    rendered = [q | {"prompt_html": next(html)} for q in questions]
    for question in rendered:
        question["choices"] = [c | {"html": _inline(next(html))} for c in question["choices"]]
    return quiz, tree, rendered


def _not_yours(request, slug: str, exc: NotFound):
    return render(
        request, "web/quizzes/not_yours.html", {"message": exc.message, "slug": slug}, status=404
    )


def _answers(post, questions: list[dict]) -> tuple[list[dict], list[int], dict]:
    """The answers as the service takes them, the question of each answer's index, and
    what the learner gave per question (to fill the form again)."""
    answers, order, given = [], [], {}
    for question in questions:
        name, kind = f"q-{question['id']}", question["kind"]
        if kind in CHOICE_KINDS:
            picked = [v for v in post.getlist(name) if v.strip()]
            given[question["id"]] = picked
            if picked:
                answers.append({"question": question["id"], "choices": [_int(v) for v in picked]})
                order.append(question["id"])
            continue
        text = post.get(name, "")
        given[question["id"]] = text
        if text.strip():
            field = "value" if kind == "numeric" else "expression"
            answers.append({"question": question["id"], field: text})
            order.append(question["id"])
    return answers, order, given


def _int(text: str):
    try:
        return int(text)
    except ValueError:
        return text  # the service says it is not a choice of this question


def _field_errors(exc: InvalidInput, order: list[int]) -> dict[int, list[str]]:
    errors: dict[int, list[str]] = {}
    for field, messages in exc.fields.items():
        match = _ANSWER_FIELD.match(field)
        if match and int(match.group(1)) < len(order):
            errors.setdefault(order[int(match.group(1))], []).extend(messages)
    return errors


@pages
def quiz(request, slug: str, pk: int):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    try:
        quiz, tree, questions = _quiz_of(request, slug, pk)
    except NotFound as exc:
        return _not_yours(request, slug, exc)
    errors, given, status = {}, {}, 200
    if request.method == "POST":
        answers, order, given = _answers(request.POST, questions)
        try:
            attempt = attempt_take(user=request.user, quiz=quiz, answers=answers)
        except InvalidInput as exc:
            errors, status = _field_errors(exc, order) or {0: [exc.message]}, 400
        else:
            return redirect("web:quiz-attempt", slug, quiz.pk, attempt.pk)
    for question in questions:
        question["errors"] = errors.get(question["id"], [])
        question["given"] = given.get(question["id"], [] if question["choices"] else "")
        question["picked"] = {str(v) for v in question["given"]} if question["choices"] else ()
    context = {
        "tree": tree,
        "quiz": quiz,
        "questions": questions,
        "form_error": errors.get(0),
        "error_count": len(errors),
        "attempts": list(attempts_of(user=request.user, quiz=quiz)[:ATTEMPTS_SHOWN]),
        "stats": attempt_stats(user=request.user, quiz=quiz),
    }
    return render(request, "web/quizzes/quiz.html", context, status=status)


def _expected(expected: dict | None, choices: dict[int, str]) -> dict:
    """The key as the page shows it: choice texts, a number with its tolerance, a formula."""
    expected = expected or {}
    if "choices" in expected:
        return {"choices": [choices.get(c, str(c)) for c in expected["choices"]]}
    return expected


@pages
def attempt(request, slug: str, pk: int, attempt_id: int):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    found = attempt_get_for_user(attempt_id=attempt_id, user=request.user)
    if found.quiz_id != pk or found.quiz.path.slug != slug:
        raise Http404(f"No attempt {attempt_id} of this quiz.")
    try:
        quiz, tree, questions = _quiz_of(request, slug, pk)
    except NotFound as exc:
        return _not_yours(request, slug, exc)
    result = attempt_result(found)
    by_question = {row["question"]: row for row in result["results"]}
    explained = [row for row in result["results"] if row["explanation"]]
    explanations = dict(
        zip(
            (row["question"] for row in explained),
            render_markdown_many([row["explanation"] for row in explained]),
        )
    )
    for question in questions:
        choices = {c["id"]: c["html"] for c in question["choices"]}
        row = by_question.get(question["id"])
        if row is not None:
            given = row["answer"] or {}
            question["result"] = row | {
                "expected_shown": _expected(row["expected"], choices),
                "given_choices": [choices.get(c, str(c)) for c in given.get("choices", [])],
                "explanation_html": explanations.get(question["id"], ""),
            }
    return render(
        request,
        "web/quizzes/attempt.html",
        {
            "tree": tree,
            "quiz": quiz,
            "attempt": result,
            "grading": result["status"] != AttemptStatus.GRADED,
            "questions": questions,
            "poll_url": reverse("api:attempt", args=[found.pk]),
        },
    )
