"""The review page and the article's review prompts through Django's test client: who
may review, the form that works without JavaScript (it stores the review in the same log
as the API and moves the card), the outline's and /me/'s due counts, and the page's
query count. The browser session is in ``test_review_journey.py``."""

import re
import uuid

import pytest
from django.test import Client

from learning.models import Flashcard, ReviewCard, ReviewLog, ReviewSettings
from learning.services.bundles import BUNDLE_DIR, bundle_read, path_import
from learning.services.clone_path import path_clone
from learning.web.reviews import interval_label
from tests.helpers import bundle_with_sections, sized_bundle

pytestmark = pytest.mark.django_db


def text(answer) -> str:
    assert answer.status_code == 200, answer.status_code
    return answer.content.decode()


def shown_cards(page: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'class="review-card" data-flashcard="(\d+)"', page)]


def rate(client, slug: str, flashcard: int, rating: int, client_id=None, **extra):
    return client.post(
        f"/paths/{slug}/flashcards/",
        {"flashcard": flashcard, "rating": rating, "client_id": client_id or uuid.uuid4()} | extra,
    )


@pytest.mark.parametrize(
    ("seconds", "label"),
    [(0, "<1 min"), (59, "<1 min"), (60, "1 min"), (600, "10 min"), (7200, "2 h"),
     (3 * 86400, "3 d"), (90 * 86400, "3 mo"), (800 * 86400, "2.2 y")],
)  # fmt: skip
def test_intervals_read_as_a_person_would_say_them(seconds, label):
    assert interval_label(seconds) == label


def test_anonymous_is_sent_to_log_in_and_others_get_a_404(client, clone, make_user):
    answer = client.get(f"/paths/{clone.slug}/flashcards/")
    assert answer.status_code == 302 and answer["Location"].startswith("/accounts/login/")
    client.force_login(make_user("bob"))
    assert client.get(f"/paths/{clone.slug}/flashcards/").status_code == 404
    card = Flashcard.objects.filter(path=clone).first()
    assert rate(client, clone.slug, card.pk, 3).status_code == 404
    assert not ReviewLog.objects.exists()


def test_the_public_source_is_not_reviewable_by_a_learner(client, source, learner):
    client.force_login(learner)
    assert client.get(f"/paths/{source.slug}/flashcards/").status_code == 404


def test_the_page_shows_the_first_card_with_math_and_an_interval_per_rating(client, clone, learner):
    Flashcard.objects.filter(path=clone).update(back="It is $\\sigma(0) = 1/2$.")
    client.force_login(learner)
    page = text(client.get(f"/paths/{clone.slug}/flashcards/"))
    assert len(shown_cards(page)) == 2 and "2 cards to review" in page
    assert page.count("<math") == 2 and "$" not in page
    assert page.count('class="review-card"') == 2 and page.count(" hidden>") >= 1
    for name in ("Again", "Hard", "Good", "Easy"):
        assert f'</kbd> {name} <span class="interval">' in page
    assert '<span class="interval">1 min</span>' in page  # Again on a new card: a minute
    assert 'src="/static/web/review.js"' in page and "<script>" not in page
    assert "csrfmiddlewaretoken" in page


def test_the_form_without_javascript_stores_a_review_and_moves_the_card(client, clone, learner):
    client.force_login(learner)
    first = shown_cards(text(client.get(f"/paths/{clone.slug}/flashcards/")))[0]
    client_id = uuid.uuid4()
    answer = rate(client, clone.slug, first, 3, client_id)
    assert answer.status_code == 302 and answer["Location"] == f"/paths/{clone.slug}/flashcards/"
    log = ReviewLog.objects.get()
    assert (log.flashcard_id, log.rating, log.client_id, log.user) == (first, 3, client_id, learner)
    card = ReviewCard.objects.get(user=learner, flashcard_id=first)
    assert card.state == "learning" and card.reps == 1 and card.due is not None
    # A double click (the same client_id) counts once.
    assert rate(client, clone.slug, first, 3, client_id).status_code == 302
    assert ReviewLog.objects.count() == 1
    after = text(client.get(f"/paths/{clone.slug}/flashcards/"))
    assert shown_cards(after) == [
        c for c in Flashcard.objects.filter(path=clone).values_list("pk", flat=True) if c != first
    ]
    second = shown_cards(after)[0]
    assert rate(client, clone.slug, second, 4).status_code == 302
    done = text(client.get(f"/paths/{clone.slug}/flashcards/"))
    assert "No cards due now" in done and "Session done" in done
    assert re.search(r'<dt>Good</dt><dd data-count="3">1</dd>', done)
    assert re.search(r'<dt>Easy</dt><dd data-count="4">1</dd>', done)


