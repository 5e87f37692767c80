"""The learner's pages through Django's test client: who sees what, and the forms'
round trips (sign up, clone, pull updates). The real browser journey is in
``test_journey.py``."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from learning.models import Flashcard, Path, Section
from learning.services.bundles import path_import
from learning.services.clone_path import path_clone
from learning.services.items import item_update
from tests.helpers import sized_bundle, small_bundle

pytestmark = pytest.mark.django_db


def text(answer) -> str:
    assert answer.status_code == 200, answer.status_code
    return answer.content.decode()


def test_the_catalog_lists_public_paths_with_counts_and_searches(client, source):
    path_import(
        data=small_bundle(slug="other", title="Softmax notes", summary="x"), visibility="public"
    )
    page = text(client.get("/"))
    assert "A tiny path" in page and "Softmax notes" in page
    assert "3 sections" in page and "2 flashcards" in page and "4 questions" in page
    found = text(client.get("/?q=softmax"))
    assert "Softmax notes" in found and "A tiny path" not in found
    assert "No path matches" in text(client.get("/?q=nothing-like-it"))


def test_the_catalog_answers_in_constant_queries(client, source, django_assert_max_num_queries):
    for n in range(5):
        path_import(data=small_bundle(slug=f"p{n}"), visibility="public")
    with django_assert_max_num_queries(3):
        text(client.get("/"))


def test_a_private_path_is_not_found_for_others(client, clone, make_user):
    assert client.get(f"/paths/{clone.slug}/").status_code == 404
    client.force_login(make_user("bob"))
    assert client.get(f"/paths/{clone.slug}/article/").status_code == 404
    assert client.get(f"/paths/{clone.slug}/updates/").status_code == 404
    assert "Not found" in client.get("/paths/nowhere/").content.decode()


def test_the_preview_shows_what_the_preview_shows_and_a_clone_button(client, source):
    page = text(client.get(f"/paths/{source.slug}/"))
    assert "Preview" in page and "Clone to make it your own" in page
    assert "Intro" in page and "Detail" in page and "Second" in page  # every title
    assert "sigmoid&#x27;(0)?" in page  # the first flashcard
    assert "Is tanh zero-centered?" not in page  # not the second
    assert "Range of sigmoid?" in page and "ReLU is smooth." not in page
    article = text(client.get(f"/paths/{source.slug}/article/"))
    assert "<math" in article  # the first section, as MathML
    assert "Body <strong>two</strong>" not in article  # the second section stays closed
    assert "clone it to read this section" in article


def test_signup_logs_in_and_goes_back_where_it_came_from(client, source):
    page = text(client.get(f"/accounts/signup/?next=/paths/{source.slug}/"))
    assert 'name="csrfmiddlewaretoken"' in page
    answer = client.post(
        "/accounts/signup/",
        {
            "username": "newbie",
            "password1": "a long passphrase 42",
            "password2": "a long passphrase 42",
            "next": f"/paths/{source.slug}/",
        },
    )
    assert answer.status_code == 302 and answer.url == f"/paths/{source.slug}/"
    user = get_user_model().objects.get(username="newbie")
    assert user.auth_token.key  # made by the API's sign-up service
    assert "Log out" in text(client.get("/me/"))


def test_signup_refuses_a_taken_name_and_a_weak_password(client, learner):
    page = text(
        client.post(
            "/accounts/signup/",
            {"username": "ADA", "password1": "password", "password2": "password"},
        )
    )
    assert "already exists" in page and "too common" in page
    assert get_user_model().objects.count() == 1


def test_signup_does_not_redirect_off_site(client):
    answer = client.post(
        "/accounts/signup/",
        {
            "username": "eve",
            "password1": "a long passphrase 42",
            "password2": "a long passphrase 42",
            "next": "https://evil.example/",
        },
    )
    assert answer.status_code == 302 and answer.url == "/me/"


def test_me_needs_a_login_and_lists_my_paths(client, clone, learner):
    answer = client.get("/me/")
    assert answer.status_code == 302 and answer.url.startswith("/accounts/login/?next=/me/")
    client.force_login(learner)
    page = text(client.get("/me/"))
    assert f"/paths/{clone.slug}/" in page and "Your copy of" in page


def test_cloning_anonymously_asks_to_log_in_first_then_comes_back(client, source, learner):
    answer = client.post(f"/paths/{source.slug}/clone/")
    assert answer.status_code == 302
    assert answer.url == f"/accounts/login/?next=/paths/{source.slug}/"
    assert Path.objects.count() == 1
    answer = client.post(
        "/accounts/login/",
        {
            "username": "ada",
            "password": "correct horse battery staple",
            "next": f"/paths/{source.slug}/",
        },
    )
    assert answer.status_code == 302 and answer.url == f"/paths/{source.slug}/"


def test_clone_makes_a_copy_and_shows_every_part(client, source, learner):
    client.force_login(learner)
    assert client.get(f"/paths/{source.slug}/clone/").status_code == 405
    answer = client.post(f"/paths/{source.slug}/clone/", follow=True)
    copy = Path.objects.get(owner=learner)
    assert answer.redirect_chain[-1][0] == f"/paths/{copy.slug}/"
    page = text(answer)
    assert "your own copy" in page and "Clone to make it your own" not in page
    assert f'href="/paths/{copy.slug}/article/"' in page
    assert f'href="/paths/{copy.slug}/podcast/"' in page
    assert "Updates available" not in page
    article = text(client.get(f"/paths/{copy.slug}/article/"))
    assert article.count("<math") >= 1 and "Body <strong>two</strong>" in article
    ids = re.findall(r'<section id="(section-\d+)"', article)
    assert len(ids) == 3 and all(f'href="#{i}"' in article for i in ids)


def test_links_to_pages_not_installed_are_left_out(client, clone, learner):
    client.force_login(learner)
    page = text(client.get(f"/paths/{clone.slug}/"))
    for href in re.findall(r'href="([^"#?]+)', page):
        if href.startswith("/") and not href.startswith("/static/"):
            assert client.get(href).status_code in (200, 302), href


def test_the_podcast_page_says_when_there_is_no_audio(client, clone, learner):
    client.force_login(learner)
    page = text(client.get(f"/paths/{clone.slug}/podcast/"))
    assert "has not been generated yet" in page and "<audio" not in page
    assert page.count('class="segment"') == 3 and 'data-start="65.0"' in page
    preview = text(client.get("/paths/tiny/podcast/"))
    assert preview.count('class="segment"') == 2  # the first minute


def upstream_change(source, *, section_body: str, card_back: str) -> None:
    item_update(item=Section.objects.get(path=source, title="Second"), data={"body": section_body})
    item_update(
        item=Flashcard.objects.get(path=source, front="Is tanh zero-centered?"),
        data={"back": card_back},
    )


def test_updates_show_changes_and_conflicts_side_by_side_and_pull_them(
    client, source, clone, learner
):
    client.force_login(learner)
    item_update(
        item=Section.objects.get(path=clone, title="Second"), data={"body": "My own words."}
    )
    upstream_change(source, section_body="Upstream words.", card_back="Yes, around 0.")
    outline = text(client.get(f"/paths/{clone.slug}/"))
    assert "Updates available" in outline and "2 changes" in outline
    page = text(client.get(f"/paths/{clone.slug}/updates/"))
    assert "Changed upstream" in page and "Is tanh zero-centered?" in page
    assert "Conflicts" in page and "Upstream words." in page and "My own words." in page
    section = Section.objects.get(path=clone, title="Second")
    card = Flashcard.objects.get(path=clone, front="Is tanh zero-centered?")
    answer = client.post(
        f"/paths/{clone.slug}/sync/",
        {f"item-{card.origin_uid}": "take", f"item-{section.origin_uid}": "later"},
        follow=True,
    )
    assert "1 changed" in text(answer) and "1 conflicts left" in text(answer)
    card.refresh_from_db()
    section.refresh_from_db()
    assert card.back == "Yes, around 0." and section.body == "My own words."
    client.post(f"/paths/{clone.slug}/sync/", {f"item-{section.origin_uid}": "take"})
    section.refresh_from_db()
    assert section.body == "Upstream words."
    assert "You are up to date" in text(client.get(f"/paths/{clone.slug}/updates/"))


def test_declining_keeps_mine_and_pull_all_takes_the_rest(client, source, clone, learner):
    client.force_login(learner)
    upstream_change(source, section_body="Upstream words.", card_back="Yes, around 0.")
    section = Section.objects.get(path=clone, title="Second")
    client.post(f"/paths/{clone.slug}/sync/", {f"item-{section.origin_uid}": "decline"})
    section.refresh_from_db()
    assert section.body == "Body **two**."
    assert (
        Flashcard.objects.get(path=clone, front="Is tanh zero-centered?").back == "Yes, around 0."
    )
    item_update(
        item=Section.objects.get(path=source, title="Intro"), data={"title": "Introduction"}
    )
    client.post(f"/paths/{clone.slug}/sync/", {"pull_all": "1"})
    assert Section.objects.filter(path=clone, title="Introduction").exists()


def test_sync_refuses_bad_input_with_a_page_and_changes_nothing(client, source, clone, learner):
    client.force_login(learner)
    upstream_change(source, section_body="Upstream words.", card_back="Yes, around 0.")
    answer = client.post(f"/paths/{clone.slug}/sync/", {"item-not-a-uid": "decline"})
    assert answer.status_code == 400 and "not an origin_uid" in answer.content.decode()
    assert Section.objects.get(path=clone, title="Second").body == "Body **two**."


def test_updates_of_a_path_that_is_no_clone_or_not_mine(client, source, clone, staff, make_user):
    client.force_login(make_user("bob"))
    assert client.get(f"/paths/{source.slug}/updates/").status_code == 403
    assert client.post(f"/paths/{source.slug}/sync/").status_code == 403
    client.force_login(staff)
    answer = client.get(f"/paths/{source.slug}/updates/")
    assert answer.status_code == 400 and "That did not work" in answer.content.decode()


@pytest.mark.parametrize("part", ["", "article/", "podcast/", "updates/"])
def test_a_path_page_costs_the_same_queries_whatever_its_size(client, learner, part):
    """The pages read the cached tree: a path of 20 items and one of 400 cost the same
    (the first visit builds the tree; the count is of the second)."""
    client.force_login(learner)
    counts = []
    for size in (20, 400):
        source = path_import(data=sized_bundle(size, slug=f"size-{size}"), visibility="public")
        clone = path_clone(path=source, user=learner)
        url = f"/paths/{clone.slug}/{part}"
        text(client.get(url))
        with CaptureQueriesContext(connection) as queries:
            text(client.get(url))
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
