"""``POST paths/{slug}/clone/``: a private, complete copy that tracks its upstream."""

import threading

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from learning.kinds import KINDS
from learning.models import (
    Choice,
    Flashcard,
    Path,
    Podcast,
    Question,
    Quiz,
    Section,
    content_hash,
)
from learning.selectors.bundles import path_export
from learning.services.bundles import path_import
from learning.services.clone_path import path_clone
from learning.services.clone_rows import items_copy
from learning.services.paths import path_content_changed
from tests.api.test_sync import item, new_question, sync
from tests.bundles import sized_bundle, small_bundle, uid

pytestmark = pytest.mark.django_db


def test_clone_is_a_private_complete_copy_owned_by_you(learner_api, learner, source):
    answer = learner_api.post(f"/api/v1/paths/{source.slug}/clone/")
    assert answer.status_code == 201
    assert answer.json() == {"slug": "tiny-ada", "cloned_from": "tiny"}
    clone = Path.objects.get(slug="tiny-ada")
    assert clone.owner == learner
    assert clone.visibility == "private"
    assert clone.cloned_from == source
    assert clone.source_version == source.version
    assert clone.title == source.title and clone.key_points == source.key_points
    mine, theirs = path_export(clone), path_export(source)
    assert mine["path"].pop("slug") == "tiny-ada"
    theirs["path"].pop("slug")
    theirs["path"]["visibility"] = "private"
    assert mine == theirs  # every item, with its origin_uid, choices and answer keys


def test_clone_items_record_the_upstream_hash(learner, source):
    clone = path_clone(path=source, user=learner)
    upstream = {q.origin_uid: q.content_hash for q in Question.objects.filter(path=source)}
    for question in Question.objects.filter(path=clone):
        assert question.synced_hash == question.content_hash == upstream[question.origin_uid]
    child = Section.objects.get(path=clone, parent__isnull=False)
    assert child.parent.path == clone


def test_clone_is_editable_and_leaves_upstream_alone(learner, source):
    clone = path_clone(path=source, user=learner)
    card = Flashcard.objects.filter(path=clone).first()
    card.back = "my own words"
    card.save()
    assert card.content_hash != card.synced_hash
    assert not Flashcard.objects.filter(path=source, back="my own words").exists()


def test_anonymous_gets_401(api, source):
    assert api.post(f"/api/v1/paths/{source.slug}/clone/").status_code == 401
    assert Path.objects.count() == 1


def test_a_path_you_cannot_see_is_404(learner_api, make_user):
    private = path_import(data=small_bundle(slug="secret"), owner=make_user("bob"))
    assert private.visibility == "public"  # the bundle says so; make it private
    Path.objects.filter(pk=private.pk).update(visibility="private")
    answer = learner_api.post("/api/v1/paths/secret/clone/")
    assert answer.status_code == 404
    assert answer.json()["code"] == "not_found"
    assert learner_api.post("/api/v1/paths/nothing-here/clone/").status_code == 404


def test_staff_may_clone_a_private_path(staff_api, make_user):
    bob = make_user("bob")
    path_import(data=small_bundle(slug="bobs"), owner=bob, visibility="private")
    answer = staff_api.post("/api/v1/paths/bobs/clone/")
    assert answer.status_code == 201
    assert answer.json()["slug"] == "bobs-grace"


def test_clone_of_your_clone(learner_api, learner, source):
    first = learner_api.post(f"/api/v1/paths/{source.slug}/clone/").json()["slug"]
    answer = learner_api.post(f"/api/v1/paths/{first}/clone/")
    assert answer.status_code == 201
    second = Path.objects.get(slug=answer.json()["slug"])
    assert second.slug == "tiny-ada-2"  # the username is not repeated
    assert second.cloned_from.slug == first
    assert Flashcard.objects.filter(path=second).count() == 2


