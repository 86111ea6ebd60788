"""The Babel catalogues: every key in all four languages, and the converter that appends dicts to them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from alerts.i18n import LANGUAGES, LOCALES, read_catalogue
from pipelines import i18n_catalogues as import_dict


def test_every_key_is_in_all_four_catalogues_with_a_text():
    english = read_catalogue("en")
    assert len(english) > 100
    for language in LANGUAGES:
        own = read_catalogue(language)
        missing = sorted(set(english) - set(own))
        empty = sorted(k for k, v in own.items() if not v)
        extra = sorted(set(own) - set(english))
        assert (missing, empty, extra) == ([], [], []), language


@pytest.fixture
def scratch_locales(tmp_path, monkeypatch):
    copy = tmp_path / "locales"
    shutil.copytree(LOCALES, copy)
    monkeypatch.setattr("alerts.i18n.LOCALES", copy)
    return copy


def test_converter_appends_new_keys_and_updates_known_ones(scratch_locales, tmp_path):
    old = tmp_path / "old_words.py"
    old.write_text('_DASH_PT = {"zz_example_only": "Painel", "hello": "Oi {name},"}\n', encoding="utf-8")
    assert import_dict.main(["pt", f"{old}:_DASH_PT"]) == 0
    words = read_catalogue("pt")
    assert words["zz_example_only"] == "Painel"
    assert words["hello"] == "Oi {name},"
    assert list(words)[-1] == "zz_example_only"
    assert "zz_example_only" not in read_catalogue("en")


def test_converter_refuses_a_bad_argument_and_writes_nothing(scratch_locales, tmp_path, capsys):
    before = (scratch_locales / "pt" / "LC_MESSAGES" / "messages.po").read_bytes()
    old = tmp_path / "old_words.py"
    old.write_text("_DASH_PT = {'dash_title': 3}\n", encoding="utf-8")
    assert import_dict.main(["pt", f"{old}:_DASH_PT"]) == 1
    assert "'dash_title'" in capsys.readouterr().err
    assert import_dict.main(["xx", f"{old}:_DASH_PT"]) == 1
    assert import_dict.main(["pt", f"{old}:_MISSING"]) == 1
    assert (scratch_locales / "pt" / "LC_MESSAGES" / "messages.po").read_bytes() == before


def test_converter_runs_as_a_module():
    done = subprocess.run([sys.executable, "-m", "pipelines.i18n_catalogues"], capture_output=True, text=True)
    assert done.returncode == 2
    assert "FILE.py:NAME" in done.stderr
    assert Path(LOCALES).is_dir()
