"""``sdg87 report``: what alerts led to, printed and written as a small HTML report with plots.

Figures (definitions in :mod:`alerts.outcomes`): alert-to-referral delay (median and 90th percentile,
overall, by state and by recipient role), share of alerts acted on, confirmed-case rate by risk class.
Files go to ``$SDG87_HOME/reports/``: ``alerts-report.html``, ``alerts-delay-by-state.png`` and
``alerts-by-class.png``, overwritten whole on each run.

Language: ``en``, ``pt``, ``es`` or ``fr`` (:data:`alerts.i18n.LANGUAGES`). The words of the printed text,
the HTML and the charts are the ``report_*`` keys of the catalogues, with ``class_<risk class>`` for the
risk classes and ``risk_class``, ``dash_state``, ``dash_col_alerts``, ``dash_status_*`` for the words the
dashboard already has. The figures stay language-free (``group`` ``all``/``national``/``unknown``,
``risk_class`` ``high``/``medium``/``low``); they are put into words only when printed or written.
Recipient roles and state names are data and are shown as recorded.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from jinja2 import Environment, select_autoescape
from sqlalchemy import Date, DateTime, Integer

from alerts.i18n import LANGUAGES, decimal_mark, texts
from alerts.outcomes import days_text, delay_summary, outcome_table, rates_by_class, share_text
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


def _bar_png(
    frame: pd.DataFrame, x: str, ys: dict[str, str], title: str, ylabel: str, no_data: str, decimal: str = "."
) -> bytes:
    """A bar chart of the columns ``ys`` (column -> legend words) by ``x``; ``no_data`` is written on an
    empty chart and ``decimal`` separates the decimals of the axis numbers."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    fig = Figure(figsize=(6, 3.2), dpi=96)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    if frame.empty:
        ax.text(0.5, 0.5, no_data, ha="center", va="center", transform=ax.transAxes)
    else:
        frame.set_index(x)[list(ys)].rename(columns=ys).plot.bar(ax=ax, rot=0)
    if decimal != ".":  # the x axis holds numbers only on an empty chart
        for axis in [ax.yaxis] + ([ax.xaxis] if frame.empty else []):
            axis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}".replace(".", decimal)))
    ax.set_title(title)
    ax.set_ylabel(ylabel)
    ax.set_xlabel("")
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def _check_language(language: str) -> str:
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; expected one of {', '.join(LANGUAGES)}")
    return language


def _in_words(figures: dict, t: dict[str, str]) -> dict:
    """``figures`` with the frames' code names put into the words of catalogue ``t``: the overall
    ``group`` ``all``, the states ``national`` and ``unknown``, and each ``risk_class``."""
    overall = {"all": t["report_group_all"]}
    states = {"national": t["report_state_national"], "unknown": t["report_state_unknown"]}
    by_class = figures["by_class"]
    return {
        **figures,
        "delay": figures["delay"].assign(group=figures["delay"]["group"].replace(overall)),
        "delay_by_state": figures["delay_by_state"].assign(
            group=figures["delay_by_state"]["group"].replace(states)
        ),
        "by_class": by_class.assign(risk_class=[t.get(f"class_{c}", str(c)) for c in by_class["risk_class"]]),
    }


def build_report(settings: Settings | None = None, language: str = "en") -> dict:
    """Compute the figures and write the report files, their words in ``language`` (``en``, ``pt``,
    ``es``, ``fr``; anything else raises ``ValueError``). Returns the figures: ``n_alerts``,
    ``n_feedback``, ``n_acted`` (counts of alerts), ``acted_share`` (0-1, NaN without alerts), the frames
    ``delay``, ``delay_by_state``, ``delay_by_role`` (days, :func:`alerts.outcomes.delay_summary`) and
    ``by_class`` (:func:`alerts.outcomes.rates_by_class`), plus ``language`` and ``html`` (the report's
    path)."""
    _check_language(language)
    t = texts(language)
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
    shown = _in_words(figures, t)
    decimal = decimal_mark(language)
    out_dir = Path(settings.reports_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "alerts-delay-by-state.png").write_bytes(
        _bar_png(
            shown["delay_by_state"],
            "group",
            {"median": t["report_chart_median"], "p90": t["report_chart_p90"]},
            t["report_chart_delay_title"],
            t["report_chart_days"],
            t["report_chart_no_data"],
            decimal,
        )
    )
    (out_dir / "alerts-by-class.png").write_bytes(
        _bar_png(
            shown["by_class"],
            "risk_class",
            {"acted_share": t["report_chart_acted"], "confirmed_rate": t["report_chart_confirmed"]},
            t["report_chart_class_title"],
            t["report_chart_share"],
            t["report_chart_no_data"],
            decimal,
        )
    )
    env = Environment(autoescape=select_autoescape(default=True))
    html = env.from_string(REPORT_TEMPLATE).render(
        lang=language,
        t=t,
        f=shown,
        share=lambda k, n: share_text(k, n, language),
        days=lambda value: days_text(value, language),
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    )
    path = out_dir / "alerts-report.html"
    path.write_text(html, encoding="utf-8")
    return {**figures, "language": language, "html": str(path)}


def print_report(figures: dict, language: str | None = None) -> None:
    """The figures of :func:`build_report` as plain text for the terminal, in ``language`` (``en``,
    ``pt``, ``es``, ``fr``; None: the language the report was built in, else English). Delays in days
    with one decimal, shares as :func:`alerts.outcomes.share_text`."""
    language = _check_language(language or figures.get("language", "en"))
    t = texts(language)
    shown = _in_words(figures, t)

    def share(k: int, n: int) -> str:
        return share_text(k, n, language)

    print(t["report_print_counts"].format(n_alerts=shown["n_alerts"], n_feedback=shown["n_feedback"],
                                          acted=share(shown["n_acted"], shown["n_alerts"])))  # fmt: skip
    for title, key in (
        ("report_print_overall", "delay"),
        ("report_print_by_state", "delay_by_state"),
        ("report_print_by_role", "delay_by_role"),
    ):
        print("\n" + t["report_print_delay"].format(title=t[title]))
        frame = shown[key]
        if frame.empty:
            print(f"  ({t['report_no_referrals']})")
        for r in frame.to_dict("records"):
            row = t["report_print_delay_row"].format(
                n=f"{r['n_referred']:<4}",
                median=days_text(r["median"], language),
                p90=days_text(r["p90"], language),
            )
            before = (
                t["report_print_before_alert"].format(n=r["n_before_alert"]) if r["n_before_alert"] else ""
            )
            print(f"  {r['group']:<32} {row}" + (f"  {before}" if before else ""))
    print("\n" + t["report_print_by_class"])
    if shown["by_class"].empty:
        print(f"  ({t['report_no_alerts']})")
    for r in shown["by_class"].to_dict("records"):
        row = t["report_print_class_row"].format(
            n_alerts=f"{r['n_alerts']:<5}",
            acted=share(r["n_acted"], r["n_alerts"]),
            confirmed=share(r["n_confirmed"], r["n_feedback"]),
            cases=r["cases"],
        )
        print(f"  {r['risk_class']:<7} {row}")
    print("\n" + t["report_print_file"].format(path=shown["html"]))
