"""Words of the link pages: complete in every language, same placeholders, and browser negotiation."""

from __future__ import annotations

import string

import pytest

from alerts.i18n import CATALOG, LANGUAGES, negotiate, texts


def _placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


WEB_KEYS = sorted(k for k in CATALOG["en"] if k.startswith(("web_", "outcome_")))


def test_every_language_words_every_page_text_with_the_same_placeholders():
    assert len(WEB_KEYS) > 30
    for language in LANGUAGES:
        words = texts(language)
        for key in WEB_KEYS:
            assert _placeholders(words[key]) == _placeholders(CATALOG["en"][key]), (language, key)
            if language != "en" and key != "web_record":
                # "Registrar" is both the Portuguese and the Spanish button; English must not leak through.
                assert words[key] != CATALOG["en"][key], (language, key)


def test_page_texts_are_plain_text_for_the_escaping_templates():
    for language in LANGUAGES:
        for key in WEB_KEYS:
            assert "<" not in texts(language)[key], (language, key)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("pt-BR,pt;q=0.9,en-US;q=0.8,en;q=0.7", "pt"),
        ("en-GB,fr;q=0.9", "en"),
        ("de-DE,de;q=0.9,es;q=0.8,fr;q=0.7", "es"),
        ("fr;q=0.2, es;q=0.9", "es"),  # weights, not order, decide
        ("FR-ca", "fr"),
        ("es;q=0, fr;q=0.1", "fr"),  # q=0 means "not this one"
        ("de, ja", "en"),
        ("", "en"),
        (None, "en"),
        ("pt;q=abc, ,;;,=", "en"),  # malformed: ignored, never an error
        ("*", "en"),
    ],
)
def test_negotiate_picks_the_most_wanted_offered_language(header, expected):
    assert negotiate(header) == expected
