"""Splitting people into rooms: balanced sizes, and themes grouping that beats chance."""

from __future__ import annotations

import random
import statistics

from hypothesis import given
from hypothesis import strategies as st

from conference.grouping import (
    assign_random,
    assign_themes,
    fill_smallest,
    room_sizes,
    shared_theme_pairs,
)

THEMES = ["legal", "impact", "international", "women", "rebuild", "ecosystems"]


def sizes(groups):
    return sorted(len(g) for g in groups)


def test_room_sizes_differ_by_at_most_one():
    assert room_sizes(11, 4) == [3, 3, 3, 2]


@given(people=st.integers(0, 200), rooms=st.integers(2, 50), seed=st.integers(0, 2**32))
def test_assign_random_balanced_and_everyone_once(people, rooms, seed):
    groups = assign_random(range(people), rooms, random.Random(seed))

    assert sizes(groups) == sorted(room_sizes(people, rooms))
    assert sorted(p for g in groups for p in g) == list(range(people))


@given(
    profiles=st.lists(st.lists(st.sampled_from(THEMES), max_size=3, unique=True), max_size=80),
    rooms=st.integers(2, 12),
    seed=st.integers(0, 2**32),
)
def test_assign_themes_balanced_and_everyone_once(profiles, rooms, seed):
    themes = dict(enumerate(profiles))

    groups = assign_themes(themes, rooms, random.Random(seed))

    assert sizes(groups) == sorted(room_sizes(len(profiles), rooms))
    assert sorted(p for g in groups for p in g) == list(range(len(profiles)))


def test_assign_themes_puts_alike_people_together():
    themes = {n: ["legal"] if n % 2 else ["impact"] for n in range(8)}

    groups = assign_themes(themes, 2, random.Random(3))

    assert sorted(sorted({themes[p][0] for p in g}) for g in groups) == [["impact"], ["legal"]]


def test_assign_themes_beats_random_over_many_populations():
    rng = random.Random(2021)
    per_pair_themes, per_pair_random, wins = [], [], 0
    populations = 200
    for _ in range(populations):
        people = rng.randint(6, 80)
        rooms = rng.randint(2, max(2, min(10, people // 3)))
        themes = {p: rng.sample(THEMES, rng.randint(0, 3)) for p in range(people)}
        pairs = sum(s * (s - 1) // 2 for s in room_sizes(people, rooms))

        by_themes = shared_theme_pairs(assign_themes(themes, rooms, random.Random(rng.random())), themes)
        by_chance = shared_theme_pairs(
            assign_random(list(themes), rooms, random.Random(rng.random())), themes
        )

        per_pair_themes.append(by_themes / pairs)
        per_pair_random.append(by_chance / pairs)
        wins += by_themes >= by_chance

    print(
        f"shared themes per room-mate pair: themes {statistics.mean(per_pair_themes):.3f}, "
        f"random {statistics.mean(per_pair_random):.3f}; themes >= random in {wins}/{populations}"
    )
    assert wins == populations
    assert statistics.mean(per_pair_themes) > 1.5 * statistics.mean(per_pair_random)


def test_fill_smallest_respects_capacity_and_reports_left_over():
    groups = [[1, 2], [3], []]

    left_over = fill_smallest(groups, [4, 5, 6, 7], [2, 2, 1])

    assert (groups, left_over) == ([[1, 2], [3, 5], [4]], [6, 7])
