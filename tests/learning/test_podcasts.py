"""Setting a podcast's generated audio: the transcript re-timed, the version moved once."""

import pytest

from config.errors import NotFound
from learning.selectors.trees import path_tree
from learning.services.bundles import path_import
from learning.services.podcasts import podcast_audio_set
from tests.helpers import small_bundle

pytestmark = pytest.mark.django_db


def test_audio_set_retimes_and_bumps_the_version_once():
    path = path_import(data=small_bundle(slug="pod"))
    timed = [s | {"start": n * 2.0, "end": n * 2.0 + 1.5} for n, s in
             enumerate(path.podcast.transcript)]  # fmt: skip
    before = path.version
    for _ in range(2):  # the second time changes nothing
        podcast_audio_set(path=path, audio_name="podcasts/abc.mp3", transcript=timed, duration=5.5)
    assert path.version == before + 1
    path.podcast.refresh_from_db()
    assert path.podcast.transcript == timed and path.podcast.duration_seconds == 5.5
    assert path.podcast.content_hash == path.podcast.refresh_hash()
    tree = path_tree(path, preview=False)["podcast"]
    assert tree["audio_url"] == "/media/podcasts/abc.mp3"
    assert tree["transcript_url"] == "/media/podcasts/abc.vtt"


def test_a_path_without_a_podcast_is_not_found():
    bundle = small_bundle(slug="no-pod")
    bundle["podcast"] = None
    path = path_import(data=bundle)
    with pytest.raises(NotFound):
        podcast_audio_set(path=path, audio_name="podcasts/x.mp3", transcript=[], duration=0)
