"""Area names as a sentence says them, per language (pure).

A country is named in the reader's language: the catalogue key ``country_<area_id>`` where there is one
(``BRA`` -> "Brazil", "Brasil", "Brésil"), else CLDR's name for the ISO code (:mod:`alerts.country_names`);
states and municipalities keep their official name. "In <place>" comes from ``in_country_<area_id>`` where
the catalogue has it, else, for a country, from the language's grammar (:func:`alerts.country_names.in_country`:
"au Niger", "en Côte d’Ivoire", "nas Filipinas"), else from ``in_place_<level>`` (``1`` state, ``2``
municipality), except that Portuguese writes most Brazilian states with their article ("no Maranhão",
"na Bahia", "em Minas Gerais"): :data:`PT_STATE_PREPOSITION`.
"""

from __future__ import annotations

from alerts.country_names import country_name, in_country, iso2
from alerts.i18n import LANGUAGES, texts

# "no" (masculine article), "na" (feminine article) or "em" (no article) before each state's name.
PT_STATE_PREPOSITION: dict[str, str] = {
    "BRA.AC": "no", "BRA.AL": "em", "BRA.AP": "no", "BRA.AM": "no", "BRA.BA": "na", "BRA.CE": "no",
    "BRA.DF": "no", "BRA.ES": "no", "BRA.GO": "em", "BRA.MA": "no", "BRA.MT": "em", "BRA.MS": "em",
    "BRA.MG": "em", "BRA.PA": "no", "BRA.PB": "na", "BRA.PR": "no", "BRA.PE": "em", "BRA.PI": "no",
    "BRA.RJ": "no", "BRA.RN": "no", "BRA.RS": "no", "BRA.RO": "em", "BRA.RR": "em", "BRA.SC": "em",
    "BRA.SP": "em", "BRA.SE": "em", "BRA.TO": "no",
}  # fmt: skip


def _known(language: str) -> str:
    """``language`` if the catalogues have it, else English (what :func:`alerts.i18n.texts` falls back to)."""
    return language if language in LANGUAGES else "en"


def local_name(area_id: str, name: str, language: str) -> str:
    """``name`` of ``area_id`` as ``language`` writes it: a country's own word, else the official name."""
    t = texts(language)
    if f"country_{area_id}" in t:
        return t[f"country_{area_id}"]
    return country_name(area_id, name, _known(language))


def in_place(area_id: str, name: str, level: str, language: str) -> str:
    """ "in <place>" in ``language``, e.g. ``("BRA.MA", "Maranhão", "1", "pt")`` -> ``"no Maranhão"``."""
    t = texts(language)
    if f"in_country_{area_id}" in t:
        return t[f"in_country_{area_id}"]
    if language == "pt" and area_id in PT_STATE_PREPOSITION:
        return f"{PT_STATE_PREPOSITION[area_id]} {name}"
    if str(level) == "0" and iso2(area_id):
        return in_country(area_id, local_name(area_id, name, language), _known(language))
    template = t.get(f"in_place_{level}", t["in_place_1"])
    return template.format(name=local_name(area_id, name, language))