def test_bad_form_input_is_a_400_naming_the_field(client, clone, learner):
    client.force_login(learner)
    card = Flashcard.objects.filter(path=clone).first()
    answer = rate(client, clone.slug, card.pk, 7)
    assert answer.status_code == 400 and "rating" in answer.content.decode()
    answer = rate(client, clone.slug, card.pk, 3, client_id="not-a-uuid")
    assert answer.status_code == 400 and "client_id" in answer.content.decode()
    assert not ReviewLog.objects.exists()


def test_a_prompt_answer_returns_to_its_section_and_a_foreign_next_is_ignored(
    client, clone, learner
):
    client.force_login(learner)
    card = Flashcard.objects.filter(path=clone).first()
    back = f"/paths/{clone.slug}/article/#section-1"
    assert rate(client, clone.slug, card.pk, 2, next=back)["Location"] == back
    evil = rate(client, clone.slug, card.pk, 2, next="https://evil.example/")
    assert evil["Location"] == f"/paths/{clone.slug}/flashcards/"
    assert ReviewLog.objects.count() == 2


def test_the_article_asks_each_section_its_cards_for_the_owner_only(client, learner):
    source = path_import(data=bundle_with_sections(slug="sects"), visibility="public")
    mine = path_clone(path=source, user=learner)
    preview = text(client.get(f"/paths/{source.slug}/article/"))
    assert "data-review-prompt" not in preview and "review.js" not in preview
    client.force_login(learner)
    page = text(client.get(f"/paths/{mine.slug}/article/"))
    assert page.count("data-review-prompt") == 2 and "review.js" in page
    cards = {c.front: c for c in Flashcard.objects.filter(path=mine).select_related("section")}
    for front, card in cards.items():
        section = page.index(f'id="section-{card.section_id}"')
        prompt = page.index(f'data-flashcard="{card.pk}"')
        assert prompt > section, front
    # The top section's prompt comes before its subsection starts.
    top = cards["sigmoid'(0)?"]
    child = cards["Is tanh zero-centered?"]
    assert page.index(f'data-flashcard="{top.pk}"') < page.index(f'id="section-{child.section_id}"')
    assert "<math" in page


def test_the_outline_and_me_count_the_cards_due(client, clone, learner):
    client.force_login(learner)
    assert "2 cards due now." in text(client.get(f"/paths/{clone.slug}/"))
    assert "2 cards due today" in text(client.get("/me/"))
    card = Flashcard.objects.filter(path=clone).first()
    rate(client, clone.slug, card.pk, 4)  # Easy: days away
    assert "1 card due now." in text(client.get(f"/paths/{clone.slug}/"))
    assert "1 card due today" in text(client.get("/me/"))


def test_the_due_counts_keep_to_the_daily_new_limit(client, clone, learner):
    ReviewSettings.objects.create(user=learner, new_per_day=1)
    client.force_login(learner)
    assert "1 card due now." in text(client.get(f"/paths/{clone.slug}/"))
    assert len(shown_cards(text(client.get(f"/paths/{clone.slug}/flashcards/")))) == 1


@pytest.mark.parametrize("items", [10, 200])
def test_the_page_reads_in_a_fixed_number_of_queries(
    items, client, learner, django_assert_num_queries
):
    source = path_import(data=sized_bundle(items, slug=f"s{items}"), visibility="public")
    mine = path_clone(path=source, user=learner)
    client.force_login(learner)
    text(client.get(f"/paths/{mine.slug}/flashcards/"))  # the deck is made once
    # session, user, path (with its deck check, settings, new today), due and new cards
    with django_assert_num_queries(4):
        page = text(client.get(f"/paths/{mine.slug}/flashcards/"))
    assert len(shown_cards(page)) == min(Flashcard.objects.filter(path=mine).count(), 20)


def test_the_api_refuses_a_session_review_without_the_csrf_token(clone, learner):
    """review.js posts with the session cookie, so the API must ask for the CSRF token."""
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(learner)
    page = text(browser.get(f"/paths/{clone.slug}/flashcards/"))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    body = {"flashcard": shown_cards(page)[0], "rating": 3, "client_id": str(uuid.uuid4())}
    refused = browser.post("/api/v1/reviews/", body, content_type="application/json")
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    assert not ReviewLog.objects.exists()
    taken = browser.post(
        "/api/v1/reviews/", body, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert taken.status_code == 201 and ReviewLog.objects.count() == 1


def test_the_activation_article_asks_all_its_cards_in_their_sections(client, learner):
    source = path_import(
        data=bundle_read(BUNDLE_DIR / "activation-functions.json"), visibility="public"
    )
    mine = path_clone(path=source, user=learner)
    client.force_login(learner)
    page = text(client.get(f"/paths/{mine.slug}/article/"))
    assert page.count("data-review-prompt") == 15
    sigmoid = Flashcard.objects.get(path=mine, front__contains="slope of the logistic sigmoid")
    assert sigmoid.section.title == "Sigmoid (logistic)"
    after = page[page.index(f'id="section-{sigmoid.section_id}"') :]
    assert after.index(f'data-flashcard="{sigmoid.pk}"') < after.index('<section id="section-')
