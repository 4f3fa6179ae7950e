"""Benchmark of the matchmaking core: recommendations, pairing rounds and roundtable seating.

Run from the repository root:  python benchmarks/matchmaking.py [--sizes 2000 5000 10000] [--seed 1]

Everything runs on synthetic populations (conference.matchmaking.population) whose hidden
preferences give a ground truth. Times are medians of a few runs, wall clock and CPU; the machine
may be shared, so compare figures within one run (the load average is printed).
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import networkx as nx
import numpy as np
from scipy.optimize import LinearConstraint, linear_sum_assignment, milp
from scipy.sparse import coo_matrix

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from conference.matchmaking.model import INTENTS, MatchProfile
from conference.matchmaking.pairing import NEIGHBOURS, pair_round
from conference.matchmaking.population import Population, generate_population
from conference.matchmaking.scoring import MatchIndex
from conference.matchmaking.seating import Table, seat, speaks

LIMIT = 10


def timed(action: Callable[[], object], repeats: int) -> tuple[float, float, object]:
    """Median wall and CPU seconds of `repeats` runs, and the last result."""
    walls, cpus, result = [], [], None
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        result = action()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), result


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f}"


# -- recommendations ---------------------------------------------------------------------------


def baseline_lists(population: Population, kind: str, seed: int) -> np.ndarray:
    """Top-10 positions per viewer by Jaccard over themes+intents, or at random; same eligibility."""
    profiles = population.profiles
    n = len(profiles)
    tokens = {t: k for k, t in enumerate([*population.themes, *INTENTS])}
    features = np.zeros((n, len(tokens)), dtype=np.float32)
    languages = sorted({code for p in profiles for code in p.languages})
    spoken = np.zeros((n, len(languages)), dtype=np.float32)
    for row, p in enumerate(profiles):
        features[row, [tokens[t] for t in p.themes | p.offers | p.seeks if t in tokens]] = 1
        spoken[row, [languages.index(code) for code in p.languages]] = 1
    listed = np.array([p.listed for p in profiles])
    sizes = features.sum(axis=1)
    rng = np.random.default_rng(seed)
    result = np.zeros((n, LIMIT), dtype=np.int64)
    for start in range(0, n, 500):
        rows = np.arange(start, min(n, start + 500))
        if kind == "jaccard":
            shared = features[rows] @ features.T
            scores = shared / np.maximum(sizes[rows, None] + sizes[None, :] - shared, 1)
        else:
            scores = rng.random((len(rows), n), dtype=np.float32)
        scores[(spoken[rows] @ spoken.T) == 0] = -1
        scores[:, ~listed] = -1
        scores[np.arange(len(rows)), rows] = -1
        result[rows] = np.argpartition(-scores, LIMIT, axis=1)[:, :LIMIT]
    return result


def precision(population: Population, viewers: np.ndarray, shown: np.ndarray) -> float:
    """Reciprocal precision@10: share of list slots holding someone the viewer truly should meet."""
    mutual = population.mutual(np.repeat(viewers, shown.shape[1]), shown.ravel())
    return float(mutual.sum()) / (len(viewers) * LIMIT)


def bench_recommendations(n: int, seed: int, population: Population) -> dict[str, object]:
    repeats = 3 if n <= 5000 else 2
    index = MatchIndex(population.profiles, themes=population.themes)
    wall, cpu, lists = timed(lambda: index.recommend_all(limit=LIMIT), repeats)
    position = {p.id: k for k, p in enumerate(population.profiles)}
    viewers = np.arange(n)
    ours = np.full((n, LIMIT), -1, dtype=np.int64)
    for viewer, recs in lists.items():
        ours[position[viewer], : len(recs)] = [position[r.user_id] for r in recs]
    filled = ours >= 0
    mutual = population.mutual(np.repeat(viewers, LIMIT)[filled.ravel()], ours[filled])
    p_ours = float(mutual.sum()) / (n * LIMIT)
    p_jaccard = precision(population, viewers, baseline_lists(population, "jaccard", seed))
    p_random = precision(population, viewers, baseline_lists(population, "random", seed))

    rng = np.random.default_rng(seed)
    refresh = []
    for row in rng.choice(n, 20, replace=False):
        profile = population.profiles[row]
        changed = replace(profile, seeks=profile.offers, offers=profile.seeks)
        start = time.perf_counter()
        index.update(changed)
        index.top(changed.id, limit=LIMIT)
        refresh.append(time.perf_counter() - start)
    exposure = [index.exposure(p.id) for p in population.profiles]
    return {
        "wall": wall,
        "cpu": cpu,
        "refresh_ms": 1000 * statistics.median(refresh),
        "ours": p_ours,
        "jaccard": p_jaccard,
        "random": p_random,
        "short_lists": sum(len(recs) < LIMIT for recs in lists.values()),
        "max_exposure": max(exposure),
    }


# -- pairing -----------------------------------------------------------------------------------


def dense_bound(weights: np.ndarray) -> float:
    """Upper bound on the best pairing: the bipartite (assignment) relaxation on the full graph.

    Any pairing P gives an assignment (each person to their partner) worth 2·w(P), so the best
    assignment / 2 bounds every pairing from above. NaN if the relaxation needs a forbidden pair.
    """
    allowed = np.isfinite(weights)
    np.fill_diagonal(allowed, False)
    costs = np.where(allowed, -weights.astype(np.float64), 1e6)
    rows, cols = linear_sum_assignment(costs)
    if not allowed[rows, cols].all():
        return float("nan")
    return float(-costs[rows, cols].sum()) / 2


def milp_on_candidates(weights: np.ndarray) -> float:
    """Exact best perfect pairing within the candidate graph (each person's best partners), by HiGHS."""
    n = len(weights)
    clean = np.where(np.isfinite(weights), weights, -np.inf).astype(np.float32)
    np.fill_diagonal(clean, -np.inf)
    best = np.argpartition(-clean, NEIGHBOURS - 1, axis=1)[:, :NEIGHBOURS]
    rows, cols = np.repeat(np.arange(n), NEIGHBOURS), best.ravel()
    keep = np.isfinite(clean[rows, cols])
    codes = np.unique(np.minimum(rows, cols)[keep] * n + np.maximum(rows, cols)[keep])
    low, high = codes // n, codes % n
    m = len(low)
    incidence = coo_matrix(
        (np.ones(2 * m), (np.concatenate([low, high]), np.tile(np.arange(m), 2))), shape=(n, m)
    ).tocsr()
    result = milp(
        -clean[low, high].astype(np.float64),
        constraints=LinearConstraint(incidence, 1, 1),
        integrality=np.ones(m),
        bounds=(0, 1),
        options={"time_limit": 300},
    )
    return -float(result.fun) if result.status == 0 else float("nan")


def networkx_exact(weights: np.ndarray) -> float:
    """Exact best pairing (max cardinality, then weight) by Edmonds' blossom on the full graph."""
    graph = nx.Graph()
    rows, cols = np.nonzero(np.triu(np.isfinite(weights), 1))
    graph.add_weighted_edges_from(
        zip(rows.tolist(), cols.tolist(), weights[rows, cols].astype(float).tolist(), strict=True)
    )
    matching = nx.max_weight_matching(graph, maxcardinality=True)
    return float(sum(weights[a, b] for a, b in matching))


def bench_pairing(n: int, seed: int, population: Population) -> dict[str, object]:
    index = MatchIndex(population.profiles, themes=population.themes)
    ids = [p.id for p in population.profiles]
    matrix_wall, _, weights = timed(lambda: index.score_matrix(ids), 1)
    wall, cpu, round_ = timed(lambda: pair_round(ids, weights), 3)
    bound_wall, _, bound = timed(lambda: dense_bound(weights), 1)
    result: dict[str, object] = {
        "matrix_wall": matrix_wall,
        "wall": wall,
        "cpu": cpu,
        "weight": round_.total_weight,
        "left_out": len(round_.unpaired),
        "bound": bound,
        "bound_wall": bound_wall,
    }
    if n <= 2000:
        milp_wall, _, exact = timed(lambda: milp_on_candidates(weights), 1)
        result |= {"milp": exact, "milp_wall": milp_wall}
    # a subsample small enough for the exact blossom algorithm on the complete graph
    rng = np.random.default_rng(seed)
    sample = np.sort(rng.choice(n, 300, replace=False))
    sub = weights[np.ix_(sample, sample)]
    ours = pair_round(list(range(300)), sub, exact_limit=0)
    result |= {"sample_ours": ours.total_weight, "sample_exact": networkx_exact(sub)}
    return result


# -- seating -----------------------------------------------------------------------------------


def seating_case(population: Population, seed: int) -> tuple[list[Table], dict[int, list[int]]]:
    """12 topics (two per theme), 10-seat tables (most in English, some French or Spanish) for
    95% of the attendees; each person ranks 3 tables, on topics drawn by their hidden interest."""
    rng = np.random.default_rng(seed)
    n = len(population.profiles)
    themes = list(population.themes)
    topics = [(theme, k) for theme in themes for k in range(2)]
    per_topic = max(1, round(0.95 * n / 10 / len(topics)))
    tables, by_topic = [], {}
    for t, (theme, k) in enumerate(topics):
        by_topic[t] = []
        for j in range(per_topic):
            language = ["en", "en", "en", "fr", "es"][j % 5]
            table = Table(id=len(tables), topic=f"{theme} {k}", seats=10, languages=frozenset({language}))
            tables.append(table)
            by_topic[t].append(table.id)
    preferences = {}
    for row, person in enumerate(population.profiles):
        weights = np.repeat(population.theme_interest[row], 2) + 0.02
        chosen = rng.choice(len(topics), 3, replace=False, p=weights / weights.sum())
        preferences[person.id] = [int(rng.choice(by_topic[t])) for t in chosen]
    return tables, preferences


def seating_optimum(population: Population, tables: list[Table], preferences: dict[int, list[int]]) -> int:
    """Best total utility by networkx's network simplex, on a graph built here independently:
    person -> topic they chose (3/2/1) -> table of that topic sharing a language (seats)."""
    graph = nx.DiGraph()
    by_id = {t.id: t for t in tables}
    demand = 0
    for person in population.profiles:
        seen = set()
        for rank, table_id in enumerate(preferences[person.id][:3]):
            topic = by_id[table_id].topic
            if topic in seen:
                continue
            seen.add(topic)
            languages = person.languages & {lang for t in tables if t.topic == topic for lang in t.languages}
            for language in languages:
                graph.add_edge(("p", person.id), ("g", topic, language), capacity=1, weight=-(3 - rank))
        graph.add_edge(("p", person.id), "drain", capacity=1, weight=0)
        graph.add_edge("source", ("p", person.id), capacity=1, weight=0)
        demand += 1
    for table in tables:
        for language in table.languages:
            graph.add_edge(("g", table.topic, language), ("t", table.id), capacity=table.seats, weight=0)
        graph.add_edge(("t", table.id), "drain", capacity=table.seats, weight=0)
    graph.add_node("source", demand=-demand)
    graph.add_node("drain", demand=demand)
    flow = nx.min_cost_flow(graph)
    return -sum(
        graph.edges[u, v]["weight"] * f for u, targets in flow.items() for v, f in targets.items() if f
    )


def same_country(assignment: dict[int, int], people: dict[int, MatchProfile]) -> float:
    """Share of table-mate pairs who come from the same country."""
    tables: dict[int, list[str]] = {}
    for person, table in assignment.items():
        tables.setdefault(table, []).append(people[person].country)
    same = pairs = 0
    for countries in tables.values():
        counts = np.unique(countries, return_counts=True)[1]
        same += int((counts * (counts - 1) // 2).sum())
        pairs += len(countries) * (len(countries) - 1) // 2
    return same / max(pairs, 1)


def bench_seating(n: int, seed: int, population: Population) -> dict[str, object]:
    tables, preferences = seating_case(population, seed)
    wall, cpu, result = timed(lambda: seat(population.profiles, tables, preferences), 3)
    by_id = {t.id: t for t in tables}
    people = {p.id: p for p in population.profiles}
    assert all(speaks(people[p], by_id[t]) for p, t in result.assignment.items())
    optimum_wall, _, optimum = timed(lambda: seating_optimum(population, tables, preferences), 1)
    unmixed = seat(population.profiles, tables, preferences, mix=False)
    return {
        "wall": wall,
        "cpu": cpu,
        "utility": result.utility,
        "optimum": optimum,
        "optimum_wall": optimum_wall,
        "seated": len(result.assignment),
        "tables": len(tables),
        "same_country": same_country(result.assignment, people),
        "unmixed": same_country(unmixed.assignment, people),
    }


# -- report ------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 5000, 10000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--parts", nargs="+", default=["recommendations", "pairing", "seating"], help="which sections to run"
    )
    args = parser.parse_args()
    print(
        f"matchmaking benchmark, {datetime.date.today()}, seed {args.seed}, {os.cpu_count()} CPUs, {load()}"
    )

    populations = {n: generate_population(n, seed=args.seed) for n in args.sizes}
    if "recommendations" in args.parts:
        recommendations_section(args, populations)
    if "pairing" in args.parts:
        pairing_section(args, populations)
    if "seating" in args.parts:
        seating_section(args, populations)
    print(f"\n{load()}")


def recommendations_section(args: argparse.Namespace, populations: dict[int, Population]) -> None:
    print("\n## Recommendations (top-10 for all; reciprocal precision@10 against the hidden preferences)")
    header = "| n | all lists: wall s | cpu s | refresh one: ms | ours | Jaccard | random | ours/Jaccard |"
    print(header + " max shown |")
    print("|---|---|---|---|---|---|---|---|---|")
    for n in args.sizes:
        r = bench_recommendations(n, args.seed, populations[n])
        print(
            f"| {n} | {r['wall']:.2f} | {r['cpu']:.2f} | {r['refresh_ms']:.1f} | {r['ours']:.3f} | "
            f"{r['jaccard']:.3f} | {r['random']:.3f} | {r['ours'] / r['jaccard']:.2f}x | "
            f"{r['max_exposure']} |",
            flush=True,
        )


def pairing_section(args: argparse.Namespace, populations: dict[int, Population]) -> None:
    print("\n## Speed-networking round (everyone present; weights = reciprocal scores)")
    print(
        "| n | score matrix s | pair_round wall s | cpu s | total weight | full-graph bound (LSA) | "
        "weight / bound | exact on candidate graph (MILP) | sample of 300: ours / exact blossom |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for n in [size for size in args.sizes if size <= 5000]:
        r = bench_pairing(n, args.seed, populations[n])
        milp_text = f"{r['milp']:.3f} ({r['milp_wall']:.1f} s)" if "milp" in r else "not run"
        print(
            f"| {n} | {r['matrix_wall']:.2f} | {r['wall']:.3f} | {r['cpu']:.3f} | {r['weight']:.3f} | "
            f"{r['bound']:.3f} ({r['bound_wall']:.1f} s) | {r['weight'] / r['bound']:.4%} | {milp_text} | "
            f"{r['sample_ours'] / r['sample_exact']:.4%} |",
            flush=True,
        )


def seating_section(args: argparse.Namespace, populations: dict[int, Population]) -> None:
    print(
        "\n## Roundtable seating (3 ranked choices each, utility 3/2/1; optimum by networkx network simplex)"
    )
    print("| n | tables | seat() wall s | cpu s | utility | optimum | seated | same country: mixed / not |")
    print("|---|---|---|---|---|---|---|---|")
    for n in args.sizes:
        r = bench_seating(n, args.seed, populations[n])
        print(
            f"| {n} | {r['tables']} | {r['wall']:.3f} | {r['cpu']:.3f} | {r['utility']} | "
            f"{r['optimum']} ({r['optimum_wall']:.0f} s) | {r['seated']} | {r['same_country']:.1%} / "
            f"{r['unmixed']:.1%} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
