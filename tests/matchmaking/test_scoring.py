"""Tests for reciprocal scores, recommendation lists, reasons and matchmaking settings."""

import re
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conference.matchmaking.model import INTENT_LABELS, INTENTS, ORG_TYPES, MatchProfile
from conference.matchmaking.population import generate_population
from conference.matchmaking.reasons import (
    country_name,
    join_words,
    language_name,
    org_pair_phrase,
    theme_phrase,
)
from conference.matchmaking.scoring import MatchIndex, recommend
from conference.matchmaking.settings import DEFAULT_COMPLEMENTARITY, MatchSettings, SettingsError, Weights

THEMES = {
    "legal-frameworks": "Legal frameworks",
    "impact-measurement": "Social impact measurement",
    "women-in-sse": "Women in the SSE",
}
SLOTS = ["Mon 14:00", "Mon 15:00", "Tue 14:00", "Tue 15:00"]


def person(id, **fields):
    defaults = {
        "org_type": "cooperative",
        "country": "FR",
        "themes": {"legal-frameworks"},
        "offers": {"expertise"},
        "seeks": {"funding"},
        "languages": {"en"},
    }
    return MatchProfile(id=id, name=f"P{id}", **(defaults | fields))


profiles_strategy = st.builds(
    MatchProfile,
    id=st.just(0),
    org_type=st.sampled_from(ORG_TYPES),
    country=st.sampled_from(["FR", "ES", "KR", "US", ""]),
    themes=st.frozensets(st.sampled_from([*THEMES, "not-a-theme"]), max_size=3),
    offers=st.frozensets(st.sampled_from(INTENTS), max_size=4),
    seeks=st.frozensets(st.sampled_from(INTENTS), max_size=4),
    languages=st.frozensets(st.sampled_from(["en", "fr", "es", "ko"]), min_size=1, max_size=2),
    free_slots=st.frozensets(st.integers(0, 3), max_size=3),
    listed=st.booleans(),
)


def numbered(profiles):
    return [replace(p, id=k + 1) for k, p in enumerate(profiles)]


def reason_is_true(line, viewer, other, index):
    """Check the claim a reason makes against the two profiles."""
    if m := re.fullmatch(r"You both work on (.+)", line):
        shared = [slug for slug in THEMES if slug in viewer.themes and slug in other.themes]
        return m[1] == join_words(theme_phrase(THEMES[slug]) for slug in shared[:3])
    if m := re.fullmatch(r"They offer (.+), which you seek", line):
        given = [i for i in INTENTS if i in viewer.seeks and i in other.offers]
        return bool(given) and m[1] == join_words(INTENT_LABELS[i] for i in given)
    if m := re.fullmatch(r"You offer (.+), which they seek", line):
        wanted = [i for i in INTENTS if i in other.seeks and i in viewer.offers]
        return bool(wanted) and m[1] == join_words(INTENT_LABELS[i] for i in wanted)
    if m := re.fullmatch(r"Peer from (.+)", line):
        return (
            viewer.country != other.country and viewer.country != "" and m[1] == country_name(other.country)
        )
    if m := re.fullmatch(r"You both speak (.+)", line):
        names = {language_name(code): code for code in viewer.languages & other.languages}
        claimed = [name for name in names if name in m[1]]
        return bool(claimed) and "en" not in {names[name] for name in claimed}
    if m := re.fullmatch(r"You are both free at (.+)", line):
        return any(SLOTS[slot] == m[1] for slot in viewer.free_slots & other.free_slots)
    if line == org_pair_phrase(viewer.org_type, other.org_type):
        return index.settings.complementarity[viewer.org_type, other.org_type] > 0
    return False


# -- scores ------------------------------------------------------------------------------------


def test_score_matches_the_formula_on_a_worked_example():
    viewer = person(1, themes={"legal-frameworks", "women-in-sse"}, seeks={"funding", "expertise"})
    other = person(
        2, org_type="funder", country="ES", themes={"legal-frameworks"}, offers={"funding"}, seeks=set()
    )
    weights = Weights(intents=0.4, themes=0.3, org_types=0.2, other_country=0.1, free_slot=0.0)
    index = MatchIndex([viewer, other], MatchSettings(weights=weights), themes=THEMES)

    score = index.score(1, 2)

    comp = DEFAULT_COMPLEMENTARITY["cooperative", "funder"]
    ahead = 0.4 * 1 / 2 + 0.3 * 1 / 2 + 0.2 * comp + 0.1  # they offer 1 of my 2 seeks, 1 of my 2 themes
    back = 0.4 * 0 + 0.3 * 1 / 1 + 0.2 * comp + 0.1  # they seek nothing; I share their only theme
    assert score == pytest.approx(2 * ahead * back / (ahead + back), abs=1e-5)


