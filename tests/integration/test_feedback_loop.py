"""The feedback loop on the real warehouse: an alert e-mail's signed link opens the form, the outcome is
recorded, a CSV import adds more, and ``sdg87 report`` shows the figures. Area rows are real (IBGE);
scores, loads, MLflow metrics and every feedback row are SYNTHETIC."""

# Fixtures imported from test_alert_support are pytest arguments, not redefinitions.
# ruff: noqa: F811
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from test_alert_support import (  # noqa: F401 - fixtures
    ENGLISH_PA,
    add_english_office,
    outbox,
    skilled_run,
    warehouse,
)

from alerts.i18n import texts
from pipelines.alerting.feedback import FeedbackError, import_feedback
from pipelines.alerting.run import send_alerts
from pipelines.brazil.inputs import load_feedback
from pipelines.cli import main
from pipelines.warehouse.schema import Alert, Feedback
from pipelines.web.app import create_app
from tests.support import form_of, run_date, submit

TODAY = datetime.now(UTC).date()


def _links(settings) -> dict[str, str]:
    """Feedback link per area name in the English Pará office's e-mail (each area's block ends with its
    link)."""
    (pa,) = [m for m in outbox(settings) if m["To"].addresses[0].addr_spec == ENGLISH_PA]
    text = pa.get_body(("plain",)).get_content()
    return {
        name: text[text.index(name) :].split("Record what was done: ")[1].split()[0]
        for name in ("Abaetetuba", "Abel Figueiredo")
    }


@pytest.fixture
def sent(settings, warehouse):
    add_english_office(warehouse)  # the example offices read Portuguese; the form's English is tested here
    send_alerts(settings, today=run_date())
    return _links(settings)


def test_feedback_page_records_an_outcome_that_the_report_shows(settings, warehouse, sent, capsys):
    client = TestClient(create_app(settings))
    token = sent["Abaetetuba"].split("token=")[1]
    page = client.get("/feedback", params={"token": token})
    assert (
        page.status_code == 200
        and "Abaetetuba" in page.text
        and "Referred to protection services" in page.text
    )
    referred = (TODAY - timedelta(days=0)).isoformat()
    done = submit(client, client.get("/feedback", params={"token": token}).text, **{"outcome": "referred", "action_date": referred,
                                          "service": "CREAS Abaetetuba <b>"})  # fmt: skip
    assert done.status_code == 200 and "Thank you" in done.text
    again = submit(client, client.get("/feedback", params={"token": token}).text, **{"outcome": "referred", "action_date": referred,
                                           "service": "CREAS Abaetetuba"})  # fmt: skip
    assert again.status_code == 200  # the same outcome again corrects it, never duplicates
    with warehouse.connect() as conn:
        rows = conn.execute(select(Feedback.__table__)).mappings().all()
    assert len(rows) == 1 and rows[0]["service"] == "CREAS Abaetetuba" and rows[0]["source"] == "web"
    assert main(["report"]) == 0
    out = capsys.readouterr().out
    assert "alerts sent: 6, with feedback: 1, acted on: 1 of 6" in out
    assert "Pará" in out and "median=0.0" in out
    html = (settings.reports_dir / "alerts-report.html").read_text()
    assert "Time from alert to referral" in html and (settings.reports_dir / "alerts-by-class.png").exists()
    assert '<html lang="en">' in html and "By risk class" in html and "<td>high</td>" in html


# English words of the report that must not be left in a translated one (headings, labels, notes).
ENGLISH_HEADINGS = ["What alerts led to", "Time from alert to referral", "By state", "By recipient role",
                    "By risk class", "Risk class", "Referrals", "Median days", "90th percentile",
                    "Dated before the alert", "With feedback", "Acted on", "Confirmed-case rate",
                    "Alerts sent", "acted on", "with feedback", "Days from alert to referral", "Scores are about",
                    "alerts sent", "alert-to-referral delay", "overall", "by state", "by role", "by risk class",
                    "median=", "cases confirmed", "report:", " of ", "<td>high</td>", "<td>medium</td>"]  # fmt: skip

