"""Countries named and placed ("in <country>") as each language says them."""

from __future__ import annotations

import pytest

from alerts.country_names import country_name, in_country, iso2
from alerts.place_names import in_place, local_name


def test_alpha3_ids_map_to_cldr_codes_and_other_ids_do_not():
    assert (iso2("NER"), iso2("CIV"), iso2("BRA")) == ("NE", "CI", "BR")
    assert iso2("BRA.PA") is None and iso2("1500107") is None and iso2("XX") is None


@pytest.mark.parametrize(
    ("area_id", "name", "expected"),
    [
        ("NER", "Niger", {"en": "in Niger", "pt": "no Níger", "es": "en Níger", "fr": "au Niger"}),
        ("CIV", "Côte d'Ivoire", {"pt": "na Costa do Marfim", "fr": "en Côte d’Ivoire"}),
        ("PHL", "Philippines", {"en": "in the Philippines", "pt": "nas Filipinas", "fr": "aux Philippines"}),
        (
            "USA",
            "United States",
            {"en": "in the United States", "pt": "nos Estados Unidos", "fr": "aux États-Unis"},
        ),
        ("MDG", "Madagascar", {"en": "in Madagascar", "pt": "em Madagascar", "fr": "à Madagascar"}),
        ("MEX", "Mexico", {"pt": "no México", "es": "en México", "fr": "au Mexique"}),
        ("AGO", "Angola", {"pt": "em Angola", "fr": "en Angola"}),
        ("IRN", "Iran", {"fr": "en Iran"}),
        ("KEN", "Kenya", {"pt": "no Quênia", "fr": "au Kenya"}),
        ("GIN", "Guinea", {"pt": "na Guiné", "fr": "en Guinée"}),
        ("BOL", "Bolivia", {"pt": "na Bolívia", "fr": "en Bolivie"}),
        ("HTI", "Haiti", {"fr": "en Haïti"}),
        ("BRB", "Barbados", {"fr": "à la Barbade"}),
        ("CAF", "Central African Republic", {"en": "in the Central African Republic"}),
        ("BRA", "Brasil", {"en": "in Brazil", "pt": "no Brasil", "es": "en Brasil", "fr": "au Brésil"}),
    ],
)
def test_in_a_country_follows_each_languages_grammar(area_id, name, expected):
    for language, words in expected.items():
        assert in_place(area_id, name, "0", language) == words, language


def test_english_keeps_the_published_name_other_languages_take_cldrs():
    assert local_name("CIV", "Côte d'Ivoire", "en") == "Côte d'Ivoire"
    assert local_name("CIV", "Côte d'Ivoire", "pt") == "Costa do Marfim"
    assert local_name("DEU", "Germany", "fr") == "Allemagne"
    assert local_name("BRA.PA", "Pará", "fr") == "Pará"  # states and municipalities keep their own name
    assert local_name("NER", "Niger", "xx") == "Niger"  # an unknown language reads English


def test_states_keep_their_templates_and_unknown_ids_their_name():
    assert in_place("BRA.MA", "Maranhão", "1", "pt") == "no Maranhão"
    assert in_place("BRA.PA", "Pará", "1", "fr") == "dans l'État de Pará"
    assert country_name("ZZZ", "Somewhere", "fr") == "Somewhere"
    assert in_country("ZZZ", "Somewhere", "es") == "en Somewhere"
