"""Subscription scopes by id or by published name, `sdg87 areas`, and the refusal of areas nobody alerts.

Area rows are real ids and names (IBGE, ISO3, Natural Earth's ne_id for a Niger province); no geometry."""

from __future__ import annotations

import pytest
from sqlalchemy import insert, select

from pipelines.alerting.subscriptions import SubscriptionError, add_subscriptions
from pipelines.cli import main
from pipelines.warehouse.schema import Area, Subscription

AREAS = [
    ("BRA", "0", None, "Brasil", "brazil"),
    ("BRA.PA", "1", "BRA", "Pará", "brazil"),
    ("BRA.RJ", "1", "BRA", "Rio de Janeiro", "brazil"),
    ("BRA.3304557", "2", "BRA.RJ", "Rio de Janeiro", "brazil"),
    ("BRA.1500107", "2", "BRA.PA", "Abaetetuba", "brazil"),
    ("SDG.SSA", "region", None, "Sub-Saharan Africa", "world"),
    ("NER", "0", "SDG.SSA", "Niger", "world"),
    ("NER.2207", "1", "NER", "Tillabéri", "world"),
]


@pytest.fixture
def areas(settings, engine):
    with engine.begin() as conn:
        conn.execute(
            insert(Area.__table__),
            [{"area_id": a, "level": lv, "parent_id": p, "name": n, "study": s} for a, lv, p, n, s in AREAS],
        )
    return settings


def _row(scope: str) -> dict:
    return {
        "recipient_name": "Escritório",
        "email": "office@example.org",
        "role": "ILO office",
        "scope_area_id": scope,
    }


def test_scopes_by_id_or_published_name(areas, engine):
    rows = [_row("Pará"), _row("pará"), _row("BRA.1500107"), _row("Niger"), _row("sub-saharan africa")]
    result = add_subscriptions(rows, areas)
    assert len(result["inserted"]) == 4 and result["existing"] == 1  # "Pará" and "pará" are one scope
    with engine.connect() as conn:
        scopes = set(conn.execute(select(Subscription.scope_area_id)).scalars())
    assert scopes == {"BRA.PA", "BRA.1500107", "NER", "SDG.SSA"}


def test_ambiguous_unknown_and_unalerted_scopes_are_refused_at_once(areas, engine):
    with pytest.raises(SubscriptionError) as err:
        add_subscriptions([_row("Rio de Janeiro"), _row("Atlantis"), _row("NER.2207")], areas)
    message = str(err.value)
    assert "names 2 areas: Rio de Janeiro (BRA.3304557, level 2), Rio de Janeiro (BRA.RJ, level 1)" in message
    assert "'Atlantis' is neither an area id nor an area's name; `sdg87 areas --search`" in message
    assert "only Brazil's areas are alerted; subscribe to the country 'NER'" in message
    with engine.connect() as conn:
        assert conn.execute(select(Subscription.subscription_id)).all() == []  # nothing half-written


def test_areas_command_lists_ids_and_feeds(areas, capsys):
    assert main(["areas", "--search", "rio"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["area_id", "level", "feed", "name"]
    assert [line.split()[:3] for line in out[1:]] == [["BRA.3304557", "2", "area"], ["BRA.RJ", "1", "area"]]
    assert main(["areas", "--level", "0"]) == 0
    rows = [line.split()[:3] for line in capsys.readouterr().out.splitlines()[1:]]
    assert rows == [["BRA", "0", "area+country"], ["NER", "0", "country"]]
    assert main(["areas", "--level", "region"]) == 0
    rows = [line.split()[:3] for line in capsys.readouterr().out.splitlines()[1:]]
    assert rows == [["SDG.SSA", "region", "country"]]
    assert main(["areas", "--search", "Tillabéri"]) == 1  # a Niger province: not alerted, not listed
