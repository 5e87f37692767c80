"""Taking a quiz in a real Chromium, graded by a real worker: sign up, clone, open the
quiz, answer every question with the keyboard (a formula typed, its server-side preview
shown, first as an error pointing at its column; submitted so, it comes back beside its
question and costs nothing; finished, the preview is MathML), submit, wait for the
worker's grade and read score and feedback; then the same pages on a 390 px phone in dark
mode. No console errors, no serious or critical axe-core violation. Screenshots land in
``var/test-artifacts/``.
"""

import re

import pytest

from learning.models import Attempt, AttemptStatus, Question
from tests.web.conftest import on_a_phone
from tests.web.test_journey import accessible, own_copy, tab_to

pytestmark = pytest.mark.django_db(transaction=True)

#: How long the worker may take to grade (a loaded shared machine).
GRADE_TIMEOUT_MS = 60_000


def test_take_a_quiz_by_keyboard_and_read_the_graded_results(
    live_server, watched, browser, source, celery_worker_process
):
    page, base = watched.page, live_server.url
    own_copy(page, base, "quinn", source)
    slug = f"{source.slug}-quinn"
    questions = {
        q.prompt: q for q in Question.objects.filter(path__slug=slug).prefetch_related("choices")
    }
    single, true_false = questions["Range of sigmoid?"], questions["ReLU is smooth."]
    numeric, formula = questions["tanh'(0)?"], questions["sigmoid'(z)?"]

    page.get_by_role("link", name="Quiz: Check").click()
    page.wait_for_url(re.compile(rf"{base}/paths/{slug}/quizzes/\d+/$"))
    assert page.get_by_text("No attempts yet.").is_visible()

    # single choice: Tab into the group, Space picks the focused "(0, 1)"
    first = single.choices.order_by("position", "id").first()
    tab_to(page, f"#q-{single.pk}-c-{first.pk}")
    page.keyboard.press("Space")
    # true/false: Tab into the next group (on "True"), the arrow moves to "False"
    tab_to(page, f"input[name=q-{true_false.pk}]")
    page.keyboard.press("ArrowDown")
    right = true_false.choices.get(is_correct=True)
    assert page.locator(f"#q-{true_false.pk}-c-{right.pk}").is_checked()
    # numeric
    tab_to(page, f"#q-{numeric.pk}")
    page.keyboard.type("1")
    # the formula: half typed, the preview points at the error; finished, it is MathML
    tab_to(page, f"#q-{formula.pk}")
    page.keyboard.type("sigmoid(z")
    preview = page.locator(f"#q-{formula.pk}-preview")
    preview.locator(".preview-error").wait_for()
    assert preview.locator("mark").count() == 1
    # submitted like that (Enter in the field), it comes back beside its question,
    # with every answer kept, and costs no attempt
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.keyboard.press("Enter")
    assert posted.value.status == 400
    page.wait_for_load_state()
    # Chromium logs every 4xx document; that one was asked for, anything else still fails
    for _ in range(100):
        if watched.errors:
            break
        page.wait_for_timeout(50)
    assert watched.errors == [
        "console: Failed to load resource: the server responded with a status of 400 (Bad Request)"
    ]
    watched.errors.clear()
    field = page.locator(f"#q-{formula.pk}")
    assert field.get_attribute("aria-invalid") == "true"
    assert page.locator(f"#q-{formula.pk}-error").is_visible()
    assert page.locator(f"#q-{true_false.pk}-c-{right.pk}").is_checked()
    assert page.locator(f"#q-{numeric.pk}").input_value() == "1"
    assert not Attempt.objects.filter(quiz__path__slug=slug).exists()
    accessible(watched)
    watched.screenshot("quiz-unreadable-formula")
    tab_to(page, f"#q-{formula.pk}")
    page.keyboard.press("End")
    page.keyboard.type(")*(1-sigmoid(z))")
    preview.locator("math").wait_for()
    assert preview.locator(".preview-error").count() == 0
    accessible(watched)
    watched.screenshot("quiz")

    tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/attempts/\d+/$"))
    # graded by the worker; quiz_poll.js reloads the page once the grade is in
    page.locator("#score").wait_for(timeout=GRADE_TIMEOUT_MS)
    attempt = Attempt.objects.get(quiz__path__slug=slug)
    assert attempt.status == AttemptStatus.GRADED and attempt.score == 4
    assert "Score: 4 / 4" in page.locator("#score").inner_text()
    assert page.locator(".result.is-correct").count() == 4
    assert page.get_by_text("It is a probability.").is_visible()  # an explanation
    assert page.locator(".result-details dt", has_text="Feedback").count() == 4
    accessible(watched)
    results_url = page.url
    watched.screenshot("quiz-results")

    page.get_by_role("link", name="Take the quiz again").click()
    assert re.search(r"Best score:\s*4 / 4", page.locator(".attempts").inner_text())
    quiz_url = page.url
    page.goto(f"{base}/paths/{slug}/")
    assert re.search(r"Check:\s*best 4 / 4", page.locator(".quiz-scores").inner_text())

    cookies = watched.context.cookies()
    on_a_phone(browser, quiz_url, "phone-dark-quiz", cookies)
    on_a_phone(browser, results_url, "phone-dark-quiz-results", cookies)
