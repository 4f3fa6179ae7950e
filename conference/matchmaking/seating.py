"""Roundtable seating from ranked choices: the best total utility, then a mix at each table.

A person's utility at a table is `rank_utility[r]` for the first of their choices (by default
3, 2, 1 for first, second, third) that names the table or, with `by_topic=True`, any table on the
same topic: tables sharing a topic are interchangeable. Nobody sits where they share no language
with the table. Among all seatings of the highest total utility, as many people as possible are
seated (`seat_everyone`: those whose choices are full get any table that shares a language,
worth 0); then, without changing anyone's utility, people are spread across the tables of
each topic so that each table mixes countries and organisation types.

The optimum is exact: the problem is a min-cost flow (people -> (topic, language) -> tables, plus
people -> language -> tables for the fallback), whose constraint matrix is totally unimodular,
so HiGHS (`scipy.optimize.milp`) returns an integral optimal vertex at the root.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_matrix

from conference.matchmaking.model import MatchProfile

ANY_LANGUAGE = "*"


@dataclass(frozen=True, slots=True)
class Table:
    """A roundtable: `languages` empty means anyone can join."""

    id: int
    topic: str
    seats: int
    languages: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if not isinstance(self.languages, frozenset):
            object.__setattr__(self, "languages", frozenset(self.languages))


@dataclass(frozen=True)
class Seating:
    """Who sits where (person id -> table id), who has no seat, and the total utility."""

    assignment: dict[int, int]
    unseated: list[int]
    utility: int


def seat(
    people: Sequence[MatchProfile],
    tables: Sequence[Table],
    preferences: Mapping[int, Sequence[int]],
    seats: int | None = None,
    *,
    rank_utility: Sequence[int] = (3, 2, 1),
    by_topic: bool = True,
    seat_everyone: bool = True,
    mix: bool = True,
) -> Seating:
    """Seat `people` (their id, languages, country and org_type count) at `tables`.

    `preferences` maps a person's id to their ranked table ids (best first; only the first
    `len(rank_utility)` count, unknown ids are ignored). `seats`, if given, is every table's
    capacity instead of its own. Utility values must be positive whole numbers. `mix=False`
    skips spreading countries and organisation types across the tables of a topic.
    """
    if any(int(u) != u or u <= 0 for u in rank_utility):
        raise ValueError("rank_utility must hold positive whole numbers")
    if len({t.id for t in tables}) != len(tables):
        raise ValueError("table ids must be distinct")
    if len({p.id for p in people}) != len(people):
        raise ValueError("people ids must be distinct")
    capacity = {t.id: (seats if seats is not None else t.seats) for t in tables}
    by_id = {t.id: t for t in tables}

    def key(table: Table) -> Hashable:
        return table.topic if by_topic else table.id

    utilities = [_utilities(preferences.get(p.id, ()), by_id, key, rank_utility) for p in people]
    chosen = _solve(people, tables, capacity, utilities, key, seat_everyone)
    if mix:
        chosen = _spread(people, tables, capacity, chosen, utilities, key)
    assignment = {people[k].id: table_id for k, table_id in sorted(chosen.items())}
    utility = sum(utilities[k].get(key(by_id[table_id]), 0) for k, table_id in chosen.items())
    unseated = [person.id for k, person in enumerate(people) if k not in chosen]
    return Seating(assignment=assignment, unseated=unseated, utility=int(utility))


def speaks(person: MatchProfile, table: Table) -> bool:
    """Whether the person shares a language with the table (or the table takes anyone)."""
    return not table.languages or bool(person.languages & table.languages)


def _utilities(
    ranked: Sequence[int],
    tables: Mapping[int, Table],
    key: Callable[[Table], Hashable],
    rank_utility: Sequence[int],
) -> dict[Hashable, int]:
    """Utility of each topic (or table) key for one person: their best rank that names it."""
    found: dict[Hashable, int] = {}
    for rank, table_id in enumerate(ranked[: len(rank_utility)]):
        table = tables.get(table_id)
        if table is not None:
            found.setdefault(key(table), int(rank_utility[rank]))
    return found


def _solve(
    people: Sequence[MatchProfile],
    tables: Sequence[Table],
    capacity: Mapping[int, int],
    utilities: Sequence[Mapping[Hashable, int]],
    key: Callable[[Table], Hashable],
    seat_everyone: bool,
) -> dict[int, int]:
    """Exact lexicographic optimum (utility, then people seated) as person index -> table id.

    People with the same choices and the same usable languages are interchangeable, so the flow
    runs from such kinds of people (supply: how many there are) to middle nodes ((topic, language)
    for choices, language pools for the fallback) to tables. Every node conserves flow.
    """
    middles: dict[Hashable, int] = {}
    middle_tables: list[list[int]] = []
    for t, table in enumerate(tables):
        for language in sorted(table.languages) or [ANY_LANGUAGE]:
            for name in (("choice", key(table), language), ("pool", language)):
                if name not in middles:
                    middles[name] = len(middles)
                    middle_tables.append([])
                middle_tables[middles[name]].append(t)
    usable = {language for table in tables for language in table.languages}

    Kind = tuple[tuple[tuple[Hashable, int], ...], tuple[str, ...]]  # (choices, usable languages)
    kinds: dict[Kind, list[int]] = defaultdict(list)
    for k, person in enumerate(people):
        spoken = (*sorted(person.languages & usable), ANY_LANGUAGE)
        kinds[tuple(sorted(utilities[k].items(), key=repr)), spoken].append(k)

    weight = len(people) + 1  # one more unit of utility outweighs seating everybody else
    kind_arcs: list[tuple[int, int, int]] = []  # (kind, middle, value)
    for kind, (choices, spoken) in enumerate(kinds):
        for topic, utility in choices:
            for language in spoken:
                found = middles.get(("choice", topic, language))
                if found is not None:
                    kind_arcs.append((kind, found, utility * weight + 1))
        if seat_everyone:
            for language in spoken:
                found = middles.get(("pool", language))
                if found is not None:
                    kind_arcs.append((kind, found, 1))
    if not kind_arcs:
        return {}
    table_arcs = [(m, t) for m, members in enumerate(middle_tables) for t in members]

    supply = np.array([len(members) for members in kinds.values()], dtype=np.float64)
    seats = np.array([capacity[t.id] for t in tables], dtype=np.float64)
    n_kinds, n_middles = len(kinds), len(middles)
    sources, middle_in, values = (np.array(c, dtype=np.int64) for c in zip(*kind_arcs, strict=True))
    middle_out, table_in = (np.array(c, dtype=np.int64) for c in zip(*table_arcs, strict=True))
    arcs = len(sources) + len(middle_out)
    tail = np.concatenate([sources, n_kinds + middle_out])
    head = np.concatenate([n_kinds + middle_in, n_kinds + n_middles + table_in])
    matrix = csr_matrix(
        (
            np.concatenate([np.ones(arcs), -np.ones(arcs)]),
            (np.concatenate([tail, head]), np.tile(np.arange(arcs), 2)),
        ),
        shape=(n_kinds + n_middles + len(tables), arcs),
    )
    # out - in: a kind sends up to its head count, a middle passes all on, a table takes up to its seats
    lower = np.concatenate([np.zeros(n_kinds + n_middles), -seats])
    upper = np.concatenate([supply, np.zeros(n_middles + len(tables))])
    objective = -np.concatenate([values, np.zeros(len(middle_out))]).astype(np.float64)
    bounds = Bounds(0, np.concatenate([supply[sources], seats[table_in]]))
    constraints = LinearConstraint(matrix, lower, upper)
    # a network matrix is totally unimodular: the simplex optimum is already whole numbers
    result = milp(objective, constraints=constraints, bounds=bounds)
    if result.success and np.abs(result.x - np.round(result.x)).max() > 1e-6:
        result = milp(objective, constraints=constraints, bounds=bounds, integrality=np.ones(arcs))
    if not result.success:
        raise RuntimeError(f"seating solver failed: {result.message}")
    flow = np.round(result.x).astype(np.int64)

    # hand each middle node's people to its tables, in any order: they are interchangeable there
    members = [list(group) for group in kinds.values()]
    arriving: list[list[int]] = [[] for _ in range(n_middles)]
    for arc in np.flatnonzero(flow[: len(sources)]).tolist():
        group = members[sources[arc]]
        arriving[middle_in[arc]].extend(group[: flow[arc]])
        del group[: flow[arc]]
    leaving: list[list[int]] = [[] for _ in range(n_middles)]
    for arc in np.flatnonzero(flow[len(sources) :]).tolist():
        leaving[middle_out[arc]].extend([int(table_in[arc])] * int(flow[len(sources) + arc]))
    chosen: dict[int, int] = {}
    for m in range(n_middles):
        for person, t in zip(arriving[m], leaving[m], strict=True):
            chosen[person] = tables[t].id
    return chosen


def _spread(
    people: Sequence[MatchProfile],
    tables: Sequence[Table],
    capacity: Mapping[int, int],
    chosen: dict[int, int],
    utilities: Sequence[Mapping[Hashable, int]],
    key: Callable[[Table], Hashable],
) -> dict[int, int]:
    """Within each topic, re-seat people so tables mix countries and org types (same utility).

    If a topic cannot be re-seated this way (language constraints tangle), it keeps the
    solver's seating.
    """
    by_id = {t.id: t for t in tables}
    topic_tables: dict[Hashable, list[Table]] = defaultdict(list)
    for table in tables:
        topic_tables[key(table)].append(table)
    members_of: dict[Hashable, list[int]] = defaultdict(list)
    for k, table_id in chosen.items():
        topic = key(by_id[table_id])
        if topic in utilities[k]:  # fallback seats stay where the solver put them
            members_of[topic].append(k)
    result = dict(chosen)
    for topic, members in members_of.items():
        group = topic_tables[topic]
        if len(group) > 1:
            placed = _deal(people, group, capacity, chosen, members)
            if placed is not None:
                result.update(placed)
    return result


def _deal(
    people: Sequence[MatchProfile],
    group: Sequence[Table],
    capacity: Mapping[int, int],
    chosen: Mapping[int, int],
    members: Sequence[int],
) -> dict[int, int] | None:
    """Seat `members` at the `group` tables for a mix; None if someone would be left standing.

    People are dealt like cards: sorted by country and org type, then handed one seat at each
    table in turn (fullest tables last), so neighbours in the sorted order land at different
    tables. People who can use fewer of the tables (language) are dealt first.
    """
    free = {t.id: capacity[t.id] for t in group}
    member_set = set(members)
    for k, table_id in chosen.items():
        if k not in member_set and table_id in free:
            free[table_id] -= 1  # someone seated here by the fallback keeps the seat
    by_languages: dict[frozenset[str], list[int]] = defaultdict(list)
    for table in group:
        by_languages[table.languages].append(table.id)
    usable: dict[tuple[frozenset[str], ...], list[int]] = defaultdict(list)
    for k in members:
        spoken = people[k].languages
        usable[tuple(ls for ls in by_languages if not ls or ls & spoken)].append(k)
    countries = Counter(people[k].country for k in members)
    placed: dict[int, int] = {}
    for sets in sorted(
        usable, key=lambda sets: (sum(free[t] for ls in sets for t in by_languages[ls]), repr(sets))
    ):
        table_ids = sorted(t for ls in sets for t in by_languages[ls])
        order = [t for level in range(max(free[t] for t in table_ids)) for t in table_ids if free[t] > level]
        crowd = sorted(
            usable[sets],
            key=lambda k: (-countries[people[k].country], people[k].country, people[k].org_type, k),
        )
        if len(crowd) > len(order):
            return None
        for k, t in zip(crowd, order, strict=False):
            placed[k] = t
            free[t] -= 1
    return placed
