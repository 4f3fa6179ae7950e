"""Pure ways to split people into rooms of balanced size: at random, or by shared profile themes."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence

import numpy as np

# Each pass tries, for every person, the best swap with anyone in another room; a local optimum is
# usually reached in a handful of passes, the bound keeps a pathological input from spinning.
MAX_SWAP_PASSES = 30


def room_sizes(people: int, rooms: int) -> list[int]:
    """Sizes that differ by at most one, larger rooms first."""
    base, extra = divmod(people, rooms)
    return [base + 1 if n < extra else base for n in range(rooms)]


def assign_random(people: Sequence[int], rooms: int, rng: random.Random) -> list[list[int]]:
    """Shuffles and deals: room sizes differ by at most one."""
    shuffled = list(people)
    rng.shuffle(shuffled)
    return [shuffled[n::rooms] for n in range(rooms)]


def assign_themes(themes: Mapping[int, Sequence[str]], rooms: int, rng: random.Random) -> list[list[int]]:
    """Groups people who share profile themes, keeping room sizes within one of each other.

    The score of a split is the number of (pair, shared theme) combinations inside rooms. It starts
    from the people ordered by their themes and dealt in blocks, then swaps pairs across rooms while a
    swap raises the score; swaps keep the sizes, so the balance holds throughout.
    """
    people = list(themes)
    if not people:
        return [[] for _ in range(rooms)]
    rng.shuffle(people)  # ties between equal profiles fall differently each time
    vocabulary = sorted({t for p in people for t in themes[p]})
    index = {t: n for n, t in enumerate(vocabulary)}
    x = np.zeros((len(people), max(1, len(vocabulary))), dtype=np.int64)
    for row, person in enumerate(people):
        for theme in themes[person]:
            x[row, index[theme]] = 1

    # Blocks of people sorted by their theme vector are a good start: alike people sit together.
    order = sorted(range(len(people)), key=lambda r: tuple(-x[r]))
    room_of = np.empty(len(people), dtype=np.int64)
    start = 0
    for room, size in enumerate(room_sizes(len(people), rooms)):
        room_of[order[start : start + size]] = room
        start += size
    _improve_by_swaps(x, room_of, rooms)
    return [[people[r] for r in range(len(people)) if room_of[r] == room] for room in range(rooms)]


def _improve_by_swaps(x: np.ndarray, room_of: np.ndarray, rooms: int) -> None:
    counts = np.zeros((rooms, x.shape[1]), dtype=np.int64)
    np.add.at(counts, room_of, x)
    sizes = x.sum(axis=1)
    for _ in range(MAX_SWAP_PASSES):
        improved = False
        for i in range(len(x)):
            a = room_of[i]
            # Gain of swapping i (room a) with each j (room b), from the change in pair counts per theme:
            # (x_i - x_j)·(c_b - c_a) + |x_i xor x_j|.
            diff = x[i] - x
            gain = np.einsum("jt,jt->j", diff, counts[room_of] - counts[a])
            gain += sizes[i] + sizes - 2 * (x @ x[i])
            gain[room_of == a] = 0
            j = int(np.argmax(gain))
            if gain[j] <= 0:
                continue
            b = room_of[j]
            counts[a] += x[j] - x[i]
            counts[b] += x[i] - x[j]
            room_of[i], room_of[j] = b, a
            improved = True
        if not improved:
            return


def shared_theme_pairs(groups: Sequence[Sequence[int]], themes: Mapping[int, Sequence[str]]) -> int:
    """How many (pair of room-mates, theme they share) there are: the score `assign_themes` raises."""
    total = 0
    for group in groups:
        for n, a in enumerate(group):
            mine = set(themes[a])
            total += sum(len(mine.intersection(themes[b])) for b in group[n + 1 :])
    return total


def fill_smallest(
    groups: list[list[int]], newcomers: Sequence[int], capacities: Sequence[int | None]
) -> list[int]:
    """Adds each newcomer to the smallest room with a free place (the first such room on a tie);
    returns those for whom no room had a place."""
    left_over = []
    for person in newcomers:
        free = [n for n, g in enumerate(groups) if capacities[n] is None or len(g) < capacities[n]]
        if not free:
            left_over.append(person)
            continue
        groups[min(free, key=lambda n: len(groups[n]))].append(person)
    return left_over
