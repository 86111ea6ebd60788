"""``sdg87 report``: what alerts led to, printed and written as a small HTML report with plots.

Figures (definitions in :mod:`alerts.outcomes`): alert-to-referral delay (median and 90th percentile,
overall, by state and by recipient role), share of alerts acted on, confirmed-case rate by risk class.
Files go to ``$SDG87_HOME/reports/``: ``alerts-report.html``, ``alerts-delay-by-state.png`` and
``alerts-by-class.png``, overwritten whole on each run.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from jinja2 import Environment, select_autoescape
from sqlalchemy import Date, DateTime, Integer

from alerts.outcomes import delay_summary, outcome_table, rates_by_class, share_text
from pipelines.alerting.inputs import areas_frame
from pipelines.alerting.report_html import REPORT_TEMPLATE
from pipelines.settings import Settings, get_settings
from pipelines.sql_files import query
from pipelines.warehouse.engine import migrate, warehouse_engine
from pipelines.warehouse.frames import read_frame


def _state_names(sent: pd.DataFrame, areas: pd.DataFrame) -> pd.Series:
    names = dict(zip(areas["area_id"], areas["name"], strict=True))
    state_id = sent["area_parent_id"].where(sent["area_level"] == "2", sent["area_id"])
    return state_id.map(names).where(sent["area_level"].isin(["1", "2"]), "national").fillna("unknown")


def load_outcomes(settings: Settings) -> pd.DataFrame:
    """:func:`alerts.outcomes.outcome_table` over every alert sent and every feedback row."""
    migrate(settings.warehouse_url)
    with warehouse_engine(settings) as engine:
        with engine.connect() as conn:
            sent_q = query("report_alerts_sent").columns(sent_at=DateTime(timezone=True))
            sent = read_frame(conn, sent_q)
            fb_q = query("report_feedback").columns(action_date=Date, confirmed_cases=Integer)
            feedback = read_frame(conn, fb_q)
            areas = areas_frame(conn)
    alerts = sent.assign(
        state=_state_names(sent, areas),
        alerted_on=pd.to_datetime(sent["sent_at"], utc=True).dt.tz_localize(None).dt.normalize(),
    )
    return outcome_table(alerts, feedback)


def _bar_png(frame: pd.DataFrame, x: str, ys: dict[str, str], title: str, ylabel: str) -> bytes:
    """A bar chart of the columns ``ys`` (column -> legend words) by ``x``."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6, 3.2), dpi=96)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    if frame.empty:
        ax.text(0.5, 0.5, "no data yet", ha="center", va="center", transform=ax.transAxes)
    else:
        frame.set_index(x)[list(ys)].rename(columns=ys).plot.bar(ax=ax, rot=0)
    ax.set_title(title)
    ax.set_ylabel(ylabel)
    ax.set_xlabel("")
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def build_report(settings: Settings | None = None) -> dict:
    """Compute the figures and write the report files. Returns the figures (frames and numbers) and
    ``html`` (the report's path)."""
    settings = settings or get_settings()
    table = load_outcomes(settings)
    figures = {
        "n_alerts": len(table),
        "n_feedback": int(table["has_feedback"].sum()),
        "n_acted": int(table["acted"].sum()),
        "acted_share": float(table["acted"].mean()) if len(table) else float("nan"),
        "delay": delay_summary(table),
        "delay_by_state": delay_summary(table, "state"),
        "delay_by_role": delay_summary(table, "role"),
        "by_class": rates_by_class(table),
    }
    out_dir = Path(settings.reports_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "alerts-delay-by-state.png").write_bytes(
        _bar_png(
            figures["delay_by_state"],
            "group",
            {"median": "median", "p90": "90th percentile"},
            "Days from alert to referral",
            "days",
        )
    )
    (out_dir / "alerts-by-class.png").write_bytes(
        _bar_png(
            figures["by_class"],
            "risk_class",
            {
                "acted_share": "acted on (of alerts)",
                "confirmed_rate": "cases confirmed (of alerts with feedback)",
            },
            "Alerts by risk class",
            "share",
        )
    )
    env = Environment(autoescape=select_autoescape(default=True))
    html = env.from_string(REPORT_TEMPLATE).render(
        f=figures, share=share_text, generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    )
    path = out_dir / "alerts-report.html"
    path.write_text(html, encoding="utf-8")
    return {**figures, "html": str(path)}


def _fmt(value: float) -> str:
    return "-" if value != value else f"{value:.1f}"  # NaN reads "-"


def print_report(figures: dict) -> None:
    """The figures as plain text for the terminal."""
    print(f"alerts sent: {figures['n_alerts']}, with feedback: {figures['n_feedback']}, "
          f"acted on: {share_text(figures['n_acted'], figures['n_alerts'])}")  # fmt: skip
    for title, key in (("overall", "delay"), ("by state", "delay_by_state"), ("by role", "delay_by_role")):
        print(f"\nalert-to-referral delay, {title} (days):")
        frame = figures[key]
        if frame.empty:
            print("  (no referrals recorded yet)")
        for r in frame.to_dict("records"):
            print(
                f"  {r['group']:<32} n={r['n_referred']:<4} median={_fmt(r['median'])}  p90={_fmt(r['p90'])}"
                + (
                    f"  ({r['n_before_alert']} dated before the alert, left out)"
                    if r["n_before_alert"]
                    else ""
                )
            )
    print("\nby risk class:")
    for r in figures["by_class"].to_dict("records"):
        print(f"  {r['risk_class']:<7} alerts={r['n_alerts']:<5} acted on: {share_text(r['n_acted'], r['n_alerts'])}"
              f"  cases confirmed: {share_text(r['n_confirmed'], r['n_feedback'])} with feedback"
              f"  cases={r['cases']}")  # fmt: skip
    print(f"\nreport: {figures['html']}")
