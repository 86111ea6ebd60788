"""The shared dashboard, its downloads, the JSON API and the world page, reached through the links of real
alert e-mails; scoping through page and API; the pages in headless Chromium (screenshots in
``test-artifacts/``).

Area rows are real (IBGE); scores, loads, MLflow metrics, geometries (unit squares), feedback and the
country estimates are SYNTHETIC (see test_alert_support).
"""

# Fixtures imported from test_alert_support are pytest arguments, not redefinitions.
# ruff: noqa: F811
from __future__ import annotations

import csv
import io
import json
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import shapely
from fastapi.testclient import TestClient
from matplotlib.image import imread
from sqlalchemy import insert, select, update
from test_alert_support import (  # noqa: F401 - fixtures
    ENGLISH_PA,
    MODEL,
    add_english_office,
    outbox,
    served,
    skilled_run,
    warehouse,
)

from pipelines.alerting.feedback import FeedbackEntry, record_feedback
from pipelines.alerting.links import sign
from pipelines.alerting.run import send_alerts
from pipelines.alerting.subscriptions import add_subscriptions
from pipelines.settings import DEV_SECRET_KEY
from pipelines.warehouse.schema import Alert, Area, Subscription
from pipelines.warehouse.schema_world import CountryEstimate
from pipelines.web.app import create_app
from tests.support import chromium_or_skip, run_date

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PARA = {"Abaetetuba", "Abel Figueiredo", "Acará"}
MATO_GROSSO = {"Acorizal", "Água Boa"}
# English-reading offices of the tests' own (the example offices read Portuguese).
PA_EN, NATIONAL_EN = ENGLISH_PA, "national-en@example.org"


@pytest.fixture
def links(settings, warehouse) -> dict[str, str]:
    """Send a cycle (plus a confirmed Mato Grosso subscription from class medium, so each state has an
    alert, and English offices for Pará and Brazil) and return the dashboard link of each alert e-mail, by
    recipient, as a path on the app."""
    add_english_office(warehouse)
    add_english_office(warehouse, scope="BRA", email=NATIONAL_EN)
    add_subscriptions([{"recipient_name": "MT medium (example)", "email": "mt-medium@example.org",
                        "role": "state labour office", "scope_area_id": "BRA.MT", "min_class": "medium"}], settings)  # fmt: skip
    with warehouse.begin() as conn:
        conn.execute(update(Subscription.__table__).where(Subscription.email == "mt-medium@example.org").values(confirmed=True))  # fmt: skip
    send_alerts(settings, today=run_date())
    found = {}
    for message in outbox(settings):
        text = message.get_body(("plain",)).get_content()
        line = next(x for x in text.splitlines() if "/dashboard?token=" in x)
        label, _, link = line.rpartition(": ")
        found[message["To"].addresses[0].addr_spec] = (
            label,
            link.removeprefix(settings.public_url.rstrip("/")),
        )
    return found


def _token(path: str) -> str:
    return parse_qs(urlsplit(path).query)["token"][0]


def _client(settings, **kwargs) -> TestClient:
    return TestClient(create_app(settings, **kwargs))


def test_each_email_links_to_its_scope_and_nothing_else(settings, links):
    assert links[PA_EN][0] == "Open the map for Pará"
    assert links[NATIONAL_EN][0] == "Open the map for Brazil"
    # the example offices read Portuguese
    assert links["labour-office-pa@example.org"][0] == "Abrir o mapa (Pará)"
    assert links["inspection-unit@example.org"][0] == "Abrir o mapa (Brasil)"
    # the all-clear too, in its subscriber's language (the Mato Grosso example office reads Portuguese)
    alerts = {m["Message-ID"] for m in outbox(settings)}
    (clear,) = [m for m in outbox(settings, all_clear=True) if m["Message-ID"] not in alerts]
    assert "Abrir o mapa (Mato Grosso): " in clear.get_body(("plain",)).get_content()
    client = _client(settings)
    pages = {who: client.get(path) for who, (_, path) in links.items()}
    assert {p.status_code for p in pages.values()} == {200}
    pa, mt, national = (pages[w].text for w in (PA_EN, "mt-medium@example.org", NATIONAL_EN))  # fmt: skip
    assert "Abaetetuba" in pa and "Abel Figueiredo" in pa and "<svg" in pa
    assert not any(name in pa for name in MATO_GROSSO) and "Mato Grosso" not in pa
    assert "Acorizal" in mt and not any(name in mt for name in PARA)
    # The national link: the alerted municipalities of every state and each state's follow-up.
    assert "Alerted areas: 3" in national and all(
        n in national for n in ("Abaetetuba", "Abel Figueiredo", "Acorizal")
    )
    assert national.count("<td>Pará</td>") == 1 and national.count("<td>Mato Grosso</td>") == 1
    assert 'class="rc-high outlined"' in national  # alerted areas are outlined on the map
    # The country is named in the reader's words; the interval is named once, in the column header.
    assert "Risk picture: Brazil" in national and "Brasil" not in national
    assert "<th>90 % model interval</th>" in national and "model interval 1" not in national


