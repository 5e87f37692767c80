"""``learning.scheduling``: a card's state is its reviews replayed, whatever order they
arrive in; the decision table holds; leeches after 8 lapses."""

import itertools
import uuid
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from learning import scheduling
from learning.scheduling import LEECH_LAPSES, Review, replay

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)

reviews = st.builds(
    lambda rating, minutes, seed: Review(
        rating, T0 + timedelta(minutes=minutes), str(uuid.UUID(int=seed))
    ),
    st.integers(1, 4),
    st.integers(0, 60 * 24 * 400),
    st.integers(0, 2**64),
)


@settings(max_examples=150, deadline=None)
@given(
    phone=st.lists(reviews, max_size=12),
    web=st.lists(reviews, max_size=12),
    sync_order=st.sampled_from(["phone first", "web first", "interleaved", "reversed"]),
)
def test_two_devices_synced_in_any_order_give_one_state(phone, web, sync_order):
    """Two devices review one card offline; however their logs reach the server, the
    replayed state is the one of the reviews in time order."""
    arrivals = {
        "phone first": phone + web,
        "web first": web + phone,
        "interleaved": [r for pair in itertools.zip_longest(phone, web) for r in pair if r],
        "reversed": list(reversed(phone + web)),
    }[sync_order]
    in_time = sorted(phone + web, key=lambda r: (r.reviewed_at, r.client_id, r.rating))
    assert replay(arrivals) == replay(in_time)
    # and merging step by step, as the server does at each sync, ends in the same place
    seen: list[Review] = []
    for review in arrivals:
        seen.append(review)
        state = replay(seen)
    if arrivals:
        assert state == replay(in_time)
        assert state.reps == len(arrivals)
        assert state.first_review == min(r.reviewed_at for r in arrivals)


def test_a_late_review_changes_the_state_as_if_it_had_come_in_time():
    early, late = Review(1, T0, "a"), Review(3, T0 + timedelta(days=3), "b")
    assert replay([late, early]) == replay([early, late])
    assert replay([late, early]) != replay([late])


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def test_decision_table_for_a_new_card():
    """new + Again/Hard/Good → learning at 1 / 5.5 / 10 min; Easy → review in days."""
    for rating, state, seconds in ((1, "learning", 60), (2, "learning", 330), (3, "learning", 600)):
        card = replay([Review(rating, T0)])
        assert (card.state, (card.due - T0).total_seconds()) == (state, seconds)
    easy = replay([Review(4, T0)])
    assert easy.state == "review" and easy.due - T0 >= timedelta(days=1)


def test_learning_graduates_and_a_lapse_relearns():
    learnt = replay([Review(3, at(0)), Review(3, at(10))])
    assert (learnt.state, learnt.step, learnt.lapses) == ("review", None, 0)
    lapsed = replay([Review(3, at(0)), Review(3, at(10)), Review(1, at(60 * 24 * 5))])
    assert (lapsed.state, lapsed.lapses) == ("relearning", 1)
    assert lapsed.due - lapsed.last_review == timedelta(minutes=10)
    back = replay(
        [
            Review(3, at(0)),
            Review(3, at(10)),
            Review(1, at(60 * 24 * 5)),
            Review(3, at(60 * 24 * 5 + 10)),
        ]
    )
    assert back.state == "review" and back.lapses == 1


def lapsing_history(lapses: int) -> list[Review]:
    """Learn the card, then forget it ``lapses`` times, relearning each time."""
    history = [Review(3, at(0), "0"), Review(3, at(10), "1")]
    day = 0
    for n in range(lapses):
        day += 3
        history += [Review(1, at(day * 1440), f"{n}a"), Review(3, at(day * 1440 + 10), f"{n}b")]
    return history


def test_a_card_is_a_leech_after_eight_lapses_not_before():
    seven = replay(lapsing_history(LEECH_LAPSES - 1))
    eight = replay(lapsing_history(LEECH_LAPSES))
    assert (seven.lapses, seven.leech) == (7, False)
    assert (eight.lapses, eight.leech) == (8, True)


def test_again_in_learning_is_not_a_lapse():
    card = replay([Review(1, at(0)), Review(1, at(1)), Review(1, at(2))])
    assert (card.state, card.lapses) == ("learning", 0)


def test_parameters_and_retention_change_the_interval():
    history = [Review(3, at(0)), Review(3, at(10))]
    default = replay(history)
    stricter = replay(history, desired_retention=0.97)
    assert stricter.due < default.due
    custom = list(scheduling.DEFAULT_WEIGHTS)
    custom[2] = 20.0  # initial stability after Good
    assert replay(history, parameters=custom).due > default.due


def test_next_intervals_match_what_a_review_then_gives():
    card = replay([Review(3, at(0)), Review(3, at(10))])
    now = card.due
    shown = scheduling.next_intervals(card, now=now)
    for rating, name in scheduling.RATINGS.items():
        after = replay([Review(3, at(0)), Review(3, at(10)), Review(rating, now)])
        assert shown[name] == round((after.due - now).total_seconds())
    assert shown["again"] < shown["hard"] < shown["good"] < shown["easy"]


def test_clamp_parameters_keeps_them_in_bounds():
    wild = [1e6] * len(scheduling.DEFAULT_WEIGHTS)
    clamped = scheduling.clamp_parameters(wild)
    replay([Review(3, T0)], parameters=clamped)  # the scheduler accepts them
    assert all(value < 1e6 for value in clamped)


def test_scheduling_is_the_only_module_that_imports_fsrs():
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    importing = re.compile(r"^\s*(from|import)\s+fsrs(\.|\s|$)", re.M)
    found = sorted(
        str(path.relative_to(root))
        for folder in ("config", "learning", "content", "kernels")
        for path in (root / folder).rglob("*.py")
        if importing.search(path.read_text())
    )
    assert found == ["learning/scheduling.py"]


@settings(max_examples=200, deadline=None)
@given(
    ratings=st.lists(st.integers(1, 4), max_size=8),
    gaps=st.lists(st.floats(0.001, 40), min_size=9, max_size=9),
    later=st.floats(0, 400),
)
def test_memoised_intervals_are_the_fsrs_steps_at_that_moment(ratings, gaps, later):
    """next_intervals is memoised on whole days since the last review; stepping the real
    state at the real moment must give the same seconds, to the second."""
    start = datetime(2026, 1, 1, 7, 13, tzinfo=UTC)
    moments = [start + timedelta(days=sum(gaps[: i + 1])) for i in range(len(ratings))]
    state = scheduling.replay(
        scheduling.Review(r, at, str(i)) for i, (r, at) in enumerate(zip(ratings, moments))
    )
    now = (moments[-1] if moments else start) + timedelta(days=later)
    scheduler = scheduling._scheduler(None, 0.9)
    review_at = max(now, state.last_review) if state.last_review else now
    direct = {
        name: round(
            (
                scheduling._step(scheduler, state, scheduling.Review(rating, review_at)).due
                - review_at
            ).total_seconds()
        )
        for rating, name in scheduling.RATINGS.items()
    }
    assert scheduling.next_intervals(state, now=now) == direct
