"""A learner's journey in a real Chromium: sign up, open a preview, clone it with the
keyboard, read the article (MathML), play the podcast (the transcript follows), pull an
upstream update, log out and in again, and read it all on a phone-sized screen.

Every page visited must log no console error (a script the CSP blocked included) and
show no serious or critical axe-core violation. Screenshots land in
``var/test-artifacts/``.
"""

import io
import re
import wave

import pytest
from django.core.files.base import ContentFile

from learning.models import Flashcard, Podcast
from learning.services.items import item_update
from learning.services.paths import path_content_changed
from tests.web.conftest import on_a_phone

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a long passphrase 42"
#: Tab presses allowed to reach a control by keyboard.
MAX_TABS = 40


def silent_wav(seconds: int) -> bytes:
    """A silent mono WAV, so the podcast player has real audio to play and seek."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(1)
        out.setframerate(8000)
        out.writeframes(b"\x80" * 8000 * seconds)
    return buffer.getvalue()


def accessible(watched) -> None:
    violations = watched.accessibility_violations()
    assert not violations, f"{watched.page.url}: {violations}"


def tab_to(page, selector: str) -> None:
    """Press Tab until the element matching ``selector`` has the focus."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} is not reachable with Tab")


def sign_up(page, base: str, username: str) -> None:
    page.goto(f"{base}/")
    page.get_by_role("link", name="Sign up").click()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_load_state()
    assert page.get_by_role("button", name=re.compile("Log out")).is_visible()


def own_copy(page, base: str, username: str, source) -> None:
    """Sign up as ``username`` and clone ``source``, landing on the copy."""
    sign_up(page, base, username)
    page.goto(f"{base}/paths/{source.slug}/")
    page.get_by_role("button", name="Clone to make it your own").click()
    page.wait_for_url(f"{base}/paths/{source.slug}-{username}/")


def test_sign_up_preview_clone_read_listen_and_log_in_again(live_server, watched, source):
    podcast = Podcast.objects.get(path=source)
    podcast.audio.save("journey.wav", ContentFile(silent_wav(70)))
    path_content_changed(source)
    page, base = watched.page, live_server.url

    page.goto(f"{base}/")
    assert page.get_by_role("heading", name="Learning paths").is_visible()
    assert page.get_by_text("3 sections").is_visible()
    accessible(watched)
    watched.screenshot("catalog")

    sign_up(page, base, "lin")
    page.get_by_role("link", name="Paths", exact=True).click()
    page.get_by_role("link", name="A tiny path").click()
    assert page.get_by_text("Preview", exact=True).is_visible()
    accessible(watched)
    watched.screenshot("preview")

    tab_to(page, "#clone-button")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/paths/tiny-lin/")
    assert page.get_by_text("This is your own copy").is_visible()
    assert page.get_by_role("link", name="Article").first.is_visible()
    accessible(watched)
    watched.screenshot("my-copy")

    page.get_by_role("navigation", name="This path").get_by_role("link", name="Article").click()
    page.wait_for_url(f"{base}/paths/tiny-lin/article/")
    assert page.locator("article math").count() >= 1
    assert page.get_by_role("navigation", name="Contents").get_by_role("link").count() == 3
    page.get_by_role("navigation", name="Contents").get_by_role("link", name="Second").click()
    assert page.url.endswith(
        "#" + page.locator("section", has_text="Body two").last.get_attribute("id")
    )
    accessible(watched)
    watched.screenshot("article")

    page.get_by_role("navigation", name="This path").get_by_role("link", name="Podcast").click()
    audio = page.locator("#podcast-audio")
    assert audio.is_visible()
    page.get_by_role("button", name="Play from 0:30").click()
    page.locator(".segment.playing", has_text="Ravi").wait_for()
    assert page.locator(".segment.playing").count() == 1
    assert 30 <= page.evaluate("document.getElementById('podcast-audio').currentTime") < 65
    page.get_by_role("button", name="Play from 0:00").click()
    page.locator(".segment.playing", has_text="Maya").first.wait_for()
    accessible(watched)
    watched.screenshot("podcast")

    page.get_by_role("button", name=re.compile("Log out")).click()
    page.get_by_role("link", name="Log in").click()
    page.get_by_label("Username").fill("lin")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("button", name=re.compile("Log out")).wait_for()
    page.get_by_role("link", name="My paths").click()
    page.get_by_role("heading", name="My paths").wait_for()
    assert page.get_by_role("link", name="A tiny path").is_visible()
    accessible(watched)


def test_pull_an_upstream_update(live_server, watched, source):
    page, base = watched.page, live_server.url
    own_copy(page, base, "mo", source)
    card = Flashcard.objects.get(path=source, front="Is tanh zero-centered?")
    item_update(item=card, data={"back": "Yes: tanh(0) = 0."})

    page.reload()
    page.get_by_role("link", name="Review the updates").click()
    assert page.get_by_role("heading", name="Changed upstream").is_visible()
    accessible(watched)
    watched.screenshot("updates")
    page.get_by_role("button", name="Pull all").click()
    assert page.get_by_text("1 changed").is_visible()
    assert page.get_by_text("You are up to date").is_visible()
    assert Flashcard.objects.get(path__slug="tiny-mo", front=card.front).back == card.back


def test_edit_a_section_with_a_preview_then_a_card(live_server, watched, source):
    page, base = watched.page, live_server.url
    own_copy(page, base, "ida", source)
    page.get_by_role("navigation", name="This path").get_by_role("link", name="Edit").click()
    accessible(watched)
    page.get_by_role("link", name="Edit the section “Second”").click()
    page.get_by_label("Body").fill("The tanh is $\\tanh(z) = 2\\sigma(2z) - 1$.")
    page.get_by_role("button", name="Preview").click()
    assert page.locator(".preview math").count() == 1
    accessible(watched)
    watched.screenshot("edit-preview")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r".*/paths/tiny-ida/article/#section-\d+$"))
    assert page.get_by_text("Saved the section.").is_visible()
    page.get_by_role("navigation", name="This path").get_by_role("link", name="Edit").click()
    page.get_by_role("link", name=re.compile("Edit the flashcard “Is tanh")).click()
    page.get_by_label("Back").fill("Yes: tanh(0) = 0.")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Saved the flashcard.").wait_for()
    assert Flashcard.objects.get(path__slug="tiny-ida", front__startswith="Is tanh").back == (
        "Yes: tanh(0) = 0."
    )


@pytest.mark.parametrize(
    "where",
    [
        "/",
        "/paths/{slug}/",
        "/paths/{slug}/article/",
        "/paths/{slug}/podcast/",
        "/accounts/signup/",
    ],
)
def test_pages_fit_a_phone_screen_in_dark_mode(live_server, browser, source, where):
    """390 px wide, the system set to dark: nothing scrolls sideways, contrast holds."""
    name = "phone-dark-" + (where.format(slug="path").strip("/").replace("/", "-") or "catalog")
    on_a_phone(browser, live_server.url + where.format(slug=source.slug), name)
