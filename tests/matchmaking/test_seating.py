"""Tests for roundtable seating: optimal utility, seats, languages, mixing, unseated people."""

from collections import Counter
from itertools import product

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conference.matchmaking.model import MatchProfile
from conference.matchmaking.seating import Table, seat, speaks


def brute_force(people, tables, preferences, rank_utility=(3, 2, 1), by_topic=True, seat_everyone=True):
    """Best (utility, people seated) over every way of seating people (or not)."""
    by_id = {t.id: t for t in tables}

    def utility(person, table):
        for rank, table_id in enumerate(preferences.get(person.id, [])[: len(rank_utility)]):
            other = by_id.get(table_id)
            if other is not None and (other.topic == table.topic if by_topic else other.id == table.id):
                return rank_utility[rank]
        return 0

    best = (0, 0)
    for choice in product([None, *tables], repeat=len(people)):
        if any(t is not None and not speaks(p, t) for p, t in zip(people, choice, strict=True)):
            continue
        if any(n > t.seats for t, n in Counter(t for t in choice if t is not None).items()):
            continue
        gained = [utility(p, t) for p, t in zip(people, choice, strict=True) if t is not None]
        if not seat_everyone and 0 in gained:
            continue
        best = max(best, (sum(gained), len(gained)))
    return best


def check_rules(result, people, tables):
    by_id = {t.id: t for t in tables}
    persons = {p.id: p for p in people}
    assert set(result.assignment) | set(result.unseated) == set(persons)
    assert not set(result.assignment) & set(result.unseated)
    for table_id, count in Counter(result.assignment.values()).items():
        assert count <= by_id[table_id].seats
    for person_id, table_id in result.assignment.items():
        assert speaks(persons[person_id], by_id[table_id])


languages = st.frozensets(st.sampled_from(["en", "fr", "es"]), max_size=2)
people_strategy = st.lists(
    st.builds(MatchProfile, id=st.just(0), languages=languages, country=st.sampled_from(["FR", "ES", "IT"])),
    min_size=1,
    max_size=6,
)
tables_strategy = st.lists(
    st.builds(
        Table,
        id=st.just(0),
        topic=st.sampled_from(["law", "impact"]),
        seats=st.integers(1, 2),
        languages=st.frozensets(st.sampled_from(["en", "fr"]), max_size=1),
    ),
    min_size=1,
    max_size=3,
)


@settings(max_examples=60, deadline=None)
@given(people_strategy, tables_strategy, st.data(), st.booleans(), st.booleans())
def test_small_cases_are_optimal_against_brute_force(people, tables, data, by_topic, seat_everyone):
    people = [MatchProfile(id=k, languages=p.languages, country=p.country) for k, p in enumerate(people)]
    tables = [
        Table(id=100 + k, topic=t.topic, seats=t.seats, languages=t.languages) for k, t in enumerate(tables)
    ]
    table_ids = [t.id for t in tables] + [999]  # an unknown id is ignored
    preferences = {
        p.id: data.draw(st.lists(st.sampled_from(table_ids), max_size=3, unique=True)) for p in people
    }

    result = seat(people, tables, preferences, by_topic=by_topic, seat_everyone=seat_everyone)

    check_rules(result, people, tables)
    best_utility, most_seated = brute_force(
        people, tables, preferences, by_topic=by_topic, seat_everyone=seat_everyone
    )
    assert result.utility == best_utility
    assert len(result.assignment) == most_seated


def test_first_choices_win_when_seats_run_short():
    people = [MatchProfile(id=k, languages={"en"}) for k in range(3)]
    tables = [Table(1, "law", 2, {"en"}), Table(2, "impact", 2, {"en"})]
    preferences = {0: [1, 2], 1: [1, 2], 2: [2, 1]}

    result = seat(people, tables, preferences)

    assert result.assignment == {0: 1, 1: 1, 2: 2}
    assert result.utility == 9


