"""Synthetic attendees with hidden "true" preferences, for benchmarks, tests and demo data.

Each person has latent tastes the platform never sees: theme interests, needs and capabilities
per intent, how much they value each organisation type, meeting someone from abroad, and a
little personal chemistry. Their hidden utility for a partner mixes these with personal weights.
The visible profile is a partial, noisy declaration of the same tastes (people tick some of what
they care about, and now and then something they do not). Two people truly want to meet when
each one's utility for the other clears a threshold and they share a language.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from conference.matchmaking import demo_text
from conference.matchmaking.model import INTENT_LABELS, INTENTS, ORG_TYPES, MatchProfile
from conference.matchmaking.reasons import country_name, join_words, theme_phrase

DEFAULT_THEMES: dict[str, str] = {
    "legal-frameworks": "Legal frameworks",
    "impact-measurement": "Social impact measurement",
    "internationalisation": "Internationalisation",
    "women-in-sse": "Women in the SSE",
    "rebuilding-better": "Rebuilding better",
    "ecosystems": "SSE ecosystems",
}

# code: (share of attendees, language options (one is drawn), chance of English, time zones, name group)
COUNTRIES: dict[str, tuple[float, tuple[tuple[str, ...], ...], float, tuple[str, ...], str]] = {
    "AT": (2, (("de",),), 0.85, ("Europe/Vienna",), "de"),
    "BE": (4, (("fr",), ("nl",), ("fr", "nl")), 0.85, ("Europe/Brussels",), "fr"),
    "BG": (1, (("bg",),), 0.7, ("Europe/Sofia",), "bg"),
    "BR": (3, (("pt",),), 0.55, ("America/Sao_Paulo", "America/Recife"), "pt"),
    "CA": (
        4,
        (("en",), ("en",), ("en", "fr"), ("fr", "en")),
        1.0,
        ("America/Toronto", "America/Vancouver"),
        "en",
    ),
    "CY": (1, (("el",),), 0.9, ("Asia/Nicosia",), "el"),
    "CZ": (1, (("cs",),), 0.75, ("Europe/Prague",), "cs"),
    "DE": (5, (("de",),), 0.85, ("Europe/Berlin",), "de"),
    "DK": (1, (("da",),), 0.95, ("Europe/Copenhagen",), "nordic"),
    "EE": (1, (("et",),), 0.85, ("Europe/Tallinn",), "baltic"),
    "ES": (8, (("es",), ("es",), ("es", "ca")), 0.65, ("Europe/Madrid",), "es"),
    "FI": (1, (("fi",), ("fi", "sv")), 0.9, ("Europe/Helsinki",), "fi"),
    "FR": (8, (("fr",),), 0.7, ("Europe/Paris",), "fr"),
    "GR": (2, (("el",),), 0.8, ("Europe/Athens",), "el"),
    "HR": (1, (("hr",),), 0.75, ("Europe/Zagreb",), "hr"),
    "HU": (1, (("hu",),), 0.7, ("Europe/Budapest",), "hu"),
    "IE": (2, (("en",),), 1.0, ("Europe/Dublin",), "en"),
    "IN": (3, (("hi", "en"), ("en",)), 1.0, ("Asia/Kolkata",), "in"),
    "IT": (6, (("it",),), 0.7, ("Europe/Rome",), "it"),
    "KR": (3, (("ko",),), 0.75, ("Asia/Seoul",), "ko"),
    "LT": (1, (("lt",),), 0.8, ("Europe/Vilnius",), "baltic"),
    "LU": (1, (("fr", "de", "lb"),), 0.9, ("Europe/Luxembourg",), "fr"),
    "LV": (1, (("lv",),), 0.8, ("Europe/Riga",), "baltic"),
    "MT": (1, (("mt", "en"),), 1.0, ("Europe/Malta",), "mt"),
    "MX": (3, (("es",),), 0.6, ("America/Mexico_City",), "es"),
    "NL": (3, (("nl",),), 0.95, ("Europe/Amsterdam",), "nl"),
    "PL": (3, (("pl",),), 0.75, ("Europe/Warsaw",), "pl"),
    "PT": (3, (("pt",),), 0.75, ("Europe/Lisbon",), "pt"),
    "RO": (2, (("ro",),), 0.75, ("Europe/Bucharest",), "ro"),
    "SE": (2, (("sv",),), 0.95, ("Europe/Stockholm",), "nordic"),
    "SI": (1, (("sl",),), 0.8, ("Europe/Ljubljana",), "hr"),
    "SK": (1, (("sk",),), 0.75, ("Europe/Bratislava",), "cs"),
    "US": (5, (("en",), ("en",), ("en", "es")), 1.0, ("America/New_York", "America/Chicago"), "en"),
}
SECOND_LANGUAGES = ("fr", "es", "de", "it", "pt")

ORG_SHARES = {
    "cooperative": 0.15,
    "social_enterprise": 0.16,
    "association": 0.12,
    "foundation": 0.05,
    "government": 0.12,
    "international_org": 0.04,
    "research": 0.1,
    "funder": 0.05,
    "network": 0.08,
    "business": 0.08,
    "other": 0.05,
}

_P = ("cooperative", "social_enterprise", "association")
_F = ("foundation", "funder")
# Typical need / capability per intent by organisation type (a person varies around these).
_NEEDS: dict[tuple[str, ...], dict[str, float]] = {
    _P: {"funding": 0.8, "partnership": 0.6, "expertise": 0.4, "policy_dialogue": 0.5, "market_access": 0.6}
    | {
        "peer_learning": 0.6,
        "visibility": 0.6,
        "data_evidence": 0.3,
        "mentoring": 0.4,
        "research_collab": 0.2,
    },
    _F: {"partnership": 0.5, "data_evidence": 0.7, "visibility": 0.3, "expertise": 0.3, "peer_learning": 0.3},
    ("government",): {"data_evidence": 0.7, "expertise": 0.7, "policy_dialogue": 0.5, "peer_learning": 0.6}
    | {"research_collab": 0.3, "partnership": 0.4},
    ("international_org",): {
        "data_evidence": 0.6,
        "partnership": 0.6,
        "policy_dialogue": 0.5,
        "expertise": 0.4,
    },
    ("research",): {"research_collab": 0.6, "data_evidence": 0.7, "partnership": 0.4, "funding": 0.5}
    | {"visibility": 0.3},
    ("network",): {"partnership": 0.7, "visibility": 0.5, "funding": 0.4, "peer_learning": 0.5}
    | {"policy_dialogue": 0.4},
    ("business",): {"partnership": 0.6, "market_access": 0.6, "expertise": 0.3, "visibility": 0.4},
    ("other",): dict.fromkeys(INTENTS, 0.3),
}
_OFFERS: dict[tuple[str, ...], dict[str, float]] = {
    _P: {"expertise": 0.5, "peer_learning": 0.7, "partnership": 0.5, "data_evidence": 0.3, "mentoring": 0.3},
    _F: {"funding": 0.9, "mentoring": 0.5, "visibility": 0.4, "partnership": 0.3},
    ("government",): {"policy_dialogue": 0.9, "funding": 0.4, "visibility": 0.4, "partnership": 0.4}
    | {"market_access": 0.3},
    ("international_org",): {"policy_dialogue": 0.6, "visibility": 0.6, "expertise": 0.6, "funding": 0.3}
    | {"data_evidence": 0.4, "research_collab": 0.3},
    ("research",): {"research_collab": 0.8, "data_evidence": 0.7, "expertise": 0.8, "mentoring": 0.3},
    ("network",): {"visibility": 0.7, "peer_learning": 0.7, "partnership": 0.6, "market_access": 0.4}
    | {"policy_dialogue": 0.3},
    ("business",): {
        "market_access": 0.8,
        "mentoring": 0.5,
        "expertise": 0.5,
        "funding": 0.3,
        "partnership": 0.4,
    },
    ("other",): {"expertise": 0.4, "mentoring": 0.3, "visibility": 0.3},
}
# How much a person of the first kind values meeting the second (directional, unlike the settings table).
_VALUES: tuple[tuple[tuple[str, ...], tuple[str, ...], float], ...] = (
    (ORG_TYPES, ORG_TYPES, 0.25),
    (ORG_TYPES, ("network",), 0.5),
    (_P, _P, 0.55),
    (_P, _F, 0.95),
    (_F, _P, 0.75),
    (_P, ("government",), 0.8),
    (("government",), _P, 0.8),
    (("government",), ("research",), 0.75),
    (("research",), ("government",), 0.8),
    (("research",), _P, 0.65),
    (_P, ("research",), 0.45),
    (("government",), ("government",), 0.55),
    (("international_org",), ("government",), 0.85),
    (("government",), ("international_org",), 0.6),
    (("business",), _P, 0.7),
    (_P, ("business",), 0.5),
    (_F, ("research",), 0.5),
    (("network",), ORG_TYPES, 0.55),
)


def _table(rules: Mapping[tuple[str, ...], Mapping[str, float]]) -> np.ndarray:
    table = np.zeros((len(ORG_TYPES), len(INTENTS)))
    for orgs, values in rules.items():
        for org in orgs:
            for intent, value in values.items():
                table[ORG_TYPES.index(org), INTENTS.index(intent)] = value
    return table


def _values() -> np.ndarray:
    table = np.zeros((len(ORG_TYPES), len(ORG_TYPES)))
    for left, right, value in _VALUES:
        for a in left:
            for b in right:
                table[ORG_TYPES.index(a), ORG_TYPES.index(b)] = value
    return table


@dataclass(frozen=True, eq=False)
class Population:
    """Visible profiles (`profiles[k]` has id `ids[k]`) and the hidden tastes behind them."""

    profiles: list[MatchProfile]
    themes: dict[str, str]
    seed: int
    theme_interest: np.ndarray  # n x themes, rows sum to 1
    needs: np.ndarray  # n x intents in [0, 1]
    capabilities: np.ndarray  # n x intents in [0, 1]
    org_values: np.ndarray  # n x org types: how much each person values meeting each type
    abroad: np.ndarray  # n: value of meeting someone from another country (may be negative)
    mix: np.ndarray  # n x 4: personal weights of themes, intents, org type, abroad
    chemistry: tuple[np.ndarray, np.ndarray]  # n x k each: idiosyncratic taste
    threshold: float

    @property
    def ids(self) -> np.ndarray:
        return np.array([p.id for p in self.profiles], dtype=np.int64)

    def utility(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Hidden utility of person at position i for the one at position j (element-wise)."""
        i, j = np.asarray(i), np.asarray(j)
        theme = np.einsum("ij,ij->i", np.sqrt(self.theme_interest[i]), np.sqrt(self.theme_interest[j]))
        need = self.needs[i]
        intent = np.einsum("ij,ij->i", need, self.capabilities[j]) / np.maximum(need.sum(axis=1), 1e-9)
        org = self.org_values[i, self._org[j]]
        abroad = self.abroad[i] * (self._country[i] != self._country[j])
        mix = self.mix[i]
        taste = np.einsum("ij,ij->i", self.chemistry[0][i], self.chemistry[1][j])
        return mix[:, 0] * theme + mix[:, 1] * intent + mix[:, 2] * org + mix[:, 3] * abroad + taste

    def mutual(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Whether the people at positions i and j truly want to meet each other (element-wise)."""
        i, j = np.asarray(i), np.asarray(j)
        speak = np.einsum("ij,ij->i", self._languages[i], self._languages[j]) > 0
        return (
            (i != j) & speak & (self.utility(i, j) > self.threshold) & (self.utility(j, i) > self.threshold)
        )

    @cached_property
    def _org(self) -> np.ndarray:
        return np.array([ORG_TYPES.index(p.org_type) for p in self.profiles])

    @cached_property
    def _country(self) -> np.ndarray:
        codes = {code: k for k, code in enumerate(COUNTRIES)}
        return np.array([codes[p.country] for p in self.profiles])

    @cached_property
    def _languages(self) -> np.ndarray:
        codes = sorted({lang for p in self.profiles for lang in p.languages})
        matrix = np.zeros((len(self.profiles), len(codes)), dtype=np.float32)
        position = {code: k for k, code in enumerate(codes)}
        for row, p in enumerate(self.profiles):
            matrix[row, [position[code] for code in p.languages]] = 1
        return matrix


def generate_population(
    n: int,
    seed: int = 0,
    *,
    themes: Mapping[str, str] | Sequence[str] = DEFAULT_THEMES,
    start_id: int = 1,
    slots: int = 8,
    wanted_share: float = 0.12,
) -> Population:
    """n synthetic attendees with ids start_id.. from `seed` (same seed, same people).

    `wanted_share` is the share of random pairs in which one side wants to meet the other; the
    threshold is set from it. `slots` networking slots exist; each person is free in some.
    """
    theme_names = dict(themes) if isinstance(themes, Mapping) else {t: t for t in themes}
    slugs = list(theme_names)
    rng = np.random.default_rng(seed)
    codes = list(COUNTRIES)
    shares = np.array([COUNTRIES[c][0] for c in codes], dtype=float)
    country = rng.choice(len(codes), size=n, p=shares / shares.sum())
    org_shares = np.array([ORG_SHARES[o] for o in ORG_TYPES])
    org = rng.choice(len(ORG_TYPES), size=n, p=org_shares / org_shares.sum())

    theme_interest = rng.dirichlet(np.full(len(slugs), 0.5), size=n)
    needs = np.clip(_table(_NEEDS)[org] + rng.normal(0, 0.2, (n, len(INTENTS))), 0, 1)
    capabilities = np.clip(_table(_OFFERS)[org] + rng.normal(0, 0.2, (n, len(INTENTS))), 0, 1)
    org_values = np.clip(_values()[org] + rng.normal(0, 0.15, (n, len(ORG_TYPES))), 0, 1)
    abroad = np.clip(rng.normal(0.5, 0.4, n), -0.5, 1)
    mix = rng.dirichlet([3.0, 4.0, 3.0, 1.0], size=n)
    chemistry = (rng.normal(0, 0.12, (n, 4)), rng.normal(0, 0.12, (n, 4)))

    names = _names(np.random.default_rng([seed, 7]), [codes[c] for c in country])
    profiles = []
    for k in range(n):
        code = codes[country[k]]
        _, options, english, _, _ = COUNTRIES[code]
        languages = set(options[rng.integers(len(options))])
        if rng.random() < english:
            languages.add("en")
        if rng.random() < 0.2:
            languages.add(SECOND_LANGUAGES[rng.integers(len(SECOND_LANGUAGES))])
        declared = _declare(rng, theme_interest[k] * len(slugs), 1.2, 0.75, 0.04, minimum=1)
        seeks = _declare(rng, needs[k], 0.5, 0.7, 0.03, maximum=4)
        offers = _declare(rng, capabilities[k], 0.5, 0.7, 0.03, maximum=4)
        free = rng.random(slots) < rng.uniform(0.3, 0.8)
        profiles.append(
            MatchProfile(
                id=start_id + k,
                name=names[k],
                org_type=ORG_TYPES[org[k]],
                country=code,
                themes=frozenset(slugs[t] for t in declared),
                offers=frozenset(INTENTS[t] for t in offers),
                seeks=frozenset(INTENTS[t] for t in seeks),
                languages=frozenset(languages),
                free_slots=frozenset(int(s) for s in np.flatnonzero(free)),
                listed=bool(rng.random() < 0.95),
            )
        )
    population = Population(
        profiles=profiles,
        themes=theme_names,
        seed=seed,
        theme_interest=theme_interest,
        needs=needs,
        capabilities=capabilities,
        org_values=org_values,
        abroad=abroad,
        mix=mix,
        chemistry=chemistry,
        threshold=0.0,
    )
    sample = rng.integers(0, n, size=(2, min(200_000, n * n)))
    sample = sample[:, sample[0] != sample[1]]
    threshold = float(np.quantile(population.utility(sample[0], sample[1]), 1 - wanted_share))
    object.__setattr__(population, "threshold", threshold)
    return population


def _declare(
    rng: np.random.Generator,
    strength: np.ndarray,
    cut: float,
    tick: float,
    noise: float,
    *,
    minimum: int = 0,
    maximum: int | None = None,
) -> list[int]:
    """Indexes a person ticks: each strong item with chance `tick`, each other with chance `noise`."""
    strong = strength > cut
    ticked = np.flatnonzero(
        (strong & (rng.random(len(strength)) < tick)) | (~strong & (rng.random(len(strength)) < noise))
    )
    ticked = sorted(ticked.tolist(), key=lambda t: -strength[t])
    if maximum is not None:
        ticked = ticked[:maximum]
    if len(ticked) < minimum:
        ticked = [int(np.argmax(strength))]
    return ticked


def display_profiles(population: Population) -> list[dict[str, Any]]:
    """SPEC-shaped Profile dicts for the population: names, organisations, job titles, bios.

    Deterministic for the population's seed; the visible fields are exactly the matching profile's.
    """
    rng = np.random.default_rng([population.seed, 8])
    result = []
    for profile in population.profiles:
        zones = COUNTRIES[profile.country][3]
        last = profile.name.split(" ", 1)[1]
        city = _pick(rng, demo_text.CITIES[profile.country])
        template = _pick(rng, demo_text.ORGANISATIONS[profile.org_type])
        organisation = template.format(
            city=city,
            country=country_name(profile.country).removeprefix("the "),
            family=last,
            word=_pick(rng, demo_text.ORGANISATION_WORDS),
        )
        job_title = _pick(rng, demo_text.JOB_TITLES[profile.org_type])
        themes = [slug for slug in population.themes if slug in profile.themes]
        offers = [i for i in INTENTS if i in profile.offers]
        seeks = [i for i in INTENTS if i in profile.seeks]
        bio = f"{job_title} at {organisation}, {city}."
        if themes:
            bio += f" Works on {join_words(theme_phrase(population.themes[t]) for t in themes)}."
        if seeks:
            bio += f" Looking for {join_words(INTENT_LABELS[i] for i in seeks)}."
        if offers:
            bio += f" Can offer {join_words(INTENT_LABELS[i] for i in offers)}."
        result.append(
            {
                "id": profile.id,
                "name": profile.name,
                "organisation": organisation,
                "org_type": profile.org_type,
                "job_title": job_title,
                "country": profile.country,
                "themes": themes,
                "offers": offers,
                "seeks": seeks,
                "languages": sorted(profile.languages),
                "timezone": _pick(rng, zones),
                "bio": bio,
                "listed": profile.listed,
            }
        )
    return result


def demo_profiles(
    n: int, seed: int = 0, *, themes: Mapping[str, str] = DEFAULT_THEMES
) -> list[dict[str, Any]]:
    """n display-ready synthetic attendees (SPEC Profile dicts, ids from 1), for `conference demo-data`."""
    return display_profiles(generate_population(n, seed, themes=themes))


def _names(rng: np.random.Generator, countries: Sequence[str]) -> list[str]:
    names = []
    for code in countries:
        given, family = demo_text.NAMES[COUNTRIES[code][4]]
        names.append(f"{_pick(rng, given)} {_pick(rng, family)}")
    return names


def _pick(rng: np.random.Generator, options: Sequence[str]) -> str:
    return options[int(rng.integers(len(options)))]
