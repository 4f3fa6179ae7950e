"""Plain-words reasons for a recommendation, built from the terms that scored for that pair."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cache

from babel import Locale

from conference.matchmaking.model import INTENT_LABELS, INTENTS, MatchProfile
from conference.matchmaking.settings import MatchSettings

ROLES: dict[str, str] = {
    "cooperative": "practitioner",
    "social_enterprise": "practitioner",
    "association": "practitioner",
    "foundation": "funder",
    "funder": "funder",
    "government": "policy maker",
    "international_org": "international organisation",
    "research": "researcher",
    "network": "network",
    "business": "business",
    "other": "organisation",
}
_PLURAL = {"business": "businesses", "network": "network organisations"}

# Below this an org-type pairing is ordinary; it is named only when nothing else scored.
NOTABLE_COMPLEMENTARITY = 0.5
MAX_REASONS = 5

# English puts "the" before these country names ("Peer from the Netherlands").
_WITH_ARTICLE = frozenset({"US", "GB", "NL", "PH", "AE", "DO", "CD", "CF", "BS", "GM", "MV", "SC", "VA"})


@cache
def _english() -> Locale:
    return Locale("en")


@cache
def country_name(code: str) -> str:
    """English name of an ISO 3166 alpha-2 code, with "the" where English needs it."""
    name = _english().territories.get(code.upper(), code.upper())
    return f"the {name}" if code.upper() in _WITH_ARTICLE else name


@cache
def language_name(code: str) -> str:
    """English name of an ISO 639-1 code."""
    return _english().languages.get(code.lower(), code)


def theme_phrase(name: str) -> str:
    """A theme name as it reads inside a sentence ("Impact measurement" -> "impact measurement")."""
    if len(name) > 1 and name[0].isupper() and not name[1].isupper():
        return name[0].lower() + name[1:]
    return name


def join_words(words: Iterable[str]) -> str:
    """["a", "b", "c"] -> "a, b and c"."""
    items = list(words)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


@cache
def org_pair_phrase(viewer_type: str, other_type: str) -> str:
    """How two organisation types meet, the viewer's role first ("Practitioner ↔ policy maker")."""
    mine, theirs = ROLES.get(viewer_type, "organisation"), ROLES.get(other_type, "organisation")
    if mine == theirs:
        return f"Fellow {_PLURAL.get(mine, mine + 's')}"
    return f"{mine[0].upper()}{mine[1:]} ↔ {theirs}"


def shared_language_phrase(viewer: MatchProfile, other: MatchProfile) -> str | None:
    """ "You both speak French" when a shared language other than English is worth knowing.

    English is the conference's working language, so sharing it says nothing; another shared
    language matters across borders, or when it is the only one the two have in common.
    """
    common = viewer.languages & other.languages
    others = sorted(common - {"en"}, key=language_name)
    if not others or ("en" in common and viewer.country == other.country):
        return None
    return f"You both speak {join_words(language_name(code) for code in others[:2])}"


def explain(
    viewer: MatchProfile,
    other: MatchProfile,
    settings: MatchSettings,
    theme_names: Mapping[str, str],
    slot_label: Callable[[int], str] | None = None,
) -> list[str]:
    """Why `other` is recommended to `viewer`, strongest first; never empty for a pair that scored.

    A one-off form of `Explainer(settings, theme_names, slot_label).reasons(viewer, other)`.
    """
    return Explainer(settings, theme_names, slot_label).reasons(viewer, other)


class Explainer:
    """Builds reasons for many pairs, remembering the phrases it has already written.

    Each line comes from one scoring term that is non-zero for the pair, so it is true of the two
    profiles: `theme_names` are the themes the index scores on, and `slot_label` is given only
    when free slots take part in the score.
    """

    def __init__(
        self,
        settings: MatchSettings,
        theme_names: Mapping[str, str],
        slot_label: Callable[[int], str] | None = None,
    ) -> None:
        self.settings = settings
        self.theme_names = theme_names
        self.slot_label = slot_label
        self._themes: dict[frozenset[str], tuple[int, str]] = {}
        self._intents: dict[frozenset[str], tuple[int, str]] = {}

    def reasons(self, viewer: MatchProfile, other: MatchProfile) -> list[str]:
        """Reason lines for showing `other` to `viewer`, strongest first."""
        return self.reasons_for(viewer, [other])[0]

    def reasons_for(self, viewer: MatchProfile, others: Sequence[MatchProfile]) -> list[list[str]]:
        """Reason lines for each of `others` shown to `viewer` (one viewer, many people, fast)."""
        weights = self.settings.weights
        w_themes, w_intents, w_org = weights.themes, weights.intents, weights.org_types
        w_abroad = weights.other_country
        w_slot = weights.free_slot if self.slot_label is not None else 0.0
        table = self.settings.complementarity
        my_themes = self._theme_text(viewer.themes)[0]
        my_seeks = self._intent_text(viewer.seeks)[0]
        result = []
        for other in others:
            scored: list[tuple[float, bool, str]] = []  # (contribution, notable, text)
            if w_themes > 0:
                count, names = self._theme_text(viewer.themes & other.themes)
                if count:
                    share = count / my_themes + count / self._theme_text(other.themes)[0]
                    scored.append((w_themes * share / 2, True, f"You both work on {names}"))
            if w_intents > 0:
                count, names = self._intent_text(viewer.seeks & other.offers)
                if count:
                    scored.append(
                        (w_intents * count / my_seeks / 2, True, f"They offer {names}, which you seek")
                    )
                count, names = self._intent_text(other.seeks & viewer.offers)
                if count:
                    share = count / self._intent_text(other.seeks)[0]
                    scored.append((w_intents * share / 2, True, f"You offer {names}, which they seek"))
            fit = table[viewer.org_type, other.org_type]
            if fit > 0 and w_org > 0:
                text = org_pair_phrase(viewer.org_type, other.org_type)
                scored.append((w_org * fit, fit >= NOTABLE_COMPLEMENTARITY, text))
            if w_abroad > 0 and viewer.country != other.country and viewer.country and other.country:
                scored.append((w_abroad, True, f"Peer from {country_name(other.country)}"))
            if w_slot > 0 and self.slot_label is not None:
                common = viewer.free_slots & other.free_slots
                if common:
                    scored.append((w_slot, True, f"You are both free at {self.slot_label(min(common))}"))

            scored.sort(reverse=True)
            reasons = [text for _, notable, text in scored if notable][:MAX_REASONS]
            if not reasons and scored:
                reasons = [scored[0][2]]
            languages = viewer.languages & other.languages
            if len(languages) > 1 or "en" not in languages:
                language = shared_language_phrase(viewer, other)
                if language:
                    reasons.append(language)
            result.append(reasons)
        return result

    def _theme_text(self, slugs: frozenset[str]) -> tuple[int, str]:
        """How many of `slugs` are scored themes, and their names as a phrase (first three)."""
        found = self._themes.get(slugs)
        if found is None:
            known = [slug for slug in self.theme_names if slug in slugs]
            names = join_words(theme_phrase(self.theme_names[slug]) for slug in known[:3])
            found = self._themes[slugs] = (len(known), names)
        return found

    def _intent_text(self, intents: frozenset[str]) -> tuple[int, str]:
        found = self._intents.get(intents)
        if found is None:
            known = [name for name in INTENTS if name in intents]
            found = self._intents[intents] = (len(known), join_words(INTENT_LABELS[i] for i in known))
        return found
