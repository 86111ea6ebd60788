"""Evaluation windows as data: the backtest configuration and the windows it expands to.

Years are target (inspection) years. A score for origin ``t`` and horizon ``h`` uses what was known at the
end of year ``t`` to predict an event in year ``t + h``. The stored feature row of target year ``F`` draws on
data before ``F`` (through the end of ``F - 1``), so the horizon-``h`` example with label year ``T`` uses the
feature row ``F = T - h + 1`` (origin ``t = F - 1``).

Everything a backtest does is declared in :data:`BRAZIL_BACKTEST` (one frozen config). Windows come out of
:func:`backtest_windows`; tests prove that no window trains on a label year after its origin and that
training and evaluation label years never overlap.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class BacktestConfig:
    """The Brazil evaluation, as data.

    - ``horizons``: years ahead of the origin.
    - ``first_train_label_year``: earliest label year used as a training *label* (earlier years are
      nearly empty because each list edition only shows about two years back: treating them as
      "no event" would teach the model missing data; they still feed the history features).
    - ``first_eval_year`` / ``gate_years``: evaluated target years start here; the promotion gate reads the
      mean horizon-1 AUPR over ``gate_years`` (every fully evaluated year, not one noisy year).
    - ``under_covered_years``: label years the latest edition is known to under-cover; reported with a
      flag, kept in training (the events they do hold are real).
    - ``editions``: publication dates of the employer-list editions; a window "as of" an edition uses only
      labels of editions published by then.
    """

    horizons: tuple[int, ...] = (1, 2)
    first_train_label_year: int = 2017
    first_eval_year: int = 2019
    gate_horizon: int = 1
    gate_years: tuple[int, ...] = (2019, 2020, 2021, 2022, 2023)
    under_covered_years: tuple[int, ...] = (2022,)
    editions: tuple[date, ...] = (date(2023, 3, 9), date(2023, 5, 17), date(2026, 4, 6))


BRAZIL_BACKTEST = BacktestConfig()
# The same evaluation cut to horizon 1 on the last three target years, without the edition windows: 3 of the
# 12 windows on the shipped data. For checking that the chain is wired (tests, a first look); skill is read
# on the full one (SDG87_BACKTEST, pipelines/settings.py).
QUICK_BACKTEST = BacktestConfig(
    first_eval_year=2021, horizons=(1,), gate_years=(2021, 2022, 2023), editions=()
)
BACKTESTS = {"full": BRAZIL_BACKTEST, "quick": QUICK_BACKTEST}


@dataclass(frozen=True)
class BacktestWindow:
    """One fit-and-evaluate step.

    ``train_label_years``: label years of the training rows (all ``<= origin``); ``target_year`` =
    ``origin + horizon``. ``label_basis`` is ``latest_edition`` (labels and event features as published by
    the newest edition: retrospective, optimistic) or ``as_published`` (only editions published by
    ``as_of``; evaluated against the newest edition). ``as_of`` is the date the window pretends it is.
    """

    origin: int
    horizon: int
    train_label_years: tuple[int, ...]
    target_year: int
    label_basis: str
    as_of: date
    under_covered: bool = False

    @property
    def train_feature_years(self) -> tuple[int, ...]:
        """Feature-row years of the training examples (label year − horizon + 1)."""
        return tuple(y - self.horizon + 1 for y in self.train_label_years)

    @property
    def target_feature_year(self) -> int:
        """Feature-row year of the evaluated examples: ``origin + 1``."""
        return self.origin + 1


def backtest_windows(config: BacktestConfig, first_label: int, last_label: int) -> list[BacktestWindow]:
    """Every window the labels ``first_label``..``last_label`` allow, retrospective then as published.

    Retrospective: one window per horizon and target year ``T`` in ``first_eval_year..last_label`` whose
    training label years ``max(first_train_label_year, first_label + h)..T - h`` are not empty. As
    published: per edition ``D`` with origin ``t = D.year - 1`` and a target ``t + h <= last_label``.
    """
    windows: list[BacktestWindow] = []
    for h in config.horizons:
        for target in range(max(config.first_eval_year, first_label + 1), last_label + 1):
            windows.extend(_window(config, first_label, target - h, h, "latest_edition", None))
    for edition in config.editions:
        for h in config.horizons:
            origin = edition.year - 1
            if origin + h <= last_label:
                windows.extend(_window(config, first_label, origin, h, "as_published", edition))
    return windows


def _window(
    config: BacktestConfig, first_label: int, origin: int, h: int, basis: str, as_of: date | None
) -> list[BacktestWindow]:
    # A training example needs a feature row (year >= first_label + 1), so label year >= first_label + h.
    start = max(config.first_train_label_year, first_label + h)
    train = tuple(range(start, origin + 1))
    if not train:
        return []
    return [
        BacktestWindow(
            origin=origin,
            horizon=h,
            train_label_years=train,
            target_year=origin + h,
            label_basis=basis,
            as_of=as_of or date(origin, 12, 31),
            under_covered=(origin + h) in config.under_covered_years,
        )
    ]
