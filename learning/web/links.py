"""Links to pages that may not exist yet (the review and quiz pages come from other parts
of the code): a link is drawn only when its route is installed, so no page links nowhere."""

from django.urls import NoReverseMatch, reverse


def optional_url(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def path_parts(tree: dict) -> list[dict]:
    """The parts of a whole path a learner can open, ``[{label, url, note}]``."""
    slug = tree["slug"]
    counts = tree["counts"]
    candidates = [
        ("Article", optional_url("web:article", slug), f"{counts['sections']} sections"),
        ("Flashcards", optional_url("web:flashcards", slug), f"{counts['flashcards']} cards"),
    ]
    for quiz in tree["quizzes"]:
        questions = len(quiz["questions"])
        candidates.append(
            (
                f"Quiz: {quiz['title']}",
                optional_url("web:quiz", slug, quiz["id"]),
                f"{questions} question{'s' if questions != 1 else ''}",
            )
        )
    if tree["podcast"]:
        candidates.append(("Podcast", optional_url("web:podcast", slug), tree["podcast"]["title"]))
    candidates.append(("Edit", optional_url("web:edit", slug), "sections and flashcards"))
    return [{"label": label, "url": url, "note": note} for label, url, note in candidates if url]