def test_a_scoped_link_cannot_read_outside_its_scope(settings, links):
    client = _client(settings)
    pa_path = links[PA_EN][1]
    pa, national = _token(pa_path), _token(links[NATIONAL_EN][1])
    refused = client.get(pa_path + "&state=BRA.MT")
    assert refused.status_code == 403 and "Acorizal" not in refused.text
    assert client.get("/dashboard.csv", params={"token": pa, "state": "BRA.MT"}).status_code == 403
    auth = {"Authorization": f"Bearer {pa}"}
    assert client.get("/api/v1/alerts", params={"state": "BRA.MT"}, headers=auth).status_code == 403
    assert client.get("/api/v1/areas/BRA.5100102", headers=auth).status_code == 404
    assert client.get("/api/v1/areas/BRA.1500107", headers=auth).json()["alert"]["status"] == "none"
    every = client.get("/api/v1/scores", headers=auth).json()
    assert {r["area_id"] for r in every} == {"BRA.1500107", "BRA.1500131", "BRA.1500206"}
    assert {r["state_id"] for r in client.get("/api/v1/alerts", headers=auth).json()} == {"BRA.PA"}
    mt_area = client.get("/api/v1/areas/BRA.5100102", params={"token": national})
    assert mt_area.status_code == 200 and mt_area.json()["name"] == "Acorizal"
    national_states = client.get("/api/v1/scope", params={"token": national}).json()["states"]
    assert [s["area_id"] for s in national_states] == ["BRA.MT", "BRA.PA"]
    assert [s["area_id"] for s in client.get("/api/v1/scope", headers=auth).json()["states"]] == ["BRA.PA"]


def test_expired_forged_and_foreign_tokens_are_refused(settings, links):
    path = links[PA_EN][1]
    token = _token(path)
    late = date.today() + timedelta(days=settings.link_max_age_days + 1)
    expired = _client(settings, today=lambda: late)
    page = expired.get(path)
    assert page.status_code == 400 and "expired on" in page.text and "Abaetetuba" not in page.text
    assert expired.get("/api/v1/alerts", params={"token": token}).status_code == 401
    client = _client(settings)
    payload, signature = token.split(".")
    forged_scope = sign(b"not the key of this server!!", "dashboard", "BRA", date.today() + timedelta(days=9))
    feedback_token = sign(DEV_SECRET_KEY.encode(), "feedback", 1, date.today() + timedelta(days=9))
    for bad in (f"{payload}.{signature[::-1]}", forged_scope, feedback_token, ""):
        assert client.get("/dashboard", params={"token": bad}).status_code == 400
        assert client.get("/dashboard.geojson", params={"token": bad}).status_code == 400
        assert client.get("/world", params={"token": bad}).status_code == 400
        assert client.get("/api/v1/scope", headers={"Authorization": f"Bearer {bad}"}).status_code == 401


def test_downloads_and_api_match_the_table(settings, links):
    client = _client(settings)
    path = links[NATIONAL_EN][1]
    token = _token(path)
    page = client.get(path + "&risk_class=high").text
    rows = list(
        csv.DictReader(
            io.StringIO(client.get("/dashboard.csv", params={"token": token, "risk_class": "high"}).text)
        )
    )
    geo = client.get("/dashboard.geojson", params={"token": token, "risk_class": "high"})
    api = client.get("/api/v1/alerts", params={"token": token, "risk_class": "high"}).json()
    assert (
        [r["area_id"] for r in rows]
        == [f["id"] for f in geo.json()["features"]]
        == [r["area_id"] for r in api]
    )
    assert [r["name"] for r in rows] == ["Abaetetuba", "Abel Figueiredo"]  # highest p first, as on the page
    assert page.index("Abaetetuba") < page.index("Abel Figueiredo") and "Acorizal</strong>" not in page
    assert [float(r["p"]) for r in rows] == [r["p"] for r in api] == [0.42, 0.27]
    assert geo.headers["content-type"].startswith("application/geo+json")
    assert geo.json()["features"][0]["geometry"]["type"] == "Polygon"
    assert rows[0]["status"] == "none" and rows[0]["main_reasons"].startswith("share of jobs in farming (+)")
    everything = list(csv.DictReader(io.StringIO(client.get("/dashboard.csv", params={"token": token}).text)))
    assert {r["state"] for r in everything} == {"Pará", "Mato Grosso"}


