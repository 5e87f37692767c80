"""The shipped activation-functions path: complete, in our own words, every number computed.

Every compute claim and numeric key is recomputed with the catalog, every expression key
is compared with the catalog's derivative it stands for, and every property claim is
confirmed by the catalog's numeric probe.
"""

import re
from pathlib import Path as FilePath

import pytest

import kernels
from content.verification import verify_bundle
from kernels.answers import compare_expressions, evaluate_number, parse_tolerance
from kernels.verify import probe
from learning.bundle_schema import bundle_entries, iter_bundle_items
from learning.services.bundles import BUNDLE_DIR, bundle_read, bundle_validate

BUNDLE = bundle_validate(bundle_read(BUNDLE_DIR / "activation-functions.json"))
SEED = FilePath(__file__).resolve().parents[3] / "shared" / "seeds" / "000_6552c4cc051d058d.txt"
QUESTIONS = [q for quiz in BUNDLE["quizzes"] for q in quiz["questions"]]
CLAIMS = [card["claim"] for card in BUNDLE["flashcards"] if card["claim"]]


def test_the_path_has_what_the_issue_asks_for():
    assert BUNDLE["path"]["slug"] == "activation-functions"
    assert BUNDLE["path"]["visibility"] == "public"
    assert len(BUNDLE["flashcards"]) == 15
    assert len(BUNDLE["quizzes"]) == 1 and len(QUESTIONS) == 13
    assert {q["kind"] for q in QUESTIONS} == {
        "single",
        "multiple",
        "true_false",
        "numeric",
        "expression",
    }
    assert all(q["explanation"].strip() for q in QUESTIONS)
    assert BUNDLE["podcast"]["duration_seconds"] == 189
    assert len({item["origin_uid"] for item in iter_bundle_items(BUNDLE)}) == len(
        list(iter_bundle_items(BUNDLE))
    )


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", text.lower()))


def test_the_article_covers_every_function_and_topic():
    """Whole words of the section titles: "elu" is not found in "relu", nor "step" in "steps"."""
    titles = _words(
        " ".join(
            [s["title"] for s in BUNDLE["sections"]]
            + [c["title"] for s in BUNDLE["sections"] for c in s["children"]]
        )
    )
    for topic in [
        "history", "linear", "step", "sigmoid", "tanh", "relu", "leaky", "prelu", "elu",
        "selu", "softplus", "softsign", "gelu", "swish", "mish", "hard", "softmax", "output",
        "theoretical", "practical", "pytorch", "tensorflow", "research", "pitfalls", "summary",
    ]:  # fmt: skip
        assert topic in titles, topic


def test_the_podcast_is_contiguous_and_two_hosts():
    transcript = BUNDLE["podcast"]["transcript"]
    assert transcript[0]["start"] == 0 and transcript[-1]["end"] == 189
    assert all(a["end"] == pytest.approx(b["start"]) for a, b in zip(transcript, transcript[1:]))
    assert len({segment["speaker"] for segment in transcript}) == 2


def test_the_references_are_all_there():
    """Each reference by an author's whole surname and its year, in the same resource: "He"
    is not found in "Hendrycks", nor 2015 in another paper's year."""
    cited = [(_words(r["authors"]), r["year"]) for r in BUNDLE["resources"]]
    for name, year in [
        ("McCulloch", 1943), ("Rosenblatt", 1958), ("Rumelhart", 1986), ("Glorot", 2010),
        ("He", 2015), ("Clevert", 2015), ("Klambauer", 2017), ("Hendrycks", 2016),
        ("Ramachandran", 2017), ("Misra", 2019), ("Poole", 2016), ("Schoenholz", 2016),
        ("LeCun", 1998), ("Elfwing", 2017), ("Howard", 2019),
    ]:  # fmt: skip
        assert any(name.lower() in words and y == year for words, y in cited), name
    assert all(r["url"].startswith("https://") for r in BUNDLE["resources"])


@pytest.mark.parametrize("claim", [c for c in CLAIMS if "compute" in c], ids=lambda c: c["compute"])
def test_every_compute_claim_is_what_the_catalog_computes(claim):
    computed = evaluate_number(claim["compute"])
    assert parse_tolerance(claim.get("tolerance")).accepts(claim["value"], computed), computed


