"""Media files answer byte ranges, so a browser can seek in podcast audio."""

import pytest
from django.conf import settings
from django.test import Client


@pytest.fixture
def audio_file():
    folder = settings.MEDIA_ROOT / "test-media"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "ranges.wav"
    target.write_bytes(bytes(range(256)) * 40)  # 10,240 bytes
    yield "/media/test-media/ranges.wav", target.read_bytes()
    target.unlink()


def body(answer) -> bytes:
    return b"".join(answer.streaming_content) if answer.streaming else answer.content


@pytest.mark.parametrize(
    ("asked", "first", "last"),
    [("bytes=0-", 0, 10239), ("bytes=100-199", 100, 199), ("bytes=-10", 10230, 10239),
     ("bytes=10000-99999", 10000, 10239)],
)  # fmt: skip
def test_a_range_is_a_206_with_just_those_bytes(client, audio_file, asked, first, last):
    url, data = audio_file
    answer = client.get(url, headers={"Range": asked})
    assert answer.status_code == 206
    assert answer["Content-Range"] == f"bytes {first}-{last}/{len(data)}"
    assert body(answer) == data[first : last + 1]
    assert int(answer["Content-Length"]) == last - first + 1


def test_no_range_or_an_odd_one_gets_the_whole_file(client, audio_file):
    url, data = audio_file
    for headers in ({}, {"Range": "bytes=1-2,5-6"}, {"Range": "items=1-2"}):
        answer = client.get(url, headers=headers)
        assert answer.status_code == 200 and body(answer) == data
        assert answer["Accept-Ranges"] == "bytes"


def test_a_range_past_the_end_is_a_416_and_a_missing_file_a_404(client, audio_file):
    url, data = audio_file
    answer = client.get(url, headers={"Range": "bytes=20000-"})
    assert answer.status_code == 416 and answer["Content-Range"] == f"bytes */{len(data)}"
    assert (
        client.get("/media/test-media/none.wav", headers={"Range": "bytes=0-"}).status_code == 404
    )
    outside = Client(raise_request_exception=False).get("/media/../config/settings.py")
    assert outside.status_code == 404  # no such media file: nothing outside MEDIA_ROOT is served