def test_tables_of_one_topic_mix_countries_and_organisation_types():
    people = [
        MatchProfile(id=k, languages={"en"}, country=country, org_type=org)
        for k, (country, org) in enumerate(
            [("FR", "cooperative")] * 2
            + [("FR", "government")] * 2
            + [("ES", "cooperative")] * 2
            + [("ES", "government")] * 2
        )
    ]
    tables = [Table(1, "law", 4, {"en"}), Table(2, "law", 4, {"en"})]
    preferences = {p.id: [1] for p in people}

    result = seat(people, tables, preferences)

    assert result.utility == 8 * 3
    for table_id in (1, 2):
        at_table = [p for p in people if result.assignment[p.id] == table_id]
        assert Counter((p.country, p.org_type) for p in at_table) == {
            ("FR", "cooperative"): 1,
            ("FR", "government"): 1,
            ("ES", "cooperative"): 1,
            ("ES", "government"): 1,
        }


def test_mixing_never_changes_anyones_utility():
    people = [MatchProfile(id=k, languages={"en"}, country=["FR", "ES"][k % 2]) for k in range(8)]
    tables = [Table(1, "law", 4), Table(2, "law", 4), Table(3, "impact", 4)]
    preferences = {k: [1, 3] if k < 6 else [3, 1] for k in range(8)}

    mixed = seat(people, tables, preferences)
    unmixed = seat(people, tables, preferences, mix=False)

    assert mixed.utility == unmixed.utility == 8 * 3
    assert {k: mixed.assignment[k] == 3 for k in range(8)} == {
        k: unmixed.assignment[k] == 3 for k in range(8)
    }


def test_mixing_respects_table_languages():
    people = [MatchProfile(id=k, languages={"fr"}, country="FR") for k in range(3)]
    people += [MatchProfile(id=10 + k, languages={"en", "fr"}, country="BE") for k in range(3)]
    tables = [Table(1, "law", 3, {"fr"}), Table(2, "law", 3, {"en"})]
    preferences = {p.id: [2] for p in people}

    result = seat(people, tables, preferences)

    assert {result.assignment[k] for k in range(3)} == {1}
    assert result.utility == 6 * 3
    check_rules(result, people, tables)


def test_no_shared_language_means_no_seat_there():
    people = [MatchProfile(id=1, languages={"ko"})]
    tables = [Table(1, "law", 5, {"en"}), Table(2, "impact", 5, {"fr"})]

    result = seat(people, tables, {1: [1, 2]})

    assert result.assignment == {}
    assert result.unseated == [1]
    assert result.utility == 0


def test_people_whose_choices_are_full_get_another_table():
    people = [MatchProfile(id=k, languages={"en"}) for k in range(3)]
    tables = [Table(1, "law", 2, {"en"}), Table(2, "impact", 2)]
    preferences = {0: [1], 1: [1], 2: [1]}

    everyone = seat(people, tables, preferences)
    choices_only = seat(people, tables, preferences, seat_everyone=False)

    assert (everyone.assignment[2], everyone.unseated, everyone.utility) == (2, [], 6)
    assert (choices_only.unseated, choices_only.utility) == ([2], 6)


def test_by_table_choices_do_not_spill_to_other_tables_of_the_topic():
    people = [MatchProfile(id=k, languages={"en"}) for k in range(2)]
    tables = [Table(1, "law", 1), Table(2, "law", 1)]

    by_topic = seat(people, tables, {0: [1], 1: [1]})
    by_table = seat(people, tables, {0: [1], 1: [1]}, by_topic=False)

    assert by_topic.utility == 6
    assert by_table.utility == 3


def test_seats_argument_overrides_every_table():
    people = [MatchProfile(id=k, languages={"en"}) for k in range(4)]
    tables = [Table(1, "law", 10)]

    result = seat(people, tables, {k: [1] for k in range(4)}, seats=3)

    assert len(result.assignment) == 3
    assert len(result.unseated) == 1


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="rank_utility"):
        seat([], [], {}, rank_utility=(3, 0))
    with pytest.raises(ValueError, match="table ids"):
        seat([], [Table(1, "a", 2), Table(1, "b", 2)], {})


def test_nobody_to_seat():
    assert seat([], [Table(1, "a", 2)], {}) == seat([], [], {})