@settings(max_examples=60, deadline=None)
@given(st.lists(profiles_strategy, min_size=2, max_size=6))
def test_score_is_symmetric_and_within_unit_interval(profiles):
    people = numbered(profiles)
    index = MatchIndex(people, themes=THEMES)

    for a in people:
        for b in people:
            if a.id < b.id:
                assert 0.0 <= index.score(a.id, b.id) <= 1.0
                assert index.score(a.id, b.id) == pytest.approx(index.score(b.id, a.id), abs=1e-6)


def test_no_common_language_scores_zero_and_is_never_recommended():
    french = person(1, languages={"fr"}, org_type="government")
    korean = person(2, languages={"ko"}, org_type="cooperative", country="KR")
    index = MatchIndex([french, korean], themes=THEMES)

    lists = index.recommend_all()

    assert index.score(1, 2) == 0.0
    assert lists == {1: [], 2: []}


def test_one_sided_fit_scores_lower_than_mutual_fit():
    seeker = person(1, seeks={"funding"}, offers={"expertise"})
    one_sided = person(2, country="ES", offers={"funding"}, seeks={"policy_dialogue"})
    mutual = person(3, country="ES", offers={"funding"}, seeks={"expertise"})
    index = MatchIndex([seeker, one_sided, mutual], themes=THEMES)

    assert index.score(1, 3) > index.score(1, 2)


def test_pair_where_only_one_side_gains_scores_zero():
    weights = Weights(intents=1.0, themes=0.0, org_types=0.0, other_country=0.0, free_slot=0.0)
    seeker = person(1, seeks={"funding"}, offers=set())
    lopsided = person(2, offers={"funding"}, seeks=set())
    index = MatchIndex([seeker, lopsided], MatchSettings(weights=weights), themes=THEMES)

    assert index.score(1, 2) == 0.0  # the funder gains nothing, so the harmonic mean is 0


# -- lists -------------------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(st.lists(profiles_strategy, min_size=2, max_size=12), st.integers(1, 5))
def test_lists_follow_every_rule(profiles, limit):
    people = numbered(profiles)
    index = MatchIndex(people, MatchSettings(exposure_cap=3), themes=THEMES, slot_labels=SLOTS)
    by_id = {p.id: p for p in people}

    lists = index.recommend_all(limit=limit)

    assert set(lists) == set(by_id)
    for viewer_id, recommendations in lists.items():
        viewer = by_id[viewer_id]
        assert len(recommendations) <= limit
        assert [r.score for r in recommendations] == sorted((r.score for r in recommendations), reverse=True)
        for rec in recommendations:
            other = by_id[rec.user_id]
            assert rec.user_id != viewer_id
            assert other.listed
            assert viewer.languages & other.languages
            assert 0 < rec.score <= 1
            assert rec.reasons
            for line in rec.reasons:
                assert reason_is_true(line, viewer, other, index), line
    shown = [r.user_id for recs in lists.values() for r in recs]
    assert all(shown.count(i) <= 3 for i in by_id)


def test_unlisted_person_gets_recommendations_but_is_never_shown():
    visible = person(1)
    hidden = person(2, org_type="funder", offers={"funding"}, listed=False)

    lists = recommend([visible, hidden], themes=THEMES)

    assert lists[1] == []
    assert [r.user_id for r in lists[2]] == [1]


def test_pair_exclusions_hide_both_ways():
    people = [person(1), person(2, org_type="funder"), person(3, org_type="government")]

    lists = recommend(people, exclusions={frozenset({1, 2})}, themes=THEMES)

    assert [r.user_id for r in lists[1]] == [3]
    assert [r.user_id for r in lists[2]] == [3]
    assert sorted(r.user_id for r in lists[3]) == [1, 2]


