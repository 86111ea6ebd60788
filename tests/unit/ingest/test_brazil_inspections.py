"""The inspection record: name crosswalk, staging of the real file, and bad input named by file and line."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from pipelines.ingest.errors import SourceFormatError
from pipelines.ingest.runner import resolve_inputs
from pipelines.ingest.sources.brazil.inspections import CONNECTOR, VINTAGE
from pipelines.ingest.sources.brazil.name_crosswalk import NAME_ALIASES, code_table, match_codes, place_key
from tests.conftest import SAMPLE_DATA

HEADER = '"nm_municipio";"nm_uf";"oper";"ano";"trabalhadores_resgatados"\n'


def _files(tmp_path, body: str, header: str = HEADER):
    files = resolve_inputs(CONNECTOR, SAMPLE_DATA)
    path = tmp_path / "inspections.csv"
    path.write_text(header + body, encoding="utf-8")
    return {**files, "inspections": path}, path


def test_keys_ignore_accents_case_and_punctuation():
    assert place_key("Eldorado do Carajás", "Pará") == place_key("ELDORADO DO CARAJAS", "para")
    assert place_key("Alta Floresta D'Oeste", "Rondônia") == "ALTAFLORESTADOESTE|RONDONIA"
    assert place_key(float("nan"), "Pará") == "" and place_key("Redenção", None) == ""


def test_aliases_map_the_spelling_variants_to_ibge_names():
    codes = pd.DataFrame(
        {
            "muni_id": ["5107008", "1502954"],
            "muni_nm": ["Poxoréu", "Eldorado Do Carajás"],
            "uf_nm": ["Mato Grosso", "Pará"],
        }
    )
    table = code_table(codes)
    got = match_codes(
        pd.Series(["Poxoréo", "Eldorado dos Carajás", "Nowhere", None]),
        pd.Series(["Mato Grosso", "Pará", "Pará", None]),
        table,
    )
    assert got.tolist()[:2] == ["5107008", "1502954"] and got.iloc[2:].isna().all()
    assert all(v in table.index or v == "MOGIMIRIM|SAOPAULO" for v in NAME_ALIASES.values())


def test_real_file_stages_every_matched_row_and_lists_the_rest():
    staged = CONNECTOR.stage(resolve_inputs(CONNECTOR, SAMPLE_DATA))
    frame = staged.frame
    totals = frame.groupby("indicator_code")["value"].sum()
    # 3,318 rows, one of them blank (line 3145, 9 rescued): every other row is matched to a municipality.
    assert totals["fl_inspections"] == 3_317 and totals["fl_rescued_workers"] == 44_229
    assert staged.unmatched[["line", "ano", "trabalhadores_resgatados"]].values.tolist() == [[3145, 2017, 9]]
    assert set(frame["vintage"]) == {VINTAGE}
    assert frame["period"].min() == date(2003, 1, 1) and frame["period"].max() == date(2018, 1, 1)
    # Eldorado do Carajás (PA) comes in through its alias: 2003 held one inspection with 36 rescued.
    row = frame[(frame["area_id"] == "BRA.1502954") & (frame["period"] == date(2003, 1, 1))]
    assert dict(zip(row["indicator_code"], row["value"], strict=True)) == {
        "fl_inspections": 1.0,
        "fl_inspections_rescue": 1.0,
        "fl_rescued_workers": 36.0,
    }


def test_an_unknown_name_is_listed_not_dropped(tmp_path):
    files, _ = _files(tmp_path, '"Redenção";"Pará";1;2003;49\n"Atlantis";"Pará";2;2004;0\n')
    staged = CONNECTOR.stage(files)
    assert staged.unmatched["nm_municipio"].tolist() == ["Atlantis"] and staged.unmatched[
        "line"
    ].tolist() == [3]
    assert set(staged.frame["area_id"]) == {"BRA.1506138"}


@pytest.mark.parametrize(
    ("body", "rule", "line"),
    [
        ('"Redenção";"Pará";1;2003;49\n"Bannach";"Pará";2;2003;-1\n', "workers rescued", 3),
        ('"Redenção";"Pará";1;2003;many\n', "not a number", 2),
        ('"Redenção";"Pará";1;2031;4\n', "year", 2),
        ('"Redenção";"Pará";1;2003\n', "truncated row", 2),
    ],
)
def test_bad_rows_are_named_by_file_line_and_rule(tmp_path, body, rule, line):
    files, path = _files(tmp_path, body)
    with pytest.raises(SourceFormatError) as err:
        CONNECTOR.stage(files)
    assert err.value.rule == rule and err.value.line == line and str(path) in str(err.value)


def test_a_comma_separated_file_is_rejected(tmp_path):
    files, _ = _files(tmp_path, "Redenção,Pará,1,2003,49\n", HEADER.replace(";", ","))
    with pytest.raises(SourceFormatError, match="missing columns"):
        CONNECTOR.stage(files)
