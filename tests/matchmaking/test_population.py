"""Tests for the synthetic population: determinism, plausibility, hidden preferences, display data."""

from zoneinfo import ZoneInfo

import numpy as np
import pytest

from conference.matchmaking.model import INTENTS, ORG_TYPES
from conference.matchmaking.population import (
    COUNTRIES,
    DEFAULT_THEMES,
    demo_profiles,
    display_profiles,
    generate_population,
)

SPEC_PROFILE_KEYS = {
    "id",
    "name",
    "organisation",
    "org_type",
    "job_title",
    "country",
    "themes",
    "offers",
    "seeks",
    "languages",
    "timezone",
    "bio",
    "listed",
}


@pytest.fixture(scope="module")
def population():
    return generate_population(1500, seed=11)


def test_same_seed_gives_the_same_people():
    first, again, other = (
        generate_population(50, seed=4),
        generate_population(50, seed=4),
        generate_population(50, 5),
    )

    assert first.profiles == again.profiles
    assert display_profiles(first) == display_profiles(again)
    assert first.profiles != other.profiles


def test_profiles_use_only_known_vocabularies(population):
    for profile in population.profiles:
        assert profile.org_type in ORG_TYPES
        assert profile.country in COUNTRIES
        assert profile.themes and profile.themes <= set(DEFAULT_THEMES)
        assert profile.offers <= set(INTENTS) and profile.seeks <= set(INTENTS)
        assert profile.languages


def test_population_spans_thirty_countries_and_mostly_speaks_english(population):
    countries = {p.country for p in population.profiles}
    english = sum("en" in p.languages for p in population.profiles) / len(population.profiles)

    assert len(countries) >= 30
    assert {"BR", "CA", "IN", "KR", "MX", "US", "FR", "DE"} <= countries
    assert 0.7 < english < 0.95


def test_languages_are_plausible_for_the_country(population):
    for profile in population.profiles:
        home = {language for option in COUNTRIES[profile.country][1] for language in option}
        assert profile.languages & (home | {"en"})
    koreans = [p for p in population.profiles if p.country == "KR"]
    assert all("ko" in p.languages for p in koreans)


def test_themes_come_from_the_list_given():
    themes = {"housing": "Housing", "energy": "Community energy"}

    population = generate_population(100, seed=1, themes=themes)

    assert set().union(*(p.themes for p in population.profiles)) <= set(themes)


def test_declared_themes_are_a_partial_noisy_view_of_hidden_interest(population):
    slugs = list(population.themes)
    declared = np.array([[slug in p.themes for slug in slugs] for p in population.profiles])
    strong = population.theme_interest * len(slugs) > 1.2

    assert population.theme_interest[declared].mean() > 2 * population.theme_interest[~declared].mean()
    assert 0.5 < declared[strong].mean() < 0.95  # people tick only some of what they care about
    assert 0 < declared[~strong].mean() < 0.15  # and now and then something they do not


def test_true_mutual_interest_is_symmetric_and_selective(population):
    rng = np.random.default_rng(0)
    i, j = rng.integers(0, len(population.profiles), (2, 50_000))

    forward, backward = population.mutual(i, j), population.mutual(j, i)

    assert (forward == backward).all()
    assert not population.mutual(np.arange(10), np.arange(10)).any()
    assert 0.005 < forward.mean() < 0.1


def test_mutual_interest_needs_a_shared_language(population):
    profiles = population.profiles
    pairs = [
        (a, b) for a in range(200) for b in range(200) if not profiles[a].languages & profiles[b].languages
    ]

    i, j = np.array(pairs).T

    assert pairs and not population.mutual(i, j).any()


def test_display_profiles_have_the_spec_shape(population):
    shown = display_profiles(population)

    for entry, profile in zip(shown, population.profiles, strict=True):
        assert set(entry) == SPEC_PROFILE_KEYS
        assert (entry["id"], entry["name"], entry["country"], entry["listed"]) == (
            profile.id,
            profile.name,
            profile.country,
            profile.listed,
        )
        assert set(entry["themes"]) == profile.themes and set(entry["seeks"]) == profile.seeks
        assert entry["organisation"] and entry["job_title"] and entry["bio"]
        ZoneInfo(entry["timezone"])


def test_demo_profiles_are_ready_for_demo_data():
    people = demo_profiles(20, seed=3)

    assert [p["id"] for p in people] == list(range(1, 21))
    assert len({p["name"] for p in people}) > 15
    assert all(p["name"].count(" ") >= 1 for p in people)
