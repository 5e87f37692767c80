"""A review session in a real Chromium, keyboard only, on a phone-sized screen: log in,
clone a path, open its flashcards, show and rate every due card with Space and the digits,
see a card rated Again come back and the summary; then answer a review prompt at the end
of an article section. Every answer lands in the review log through the API, with no
console error and no serious or critical axe-core violation."""

import re

import pytest

from learning.models import Flashcard, ReviewLog
from learning.services.bundles import path_import
from tests.helpers import bundle_with_sections

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery staple"  # the make_user fixture's
MAX_TABS = 40


def accessible(watched) -> None:
    violations = watched.accessibility_violations()
    assert not violations, f"{watched.page.url}: {violations}"


def focus_by_tab(page, selector: str) -> None:
    page.evaluate("document.activeElement && document.activeElement.blur()")
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} is not reachable with Tab")


def visible_card(page):
    return page.locator("#review .review-card:not([hidden])")


def test_review_every_due_card_by_keyboard_then_a_prompt_in_the_article(
    live_server, watched, make_user
):
    source = path_import(data=bundle_with_sections(slug="cards"), visibility="public")
    make_user("ana")
    page, base = watched.page, live_server.url
    page.set_viewport_size({"width": 390, "height": 844})

    page.goto(f"{base}/accounts/login/?next=/paths/{source.slug}/")
    page.get_by_label("Username").fill("ana")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("button", name="Clone to make it your own").click()
    page.wait_for_url(f"{base}/paths/cards-ana/")
    Flashcard.objects.filter(path__slug="cards-ana", front__startswith="Is tanh").update(
        back="Yes: $\\tanh(0) = 0$."
    )
    assert page.get_by_text("2 cards due now.").is_visible()
    page.get_by_role("link", name="Review them").click()
    page.wait_for_url(f"{base}/paths/cards-ana/flashcards/")
    progress = page.locator("#review .review-progress")
    assert progress.inner_text() == "Card 1 of 2"
    first = visible_card(page).get_attribute("data-flashcard")
    assert visible_card(page).get_by_role("button", name=re.compile("Again")).is_hidden()

    # Keys do nothing while the review area does not have the focus.
    page.locator("h1").click()
    page.keyboard.press("Space")
    page.keyboard.press("3")
    assert not visible_card(page).locator("details").get_attribute("open") is not None
    assert ReviewLog.objects.count() == 0

    focus_by_tab(page, "#review")
    page.keyboard.press("Space")
    again = visible_card(page).get_by_role("button", name=re.compile("Again"))
    again.wait_for()
    assert re.search(r"Again\s+1 min", again.inner_text())
    accessible(watched)
    watched.screenshot("review-phone-answer")
    page.keyboard.press("1")
    page.wait_for_function(
        "() => document.querySelector('#review .review-progress').textContent === 'Card 2 of 3'"
    )
    assert visible_card(page).get_attribute("data-flashcard") != first
    assert page.evaluate("document.activeElement.id") == "review"
    page.keyboard.press("Space")
    assert visible_card(page).locator(".card-back math").count() == 1  # MathML from the server
    page.keyboard.press("3")
    page.wait_for_function(
        "() => document.querySelector('#review .review-progress').textContent === 'Card 3 of 3'"
    )
    assert visible_card(page).get_attribute("data-flashcard") == first  # Again came back
    page.keyboard.press("Space")
    page.keyboard.press("3")
    summary = page.get_by_role("heading", name="Session done")
    summary.wait_for()
    assert page.evaluate("document.activeElement.textContent") == "Session done"
    tally = dict(
        zip(
            page.locator(".review-summary dt").all_inner_texts(),
            page.locator(".review-summary dd").all_inner_texts(),
        )
    )
    assert tally == {"Again": "1", "Hard": "0", "Good": "2", "Easy": "0"}
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    accessible(watched)
    shot = watched.screenshot("review-phone-summary")
    assert shot.stat().st_size > 0
    ratings = list(ReviewLog.objects.order_by("id").values_list("flashcard_id", "rating"))
    assert ratings[0] == (int(first), 1) and ratings[2] == (int(first), 3)
    assert [r for _, r in ratings] == [1, 3, 3]
    assert set(ReviewLog.objects.values_list("device", flat=True)) == {"web"}

    # The article asks each section's card at the end of its text.
    page.goto(f"{base}/paths/cards-ana/article/")
    prompts = page.locator(".review-prompt")
    assert prompts.count() == 2
    focus_by_tab(page, ".review-prompt")
    prompt = page.locator(".review-prompt:focus")
    page.keyboard.press("Space")
    prompt.get_by_role("button", name=re.compile("Easy")).wait_for()
    accessible(watched)
    watched.screenshot("article-prompt-phone")
    page.keyboard.press("4")
    prompt.get_by_text("Saved: Easy.").wait_for()
    assert ReviewLog.objects.count() == 4
    assert ReviewLog.objects.order_by("-id").first().rating == 4
