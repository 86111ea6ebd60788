"""Strict CSV reading. The small files written here are synthetic and say so in their names."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pipelines.ingest.errors import SourceFormatError
from pipelines.ingest.readers.csv_reader import read_csv_strict, to_number


def _write(tmp_path: Path, text: str, name: str = "synthetic.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_reads_a_well_formed_file(tmp_path):
    path = _write(tmp_path, "ibge7,year,value\n1500107,2020,3\n1500107,2021,\n")
    frame = read_csv_strict(path, ["ibge7", "year"])
    assert list(frame.columns) == ["ibge7", "year", "value"]
    assert len(frame) == 2
    assert pd.isna(frame["value"].iloc[1])  # a blank cell is missing, never 0


def test_header_only_gives_an_empty_frame(tmp_path):
    frame = read_csv_strict(_write(tmp_path, "ibge7,year\n"), ["ibge7"])
    assert frame.empty and list(frame.columns) == ["ibge7", "year"]


def test_empty_file_is_a_format_error(tmp_path):
    with pytest.raises(SourceFormatError, match="empty file"):
        read_csv_strict(_write(tmp_path, ""), ["ibge7"])


def test_truncated_row_names_file_line_and_rule(tmp_path):
    path = _write(tmp_path, "ibge7,year,value\n1500107,2020,3\n15001")
    with pytest.raises(SourceFormatError) as err:
        read_csv_strict(path, ["ibge7"])
    assert err.value.rule == "truncated row"
    assert err.value.line == 3
    assert str(path) in str(err.value)


def test_latin1_bytes_are_an_encoding_error_with_line(tmp_path):
    path = _write(tmp_path, "name,uf\nSão Paulo,SP\nPará,PA\n", encoding="latin-1")
    with pytest.raises(SourceFormatError) as err:
        read_csv_strict(path, ["name"])
    assert err.value.rule == "encoding"
    assert err.value.line == 2


def test_wrong_delimiter_is_named(tmp_path):
    path = _write(tmp_path, "ibge7;year\n1500107;2020\n")
    with pytest.raises(SourceFormatError, match="delimiter"):
        read_csv_strict(path, ["ibge7", "year"])


def test_missing_column_is_named(tmp_path):
    with pytest.raises(SourceFormatError, match="missing columns.*year"):
        read_csv_strict(_write(tmp_path, "ibge7,value\n1,2\n"), ["ibge7", "year"])


def test_extra_field_is_too_many_fields(tmp_path):
    with pytest.raises(SourceFormatError, match="too many fields"):
        read_csv_strict(_write(tmp_path, "a,b\n1,2\n1,2,3\n"), ["a"])


def test_quoted_comma_is_one_field(tmp_path):
    frame = read_csv_strict(_write(tmp_path, 'name,v\n"Congo, Republic of the",1\n'), ["name"])
    assert frame["name"].iloc[0] == "Congo, Republic of the"


def test_skip_lines_reads_a_world_bank_style_header(tmp_path):
    text = (
        '"Data Source","WDI",\n\n"Last Updated Date","2019-04-24",\n\n"Country Code","2000",\n"AGO","5.5",\n'
    )
    frame = read_csv_strict(_write(tmp_path, text), ["Country Code"], skip_lines=4)
    assert frame["Country Code"].tolist() == ["AGO"]


def test_to_number_names_the_line_of_a_bad_value(tmp_path):
    path = tmp_path / "synthetic.csv"
    frame = pd.DataFrame({"v": ["1", "", "x7"]})
    with pytest.raises(SourceFormatError) as err:
        to_number(frame, "v", path)
    assert err.value.line == 4 and "x7" in str(err.value)


def test_to_number_keeps_blanks_missing():
    out = to_number(pd.DataFrame({"v": ["1.5", None]}), "v", Path("synthetic.csv"))
    assert out.iloc[0] == 1.5 and pd.isna(out.iloc[1])
