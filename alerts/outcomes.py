"""What alerts led to (pure): alert-to-referral delay, share acted on, confirmed-case rate by class.

Inputs
- ``alerts``: one row per alert sent: ``alert_id, area_id, risk_class, state, role, alerted_on`` (date
  the e-mail carrying it was sent; ``state`` is the name of the area's first-level parent, ``role`` the
  recipient's role).
- ``feedback``: ``alert_id, outcome, action_date, confirmed_cases`` (any number of rows per alert).

Definitions
- *delay*: days from ``alerted_on`` to the earliest ``referred`` action date. A referral dated before the
  alert (negative delay; the feedback form and import refuse such dates, older rows may hold them) is
  never clipped to 0: it is left out of the median and p90 and counted apart as ``n_before_alert``.
- *acted on*: the alert has a ``referred``, ``inspection``, ``confirmed`` or ``false_alarm`` outcome
  (someone looked); ``no_action`` or no feedback is not acted on.
- *confirmed-case rate* of a risk class: alerts with a ``confirmed`` outcome and at least one case,
  over alerts of that class with any feedback (alerts nobody reported on are not counted as negatives).

Words: :func:`share_text` and :func:`days_text` write in ``en``, ``pt``, ``es`` or ``fr`` (catalogue keys
``report_share`` and ``report_share_percent`` of :mod:`alerts.i18n`).
"""

from __future__ import annotations

import math

import pandas as pd

from alerts.i18n import one_decimal, texts

ACTED = ("referred", "inspection", "confirmed", "false_alarm")
ALERT_COLUMNS = ["alert_id", "area_id", "risk_class", "state", "role", "alerted_on"]
FEEDBACK_COLUMNS = ["alert_id", "outcome", "action_date", "confirmed_cases"]


def outcome_table(alerts: pd.DataFrame, feedback: pd.DataFrame) -> pd.DataFrame:
    """One row per alert: its columns plus ``has_feedback``, ``acted``, ``referred_on``, ``delay_days``,
    ``confirmed`` (bool) and ``cases`` (sum of confirmed cases, 0 when none)."""
    fb = feedback.assign(action_date=pd.to_datetime(feedback["action_date"]))
    referred = (
        fb[fb["outcome"] == "referred"].groupby("alert_id", as_index=False)["action_date"].min()
        .rename(columns={"action_date": "referred_on"})
    )  # fmt: skip
    cases = (
        fb[fb["outcome"] == "confirmed"].groupby("alert_id", as_index=False)["confirmed_cases"].sum()
        .rename(columns={"confirmed_cases": "cases"})
    )  # fmt: skip
    out = (
        alerts[ALERT_COLUMNS]
        .merge(referred, on="alert_id", how="left")
        .merge(cases, on="alert_id", how="left")
    )
    out["has_feedback"] = out["alert_id"].isin(set(fb["alert_id"]))
    out["acted"] = out["alert_id"].isin(set(fb.loc[fb["outcome"].isin(ACTED), "alert_id"]))
    referred_on = pd.to_datetime(out["referred_on"])
    delay = (referred_on - pd.to_datetime(out["alerted_on"])).dt.days
    out["delay_days"] = delay  # negative: dated before the alert, reported apart (never clipped)
    out["cases"] = pd.to_numeric(out["cases"]).fillna(0).astype(int)
    out["confirmed"] = out["cases"] > 0
    return out


def delay_summary(table: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Referral delay in days: ``n_referred`` (referrals dated on or after the alert), ``median``, ``p90``
    of those, and ``n_before_alert`` (referrals dated before it, left out of the figures), overall (``by``
    None) or per group."""
    referred = table[table["delay_days"].notna()]
    if by is None:
        groups = {"all": referred["delay_days"]}
    else:
        groups = {str(k): g["delay_days"] for k, g in referred.groupby(by, dropna=False)}
    rows = [
        {"group": k, "n_referred": int((v >= 0).sum()), "median": float(v[v >= 0].median()),
         "p90": float(v[v >= 0].quantile(0.9)), "n_before_alert": int((v < 0).sum())}
        for k, v in groups.items()
        if len(v)
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=["group", "n_referred", "median", "p90", "n_before_alert"])


SMALL_N = 20  # below this many cases a share is written only as "k of n", never as a percent


def share_text(k: int, n: int, language: str = "en") -> str:
    """A share as its counts in ``language``: ``"-"`` for no case, ``"1 of 1"`` (``"1 de 1"``) below
    :data:`SMALL_N` cases (a percent of a handful reads as certainty), else ``"12 of 40 (30%)"``, the
    percent rounded half up to a whole number (catalogue keys ``report_share``, ``report_share_percent``)."""
    if n <= 0:
        return "-"
    t = texts(language)
    if n < SMALL_N:
        return t["report_share"].format(k=k, n=n)
    return t["report_share_percent"].format(k=k, n=n, percent=math.floor(k / n * 100 + 0.5))


def days_text(value: float, language: str = "en") -> str:
    """A number of days with one decimal and the language's decimal separator (``4.5`` in English,
    ``4,5`` in Portuguese, Spanish and French); ``"-"`` for NaN (no referral to measure)."""
    return "-" if value != value else one_decimal(value, language)


def rates_by_class(table: pd.DataFrame) -> pd.DataFrame:
    """Per risk class: ``n_alerts``, ``n_feedback``, ``n_acted``, ``acted_share`` (of alerts),
    ``n_confirmed``, ``confirmed_rate`` (of alerts with feedback; NaN when none) and ``cases``."""
    rows = []
    for risk_class, g in table.groupby("risk_class"):
        with_fb = g[g["has_feedback"]]
        rows.append(
            {
                "risk_class": risk_class,
                "n_alerts": len(g),
                "n_feedback": len(with_fb),
                "n_acted": int(g["acted"].sum()),
                "acted_share": float(g["acted"].mean()),
                "n_confirmed": int(with_fb["confirmed"].sum()),
                "confirmed_rate": float(with_fb["confirmed"].mean()) if len(with_fb) else float("nan"),
                "cases": int(g["cases"].sum()),
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "risk_class",
            "n_alerts",
            "n_feedback",
            "n_acted",
            "acted_share",
            "n_confirmed",
            "confirmed_rate",
            "cases",
        ],  # fmt: skip
    )
