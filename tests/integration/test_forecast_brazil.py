"""``sdg87 forecast --study brazil`` on a real warehouse (slice of the sample: Pará, Maranhão, Tocantins,
loaded by the real ingest): one row per municipality, only what was known at the as-of date."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from sqlalchemy import delete

from features.errors import MissingInputError
from pipelines.brazil.forecast import COUNT_COLUMNS, FORECAST_COLUMNS, forecast_brazil
from pipelines.cli import main
from pipelines.warehouse.engine import make_engine
from pipelines.warehouse.schema import Observation
from tests.integration.test_features_brazil import ingest_slice


@pytest.fixture(scope="module")
def sliced(tmp_path_factory, build_once):
    return ingest_slice(tmp_path_factory.mktemp("forecast"), build_once)


@pytest.fixture
def cli_env(sliced, monkeypatch):
    monkeypatch.setenv("SDG87_HOME", str(sliced.home))
    monkeypatch.setenv("SDG87_DATA_DIR", str(sliced.data_dir))
    return sliced


def test_cli_writes_one_row_per_municipality(cli_env, tmp_path, capsys):
    out, counts_csv = tmp_path / "forecast.csv", tmp_path / "counts.csv"
    code = main(
        ["forecast", "--study", "brazil", "--as-of", "2026-04-06", "--horizon", "1", "--out", str(out),
         "--counts", str(counts_csv)]
    )  # fmt: skip
    assert code == 0, capsys.readouterr().err
    frame = pd.read_csv(out)
    assert list(frame.columns) == FORECAST_COLUMNS
    assert len(frame) == 500 and frame["area_id"].is_unique
    assert (frame["period"] == 2024).all()  # last covered inspection year 2023, one year ahead
    assert ((frame["p_lo"] <= frame["p"]) & (frame["p"] <= frame["p_hi"])).all()
    assert frame["p"].between(0, 1).all() and set(frame["risk_class"]) <= {"low", "medium", "high"}
    top = frame.sort_values("p").iloc[-1]
    assert isinstance(top["drivers"], str) and "(" in top["drivers"]
    printed = capsys.readouterr().out
    assert "wrote 500 areas, target year 2024, study brazil" in printed
    # the figure a programme budgets for: municipalities with an event, per state and nationally
    counts = pd.read_csv(counts_csv, dtype={"state": str})
    assert list(counts.columns) == COUNT_COLUMNS
    assert counts["state"].tolist() == ["BRA", "15", "17", "21"]  # Pará, Tocantins, Maranhão
    assert (counts["period"] == 2024).all()
    assert counts.loc[0, "expected"] == pytest.approx(frame["p"].sum(), rel=1e-3)
    assert counts.loc[1:, "expected"].sum() == pytest.approx(counts.loc[0, "expected"])
    assert ((counts["lo"] <= counts["expected"]) & (counts["expected"] <= counts["hi"])).all()
    national = counts.iloc[0]
    assert f"expected {national['expected']:.0f} municipalities with an event in 2024" in printed


def test_horizon_two_and_an_early_edition(sliced):
    h2 = forecast_brazil(date(2026, 4, 6), 2, sliced, family="logistic").areas
    assert (h2["period"] == 2025).all() and len(h2) == 500
    early = forecast_brazil(date(2023, 5, 17), 1, sliced, family="logistic").areas
    assert (early["period"] == 2023).all()  # the 2023 editions cover inspections up to 2022


def test_before_the_first_edition_or_bad_horizon_fails_loudly(cli_env, tmp_path, capsys):
    with pytest.raises(MissingInputError, match="no employer-list edition was published by 2023-01-01"):
        forecast_brazil(date(2023, 1, 1), 1, cli_env)
    with pytest.raises(ValueError, match="horizon"):
        forecast_brazil(date(2026, 4, 6), 0, cli_env)
    out = tmp_path / "never.csv"
    assert main(["forecast", "--study", "brazil", "--as-of", "2022-12-31", "--out", str(out)]) == 1
    assert "MissingInputError" in capsys.readouterr().err and not out.exists()


def test_later_editions_do_not_change_an_earlier_forecast(sliced):
    """Adversarial: delete every employer-list row first published after the as-of date; the forecast
    as of that date must not move (it never read them)."""
    as_of = date(2023, 5, 17)
    before = forecast_brazil(as_of, 1, sliced, family="lightgbm").areas
    engine = make_engine(sliced.warehouse_url)
    with engine.begin() as conn:
        gone = conn.execute(
            delete(Observation).where(
                Observation.source == "br_mte_employer_list", Observation.vintage > as_of
            )
        ).rowcount
    engine.dispose()
    assert gone > 0
    after = forecast_brazil(as_of, 1, sliced, family="lightgbm").areas
    pd.testing.assert_frame_equal(before, after)