def test_follow_up_status_rate_and_delay_per_state(settings, warehouse, links):
    with warehouse.connect() as conn:
        ids = dict(conn.execute(select(Alert.area_id, Alert.alert_id).where(Alert.model_name == MODEL)).all())
    today = datetime.now(UTC).date()
    with warehouse.begin() as conn:
        record_feedback(
            conn, [FeedbackEntry(ids["BRA.1500107"], "referred", today, "CREAS")], "web", submitted_by="test"
        )
    client = _client(settings)
    national = _token(links[NATIONAL_EN][1])
    states = {s["state"]: s for s in client.get("/api/v1/states", params={"token": national}).json()}
    assert states["Pará"]["n_alerted"] == 2 and states["Pará"]["n_followed"] == 1
    assert states["Pará"]["follow_up_rate"] == 0.5 and states["Pará"]["median_delay_days"] == 0.0
    assert (
        states["Mato Grosso"]["follow_up_rate"] == 0.0 and states["Mato Grosso"]["median_delay_days"] is None
    )
    page = client.get("/dashboard", params={"token": national}).text
    assert "referred" in page and "nothing yet" in page and "<td>50%</td>" in page


def test_pages_speak_the_subscribers_language(settings, warehouse, links):
    with warehouse.begin() as conn:
        conn.execute(update(Subscription.__table__).values(language="pt"))
    client = _client(settings)
    path = links[PA_EN][1].replace("lang=en", "lang=pt")
    page = client.get(path).text
    assert 'lang="pt"' in page and "Áreas alertadas: 2" in page and "Panorama de risco: Pará" in page
    fr = client.get(path.replace("lang=pt", "lang=fr")).text
    assert "Zones signalées : 2" in fr and "rien pour l&#39;instant" in fr


def _add_estimates(engine):
    # SYNTHETIC estimates for two countries (the Brazil row reuses the area BRA of the fixture).
    common = {"period": date(2025, 1, 1), "model_name": "sdg87-world-child-labour", "model_version": "3",
              "age_band": "5_17", "covariates_known": 5, "as_of": date(2026, 11, 1),
              "scored_at": datetime(2026, 11, 1, tzinfo=UTC)}  # fmt: skip
    rows = [
        {**common, "area_id": "BRA", "prevalence": 4.2, "p_lo": 2.9, "p_hi": 6.0, "evidence": "survey",
         "evidence_series": "sdg:5_17", "evidence_year": 2019, "intervention_type": "momentum",
         "reasons": json.dumps({"type_reason": "strong commitment, low prevalence", "drivers": []})},
        {**common, "area_id": "BRA.PA", "prevalence": 12.5, "p_lo": 7.0, "p_hi": 20.1, "evidence": "covariates",
         "evidence_series": None, "evidence_year": None, "intervention_type": None, "reasons": json.dumps({"type_reason": "no ILAB report", "drivers": []})},
    ]  # fmt: skip
    with engine.begin() as conn:
        conn.execute(insert(CountryEstimate.__table__), rows)
        for i, area_id in enumerate(("BRA", "BRA.PA")):  # SYNTHETIC shapes: squares
            box = shapely.to_wkb(shapely.box(10 * i, 0, 10 * i + 5, 5))
            conn.execute(
                update(Area.__table__).where(Area.area_id == area_id).values(geometry_simplified_wkb=box)
            )