# Per language: words the printed text must hold (one referral on the day of the alert, six alerts), and
# words of the HTML (as read, unescaped).
LANGUAGE_WORDS = {
    "pt": (["alertas enviados: 6, com retorno: 1, com providência: 1 de 6", "tempo do alerta ao encaminhamento, "
            "por estado (dias):", "mediana=0,0", "por classe de risco:", "relatório: "],
           ["Resultados dos alertas", "Tempo do alerta ao encaminhamento", "Por estado", "Por classe de risco",
            "Classe de risco", "Taxa de casos confirmados", "(encaminhado, fiscalizado, casos confirmados ou "
            "alarme falso)", "<td>alto</td>", "nunca sobre pessoas"]),
    "es": (["alertas enviadas: 6, con respuesta: 1, atendidas: 1 de 6", "tiempo de la alerta a la derivación, "
            "por estado (días):", "mediana=0,0", "por clase de riesgo:", "informe: "],
           ["Resultados de las alertas", "Tiempo de la alerta a la derivación", "Por estado",
            "Por clase de riesgo", "Clase de riesgo", "Tasa de casos confirmados", "<td>alto</td>",
            "nunca sobre personas"]),
    "fr": (["alertes envoyées : 6, avec retour : 1, suivies d'une action : 1 sur 6", "délai entre l'alerte et "
            "l'orientation, par État (jours) :", "médiane=0,0", "par classe de risque :", "rapport : "],
           ["Suites données aux alertes", "Délai entre l'alerte et l'orientation", "Par État",
            "Par classe de risque", "Classe de risque", "Taux de cas confirmés", "<td>élevé</td>",
            "jamais sur des personnes"]),
}  # fmt: skip


@pytest.mark.parametrize("language", sorted(LANGUAGE_WORDS))
def test_report_speaks_the_language_asked_for(settings, warehouse, sent, tmp_path, capsys, language):
    with warehouse.connect() as conn:
        first = conn.execute(select(Alert.alert_id).order_by(Alert.alert_id)).scalars().first()
    referral = tmp_path / "feedback.csv"
    referral.write_text(f"alert_id,outcome,action_date,service\n{first},referred,{TODAY},CREAS\n")
    import_feedback(referral, settings, today=run_date())
    capsys.readouterr()
    assert main(["report", "--language", language]) == 0
    out = capsys.readouterr().out
    raw = (settings.reports_dir / "alerts-report.html").read_text(encoding="utf-8")
    html = unescape(raw)
    printed_words, html_words = LANGUAGE_WORDS[language]
    assert [w for w in printed_words if w not in out] == []
    assert [w for w in html_words if w not in html] == []
    assert [w for w in ENGLISH_HEADINGS if w in out or w in html] == []
    assert f'<html lang="{language}">' in raw and "Pará" in out and "Pará" in html
    assert "&#39;" in raw or "'" not in html  # still autoescaped: an apostrophe of the words is escaped
    assert (settings.reports_dir / "alerts-delay-by-state.png").stat().st_size > 0


def test_report_language_flag_shows_its_default_and_refuses_others(capsys):
    with pytest.raises(SystemExit):
        main(["report", "--help"])
    shown = " ".join(capsys.readouterr().out.split())
    assert "--language {en,pt,es,fr}" in shown and "(default: en)" in shown
    with pytest.raises(SystemExit) as refused:
        main(["report", "--language", "de"])
    assert refused.value.code == 2 and "invalid choice: 'de'" in capsys.readouterr().err


def test_feedback_form_refuses_bad_input_and_forged_links(settings, warehouse, sent):
    client = TestClient(create_app(settings))
    token = sent["Abel Figueiredo"].split("token=")[1]
    future = (TODAY + timedelta(days=3)).isoformat()
    bad = submit(
        client,
        client.get("/feedback", params={"token": token}).text,
        **{"outcome": "referred", "action_date": future, "service": "x"},
    )
    assert bad.status_code == 422 and "in the future" in bad.text
    no_reason = submit(
        client, client.get("/feedback", params={"token": token}).text, **{"outcome": "no_action"}
    )
    assert no_reason.status_code == 422 and "reason" in no_reason.text
    script = submit(
        client,
        client.get("/feedback", params={"token": token}).text,
        **{"outcome": "no_action", "note": "<script>alert(1)</script>"},
    )
    assert script.status_code == 200
    shown = client.get("/feedback", params={"token": token})
    assert "<script>alert(1)" not in shown.text
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert client.get("/feedback", params={"token": forged}).status_code == 400
    assert client.post("/feedback", data={"token": forged, "outcome": "false_alarm"}).status_code == 400


