"""Words of every message in English, Portuguese, Spanish and French (pure data, Babel catalogues).

Each language has one catalogue ``alerts/i18n/locales/<lang>/LC_MESSAGES/messages.po`` whose ``msgid`` is a
key (``subject_alert``, ``driver_log_area_km2``, ``csv_p`` …) and whose ``msgstr`` is the text. The
catalogues are read with :func:`babel.messages.pofile.read_po` when this module is imported, so nothing is
compiled at install. :func:`texts` returns the catalogue of a language (unknown languages fall back to
English; a key missing from a language falls back to its English text). Entries with ``{placeholders}``
are filled with :meth:`str.format` by the renderers; values are plain text and the HTML templates escape
them. New keys are added with ``python -m pipelines.i18n_catalogues`` (see :mod:`pipelines.i18n_catalogues`).
"""

from __future__ import annotations

import io
from importlib.resources import files
from pathlib import Path

from babel.messages.pofile import read_po

LANGUAGES = ("en", "pt", "es", "fr")
LOCALES = Path(str(files("alerts.i18n"))) / "locales"


def catalogue_path(language: str) -> Path:
    """The ``.po`` file of ``language``."""
    return LOCALES / language / "LC_MESSAGES" / "messages.po"


def read_catalogue(language: str) -> dict[str, str]:
    """``{key: text}`` of one language's ``.po`` file, in file order (the header entry left out)."""
    catalogue = read_po(io.BytesIO(catalogue_path(language).read_bytes()), locale=language)
    return {str(message.id): str(message.string) for message in catalogue if message.id}


def _load() -> dict[str, dict[str, str]]:
    english = read_catalogue("en")
    loaded = {"en": english}
    for language in LANGUAGES[1:]:
        own = {key: text for key, text in read_catalogue(language).items() if text}
        loaded[language] = {**english, **own}
    return loaded


CATALOG = _load()


def texts(language: str | None) -> dict[str, str]:
    """The catalogue of ``language`` (``en``, ``pt``, ``es``, ``fr``); anything else gets English."""
    return CATALOG.get((language or "en").lower(), CATALOG["en"])


DECIMAL_COMMA = frozenset({"pt", "es", "fr"})  # languages writing 4,5 (English, and any unknown one: 4.5)


def decimal_mark(language: str | None) -> str:
    """The decimal separator of ``language``: ``,`` for Portuguese, Spanish and French, else ``.``."""
    return "," if (language or "en").lower() in DECIMAL_COMMA else "."


def one_decimal(value: float, language: str | None) -> str:
    """``value`` with one decimal and the language's :func:`decimal_mark` (``4.5``, ``4,5``)."""
    return f"{value:.1f}".replace(".", decimal_mark(language))


def plural(catalog: dict[str, str], key: str, count: int) -> str:
    """``singular|plural`` entries: the form for ``count``."""
    singular, _, many = catalog[key].partition("|")
    return singular if count == 1 else (many or singular)


def negotiate(accept_language: str | None) -> str:
    """The language of :data:`LANGUAGES` a browser prefers most, from its ``Accept-Language`` header
    (``pt-BR,pt;q=0.9,en;q=0.8``); English when none is offered or the header is malformed."""
    ranked = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = params.strip().removeprefix("q=") if params.strip().startswith("q=") else "1"
        try:
            weight = float(quality)
        except ValueError:
            continue
        primary = tag.strip().split("-")[0].lower()
        if primary in LANGUAGES and weight > 0:
            ranked.append((-weight, position, primary))
    return min(ranked)[2] if ranked else "en"
