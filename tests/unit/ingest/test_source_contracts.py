"""Every connector has a declared contract; the contract rules on synthetic frames and files."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from pipelines.ingest.connector import indicators_frame
from pipelines.ingest.contract import Column, ContractError, CsvContract, SourceContract, check_csv
from pipelines.ingest.registry import CONNECTORS
from pipelines.ingest.source_contracts import CONTRACTS
from pipelines.quality.contract_checks import UNIT_BOUNDS, Violation, observation_violations
from pipelines.quality.suites import UNIT_RANGES

TODAY = date(2026, 12, 2)


def test_every_registered_connector_has_a_declared_contract():
    missing = sorted(set(CONNECTORS) - set(CONTRACTS))
    assert not missing, f"connectors without a declared contract: {missing}"
    assert not sorted(set(CONTRACTS) - set(CONNECTORS))


def test_observation_contracts_declare_a_catalogue_and_area_contracts_boundaries():
    for name, connector in CONNECTORS.items():
        contract = CONTRACTS[name]
        if connector.target == "observation":
            assert (contract.catalogue or contract.code_patterns) and contract.sources, name
            units = set(contract.catalogue.values()) | set(contract.code_patterns.values())
            assert units <= set(UNIT_BOUNDS), (name, units - set(UNIT_BOUNDS))
        else:
            assert contract.areas is not None and contract.areas.extent is not None, name


def test_every_gate_unit_has_a_finite_contract_range():
    assert set(UNIT_RANGES) <= set(UNIT_BOUNDS)
    assert all(hi < 1e308 for _, hi, _ in UNIT_BOUNDS.values())


def _frame(**overrides) -> pd.DataFrame:
    row = {"area_id": "BRA.1500107", "period": date(2015, 1, 1), "indicator_code": "x_count",
           "source": "synthetic", "vintage": date(2016, 1, 1), "freq": "year", "value": 3.0, "unit": "count"}  # fmt: skip
    return pd.DataFrame([row | overrides])


CONTRACT = SourceContract(
    files={}, first_year=2000, catalogue={"x_count": "count"}, sources=frozenset({"synthetic"})
)
INDICATORS = indicators_frame([("x_count", "synthetic count", "count", "synthetic", "synthetic")])


@pytest.mark.parametrize(
    "overrides, rule",
    [
        ({"value": float("inf")}, "not finite"),
        ({"value": 1e308}, "out of range"),
        ({"value": 0.5}, "not a whole number"),
        ({"value": -1.0}, "out of range"),
        ({"indicator_code": "x_new"}, "indicator not in catalogue"),
        ({"area_id": ""}, "blank key"),
        ({"period": date(1800, 1, 1)}, "year out of range"),
        ({"period": date(2031, 1, 1), "vintage": date(2031, 8, 31)}, "year out of range"),
        ({"vintage": date(2099, 3, 1)}, "vintage out of range"),
        ({"source": "other"}, "unknown source"),
    ],
)
def test_staging_frame_rules(overrides, rule):
    found = [v.rule for v in observation_violations(_frame(**overrides), INDICATORS, CONTRACT, TODAY)]
    assert rule in found


def test_a_valid_frame_breaks_no_rule_and_units_come_from_the_catalogue():
    assert observation_violations(_frame(), INDICATORS, CONTRACT, TODAY) == []
    guessed = indicators_frame([("x_count", "synthetic", "percent", "synthetic", "synthetic")])
    assert [v.rule for v in observation_violations(_frame(), guessed, CONTRACT, TODAY)] == ["undeclared unit"]


FILE = CsvContract(columns={"code": Column("int", 1, 99), "year": Column("year"), "v": Column("number", 0, 1, blank=True)},
                   ignored=frozenset({"note"}))  # fmt: skip


@pytest.mark.parametrize(
    "text, rule, line",
    [
        ("code,year,v,extra\n1,2010,0.5,x\n", "unknown column", 1),
        ("code,v\n1,0.5\n", "missing columns", 1),
        ("code,year,v,code\n1,2010,0.5,1\n", "duplicate column", 1),
        ("code,year,v\n1,2010,0.5\n,2011,0.1\n", "blank value", 3),
        ("code,year,v\n1,inf,0.5\n", "not finite", 2),
        ("code,year,v\n1,0,0.5\n", "year out of range", 2),
        ("code,year,v\n1,1e308,0.5\n", "year out of range", 2),
        ("code,year,v\n1,2031,0.5\n", "year out of range", 2),
        ("code,year,v\n1.5,2010,0.5\n", "not a whole number", 2),
        ("code,year,v\n1,2010,abc\n", "not a number", 2),
        ("code,year,v\n1,2010,2\n", "out of range", 2),
    ],
)
def test_csv_rules_name_line_and_rule(tmp_path, text, rule, line):
    path = tmp_path / "synthetic.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(Exception) as err:
        check_csv(path, FILE, TODAY, 2000)
    assert rule in err.value.rule and err.value.line == line and str(path) in str(err.value)


def test_ignored_columns_are_read_past_and_blank_allowed_where_declared(tmp_path, caplog):
    path = tmp_path / "synthetic.csv"
    path.write_text("code,year,v,note\n1,2010,,hello\n2,2011,1,\n", encoding="utf-8")
    assert check_csv(path, FILE, TODAY, 2000) == 2
    assert "note" in caplog.text
    path.write_text("code,year,v\n1,2010,0.5\n", encoding="utf-8")
    with pytest.raises(ContractError):
        check_csv(path, FILE, date(2009, 1, 1), 2000)  # the year is after a load made in 2009


def test_a_violation_shows_its_example_rows_as_written_in_a_file():
    broken = Violation(
        "year in range", "period", "1 row(s) before 1990",
        [{"area_id": "BRA.1500107", "period": date(1899, 1, 1), "value": float("nan")}],
    )  # fmt: skip
    assert broken.text() == (
        "year in range on period: 1 row(s) before 1990 e.g. area_id=BRA.1500107, period=1899-01-01, value="
    )
    assert "datetime" not in broken.text() and "{" not in broken.text()


def test_a_staging_violation_names_the_line_of_each_example_in_the_quarantined_staging_csv():
    frame = pd.concat([_frame(), _frame(value=-1.0), _frame(), _frame(value=-2.0)], ignore_index=True)
    frame.index = [10, 20, 30, 40]  # lines come from row order, never from the index
    (broken,) = observation_violations(frame, INDICATORS, CONTRACT, TODAY)
    assert broken.lines == [3, 5]  # header is line 1; the bad rows are the 2nd and 4th
    assert "e.g. staging.csv line 3: area_id=BRA.1500107" in broken.text()
    assert "; staging.csv line 5: " in broken.text() and "value=-2.0" in broken.text()
