"""A path's flashcards as an Anki package (``.apkg``, written by ``genanki``).

- Each note's guid is derived from the flashcard's ``origin_uid``, which never changes and
  is shared by every clone, so importing a newer export updates the notes already in Anki
  instead of adding duplicates. The note type and the deck have fixed ids too (the deck's
  from the path's slug).
- Fronts and backs are Markdown with ``$…$``/``$$…$$`` LaTeX; Anki renders MathJax
  between ``\\(…\\)`` and ``\\[…\\]``, so the formulas are rewritten to those delimiters and
  the rest is escaped as HTML, line breaks kept.
"""

import hashlib
import html
import io
import re

import genanki

from learning.models import Path

#: Fixed, so every export uses the same note type (Anki matches notes by guid and type).
MODEL_ID = 1_607_392_319
MODEL = genanki.Model(
    MODEL_ID,
    "Studytree card",
    fields=[{"name": "Front"}, {"name": "Back"}],
    templates=[
        {
            "name": "Card 1",
            "qfmt": "{{Front}}",
            "afmt": '{{FrontSide}}<hr id="answer">{{Back}}',
        }
    ],
    css=".card { font-family: sans-serif; font-size: 20px; text-align: left; }",
)
_DISPLAY = re.compile(r"\$\$(.+?)\$\$", re.S)
_INLINE = re.compile(r"(?<![\\$])\$(?=\S)([^$\n]+?)(?<=\S)\$")


def anki_html(text: str) -> str:
    """Markdown-with-LaTeX text as Anki field HTML, formulas in MathJax delimiters."""
    out, last = [], 0
    spans = []
    for match in _DISPLAY.finditer(text):
        spans.append((match.start(), match.end(), r"\[", match.group(1), r"\]"))
    covered = [(s, e) for s, e, *_ in spans]
    for match in _INLINE.finditer(text):
        if not any(s <= match.start() < e for s, e in covered):
            spans.append((match.start(), match.end(), r"\(", match.group(1), r"\)"))
    for start, end, opening, formula, closing in sorted(spans):
        out.append(html.escape(text[last:start]).replace("\n", "<br>"))
        out.append(f"{opening}{html.escape(formula.strip())}{closing}")
        last = end
    out.append(html.escape(text[last:]).replace("\n", "<br>"))
    return "".join(out)


def deck_id(path: Path) -> int:
    digest = hashlib.sha256(f"studytree:{path.slug}".encode()).digest()
    return (1 << 30) + int.from_bytes(digest[:4], "big") % (1 << 30)


def path_apkg(*, path: Path) -> bytes:
    """The path's flashcards, in order, as the bytes of an ``.apkg`` file."""
    deck = genanki.Deck(deck_id(path), path.title)
    for card in path.flashcards.order_by("position", "id").only("origin_uid", "front", "back"):
        deck.add_note(
            genanki.Note(
                model=MODEL,
                fields=[anki_html(card.front), anki_html(card.back)],
                guid=genanki.guid_for(str(card.origin_uid)),
                tags=[path.slug],
            )
        )
    buffer = io.BytesIO()
    genanki.Package(deck).write_to_file(buffer)
    return buffer.getvalue()