def test_expired_feedback_link_is_refused(settings, warehouse, sent):
    token = sent["Abaetetuba"].split("token=")[1]
    late = TODAY + timedelta(days=settings.link_max_age_days + 1)
    client = TestClient(create_app(settings, today=lambda: late))
    page = client.get("/feedback", params={"token": token})
    assert page.status_code == 400 and "expired" in page.text


def test_csv_import_is_all_or_nothing_and_idempotent(settings, warehouse, sent, tmp_path):
    with warehouse.connect() as conn:
        ids = conn.execute(select(Alert.alert_id).order_by(Alert.alert_id)).scalars().all()
    good = tmp_path / "feedback.csv"
    good.write_text("alert_id,outcome,action_date,service,confirmed_cases,note\n"
                    f"{ids[0]},inspection,{TODAY},,,\n{ids[0]},confirmed,{TODAY},,2,\n"
                    f"{ids[1]},false_alarm,,,,\n", encoding="utf-8")  # fmt: skip
    assert import_feedback(good, settings, today=run_date()) == {"rows": 3, "alerts": 2}
    assert import_feedback(good, settings, today=run_date()) == {"rows": 3, "alerts": 2}
    with warehouse.connect() as conn:
        assert len(conn.execute(select(Feedback.feedback_id)).all()) == 3
        labels = load_feedback(conn)  # what the next training reads
    confirmed = labels.loc[labels["outcome"] == "confirmed"].groupby("area_id")["confirmed_cases"].sum()
    assert confirmed.loc["BRA.1500107"] == 2
    bad = tmp_path / "bad.csv"
    bad.write_text(f"alert_id,outcome,confirmed_cases\n{ids[2]},confirmed,-1\nx,referred,\n{ids[2]},maybe,\n")
    with pytest.raises(FeedbackError, match="3 bad row"):
        import_feedback(bad, settings, today=run_date())
    unknown = tmp_path / "unknown.csv"
    unknown.write_text("alert_id,outcome\n999999,false_alarm\n")
    with pytest.raises(FeedbackError, match="unknown alert"):
        import_feedback(unknown, settings, today=run_date())
    assert main(["feedback", "import", str(good)]) == 0


def test_one_form_records_several_outcomes_and_keeps_what_was_entered_on_error(settings, warehouse, sent):
    client = TestClient(create_app(settings))
    token = sent["Abaetetuba"].split("token=")[1]
    page = client.get("/feedback", params={"token": token}).text
    assert 'type="checkbox" name="outcome" value="referred"' in page
    action, hidden = form_of(page)
    # A referral without its service: refused, and the form comes back with every value entered.
    fields = {"outcome": ["referred", "confirmed"], "action_date": TODAY.isoformat(), "confirmed_cases": "4",
              "note": "visita conjunta"}  # fmt: skip
    refused = client.post(action, data={**hidden, **fields})
    assert refused.status_code == 422 and "A referral needs its date and the service" in refused.text
    assert 'value="referred" checked' in refused.text and 'value="confirmed" checked' in refused.text
    assert f'value="{TODAY.isoformat()}"' in refused.text and 'value="4"' in refused.text
    assert "visita conjunta</textarea>" in refused.text
    contradictory = client.post(
        action, data={**hidden, "outcome": ["false_alarm", "confirmed"], "confirmed_cases": "1"}
    )
    assert contradictory.status_code == 422 and "cannot go with another outcome" in contradictory.text
    done = client.post(action, data={**hidden, **fields, "service": "CREAS"})
    assert done.status_code == 200
    assert "Referred to protection services, Cases confirmed" in done.text
    with warehouse.connect() as conn:
        rows = conn.execute(select(Feedback.outcome, Feedback.confirmed_cases, Feedback.service)).all()
    assert sorted(rows, key=str) == sorted([("referred", None, "CREAS"), ("confirmed", 4, None)], key=str)