def test_world_page_and_api(settings, warehouse, links):
    client = _client(settings)
    token = _token(links[PA_EN][1])
    assert (
        "No country estimates have been published yet." in client.get("/world", params={"token": token}).text
    )
    _add_estimates(warehouse)
    page = client.get("/world", params={"token": token}).text
    for shown in ("Brazil", "4.2 %", "2.9–6.0 %", "its own surveys (sdg:5_17, 2019)", "<svg"):
        assert shown in page, shown
    assert "Brasil" in client.get("/world", params={"token": token, "lang": "pt"}).text  # the reader's word
    assert (
        page.count('class="band-lt5"') == 1 and page.count('class="band-10_20"') == 1
    )  # one shape per country
    assert (
        "momentum" in page and "strong commitment" in page and "no type (no government-response data)" in page
    )
    countries = client.get("/api/v1/countries", headers={"Authorization": f"Bearer {token}"}).json()
    assert [(c["area_id"], c["evidence"]) for c in countries] == [("BRA", "survey"), ("BRA.PA", "covariates")]


def test_openapi_documents_the_api(settings, links):
    spec = _client(settings).get("/api/v1/openapi.json").json()
    assert {"/scope", "/alerts", "/scores", "/areas/{area_id}", "/states", "/countries"} <= set(spec["paths"])
    assert spec["info"]["title"] == "sdg87 read-only API"


def _browser(chromium: str, *args: str) -> subprocess.CompletedProcess:
    # --no-sandbox: CI containers run as root, where Chromium's sandbox cannot start.
    cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=True)


def test_dashboard_in_chromium_on_desktop_and_phone(settings, links, served):
    chromium = chromium_or_skip()
    ARTIFACTS.mkdir(exist_ok=True)
    pa = served + links[PA_EN][1]
    national = served + links[NATIONAL_EN][1]
    dom = _browser(chromium, "--dump-dom", pa).stdout
    assert "Abaetetuba" in dom and "<svg" in dom and not any(name in dom for name in MATO_GROSSO)
    assert "Acorizal" not in _browser(chromium, "--dump-dom", pa + "&state=BRA.MT").stdout
    for url, name, size in ((national, "dashboard-national.png", "1200,1400"), (pa, "dashboard-para.png", "1200,1400"),
                            (pa, "dashboard-para-phone.png", "390,1600")):  # fmt: skip
        shot = ARTIFACTS / name
        shot.unlink(missing_ok=True)
        _browser(chromium, f"--screenshot={shot}", f"--window-size={size}", url)
        pixels = imread(shot)
        assert pixels.shape[1] == int(size.split(",")[0]) and pixels.std() > 0.05  # not a blank page
        # the map's red (high risk) is drawn: the SVG rendered without any script
        assert ((pixels[..., 0] > 0.7) & (pixels[..., 1] < 0.25) & (pixels[..., 2] < 0.25)).sum() > 100


def test_dashboard_link_command_gives_a_partner_a_scoped_link(settings, warehouse, capsys):
    from pipelines.cli import main

    assert main(["dashboard-link", "BRA.MT", "--lang", "es"]) == 0
    link = capsys.readouterr().out.strip()
    assert link.startswith(settings.public_url.rstrip("/") + "/dashboard?token=") and link.endswith("lang=es")
    client = _client(settings)
    scope = client.get("/api/v1/scope", params={"token": _token(link)}).json()
    assert scope["scope_area_id"] == "BRA.MT" and scope["name"] == "Mato Grosso"
    assert main(["dashboard-link", "BRA.XX"]) == 2 and "not a known area_id" in capsys.readouterr().err


def test_scoping_holds_on_both_backends(backend_settings, skilled_run):
    from test_alert_support import add_areas, add_loads, add_scores

    from pipelines.alerting.subscriptions import seed_example_subscriptions
    from pipelines.warehouse.engine import make_engine

    settings = backend_settings
    settings.mlflow_tracking_uri, settings.smtp_backoff_s = skilled_run["uri"], 0.01
    engine = make_engine(settings.warehouse_url)
    add_areas(engine), add_scores(engine, run_id=skilled_run["run_id"]), add_loads(engine)
    seed_example_subscriptions(settings)
    send_alerts(settings, today=run_date())
    engine.dispose()
    client = _client(settings)
    pa = sign(DEV_SECRET_KEY.encode(), "dashboard", "BRA.PA", date.today() + timedelta(days=9))
    rows = client.get("/api/v1/alerts", params={"token": pa}).json()
    assert [r["name"] for r in rows] == ["Abaetetuba", "Abel Figueiredo"]
    assert client.get("/api/v1/areas/BRA.5100102", params={"token": pa}).status_code == 404
    page = client.get("/dashboard", params={"token": pa}).text
    assert "Abaetetuba" in page and not any(name in page for name in MATO_GROSSO)
