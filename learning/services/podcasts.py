"""A path's podcast gets its generated audio: the content pipeline calls this, never the
reverse. The audio's WebVTT transcript sits beside it in storage (same name, ``.vtt``),
which is how the tree finds ``transcript_url``."""

from django.db import transaction

from config.errors import NotFound
from learning.models import Path, Podcast
from learning.services.paths import path_content_changed


@transaction.atomic
def podcast_audio_set(*, path: Path, audio_name: str, transcript: list[dict], duration: float):
    """Point ``path``'s podcast at ``audio_name`` (a storage name) with the transcript
    re-timed to the audio and its measured ``duration``; the version moves on only when
    something changed, so running it twice is one change."""
    podcast = Podcast.objects.select_for_update().filter(path=path).first()
    if podcast is None:
        raise NotFound(f"Path {path.slug!r} has no podcast.")
    duration = round(float(duration), 3)
    if (podcast.audio.name, podcast.transcript, podcast.duration_seconds) == (
        audio_name,
        transcript,
        duration,
    ):
        return podcast
    podcast.audio.name = audio_name
    podcast.transcript = transcript
    podcast.duration_seconds = duration
    podcast.save()
    path_content_changed(path)
    return podcast