def test_mapping_exclusions_hide_one_way():
    people = [person(1), person(2, org_type="funder")]

    lists = recommend(people, exclusions={1: {2}}, themes=THEMES)

    assert lists[1] == []
    assert [r.user_id for r in lists[2]] == [1]


def test_exposure_cap_holds_over_the_whole_population():
    star = person(1, org_type="funder", offers={"funding"}, seeks={"expertise"}, country="US")
    crowd = [person(k, country="FR") for k in range(2, 12)]

    index = MatchIndex([star, *crowd], MatchSettings(exposure_cap=4), themes=THEMES)
    lists = index.recommend_all(limit=3)

    assert sum(1 for recs in lists.values() for r in recs if r.user_id == 1) == 4
    assert index.exposure(1) == 4
    assert all(index.exposure(p.id) <= 4 for p in crowd)


def test_exposure_cap_gives_the_star_to_the_best_matched_viewers():
    star = person(1, org_type="funder", offers={"funding"}, seeks={"expertise"}, country="US")
    keen = [person(k, offers={"expertise"}, seeks={"funding"}) for k in (2, 3)]
    lukewarm = [person(k, offers={"mentoring"}, seeks={"funding"}) for k in (4, 5, 6)]

    lists = recommend([star, *keen, *lukewarm], MatchSettings(exposure_cap=2), limit=1, themes=THEMES)

    assert [lists[k][0].user_id for k in (2, 3)] == [1, 1]
    assert all(not recs or recs[0].user_id != 1 for k, recs in lists.items() if k in (4, 5, 6))


def test_whole_population_pass_matches_viewer_by_viewer_pass():
    population = generate_population(300, seed=5)
    index = MatchIndex(population.profiles, themes=population.themes, exclusions={frozenset({1, 2})})

    everyone = index.recommend_all(limit=10)
    one_by_one = index.recommend_all(limit=10, for_ids=[p.id for p in population.profiles])

    assert everyone == one_by_one


def test_update_of_one_profile_changes_that_persons_list():
    population = generate_population(200, seed=2)
    index = MatchIndex(population.profiles, themes=population.themes)
    index.recommend_all()
    viewer = next(p for p in population.profiles if "en" in p.languages)
    before = index.current(viewer.id)
    changed = replace(viewer, org_type="research", seeks=frozenset({"policy_dialogue"}), themes=frozenset())

    index.update(changed)
    after = index.top(viewer.id)

    assert len(before) == len(after) == 10
    assert [r.user_id for r in after] != before
    assert all(r.score == pytest.approx(index.score(viewer.id, r.user_id), abs=1e-5) for r in after)
    assert index.current(viewer.id) == [r.user_id for r in after]


def test_refresh_keeps_the_exposure_cap():
    star = person(1, org_type="funder", offers={"funding"}, seeks={"expertise"}, country="US")
    crowd = [person(k) for k in range(2, 8)]
    index = MatchIndex([star, *crowd], MatchSettings(exposure_cap=2), themes=THEMES)
    index.recommend_all(limit=2)
    newcomer = person(8, seeks={"funding"}, offers={"expertise"})

    index.update(newcomer)
    refreshed = index.top(8, limit=2)

    assert 1 not in [r.user_id for r in refreshed]
    assert index.exposure(1) == 2


def test_removed_person_is_no_longer_recommended():
    people = [person(1), person(2, org_type="funder"), person(3, org_type="government")]
    index = MatchIndex(people, themes=THEMES)

    index.remove(2)

    assert [r.user_id for r in index.recommend_all()[1]] == [3]
    assert 2 not in index.recommend_all()


# -- reasons -----------------------------------------------------------------------------------


def test_reasons_name_what_scored_in_plain_words():
    viewer = person(1, themes={"impact-measurement"}, seeks={"funding"}, offers={"data_evidence"})
    funder = person(
        2,
        org_type="funder",
        country="KR",
        themes={"impact-measurement"},
        offers={"funding"},
        seeks={"data_evidence"},
        languages={"en", "ko"},
    )

    [recommendation] = recommend([viewer, funder], themes=THEMES)[1]

    assert sorted(recommendation.reasons) == sorted(
        [
            "You both work on social impact measurement",
            "They offer funding, which you seek",
            "You offer data and evidence, which they seek",
            "Practitioner ↔ funder",
            "Peer from South Korea",
        ]
    )


