"""Extracts the interface strings and merges them into every catalog: `python scripts/update_catalogs.py`.

Run it after adding or changing a string, then translate the new entries (marked fuzzy or empty) in
`conference/locales/<code>/LC_MESSAGES/messages.po`. A new language: `python scripts/update_catalogs.py
--add de`. The app compiles the `.po` files itself when it starts; there is nothing to build.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALES_DIR = ROOT / "conference" / "locales"
# gettext's usual names, plus the page scripts' `t(message)` and `tn(singular, plural, n)`.
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "N_": None,
    "t": None,
    "tn": (1, 2),
}


def extract() -> Catalog:
    with (ROOT / "babel.cfg").open() as fp:
        method_map, options_map = parse_mapping_cfg(fp)
    template = Catalog(project="conference", msgid_bugs_address="", fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS, strip_comment_tags=True
    ):
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def update(template: Catalog, code: str) -> tuple[int, int]:
    path = LOCALES_DIR / code / "LC_MESSAGES" / "messages.po"
    if path.exists():
        with path.open("rb") as fp:
            catalog = read_po(fp, locale=code)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        catalog = Catalog(locale=code, project="conference", fuzzy=False)
    created = catalog.creation_date
    # No fuzzy matching: a guessed translation of a changed string is worse than an honest gap.
    catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
    catalog.creation_date = created  # keeps re-runs from rewriting the header when nothing changed
    catalog.obsolete.clear()
    with path.open("wb") as fp:
        write_po(fp, catalog, width=110, sort_output=False, omit_header=False, include_previous=False)
    missing = sum(
        1 for m in catalog if m.id and (not m.string or (isinstance(m.string, tuple) and not all(m.string)))
    )
    return len([m for m in catalog if m.id]), missing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--add", metavar="CODE", help="start a catalog for a new language (e.g. de)")
    args = parser.parse_args(argv)
    template = extract()
    codes = (
        sorted(p.name for p in LOCALES_DIR.iterdir() if (p / "LC_MESSAGES").is_dir())
        if LOCALES_DIR.exists()
        else []
    )
    if args.add and args.add not in codes:
        codes.append(args.add)
    for code in codes:
        total, missing = update(template, code)
        print(f"{code}: {total} messages, {missing} untranslated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
