"""Country names and "in <country>" per language, from Unicode CLDR through Babel (pure).

A country's area id is its ISO 3166-1 alpha-3 code (``NER``); CLDR's territory aliases map it to the
alpha-2 code (``NE``) under which CLDR publishes the name in each language ("Niger", "Níger"). English keeps
the name the area source publishes (the project's official names); Portuguese, Spanish and French take
CLDR's. The preposition before a country follows each language's grammar:

- English: "in", with "the" before names that take it ("in the Philippines", "in the United Kingdom").
- Spanish: "en" always.
- French: "au" (masculine), "en" (feminine or starting with a vowel), "aux" (plural), "à" (islands and
  city states said without an article: "à Madagascar", "à la Barbade").
- Portuguese: "no"/"na"/"nos"/"nas" with the article, "em" for names said without one ("em Angola",
  "em Portugal").

The rules cover the common case; the sets below list the countries whose usage differs from it.
"""

from __future__ import annotations

from functools import cache

from babel import Locale, UnknownLocaleError
from babel.core import get_global

# English names that take "the".
EN_THE = frozenset({"BHS", "COM", "GMB", "MDV", "NLD", "PHL", "SYC"})
EN_THE_WORDS = ("Republic", "Islands", "Kingdom", "States", "Federation", "Emirates")

# French: islands and city states without an article ("à"), or with one ("à la"); plural names ("aux").
FR_A = frozenset({
    "ABW", "AIA", "ATG", "BHR", "BLM", "CUB", "CUW", "CYP", "DJI", "GGY", "GUM", "HKG", "JEY", "KNA", "LCA",
    "MAC", "MAF", "MCO", "MDG", "MLT", "MSR", "MUS", "MYT", "NIU", "NRU", "OMN", "SGP", "SHN", "SMR", "SPM",
    "STP", "TTO", "TUV", "TWN", "VCT", "WLF",
})  # fmt: skip
FR_A_LA = frozenset({"BRB", "DMA", "GRD"})
FR_AUX = frozenset({
    "ARE", "ASM", "BHS", "BMU", "COM", "FJI", "KIR", "MDV", "NLD", "PHL", "PLW", "PSE", "SYC", "TON", "USA",
    "WSM",
})  # fmt: skip
# Feminine-looking (ending in -e) but masculine: "au Mexique"; vowel-initial but said "au"/"à".
FR_AU = frozenset({"BLZ", "GBR", "KHM", "MEX", "MOZ", "SUR", "ZWE"})
# Said "en" against the rule: "en Haïti", "en Sierra Leone".
FR_EN = frozenset({"HTI", "SLE"})

# Portuguese: names said without an article ("em"); plural names ("nos"/"nas").
PT_EM = frozenset({
    "ABW", "AGO", "AND", "ATG", "BHR", "BLZ", "BRB", "BRN", "CPV", "CUB", "CYP", "DJI", "FJI", "GHA", "GRD",
    "HKG", "ISR", "KIR", "KNA", "LCA", "MAC", "MAR", "MCO", "MDG", "MLT", "MOZ", "MUS", "NRU", "OMN", "PLW",
    "PRI", "PRT", "RWA", "SGP", "SLV", "SMR", "STP", "TLS", "TON", "TTO", "TUV", "TWN", "VCT", "VUT", "WSM",
    "HND", "LIE", "MMR", "UGA", "BFA", "BWA", "CMR",
})  # fmt: skip
# Feminine though not ending in -a ("na Guiné"); masculine though ending in -a ("no Quênia").
PT_NA = frozenset({"GIN", "GNB", "GNQ"})
PT_NO = frozenset({"KEN", "KHM", "LKA"})
PT_NOS = frozenset({"ARE", "NLD", "PSE", "USA"})
PT_NAS = frozenset({"BHS", "COM", "MDV", "PHL", "SYC"})

_FR_VOWELS = tuple("AEIOUÂÉÈÊÎÏÔŒ")


def iso2(area_id: str) -> str | None:
    """The ISO 3166-1 alpha-2 code of an alpha-3 area id (``NER`` -> ``NE``); ``None`` for other ids."""
    if len(area_id) != 3 or not area_id.isalpha():
        return None
    codes = get_global("territory_aliases").get(area_id.upper())
    return codes[0] if codes and len(codes) == 1 and codes[0] != "ZZ" else None  # ZZ: "unknown region"


@cache
def _territories(language: str) -> dict[str, str]:
    try:
        return dict(Locale.parse(language).territories)
    except (UnknownLocaleError, ValueError):
        return {}


def country_name(area_id: str, name: str, language: str) -> str:
    """``name`` of the country ``area_id`` in ``language``: CLDR's word outside English, else ``name``."""
    code = iso2(area_id)
    if language == "en" or code is None:
        return name
    return _territories(language).get(code, name)


def _first_word(name: str) -> str:
    return name.replace("-", " ").split()[0] if name.strip() else name


def in_country(area_id: str, name: str, language: str) -> str:
    """ "in <country>" in ``language`` for a name already in that language (:func:`country_name`)."""
    code = area_id.upper()
    if language == "fr":
        if code in FR_AUX or name.startswith(("Îles", "Iles")):
            return f"aux {name}"
        if code in FR_A_LA:
            return f"à la {name}"
        if code in FR_A:
            return f"à {name}"
        if code in FR_AU:
            return f"au {name}"
        if code in FR_EN:
            return f"en {name}"
        first = _first_word(name)
        return f"en {name}" if first.upper().startswith(_FR_VOWELS) or first.endswith("e") else f"au {name}"
    if language == "pt":
        if code in PT_NOS:
            return f"nos {name}"
        if code in PT_NAS or name.startswith("Ilhas"):
            return f"nas {name}"
        if code in PT_EM:
            return f"em {name}"
        if code in PT_NA:
            return f"na {name}"
        if code in PT_NO:
            return f"no {name}"
        return f"na {name}" if _first_word(name).endswith("a") else f"no {name}"
    if language == "es":
        return f"en {name}"
    takes_the = code in EN_THE or ("," not in name and any(word in name.split() for word in EN_THE_WORDS))
    return f"in the {name}" if takes_the and not name.startswith("the ") else f"in {name}"
