"""Podcast audio: the transcript spoken offline by espeak-ng, one voice per host, as MP3.

Each segment is synthesised on its own and its real length measured in samples, so the
transcript is re-timed to the audio (segments one after another with a short pause) and
the WebVTT transcript beside the MP3 matches it. The audio is named by a hash of what is
spoken and how (:func:`audio_digest`), with a JSON of the timings beside it: an unchanged
transcript is never spoken twice, and every clone shares the file. The path's podcast is
updated through ``learning.services.podcasts``.
"""

from __future__ import annotations

import hashlib
import json

import lameenc
import numpy as np
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from content.speech import engine
from learning.models import Podcast
from learning.services.podcasts import podcast_audio_set

#: Voices handed to speakers in order of first appearance: (espeak voice, wpm, pitch).
VOICES = (("en-us+f3", 170, 62), ("en+m3", 160, 38), ("en-us+m1", 165, 45), ("en+f2", 165, 70))
PAUSE_SECONDS = 0.35
BITRATE_KBPS = 64
AUDIO_FORMAT = 1  # bump when the rendering changes


def voices_for(transcript: list[dict]) -> dict[str, tuple]:
    speakers = list(dict.fromkeys(segment.get("speaker", "") for segment in transcript))
    return {speaker: VOICES[number % len(VOICES)] for number, speaker in enumerate(speakers)}


def audio_digest(transcript: list[dict]) -> str:
    spoken = [[s.get("speaker", ""), s["text"]] for s in transcript]
    parts = [
        spoken,
        sorted(voices_for(transcript).items()),
        PAUSE_SECONDS,
        BITRATE_KBPS,
        AUDIO_FORMAT,
    ]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:24]


def _clock(seconds: float) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes, rest = divmod(rest, 60)
    return f"{int(hours):02d}:{int(minutes):02d}:{rest:06.3f}"


def webvtt(transcript: list[dict]) -> str:
    """The transcript as WebVTT, each cue voiced by its speaker (``<v Maya>``)."""
    cues = [
        f"{n}\n{_clock(s['start'])} --> {_clock(s['end'])}\n<v {s.get('speaker', '')}>{s['text']}"
        for n, s in enumerate(transcript, start=1)
    ]
    return "WEBVTT\n\n" + "\n\n".join(cues) + "\n"


def speak(transcript: list[dict], report) -> tuple[bytes, list[dict], float]:
    """MP3 bytes, the transcript re-timed to them, and the audio's duration in seconds."""
    speech = engine()
    voices = voices_for(transcript)
    pause = np.zeros(int(PAUSE_SECONDS * speech.rate), dtype=np.int16)
    pieces, timed, samples = [], [], 0
    for number, segment in enumerate(transcript, start=1):
        voice, wpm, pitch = voices[segment.get("speaker", "")]
        pcm = speech.synthesize(segment["text"], voice=voice, words_per_minute=wpm, pitch=pitch)
        if pieces:  # a pause between segments, none after the last
            pieces.append(pause)
            samples += len(pause)
        start = samples / speech.rate
        samples += len(pcm)
        timed.append(segment | {"start": round(start, 3), "end": round(samples / speech.rate, 3)})
        pieces.append(pcm)
        report(0.9 * number / len(transcript))
    pcm = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.int16)
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(BITRATE_KBPS)
    encoder.set_in_sample_rate(speech.rate)
    encoder.set_channels(1)
    encoder.set_quality(5)
    mp3 = bytes(encoder.encode(pcm.astype("<i2").tobytes()) + encoder.flush())
    return mp3, timed, len(pcm) / speech.rate


def _store(name: str, data: bytes) -> None:
    if default_storage.exists(name):
        default_storage.delete(name)
    default_storage.save(name, ContentFile(data))


def run(*, job, report) -> None:
    podcast = Podcast.objects.filter(path=job.path).first()
    if podcast is None or not podcast.transcript:
        report(1.0)
        return  # nothing to speak
    stem = f"podcasts/{audio_digest(podcast.transcript)}"
    if default_storage.exists(f"{stem}.mp3") and default_storage.exists(f"{stem}.json"):
        with default_storage.open(f"{stem}.json") as stored:
            timings = json.load(stored)
    else:
        mp3, timed, duration = speak(podcast.transcript, report)
        timings = {"duration": duration, "segments": [[s["start"], s["end"]] for s in timed]}
        _store(f"{stem}.mp3", mp3)
        _store(f"{stem}.vtt", webvtt(timed).encode())
        _store(f"{stem}.json", json.dumps(timings).encode())  # last: marks the audio whole
    transcript = [
        segment | {"start": start, "end": end}
        for segment, (start, end) in zip(podcast.transcript, timings["segments"], strict=True)
    ]
    podcast_audio_set(
        path=job.path, audio_name=f"{stem}.mp3", transcript=transcript, duration=timings["duration"]
    )
    report(1.0)
