"""Evaluation windows as data: which target years train, which one is held out, which one is scored.

Years are target (inspection) years. With labels for ``first_label``..``last_label``, features exist for
``first_label + 1``..``last_label + 1`` (a target year needs at least one earlier year of history).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Windows:
    """``train_years`` < ``heldout_year`` < ``score_year``; ``refit_years`` = train + held-out."""

    train_years: tuple[int, ...]
    heldout_year: int
    score_year: int

    @property
    def refit_years(self) -> tuple[int, ...]:
        return (*self.train_years, self.heldout_year)


def holdout_windows(first_label: int, last_label: int) -> Windows:
    """Train on ``first_label + 1``..``last_label - 1``, hold out ``last_label``, score ``last_label + 1``.

    Raises ``ValueError`` when fewer than one training year would remain.
    """
    if last_label - first_label < 2:
        raise ValueError(
            f"need labels spanning at least 3 years to train and hold one out, got {first_label}-{last_label}"
        )
    train = tuple(range(first_label + 1, last_label))
    return Windows(train_years=train, heldout_year=last_label, score_year=last_label + 1)