def test_the_emails_own_csv_imports_with_outcomes_added(settings, warehouse, sent, tmp_path):
    # The example Pará office reads Portuguese: its CSV has Portuguese headers, and imports as it is.
    (pa,) = [m for m in outbox(settings) if m["To"].addresses[0].addr_spec == "labour-office-pa@example.org"]
    (attachment,) = pa.iter_attachments()
    header, *rows = attachment.get_content().lstrip("\ufeff").splitlines()
    ref = header.split(",").index(texts("pt")["csv_alert_ref"])
    listed = [r for r in rows if r.split(",")[ref]]
    assert len(listed) == 2 and len(rows) == 2  # the CSV holds the areas at the alert level
    # Edit: the officer adds outcome columns; the first listed area was referred AND had cases confirmed.
    first = listed[0]
    lines = [header + ",outcome,action_date,service,confirmed_cases",
             f"{first},referred,{TODAY},CREAS,", f"{first},confirmed,{TODAY},,3",
             *(f"{r},,,," for r in rows if r != first)]  # fmt: skip
    returned = tmp_path / "returned.csv"
    returned.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    assert import_feedback(returned, settings, today=run_date()) == {"rows": 2, "alerts": 1}
    with warehouse.connect() as conn:
        outcomes = conn.execute(select(Feedback.outcome, Feedback.confirmed_cases)).all()
    assert sorted(outcomes, key=str) == sorted([("referred", None), ("confirmed", 3)], key=str)


def test_import_reports_every_problem_of_the_file_in_one_pass(settings, warehouse, sent, tmp_path):
    with warehouse.connect() as conn:
        ids = conn.execute(select(Alert.alert_id).order_by(Alert.alert_id)).scalars().all()
    before = (TODAY - timedelta(days=30)).isoformat()
    bad = tmp_path / "bad.csv"
    # Edit: line 2 an unknown alert, line 3 a referral dated before its alert, line 4 a bad outcome.
    bad.write_text(f"alert_id,outcome,action_date,service\n999999,false_alarm,,\n"
                   f"{ids[0]},referred,{before},CREAS\n{ids[1]},maybe,,\n", encoding="utf-8")  # fmt: skip
    with pytest.raises(FeedbackError) as err:
        import_feedback(bad, settings, today=run_date())
    message = str(err.value)
    assert message.startswith("3 bad row(s), nothing imported")
    assert f"{bad}:2: unknown alert id 999999" in message
    assert f"{bad}:3: alert {ids[0]}: action_date {before} is before the alert was sent" in message
    assert f"{bad}:4: outcome 'maybe'" in message
    with warehouse.connect() as conn:
        assert conn.execute(select(Feedback.feedback_id)).all() == []


def test_report_on_an_empty_warehouse(settings, capsys):
    assert main(["report"]) == 0
    out = capsys.readouterr().out
    assert "alerts sent: 0" in out and "(no referrals recorded yet)" in out
    assert main(["report", "--language", "pt"]) == 0
    out = capsys.readouterr().out
    assert "alertas enviados: 0" in out and "(nenhum encaminhamento registrado ainda)" in out
    assert "(nenhum alerta enviado ainda)" in out
    html = (settings.reports_dir / "alerts-report.html").read_text(encoding="utf-8")
    assert "nenhum encaminhamento registrado ainda" in html and "no referrals" not in html


def test_areas_beyond_the_top_n_are_alerts_with_their_own_link(settings, warehouse, tmp_path):
    add_english_office(warehouse)
    one = settings.model_copy(update={"alert_top_n": 1})
    send_alerts(one, today=run_date())
    (pa,) = [m for m in outbox(one) if m["To"].addresses[0].addr_spec == ENGLISH_PA]
    text = pa.get_body(("plain",)).get_content()
    assert "1 more are in the attached CSV, each with its own reference and link" in text
    assert text.count("Record what was done: ") == 1  # the body lists only the top one
    (attachment,) = pa.iter_attachments()
    header, *rows = (r.split(",") for r in attachment.get_content().lstrip("\ufeff").splitlines())
    ref, link = header.index("alert_ref"), header.index("feedback_link")
    assert len(rows) == 2 and all(r[ref] and r[link].startswith(one.public_url) for r in rows)
    csv_only = rows[1]
    with warehouse.connect() as conn:
        alerted = dict(conn.execute(select(Alert.alert_id, Alert.area_id)).all())
    assert alerted[int(csv_only[ref])] == csv_only[header.index("area_id")]
    client = TestClient(create_app(one))
    page = client.get("/feedback", params={"token": csv_only[link].split("token=")[1]})
    assert page.status_code == 200 and csv_only[header.index("name")] in page.text
    done = submit(client, page.text, outcome="referred", action_date=TODAY.isoformat(), service="CREAS")
    assert done.status_code == 200, done.text
    with warehouse.connect() as conn:
        recorded = conn.execute(select(Feedback.alert_id, Feedback.outcome)).all()
    assert recorded == [(int(csv_only[ref]), "referred")]
