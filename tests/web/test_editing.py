"""Editing your path on the pages: sections with a server-rendered Markdown preview, and
flashcards, through the same service as the API (``item_update``)."""

import pytest

from learning.models import Flashcard, Path, Section

pytestmark = pytest.mark.django_db


def edit_url(path, item) -> str:
    kind = "sections" if isinstance(item, Section) else "flashcards"
    return f"/paths/{path.slug}/edit/{kind}/{item.pk}/"


def test_the_editor_lists_sections_and_cards_for_the_owner_only(
    client, clone, learner, make_user, source
):
    assert client.get(f"/paths/{clone.slug}/edit/").url.startswith("/accounts/login/")
    client.force_login(make_user("bob"))
    assert client.get(f"/paths/{clone.slug}/edit/").status_code == 404  # private, not theirs
    assert client.get(f"/paths/{source.slug}/edit/").status_code == 403  # public, not theirs
    section = Section.objects.filter(path=source).first()
    assert client.get(edit_url(source, section)).status_code == 403
    client.force_login(learner)
    page = client.get(f"/paths/{clone.slug}/edit/").content.decode()
    for item in [*Section.objects.filter(path=clone), *Flashcard.objects.filter(path=clone)]:
        assert f'href="{edit_url(clone, item)}"' in page
    outline = client.get(f"/paths/{clone.slug}/").content.decode()
    assert f'href="/paths/{clone.slug}/edit/"' in outline


def test_preview_renders_markdown_and_math_and_saves_nothing(client, clone, learner):
    client.force_login(learner)
    section = Section.objects.filter(path=clone, title="Second").get()
    version = Path.objects.get(pk=clone.pk).version
    answer = client.post(
        edit_url(clone, section),
        {"title": "Second", "body": "Now **bold** and $x^2$.", "preview": "1"},
    )
    page = answer.content.decode()
    assert answer.status_code == 200 and "<strong>bold</strong>" in page and "<math" in page
    assert "Now **bold** and $x^2$." in page  # the text area keeps what was typed
    section.refresh_from_db()
    assert section.body == "Body **two**."
    assert Path.objects.get(pk=clone.pk).version == version


def test_saving_a_section_lands_on_it_in_the_article(client, clone, learner):
    client.force_login(learner)
    section = Section.objects.get(path=clone, title="Second")
    version = Path.objects.get(pk=clone.pk).version
    answer = client.post(edit_url(clone, section), {"title": "Second, rewritten", "body": "$y$"})
    assert answer.status_code == 302
    assert answer.url == f"/paths/{clone.slug}/article/#section-{section.pk}"
    section.refresh_from_db()
    assert (section.title, section.body) == ("Second, rewritten", "$y$")
    assert Path.objects.get(pk=clone.pk).version == version + 1
    article = client.get(answer.url).content.decode()
    assert "Second, rewritten" in article and "Saved the section." in article


def test_saving_a_flashcard(client, clone, learner):
    client.force_login(learner)
    card = Flashcard.objects.filter(path=clone).first()
    page = client.get(edit_url(clone, card)).content.decode()
    assert card.front.replace("'", "&#x27;") in page and 'name="preview"' not in page
    answer = client.post(edit_url(clone, card), {"front": "New front?", "back": "New back."})
    assert answer.status_code == 302 and answer.url == f"/paths/{clone.slug}/edit/"
    card.refresh_from_db()
    assert (card.front, card.back) == ("New front?", "New back.")


def test_bad_input_is_shown_on_the_form_and_changes_nothing(client, clone, learner):
    client.force_login(learner)
    section = Section.objects.get(path=clone, title="Second")
    answer = client.post(edit_url(clone, section), {"title": "", "body": "x"})
    assert answer.status_code == 200 and "This field is required." in answer.content.decode()
    answer = client.post(edit_url(clone, section), {"title": "t" * 201, "body": "x"})
    assert "at most 200 characters" in answer.content.decode()
    card = Flashcard.objects.filter(path=clone).first()
    answer = client.post(edit_url(clone, card), {"front": "x\x00y", "back": "z"})
    assert (
        answer.status_code == 200 and "Null characters are not allowed." in answer.content.decode()
    )
    section.refresh_from_db()
    card.refresh_from_db()
    assert section.body == "Body **two**." and "\x00" not in card.front


def test_an_item_of_another_path_is_not_found_under_this_one(client, clone, learner, source, staff):
    client.force_login(staff)  # staff may edit both paths, yet not mix them up
    other = Section.objects.filter(path=source).first()
    assert client.get(f"/paths/{clone.slug}/edit/sections/{other.pk}/").status_code == 404
    missing = Section.objects.order_by("-pk").first().pk + 1000
    assert client.get(f"/paths/{clone.slug}/edit/sections/{missing}/").status_code == 404
