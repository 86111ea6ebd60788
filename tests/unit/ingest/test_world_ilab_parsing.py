"""ILAB report parsing: label encodings, the XML contract, and a cross-check against the derived flat table.

Synthetic XML files written here say so in their names; the cross-check reads the real files.
"""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest

from pipelines.ingest.errors import SourceFormatError
from pipelines.ingest.readers.ilab_xml import read_entries, report_files
from pipelines.ingest.registry import CONNECTORS
from pipelines.ingest.runner import resolve_inputs
from pipelines.ingest.sources.world.ilab import advancement_ordinal, as_percent, plain_count
from tests.conftest import SAMPLE_DATA

FLAT = SAMPLE_DATA / "world/government_response/ilab/ilab_country_year.csv"


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Significant Advancement", 4),
        ("Moderate Advancement", 3),
        ("Minimal Advancement", 2),
        ("Minimal Advancement – Efforts Made but Continued Practice that Delayed Advancement", 1),
        ("Minimal Advancement– Efforts Made but Continued Law that Delayed Advancement", 1),
        ("No Advancement", 0),
        ("No Advancement – Efforts Made but Complicit in Forced Child Labor", 0),
    ],
)
def test_advancement_ordinal(label, expected):
    assert advancement_ordinal(label) == expected


@pytest.mark.parametrize("label", ["No Assessment", None, float("nan"), "Unknown"])
def test_no_assessment_is_missing_not_zero(label):
    assert math.isnan(advancement_ordinal(label))


@pytest.mark.parametrize(("cell", "expected"), [("2,168", 2168.0), ("10‡", 10.0), ("0*", 0.0), ("45", 45.0)])
def test_plain_count(cell, expected):
    assert plain_count(cell) == expected


@pytest.mark.parametrize("cell", ["Unknown", "Unknown*", "Unavailable", "N/A", "28 (2 federal)", ""])
def test_text_counts_are_missing(cell):
    assert math.isnan(plain_count(cell))


def test_shares_become_percent_and_impossible_fractions_stay_missing():
    texts = pd.Series(["0.12", "Unavailable", "2.84", None])
    out = as_percent(texts, 2022, bounded=True)
    assert out.iloc[0] == pytest.approx(12.0)
    assert out.iloc[1:].isna().all()  # text, an impossible fraction and a blank are missing, never 0
    assert as_percent(pd.Series(["13.0"]), 2015, bounded=True).iloc[0] == 13.0  # 2015: already percent
    assert as_percent(pd.Series(["1.2"]), 2020, bounded=False).iloc[0] == pytest.approx(120.0)  # gross rate


def test_file_tag_2021_is_the_2022_report():
    years = report_files(SAMPLE_DATA / "world/government_response/ilab/raw_xml")
    assert sorted(years) == [2015, 2016, 2017, 2018, 2019, 2020, 2022]
    assert years[2022].name == "countries_2021.xml"
    assert report_files(years[2022]) == {2022: years[2022]}  # one file given on its own


SYNTHETIC = """<Countries>
  <Country><Name>Atlantis</Name><Goods><Good><Good_Name>Fish</Good_Name><Child_Labor>Yes</Child_Labor>
    <Forced_Labor>No</Forced_Labor><Forced_Child_Labor>No</Forced_Child_Labor></Good></Goods></Country>
  <Country><Name>Lemuria</Name><Advancement_Level>Moderate Advancement</Advancement_Level><Goods/>
    <Country_Statistics/><Legal_Standards/>{enforcements}</Country>
</Countries>
"""


def test_goods_only_entries_carry_only_their_goods(tmp_path):
    path = tmp_path / "synthetic_countries.xml"
    path.write_text(SYNTHETIC.format(enforcements="<Enforcements/>"), encoding="utf-8")
    goods_only, report = read_entries(path, {"adv": "Advancement_Level"})
    assert goods_only == {"name": "Atlantis", "has_report": False, "goods_child_labor": 1,
                          "goods_forced_labor": 0, "goods_forced_child_labor": 0, "adv": None}  # fmt: skip
    assert report["adv"] == "Moderate Advancement" and report["goods_child_labor"] == 0


def test_a_report_without_a_required_element_names_file_entry_and_element(tmp_path):
    path = tmp_path / "synthetic_missing_enforcements.xml"
    path.write_text(SYNTHETIC.format(enforcements=""), encoding="utf-8")
    with pytest.raises(SourceFormatError) as err:
        read_entries(path, {})
    assert err.value.rule == "missing element"
    assert (
        "#2 ('Lemuria')" in str(err.value)
        and "<Enforcements>" in str(err.value)
        and str(path) in str(err.value)
    )


def test_a_truncated_xml_file_names_its_line(tmp_path):
    path = tmp_path / "synthetic_truncated.xml"
    path.write_text(SYNTHETIC.format(enforcements="<Enforcements/>")[:200], encoding="utf-8")
    with pytest.raises(SourceFormatError) as err:
        read_entries(path, {})
    assert err.value.rule == "malformed XML" and err.value.line is not None


@pytest.fixture(scope="module")
def staged():
    connector = CONNECTORS["world_ilab"]
    return connector.stage(resolve_inputs(connector, SAMPLE_DATA)).frame


def _xml_values(staged, code):
    rows = staged[staged["indicator_code"] == code]
    return {(a, p.year): v for a, p, v in zip(rows["area_id"], rows["period"], rows["value"], strict=True)}


def test_xml_agrees_with_the_derived_flat_table(staged):
    flat = pd.read_csv(FLAT)
    adv = _xml_values(staged, "ilab_advancement_level")
    c182 = _xml_values(staged, "ilab_ratified_c182")
    # Real rows of the derived table: Brazil and Ghana in every report year.
    for country, iso3 in (("Brazil", "BRA"), ("Ghana", "GHA")):
        for _, row in flat[flat["country"] == country].iterrows():
            key = (iso3, int(row["report_year"]))
            assert adv.get(key, math.nan) == pytest.approx(
                advancement_ordinal(row["advancement_level"]), nan_ok=True
            )
            expected = {"Yes": 1.0, "No": 0.0}.get(row["conv_C_182_Ratified"], math.nan)
            assert c182.get(key, math.nan) == pytest.approx(expected, nan_ok=True)


def test_every_share_is_a_percent_in_every_year(staged):
    for code in ("ilab_working_children_pct", "ilab_school_attendance_pct"):
        rows = staged[staged["indicator_code"] == code]
        by_year = rows.groupby(rows["period"].map(lambda d: d.year))["value"].median()
        assert by_year.between(5, 100).all(), code  # a fraction (0.89) left unscaled would fail this
    assert staged["vintage"].eq(staged["period"].map(lambda d: date(d.year + 1, 9, 30))).all()
