"""Country-level alerts through the real SQLite warehouse and the real embedded SMTP server (outbox).

Area rows are real ids and names; every estimate value is SYNTHETIC, made up for these tests."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from email import policy
from email.parser import BytesParser

from sqlalchemy import insert, update

from pipelines.alerting.country import send_country_alerts
from pipelines.alerting.scopes import area_feed
from pipelines.alerting.subscriptions import active_subscriptions, insert_subscriptions
from pipelines.warehouse.schema import Area
from pipelines.warehouse.schema_world import CountryEstimate
from pipelines.world.registry import MODEL_NAME

P = date(2024, 1, 1)


def _estimates(version: str, scored_at: datetime, values: dict) -> list[dict]:
    return [
        {"area_id": a, "period": P, "model_name": MODEL_NAME, "model_version": version, "age_band": "5_17",
         "prevalence": p, "p_lo": p - 5, "p_hi": p + 5, "intervention_type": kind, "covariates_known": 3,
         "reasons": json.dumps({"type_reason": "", "drivers": []}), "as_of": date(2025, 6, 30),
         "scored_at": scored_at}
        for a, (p, kind) in values.items()
    ]  # fmt: skip


def _setup(engine) -> None:
    areas = [("BRA", "0", None, "Brasil", "brazil"), ("BRA.PA", "1", "BRA", "Pará", "brazil"),
             ("NER", "0", None, "Niger", "world"), ("MLI", "0", None, "Mali", "world")]  # fmt: skip
    subs = [("Bureau de l'OIT (Niamey)", "oit-niamey@example.org", "ILO office", "NER", "fr"),
            ("ILO Brasília", "oit-brasilia@example.org", "ILO office", "BRA", "en"),
            ("Superintendência do Pará", "srte-pa@example.org", "state labour office", "BRA.PA", "pt")]  # fmt: skip
    with engine.begin() as conn:
        conn.execute(
            insert(Area.__table__),
            [dict(zip(("area_id", "level", "parent_id", "name", "study"), a, strict=True)) for a in areas],
        )
        insert_subscriptions(conn, [
            {"recipient_name": n, "email": e, "role": r, "scope_area_id": s, "language": lang, "confirmed": True}
            for n, e, r, s, lang in subs
        ])  # fmt: skip
        first = datetime(2025, 7, 1, tzinfo=UTC)
        conn.execute(
            insert(CountryEstimate.__table__),
            _estimates(
                "1", first, {"BRA": (5.0, None), "NER": (40.0, "catalyst"), "MLI": (30.0, "catalyst")}
            ),
        )


def _outbox(settings):
    return [
        BytesParser(policy=policy.default).parsebytes(f.read_bytes())
        for f in sorted(settings.outbox_dir.glob("*.eml"))
    ]


def test_country_subscribers_hear_changes_once_and_area_subscribers_do_not(settings, engine):
    _setup(engine)
    assert (
        send_country_alerts(settings, today=date(2025, 7, 1))["runs_compared"] == 0
    )  # one run: nothing to compare
    with engine.begin() as conn:
        second = datetime(2026, 7, 1, tzinfo=UTC)
        conn.execute(
            insert(CountryEstimate.__table__),
            _estimates(
                "2", second, {"BRA": (5.1, "momentum"), "NER": (44.0, "catalyst"), "MLI": (30.5, "catalyst")}
            ),
        )
    result = send_country_alerts(settings, today=date(2026, 7, 1))
    assert (result["runs_compared"], result["changes"], result["sent"], result["failed"]) == (2, 2, 2, 0)
    mails = {m["To"].addresses[0].addr_spec: m for m in _outbox(settings)}
    assert set(mails) == {"oit-niamey@example.org", "oit-brasilia@example.org"}  # not the Pará office
    niamey = mails["oit-niamey@example.org"]
    assert niamey["Subject"] == "Estimations du travail des enfants modifiées : 1 pays au Niger (2026-07-01)"
    text = niamey.get_body(("plain",)).get_content()
    assert (
        "- Niger : estimation 40,0 % → 44,0 % (intervalle à 90 % de 39,0 à 49,0 %), année de référence 2024"
        in text
    )
    assert "Mali" not in text  # moved 0.5 pp
    brasilia = mails["oit-brasilia@example.org"].get_body(("plain",)).get_content()
    assert "- Brazil: intervention type none (no government-response data) → momentum" in brasilia
    again = send_country_alerts(settings, today=date(2026, 7, 2))
    assert again["sent"] == 0 and again["skipped_already_sent"] == 2 and len(_outbox(settings)) == 2
    with engine.connect() as conn:
        area_scopes = set(area_feed(active_subscriptions(conn))["scope_area_id"])
    assert area_scopes == {"BRA", "BRA.PA"}  # Niger's office gets no Brazil area alerts or all-clears


def test_a_region_subscriber_hears_every_country_of_its_region(settings, engine):
    _setup(engine)
    with engine.begin() as conn:
        conn.execute(insert(Area.__table__), [{"area_id": "SDG.SSA", "level": "region", "parent_id": None,
                                               "name": "Sub-Saharan Africa", "study": "world"}])  # fmt: skip
        conn.execute(
            update(Area.__table__).where(Area.area_id.in_(["NER", "MLI"])).values(parent_id="SDG.SSA")
        )
        insert_subscriptions(conn, [{"recipient_name": "Bureau régional de l'OIT pour l'Afrique",
                                     "email": "oit-afrique@example.org", "role": "ILO office",
                                     "scope_area_id": "SDG.SSA", "language": "fr", "confirmed": True}])  # fmt: skip
        conn.execute(
            insert(CountryEstimate.__table__),
            _estimates("2", datetime(2026, 7, 1, tzinfo=UTC),
                       {"BRA": (5.0, None), "NER": (44.0, "catalyst"), "MLI": (25.0, "catalyst")}),
        )  # fmt: skip
    result = send_country_alerts(settings, today=date(2026, 7, 1))
    assert result["changes"] == 2
    mails = {m["To"].addresses[0].addr_spec: m for m in _outbox(settings)}
    region = mails["oit-afrique@example.org"]
    assert region["Subject"] == (
        "Estimations du travail des enfants modifiées : 2 pays en Afrique subsaharienne (2026-07-01)"
    )
    text = region.get_body(("plain",)).get_content()
    assert "- Niger : estimation 40,0 % → 44,0 %" in text and "- Mali : estimation 30,0 % → 25,0 %" in text
    niamey = mails["oit-niamey@example.org"].get_body(("plain",)).get_content()
    assert "Mali" not in niamey  # a country's office still hears its country only
    with engine.connect() as conn:
        assert "SDG.SSA" not in set(area_feed(active_subscriptions(conn))["scope_area_id"])
