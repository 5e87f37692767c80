"""Media are served with Content-Length, an ETag and byte ranges, so players seek."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

BODY = bytes(range(256)) * 4  # 1024 bytes


@pytest.fixture
def media_file():
    name = default_storage.save("tests/range.mp3", ContentFile(BODY))
    yield f"/media/{name}"
    default_storage.delete(name)


def test_whole_file_has_length_etag_and_accepts_ranges(client, media_file):
    answer = client.get(media_file)
    assert answer.status_code == 200
    assert b"".join(answer.streaming_content) == BODY
    assert answer["Content-Length"] == str(len(BODY))
    assert answer["Accept-Ranges"] == "bytes"
    assert answer["Content-Type"] == "audio/mpeg"
    assert client.get(media_file, HTTP_IF_NONE_MATCH=answer["ETag"]).status_code == 304


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [("bytes=10-19", 10, 19), ("bytes=1000-", 1000, 1023), ("bytes=-24", 1000, 1023),
     ("bytes=1020-5000", 1020, 1023)],
)  # fmt: skip
def test_a_range_is_a_206_with_those_bytes(client, media_file, header, first, last):
    answer = client.get(media_file, HTTP_RANGE=header)
    assert answer.status_code == 206
    assert b"".join(answer.streaming_content) == BODY[first : last + 1]
    assert answer["Content-Range"] == f"bytes {first}-{last}/{len(BODY)}"
    assert answer["Content-Length"] == str(last - first + 1)


def test_a_range_outside_the_file_is_416(client, media_file):
    answer = client.get(media_file, HTTP_RANGE="bytes=5000-6000")
    assert answer.status_code == 416
    assert answer["Content-Range"] == f"bytes */{len(BODY)}"


def test_a_stale_if_range_gets_the_whole_file(client, media_file):
    answer = client.get(media_file, HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE='"stale"')
    assert answer.status_code == 200
    assert answer["Content-Length"] == str(len(BODY))


def test_no_escape_from_media_root(client, media_file):
    assert client.get("/media/../settings.py").status_code == 404
    assert client.get("/media/tests/missing.mp3").status_code == 404