def test_someone_elses_clone_is_404(make_user, source, learner_api):
    bobs = path_clone(path=source, user=make_user("bob"))
    assert learner_api.post(f"/api/v1/paths/{bobs.slug}/clone/").status_code == 404


def test_two_clones_by_the_same_user_get_distinct_slugs(learner_api, source):
    slugs = [learner_api.post(f"/api/v1/paths/{source.slug}/clone/").json()["slug"] for _ in "ab"]
    assert slugs == ["tiny-ada", "tiny-ada-2"]


@pytest.mark.django_db(transaction=True)
def test_two_clones_at_once_both_succeed(learner):
    """Two threads, two connections: the loser of the slug race retries in a savepoint."""
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serializes writers; the race needs PostgreSQL")
    source = path_import(data=sized_bundle(300, slug="race"), visibility="public")
    barrier, slugs, errors = threading.Barrier(2), [], []

    def clone():
        try:
            barrier.wait()
            slugs.append(path_clone(path=source, user=learner).slug)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=clone) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(slugs) == ["race-ada", "race-ada-2"]
    for slug in slugs:
        assert Flashcard.objects.filter(path__slug=slug).count() == 60


def queries_to_clone(user, items: int) -> int:
    source = path_import(data=sized_bundle(items, slug=f"size-{items}"), visibility="public")
    with CaptureQueriesContext(connection) as queries:
        clone = path_clone(path=source, user=user)
    assert (
        Question.objects.filter(path=clone).count() == Question.objects.filter(path=source).count()
    )
    return len(queries)


def test_clone_takes_the_same_queries_for_10_and_1000_items(learner):
    small, large = queries_to_clone(learner, 10), queries_to_clone(learner, 1000)
    assert small == large
    # the path, its slug, eight copies, savepoints; on PostgreSQL the source's share lock
    assert large <= 16 + (connection.vendor == "postgresql")


@pytest.mark.django_db(transaction=True)
def test_a_clone_holds_edits_of_its_source_off_but_not_other_clones(source):
    """While a clone copies, the source's version cannot move (so the copy is one version),
    yet a second clone may read it side by side."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time; the lock is PostgreSQL's")
    import psycopg
    from django.db import transaction

    from learning.services.clone_path import source_share_lock

    settings = connection.settings_dict
    other = psycopg.connect(
        dbname=settings["NAME"], user=settings["USER"] or None,
        host=settings["HOST"] or None, port=settings["PORT"] or None, autocommit=True,
    )  # fmt: skip
    try:
        with transaction.atomic():
            source_share_lock(source)
            other.execute("SET lock_timeout = '200ms'")
            other.execute("BEGIN")
            other.execute("SELECT 1 FROM learning_path WHERE id = %s FOR SHARE", [source.pk])
            other.execute("ROLLBACK")
            with pytest.raises(psycopg.errors.LockNotAvailable):
                other.execute(
                    "UPDATE learning_path SET version = version + 1 WHERE id = %s", [source.pk]
                )
        other.execute("UPDATE learning_path SET version = version + 1 WHERE id = %s", [source.pk])
    finally:
        other.close()


def test_cloning_is_atomic(learner, source, monkeypatch):
    def broken(**kwargs):
        items_copy(**kwargs)  # every row copied, then the failure
        raise RuntimeError("disk full")

    monkeypatch.setattr("learning.services.clone_path.items_copy", broken)
    with pytest.raises(RuntimeError):
        path_clone(path=source, user=learner)
    assert Path.objects.count() == 1
    assert Flashcard.objects.count() == 2 and Choice.objects.count() == 4


def test_copied_hashes_are_the_hashes_of_the_copied_content(learner, source):
    """Rows are copied in the database, hashes with them: recomputed, they match."""
    clone = path_clone(path=source, user=learner)
    upstream = {}
    for kind in KINDS:
        upstream |= dict(
            kind.model.objects.filter(path=source).values_list("origin_uid", "content_hash")
        )
    copied = 0
    for kind in KINDS:
        for copy in kind.model.objects.filter(path=clone):
            assert copy.content_hash == content_hash(copy.content()), copy
            assert copy.synced_hash == copy.content_hash == upstream[copy.origin_uid]
            copied += 1
    assert copied == len(upstream) == 12


def test_clone_keeps_the_order_and_numbers_it_from_zero(learner, source):
    """Gaps, ties and an order unlike the ids' in the source: the clone numbers its items
    0, 1, … in the source's (position, id) order, choices within their question."""
    cards = list(Flashcard.objects.filter(path=source))
    for card, position in zip(cards, [7, 3]):
        Flashcard.objects.filter(pk=card.pk).update(position=position)
    Section.objects.filter(path=source, parent__isnull=True).update(position=5)  # a tie
    choices = Choice.objects.filter(question=item(Question, source, "q1")).order_by("id")
    for choice, position in zip(choices, [1, 0]):  # the reverse of the ids' order
        Choice.objects.filter(pk=choice.pk).update(position=position)
    clone = path_clone(path=source, user=learner)

    def order(queryset, field):
        return list(queryset.order_by("position", "id").values_list(field, "position"))

    fronts = [front for front, _ in order(Flashcard.objects.filter(path=source), "front")]
    assert order(Flashcard.objects.filter(path=clone), "front") == [(fronts[0], 0), (fronts[1], 1)]
    titles = order(Section.objects.filter(path=clone, parent__isnull=True), "title")
    assert titles == [("Intro", 0), ("Second", 1)]
    choices = order(Choice.objects.filter(question=item(Question, clone, "q1")), "text")
    assert choices == [("(-1, 1)", 0), ("(0, 1)", 1)]