@pytest.mark.parametrize(
    "claim", [c for c in CLAIMS if "property" in c], ids=lambda c: f"{c['kernel']}.{c['property']}"
)
def test_every_property_claim_is_declared_and_confirmed_by_the_probe(claim):
    act = kernels.get(claim["kernel"])
    assert act.properties[claim["property"]] == claim["value"]
    checks = {check.check: check for check in probe(act)}
    assert checks[claim["property"]].ok, checks[claim["property"]]


@pytest.mark.parametrize(
    "question",
    [q for q in QUESTIONS if q["kind"] == "numeric"],
    ids=lambda q: q["answer"]["compute"],
)
def test_every_numeric_key_is_recomputed(question):
    answer = question["answer"]
    assert parse_tolerance(answer.get("tolerance")).accepts(
        evaluate_number(answer["compute"]), answer["value"]
    )


def _derivative_asked_for(prompt: str) -> str:
    """The catalog derivative a "write the derivative of …" prompt asks for."""
    words = set(re.findall(r"[a-z_]+", prompt.lower()))
    [name] = {kernels.get(n).name for n in kernels.names() if n in words}
    return f"{name}.derivative(z)"


@pytest.mark.parametrize(
    "question",
    [q for q in QUESTIONS if q["kind"] == "expression"],
    ids=lambda q: q["answer"]["expression"],
)
def test_every_expression_key_matches_the_catalog_derivative(question):
    answer = question["answer"]
    reference = _derivative_asked_for(question["prompt"].split("derivative of", 1)[1][:40])
    verdict = compare_expressions(
        reference, answer["expression"], answer["variables"], answer.get("tolerance")
    )
    assert verdict.equal, verdict.feedback


def _word_runs(text: str, size: int) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}


@pytest.mark.skipif(not SEED.exists(), reason="the seed document is not beside the project")
def test_the_path_is_in_our_own_words():
    """No run of eight words is taken from the seed: its facts carry over, its sentences do not."""
    ours = " ".join(
        [BUNDLE["path"]["summary"], *BUNDLE["path"]["key_points"]]
        + [item.get("body", "") + " " + item.get("front", "") + " " + item.get("back", "")
           + " " + item.get("prompt", "") + " " + item.get("explanation", "")
           for item in iter_bundle_items(BUNDLE)]
        + [segment["text"] for segment in BUNDLE["podcast"]["transcript"]]
    )  # fmt: skip
    shared = _word_runs(ours, 8) & _word_runs(SEED.read_text(), 8)
    assert not shared, [" ".join(run) for run in sorted(shared)[:5]]


def test_everything_the_path_states_verifies():
    """SPEC §8: every key, claim and stated number verified, none uncheckable."""
    checks = verify_bundle(BUNDLE)
    wrong = [c for c in checks if c.status != "verified"]
    assert not wrong, wrong[:5]
    assert {c.kind for c in checks} == {"section", "flashcard", "question", "choice"}
    keyed = [q for q in QUESTIONS if q["kind"] in ("numeric", "expression")]
    assert all(q["answer"].get("compute") for q in keyed)


def test_hard_swish_is_never_called_piecewise_linear():
    """It is quadratic between its clamps; only ReLU6 and hard sigmoid are piecewise linear."""
    texts = [BUNDLE["path"]["summary"], *BUNDLE["path"]["key_points"]] + [
        item.get(name, "")
        for item in iter_bundle_items(BUNDLE)
        for name in ("body", "front", "back", "prompt", "explanation")
    ]
    texts += [segment["text"] for segment in BUNDLE["podcast"]["transcript"]]
    for text in texts:
        for sentence in re.split(r"(?<=[.;:])\s", text):
            if "hard swish" in sentence.lower() and re.search(r"piecewise.linear", sentence, re.I):
                assert re.search(r"quadratic|parabola", sentence), sentence


def test_every_flashcard_names_the_section_that_teaches_it():
    """The article's review prompts sit at the end of the card's section: every card names
    one, and one that exists in the bundle."""
    sections = {
        str(item["origin_uid"]): item
        for kind, item, _holder, _position in bundle_entries(BUNDLE)
        if kind == "section"
    }
    named = [str(card.get("section")) for card in BUNDLE["flashcards"]]
    assert all(uid in sections for uid in named), set(named) - set(sections)
    # The sigmoid's slope is taught where the sigmoid is, not somewhere near it.
    slope = next(c for c in BUNDLE["flashcards"] if "slope of the logistic" in c["front"])
    assert sections[str(slope["section"])]["title"] == "Sigmoid (logistic)"
