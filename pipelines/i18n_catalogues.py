"""Append ``{key: text}`` dicts of one language to that language's Babel catalogue in ``alerts/i18n/locales``.

Usage::

    python -m pipelines.i18n_catalogues LANG FILE.py:NAME [FILE.py:NAME ...]
    # e.g. fold dashboard words kept as dicts in an old module into the catalogues:
    python -m pipelines.i18n_catalogues pt old_i18n.py:_DASH_PT

``FILE.py`` is run with :func:`runpy.run_path` and ``NAME`` must be a ``dict[str, str]`` in it. A key
already in the catalogue keeps its place and takes the new text; new keys are appended in dict order. The
file is written only after every dict has been read and checked, so a bad argument changes nothing.
"""

from __future__ import annotations

import runpy
import sys
from collections.abc import Mapping

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

import alerts.i18n as i18n
from alerts.i18n import LANGUAGES


def append_to_catalogue(language: str, words: Mapping[str, str]) -> int:
    """Add or update ``words`` (``{key: text}``) in the catalogue of ``language``; returns the number of
    new keys. Raises ``ValueError`` naming the key when a key or text is not a string."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; expected one of {', '.join(LANGUAGES)}")
    for key, text in words.items():
        if not isinstance(key, str) or not key or not isinstance(text, str):
            raise ValueError(f"{language}: entry {key!r} must map a non-empty string key to a string text")
    path = i18n.catalogue_path(language)
    if path.exists():
        with path.open("rb") as handle:
            catalogue = read_po(handle, locale=language)
    else:
        catalogue = Catalog(locale=language, project="sdg87")
    known = {message.id for message in catalogue}
    added = sum(1 for key in words if key not in known)
    for key, text in words.items():
        if key in known:
            catalogue[key].string = text  # Catalog.add keeps the old text of a known id
        else:
            catalogue.add(key, text)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalogue, width=0, omit_header=False, sort_output=False)
    return added


def _read_dict(spec: str) -> dict[str, str]:
    file, sep, name = spec.rpartition(":")
    if not sep or not file or not name:
        raise ValueError(f"{spec!r}: expected FILE.py:NAME")
    value = runpy.run_path(file).get(name)
    if not isinstance(value, dict):
        raise ValueError(f"{spec!r}: {name} is not a dict in {file}")
    return value


def main(argv: list[str] | None = None) -> int:
    """Command line: ``LANG FILE.py:NAME ...``; prints how many keys were added."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    language, specs = args[0], args[1:]
    try:
        merged: dict[str, str] = {}
        for spec in specs:
            merged.update(_read_dict(spec))
        added = append_to_catalogue(language, merged)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"{i18n.catalogue_path(language)}: {added} new keys, {len(merged) - added} updated")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
