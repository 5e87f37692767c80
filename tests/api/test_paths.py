"""Paths: the list, the tree and its preview, who sees and changes what, caching and ETags."""

import gzip

import pytest
from django.core.cache import cache

from learning.models import Flashcard, Path
from learning.services.bundles import path_import
from learning.services.items import item_update
from tests.helpers import client_as, client_for, queries_made, sized_bundle, small_bundle

pytestmark = pytest.mark.django_db

KEYS = {"is_correct", "answer", "explanation", "claim"}
TREE_FIELDS = {
    "slug", "title", "summary", "key_points", "owner", "version", "preview", "cloned_from",
    "counts", "sections", "flashcards", "quizzes", "podcast", "resources",
}  # fmt: skip
TREE_QUERIES = 9  # a tree built afresh, whole or preview, whatever the path's size
LIST_QUERIES = 2  # a page (with the count), then its rows built; whatever the number of paths


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


@pytest.fixture
def public_path(learner):
    return path_import(data=small_bundle(), owner=learner)


@pytest.fixture
def private_path(learner):
    return path_import(data=small_bundle(slug="mine"), owner=learner, visibility="private")


def keys_in(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | set().union(*(keys_in(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(keys_in(v) for v in value))
    return set()


def tree_of(client, path):
    answer = client.get(f"/api/v1/paths/{path.slug}/")
    assert answer.status_code == 200, answer.content
    return answer.json()


# --- the tree ------------------------------------------------------------------------------


def test_owner_gets_the_whole_tree(learner_api, public_path):
    tree = tree_of(learner_api, public_path)
    assert set(tree) == TREE_FIELDS
    assert tree["preview"] is False
    assert tree["owner"] == "ada"
    assert tree["counts"] == {"sections": 3, "flashcards": 2, "questions": 4, "resources": 1}
    intro, second = tree["sections"]
    assert set(intro) == {"id", "origin_uid", "title", "body", "html", "children"}
    assert intro["children"][0]["title"] == "Detail"
    assert intro["children"][0]["body"] == "More."
    assert '<math xmlns="http://www.w3.org/1998/Math/MathML"' in intro["html"]
    assert second["html"] == "<p>Body <strong>two</strong>.</p>\n"
    assert [f["front"] for f in tree["flashcards"]] == ["sigmoid'(0)?", "Is tanh zero-centered?"]
    assert len(tree["quizzes"][0]["questions"]) == 4
    single = tree["quizzes"][0]["questions"][0]
    assert set(single) == {"id", "origin_uid", "kind", "prompt", "choices"}
    assert [set(c) for c in single["choices"]] == [{"id", "text"}] * 2
    assert len(tree["podcast"]["transcript"]) == 3
    assert tree["podcast"]["audio_url"] is None
    assert tree["resources"][0]["url"] == "https://example.org/paper"


@pytest.mark.parametrize("reader", ["anonymous", "other learner"])
def test_everyone_else_gets_the_preview(api, make_user, public_path, reader):
    client = api if reader == "anonymous" else client_for(make_user())
    tree = tree_of(client, public_path)
    assert tree["preview"] is True
    assert tree["summary"] == "Two sections, two cards, one quiz."
    assert tree["counts"] == {"sections": 3, "flashcards": 2, "questions": 4, "resources": 1}
    intro, second = tree["sections"]
    assert intro["body"].startswith("The sigmoid") and "<math" in intro["html"]
    assert (second["title"], second["body"], second["html"]) == ("Second", None, None)
    assert intro["children"][0]["title"] == "Detail"
    assert intro["children"][0]["body"] is None
    assert [f["front"] for f in tree["flashcards"]] == ["sigmoid'(0)?"]
    assert [q["prompt"] for q in tree["quizzes"][0]["questions"]] == ["Range of sigmoid?"]
    assert [s["start"] for s in tree["podcast"]["transcript"]] == [0, 30]
    assert len(tree["resources"]) == 1


def test_staff_get_the_whole_tree_of_anyones_path(staff_api, private_path):
    tree = tree_of(staff_api, private_path)
    assert tree["preview"] is False
    assert len(tree["flashcards"]) == 2


@pytest.mark.parametrize("preview", [False, True])
def test_no_answer_key_ever_reaches_the_tree(api, learner_api, public_path, preview):
    tree = tree_of(api if preview else learner_api, public_path)
    assert tree["preview"] is preview
    assert not keys_in(tree) & KEYS


def test_a_private_path_is_a_404_to_whoever_cannot_see_it(api, make_user, private_path):
    assert api.get(f"/api/v1/paths/{private_path.slug}/").status_code == 404
    other = client_for(make_user())
    answer = other.get(f"/api/v1/paths/{private_path.slug}/")
    assert answer.status_code == 404
    assert answer.json()["code"] == "not_found"
    assert api.get("/api/v1/paths/no-such-path/").status_code == 404


# --- cache and ETag ----------------------------------------------------------------------------


def test_etag_answers_304_until_the_content_changes(learner_api, public_path):
    first = learner_api.get(f"/api/v1/paths/{public_path.slug}/")
    etag = first["ETag"]
    again = learner_api.get(f"/api/v1/paths/{public_path.slug}/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again["ETag"] == etag
    assert not again.content
    assert (
        learner_api.patch(f"/api/v1/paths/{public_path.slug}/", {"title": "New"}).status_code == 200
    )
    changed = learner_api.get(f"/api/v1/paths/{public_path.slug}/", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert changed.json()["title"] == "New"


def test_a_client_that_accepts_gzip_gets_the_same_tree_gzipped(learner_api, public_path):
    url = f"/api/v1/paths/{public_path.slug}/"
    plain = learner_api.get(url)
    packed = learner_api.get(url, HTTP_ACCEPT_ENCODING="br, gzip;q=0.9")
    assert "Content-Encoding" not in plain and packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    assert gzip.decompress(packed.content) == plain.content
    assert len(packed.content) < len(plain.content) / 2
    assert packed["ETag"] != plain["ETag"]  # a strong ETag names one encoding
    for etag in (plain["ETag"], packed["ETag"]):  # either answers 304, in either encoding
        again = learner_api.get(url, HTTP_IF_NONE_MATCH=etag, HTTP_ACCEPT_ENCODING="gzip")
        assert again.status_code == 304 and again["ETag"] == packed["ETag"]


def test_preview_and_whole_tree_have_different_etags(api, learner_api, public_path):
    whole = learner_api.get(f"/api/v1/paths/{public_path.slug}/")
    preview = api.get(f"/api/v1/paths/{public_path.slug}/", HTTP_IF_NONE_MATCH=whole["ETag"])
    assert preview.status_code == 200
    assert preview["ETag"] != whole["ETag"]


def test_a_content_change_invalidates_the_cached_tree(learner_api, public_path):
    assert tree_of(learner_api, public_path)["flashcards"][0]["back"] == "0.25"
    card = Flashcard.objects.get(path=public_path, position=0)
    item_update(item=card, data={"back": "one quarter"})
    tree = tree_of(learner_api, public_path)
    assert tree["flashcards"][0]["back"] == "one quarter"
    assert tree["version"] == public_path.version + 1


def test_a_cached_tree_costs_one_query(learner_api, public_path, django_assert_num_queries):
    tree_of(learner_api, public_path)
    with django_assert_num_queries(1):
        tree_of(learner_api, public_path)


@pytest.mark.parametrize("preview", [False, True])
def test_the_tree_costs_the_same_queries_for_10_and_1000_items(api, learner, preview):
    counts = []
    for size in (10, 1000):
        path = path_import(data=sized_bundle(size, slug=f"big{size}"), owner=learner)
        client = api if preview else client_for(learner)
        cache.clear()
        queries, tree = queries_made(tree_of, client, path)
        assert sum(tree["counts"].values()) >= size * 0.9
        counts.append(queries)
    assert counts[0] == counts[1]
    assert counts[0] == TREE_QUERIES, counts


# --- the list ------------------------------------------------------------------------------


@pytest.fixture
def catalog(learner, make_user):
    other = make_user("bob")
    return {
        "ada-public": path_import(data=small_bundle(slug="ada-public"), owner=learner),
        "ada-private": path_import(
            data=small_bundle(slug="ada-private"), owner=learner, visibility="private"
        ),
        "bob-private": path_import(
            data=small_bundle(slug="bob-private", title="Bob's notes"),
            owner=other,
            visibility="private",
        ),
        "platform": path_import(data=small_bundle(slug="platform", summary="ReLU and friends")),
    }


def slugs(answer) -> set[str]:
    assert answer.status_code == 200, answer.content
    return {row["slug"] for row in answer.json()["results"]}


def test_the_list_shows_public_paths_and_your_own(api, learner_api, staff_api, catalog):
    assert slugs(api.get("/api/v1/paths/")) == {"ada-public", "platform"}
    assert slugs(learner_api.get("/api/v1/paths/")) == {"ada-public", "ada-private", "platform"}
    assert slugs(staff_api.get("/api/v1/paths/")) == set(catalog)
    assert slugs(learner_api.get("/api/v1/paths/?mine=1")) == {"ada-public", "ada-private"}
    assert slugs(api.get("/api/v1/paths/?q=relu")) == {"platform"}
    assert slugs(learner_api.get("/api/v1/paths/?q=bob")) == set()


def test_a_list_row_is_a_light_summary(api, catalog):
    answer = api.get("/api/v1/paths/?q=relu").json()
    assert set(answer) == {"count", "next", "previous", "results"}
    assert answer["results"] == [
        {
            "slug": "platform",
            "title": "A tiny path",
            "summary": "ReLU and friends",
            "owner": None,
            "visibility": "public",
            "version": 1,
            "cloned_from": None,
            "counts": {"sections": 3, "flashcards": 2, "questions": 4, "resources": 1},
        }
    ]


def test_mine_needs_a_signed_in_user(api, catalog):
    assert api.get("/api/v1/paths/?mine=1").status_code == 401


def test_the_list_costs_the_same_queries_for_2_and_40_paths(api):
    counts = []
    for total in (2, 40):
        for n in range(total - Path.objects.count()):
            path_import(data=small_bundle(slug=f"p{total}-{n}"))
        queries, answer = queries_made(api.get, "/api/v1/paths/")
        assert answer.json()["count"] == total
        counts.append(queries)
    assert counts[0] == counts[1]
    assert counts[0] == LIST_QUERIES, counts


def test_a_list_row_follows_its_paths_version_in_every_cache(learner_api, learner):
    """A row is kept by version, in the shared cache and in each process's memory: an
    edit shows at once (the version moved), and a row kept locally reads as built."""
    mine = path_import(data=small_bundle(slug="mine"), owner=learner)

    def row() -> dict:
        [found] = learner_api.get("/api/v1/paths/", {"mine": "1"}).json()["results"]
        return found

    built = row()
    cache.clear()  # the shared cache is gone: this process still has the row
    queries, _ = queries_made(learner_api.get, "/api/v1/paths/", {"mine": "1"})
    assert row() == built and queries == 1
    changed = learner_api.patch(f"/api/v1/paths/{mine.slug}/", {"title": "Renamed"})
    assert changed.status_code == 200
    assert (row()["title"], row()["version"]) == ("Renamed", built["version"] + 1)


@pytest.mark.parametrize("size", [1, 2, 3, 7])
def test_every_page_of_the_list_reads_as_the_whole_list_cut_in_pages(api, size):
    """Each page is read with its count in one query: pages, counts and links agree
    with the whole list, the last page is cut at the count, a page past the end is 404."""
    for n in range(7):
        path_import(data=small_bundle(slug=f"p-{n}"), visibility="public")
    whole = [row["slug"] for row in api.get("/api/v1/paths/", {"page_size": 50}).json()["results"]]
    assert len(whole) == 7
    pages, number = [], 1
    while True:
        answer = api.get("/api/v1/paths/", {"page_size": size, "page": number}).json()
        assert answer["count"] == 7
        pages += [row["slug"] for row in answer["results"]]
        if answer["next"] is None:
            break
        number += 1
    assert pages == whole and number == -(-7 // size)
    past = api.get("/api/v1/paths/", {"page_size": size, "page": number + 1})
    assert past.status_code == 404 and past.json()["code"] == "not_found"
    assert api.get("/api/v1/paths/", {"page": "last", "page_size": size}).json()["count"] == 7


# --- changing and deleting a path ----------------------------------------------------------


def test_the_owner_patches_a_path_and_the_version_moves(learner_api, public_path):
    answer = learner_api.patch(
        f"/api/v1/paths/{public_path.slug}/",
        {"title": "Renamed", "key_points": ["a"], "visibility": "private"},
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["title"] == "Renamed"
    assert answer.json()["version"] == public_path.version + 1
    public_path.refresh_from_db()
    assert (public_path.title, public_path.key_points, public_path.visibility) == (
        "Renamed",
        ["a"],
        "private",
    )


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"visibility": "secret"}, "visibility"),
        ({"title": ""}, "title"),
        ({"key_points": "not a list"}, "key_points"),
        ({"slug": "taken-over"}, "slug"),
        ({"owner": 1}, "owner"),
    ],
)
def test_bad_patches_are_400s_naming_the_field(learner_api, public_path, payload, field):
    answer = learner_api.patch(f"/api/v1/paths/{public_path.slug}/", payload)
    assert answer.status_code == 400
    assert field in answer.json()["fields"]
    public_path.refresh_from_db()
    assert public_path.version == 1


@pytest.mark.parametrize(
    ("who", "visibility", "status"),
    [
        ("anonymous", "public", 401),
        ("anonymous", "private", 401),
        ("other", "public", 403),
        ("other", "private", 404),
        ("owner", "private", 200),
        ("staff", "private", 200),
    ],
)
def test_who_may_patch_a_path(api, learner, staff, make_user, who, visibility, status):
    path = path_import(data=small_bundle(), owner=learner, visibility=visibility)
    client = client_as(who, api=api, owner=learner, staff=staff, make_user=make_user)
    assert client.patch(f"/api/v1/paths/{path.slug}/", {"title": "X"}).status_code == status
    path.refresh_from_db()
    assert (path.title == "X") is (status == 200)


def test_delete_is_for_the_owner_and_staff(make_user, learner_api, staff_api, public_path):
    url = f"/api/v1/paths/{public_path.slug}/"
    assert client_for(make_user()).delete(url).status_code == 403
    assert learner_api.delete(url).status_code == 204
    assert not Path.objects.filter(pk=public_path.pk).exists()
    assert staff_api.delete(url).status_code == 404


def test_the_schema_documents_paths_and_items(client):
    paths = client.get("/api/schema/?format=json").json()["paths"]
    for route in (
        "/api/v1/paths/",
        "/api/v1/paths/{slug}/",
        "/api/v1/paths/{slug}/export/",
        "/api/v1/paths/import/",
        "/api/v1/paths/{slug}/questions/",
        "/api/v1/questions/{id}/",
        "/api/v1/sections/{id}/",
    ):
        assert route in paths, route
    assert set(paths["/api/v1/paths/{slug}/"]) >= {"get", "patch", "delete"}