def test_management_command_clones_with_the_same_service(learner, source, capsys):
    call_command("clone_path", source.slug, "--user", learner.username)
    assert "tiny-ada" in capsys.readouterr().out
    assert Path.objects.get(slug="tiny-ada").cloned_from == source


def test_podcast_audio_is_shared_not_copied(learner, source):
    Podcast.objects.filter(path=source).update(audio="podcasts/tiny.mp3")
    clone = path_clone(path=source, user=learner)
    assert Podcast.objects.get(path=clone).audio.name == "podcasts/tiny.mp3"


def test_questions_are_numbered_within_their_quiz_after_import_clone_and_sync(learner_api, learner):
    bundle = small_bundle(slug="two-quizzes")
    second = {
        "origin_uid": uid("z"),
        "title": "More",
        "questions": [
            {"origin_uid": uid(f"z{n}"), "kind": "numeric", "prompt": f"{n}?",
             "explanation": "", "answer": {"value": n}}
            for n in range(3)
        ],
    }  # fmt: skip
    bundle["quizzes"].append(second)
    source = path_import(data=bundle, visibility="public")
    clone = path_clone(path=source, user=learner)

    def positions(path) -> dict[str, list[int]]:
        return {
            quiz.title: [q.position for q in quiz.questions.all()]
            for quiz in Quiz.objects.filter(path=path).prefetch_related("questions")
        }

    numbered = {"Check": [0, 1, 2, 3], "More": [0, 1, 2]}
    assert positions(source) == positions(clone) == numbered
    quiz = item(Quiz, source, "z")
    Question.objects.filter(quiz=quiz).update(position=F("position") + 1)
    new_question(path=source, quiz=quiz, origin_uid=uid("z-first"), kind="numeric",
                 prompt="First?", answer={"value": 0}, position=0)  # fmt: skip
    path_content_changed(source)
    sync(learner_api, clone)  # a new first question: the quiz is renumbered
    assert positions(clone) == {"Check": [0, 1, 2, 3], "More": [0, 1, 2, 3]}
    prompts = [q.prompt for q in item(Quiz, clone, "z").questions.all()]
    assert prompts == ["First?", "0?", "1?", "2?"]