def test_shared_language_is_mentioned_only_when_it_says_something():
    french_pair = [person(1, languages={"fr", "en"}), person(2, country="BE", languages={"fr", "en"})]
    compatriots = [person(1, languages={"fr", "en"}), person(2, languages={"fr", "en"})]

    across = recommend(french_pair, themes=THEMES)[1][0].reasons
    at_home = recommend(compatriots, themes=THEMES)[1][0].reasons

    assert "You both speak French" in across
    assert not any("speak" in line for line in at_home)


def test_free_slot_reason_uses_the_slot_label():
    people = [person(1, free_slots={2, 3}), person(2, org_type="funder", free_slots={0, 3})]

    reasons = recommend(people, themes=THEMES, slot_labels=SLOTS)[1][0].reasons

    assert "You are both free at Tue 15:00" in reasons


def test_an_ordinary_org_pairing_is_named_only_when_nothing_else_scored():
    weights = Weights(intents=0.0, themes=0.0, other_country=0.0, free_slot=0.0, org_types=1.0)
    people = [person(1, org_type="business"), person(2, org_type="business")]

    [recommendation] = recommend(people, MatchSettings(weights=weights), themes=THEMES)[1]

    assert recommendation.reasons == ["Fellow businesses"]


# -- settings ----------------------------------------------------------------------------------


def test_settings_round_trip_through_json_shape():
    custom = MatchSettings(
        weights=Weights(intents=0.5, themes=0.2, org_types=0.2, other_country=0.05, free_slot=0.05),
        complementarity={("government", "cooperative"): 1.0},
        exposure_cap=12,
        min_score=0.1,
    )

    assert MatchSettings.from_dict(custom.to_dict()) == custom


def test_default_complementarity_is_symmetric_and_complete():
    table = MatchSettings().complementarity

    assert {(a, b) for a in ORG_TYPES for b in ORG_TYPES} == set(table)
    assert all(table[a, b] == table[b, a] and 0 <= table[a, b] <= 1 for a, b in table)
    assert table["government", "cooperative"] > table["business", "business"]


def test_partial_table_fills_both_sides_and_keeps_other_defaults():
    settings = MatchSettings.from_dict({"complementarity": {"cooperative": {"government": 0.2}}})

    assert settings.complementarity["government", "cooperative"] == 0.2
    assert (
        settings.complementarity["funder", "cooperative"] == DEFAULT_COMPLEMENTARITY["funder", "cooperative"]
    )


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"weights": {"themes": -1}}, "weights.themes"),
        ({"weights": {"theme": 1}}, "weights.theme"),
        ({"weights": {"themes": "high"}}, "weights.themes"),
        (
            {"weights": dict.fromkeys(("themes", "intents", "org_types", "other_country", "free_slot"), 0)},
            "weights",
        ),
        ({"complementarity": {"goverment": {"cooperative": 0.5}}}, "complementarity.goverment"),
        ({"complementarity": {"government": {"coop": 0.5}}}, "complementarity.government.coop"),
        ({"complementarity": {"government": {"cooperative": 1.5}}}, "complementarity.government.cooperative"),
        (
            {"complementarity": {"government": {"cooperative": 0.5}, "cooperative": {"government": 0.6}}},
            "complementarity.cooperative.government",
        ),
        ({"complementarity": [0.5]}, "complementarity"),
        ({"exposure_cap": 0}, "exposure_cap"),
        ({"exposure_cap": 2.5}, "exposure_cap"),
        ({"exposure_cap": True}, "exposure_cap"),
        ({"min_score": 1}, "min_score"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_settings_errors_name_the_field(data, field):
    with pytest.raises(SettingsError) as caught:
        MatchSettings.from_dict(data)

    assert field in caught.value.fields
    assert field in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_settings_report_every_problem_at_once():
    with pytest.raises(SettingsError) as caught:
        MatchSettings.from_dict({"exposure_cap": -3, "min_score": 2, "weights": {"themes": -1}})

    assert set(caught.value.fields) == {"exposure_cap", "min_score", "weights.themes"}


def test_settings_built_in_code_are_validated_too():
    with pytest.raises(SettingsError) as caught:
        MatchSettings(complementarity={("government", "cooperative"): 2.0})

    assert list(caught.value.fields) == ["complementarity.government.cooperative"]
