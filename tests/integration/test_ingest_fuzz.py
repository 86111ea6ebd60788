"""Generated junk fed to every connector: each file is refused through the one failure path.

A seeded generator (``random.Random(87)``) derives each junk file from the source's real input in the
Pará slice: random bytes, a truncated file, a shuffled / duplicated / missing / extra column, an extreme
number (``1e308``, ``inf``, ``-7``, ``0.5``), unicode junk, a wrong type, a huge year, duplicated rows,
an empty file and, for boundary files, swapped coordinates. Each goes through ``run_source(source,
path=junk)`` on a warehouse that already holds the Pará and world areas (so a refusal is the junk's doing,
not a missing area) and must raise ``SourceFormatError``/``DataQualityError`` (never another exception),
name the file, leave a ``rejected`` lineage row, a quarantine folder and one operator e-mail, and publish
nothing. The unedited input of every CSV source publishes on the same warehouse (the control).
"""

from __future__ import annotations

import csv
import functools
import io
import json
import random
import re
import shutil
from pathlib import Path

import pytest

from pipelines.ingest import CONNECTORS, SourceFormatError, run_source, slice_sample
from pipelines.ingest.source_contracts import CONTRACTS
from pipelines.quality import DataQualityError
from pipelines.settings import Settings
from tests.conftest import SAMPLE_DATA
from tests.integration.refusal_checks import assert_refused, published_state

pytestmark = pytest.mark.slow

# The file each source is fed (relative to the data root): its primary input, or one file of its folder.
FED = {
    "brazil_areas": "brazil/covariates/abj_muni_codes_latlon.csv",
    "brazil_employer_list": "brazil/labels/forced_labour_employer_list_municipality_year.csv",
    "brazil_census": "brazil/covariates/atlas_slim_covariates_1991_2000_2010.csv",
    "brazil_population": "brazil/covariates/br_mun_population_2012_2021_long.csv",
    "brazil_inspections": "brazil/labels/inspection_operations_2003_2018.csv",
    "world_areas": "world/boundaries/naturalearth_lowres/naturalearth_lowres.shp",
    "world_admin1": "world/boundaries/ne10m_admin1_world_simplified.topojson",
    "world_sdg871": "world/labels/sdg871/ddf--datapoints--sl_tlf_chldea--by--age--geo_area--nature--sex--units--year.csv",
    "world_wdi_child_labour": "world/labels/wdi/API_SL.TLF.0714.ZS_WDI_2019-04-24.csv",
    "world_gapminder": "world/covariates/gapminder/datapoints/ddf--datapoints--hdi_human_development_index--by--geo--time.csv",
    "world_ilab": "world/government_response/ilab/raw_xml/countries_2019.xml",
    "world_ilab_goods": "world/government_response/ilab/raw_xml/goods_2019.xml",
    "world_ceacr": "world/supervisory/ceacr_comments_metadata.csv",
    "world_wb_poverty": "world/covariates/wb_poverty/WB_PovertyAndEquity_2019-03-21.csv",
    "world_wdi_protection": "world/covariates/wdi/ddf--datapoints--sp_reg_brth_zs--by--economy--year.csv",
}
BOUNDARY = "brazil/boundaries/geojs-15-mun.json"


def test_every_connector_is_fed_junk():
    assert set(FED) == set(CONNECTORS)


@pytest.fixture(scope="session")
def template(tmp_path_factory):
    """A Pará slice and a SQLite warehouse holding its areas and the world's countries and provinces."""
    root = tmp_path_factory.mktemp("fuzz")
    data = root / "data"
    slice_sample(SAMPLE_DATA, data, ["PA"])
    home = root / "home"
    settings = Settings(
        home=home, data_dir=data, smtp_host=None, warehouse_url=f"sqlite:///{home / 'warehouse.db'}"
    )
    settings.ensure_dirs()
    for source in ("brazil_areas", "world_areas", "world_admin1"):
        run_source(source, settings=settings)
    return settings


@pytest.fixture
def fresh(template, tmp_path):
    """A copy of the template warehouse in a new home (its own outbox and quarantine)."""
    home = tmp_path / "home"
    home.mkdir()
    shutil.copyfile(template.home / "warehouse.db", home / "warehouse.db")
    url = f"sqlite:///{home / 'warehouse.db'}"
    settings = Settings(home=home, data_dir=template.data_dir, smtp_host=None, warehouse_url=url)
    settings.ensure_dirs()
    return settings


# --- junk generators: (name, bytes of the real file, rng) → bytes ----------------------------------------


def _rows(raw: bytes, skip: int, sep: str = ",") -> tuple[list[str], list[list[str]]]:
    text = raw.decode("utf-8-sig")
    lines = text.splitlines(keepends=True)
    return lines[:skip], list(csv.reader(io.StringIO("".join(lines[skip:])), delimiter=sep))


def _csv_sep(head: list[str], rows: list[list[str]], sep: str = ",") -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n", delimiter=sep).writerows(rows)
    return ("".join(head) + out.getvalue()).encode()


def _table_end(rows: list[list[str]]) -> int:
    """Rows before a DataBank footer (the first row whose first field is blank)."""
    return next((i for i, r in enumerate(rows) if i > 0 and (not r or r[0] == "")), len(rows))


def _numeric_columns(source: str, header: list[str]) -> dict:
    """Column index → rule of the declared numeric (int, number, year) columns of the fed file."""
    role_contract = next(iter(CONTRACTS[source].files.values()))
    rules = {c: r for c, r in role_contract.columns.items() if r.kind in ("int", "number", "year")}
    out = {header.index(c): r for c, r in rules.items() if c in header}
    if role_contract.wide:
        wide = role_contract.wide
        out |= {i: wide[1] for i, c in enumerate(header) if re.fullmatch(wide[0], c)}
    return out


def _year_columns(source: str, header: list[str]) -> list[int]:
    role_contract = next(iter(CONTRACTS[source].files.values()))
    return [
        header.index(c) for c, rule in role_contract.columns.items() if rule.kind == "year" and c in header
    ]


def _csv_junk(source: str, raw: bytes, rng: random.Random) -> dict[str, bytes]:
    contract = next(iter(CONTRACTS[source].files.values()))
    skip, sep = contract.header_line - 1, contract.sep
    head, rows = _rows(raw, skip, sep)
    _csv = functools.partial(_csv_sep, sep=sep)
    end = _table_end(rows)
    header, data, footer = rows[0], rows[1:end], rows[end:]
    numeric = _numeric_columns(source, header)
    years = _year_columns(source, header)
    required = header.index(next(iter(next(iter(CONTRACTS[source].files.values())).columns)))
    # A (row, column) holding a number, where an edit must be noticed.
    row, col = next((i, c) for i, r in enumerate(data) for c in numeric if r[c].strip() not in ("", ".."))
    out: dict[str, bytes] = {}
    rotated = header[1:] + header[:1]
    out["header shuffled"] = _csv(head, [rotated, *data, *footer])
    out["duplicated column"] = _csv(head, [header + header[:1], *(r + r[:1] for r in data), *footer])
    drop = [[c for i, c in enumerate(r) if i != required] for r in [header, *data]]
    out["missing column"] = _csv(head, drop + footer)
    out["extra column"] = _csv(head, [header + ["zz_extra_indicator"], *(r + ["1.5"] for r in data), *footer])
    for label, value in (("1e308", "1e308"), ("inf", "inf"), ("text", "abc")):
        edited = [list(r) for r in data]
        edited[row][col] = value
        out[f"extreme number {label}"] = _csv(head, [header, *edited, *footer])
    non_negative = [
        c for c, rule in numeric.items() if rule.kind == "year" or (rule.lo is not None and rule.lo >= 0)
    ]
    if non_negative:  # -7 where the contract says no negative value (a growth rate may be negative)
        edited = [list(r) for r in data]
        edited[row][non_negative[0]] = "-7"
        out["extreme number negative"] = _csv(head, [header, *edited, *footer])
    whole = [c for c, rule in numeric.items() if rule.kind in ("int", "year")]
    if whole:  # 0.5 where a whole number is due (a fraction in a percent column is a value)
        edited = [list(r) for r in data]
        edited[row][whole[0]] = "0.5"
        out["extreme number fraction"] = _csv(head, [header, *edited, *footer])
    if years:
        edited = [list(r) for r in data]
        edited[row][years[0]] = "99999"
        out["huge year"] = _csv(head, [header, *edited, *footer])
    edited = [list(r) for r in data]
    edited[row][col] = "\u202e\u0000\ufffd" + edited[row][col]
    out["unicode junk"] = _csv(head, [header, *edited, *footer])
    body = _csv(head, [header, *data, *footer])
    cut = body.index(sep.encode(), len(body) // 2) + 1
    out["truncated"] = body[:cut]
    out["invalid utf-8"] = body[: len(body) // 3] + b"\xff\xfe" + body[len(body) // 3 :]
    other = b"," if sep == ";" else b";"
    out["semicolons" if sep == "," else "commas"] = body.replace(sep.encode(), other)
    # The supervisory reader de-duplicates comments by id, by contract; two identical inspection rows are
    # two inspections of one establishment in one operation's records, which the file may hold.
    if source not in ("world_ceacr", "brazil_inspections"):
        out["duplicated rows"] = _csv(head, [header, *data, *data, *footer])
    return out


def _xml_junk(raw: bytes, rng: random.Random) -> dict[str, bytes]:
    text = raw.decode("utf-8")
    root = re.search(r"<(\w+)>", text).group(1)
    wrong = text.replace(f"<{root}>", "<Things>", 1).replace(f"</{root}>", "</Things>")
    out = {"truncated": raw[: len(raw) // 2], "wrong root": wrong.encode()}
    out["no root"] = b"<?xml version='1.0'?>"
    out["invalid utf-8"] = raw[:200] + b"\xff\xfe" + raw[200:]
    for label, value in (("1e308", "1e308"), ("negative", "-7"), ("fraction", "0.5"), ("inf", "inf")):
        out[f"extreme number {label}"] = re.sub(r"<Labor_Inspectors>[^<]*</Labor_Inspectors>",
                                                f"<Labor_Inspectors>{value}</Labor_Inspectors>", text, count=5).encode()  # fmt: skip
    out["flag junk"] = text.replace(
        "<Child_Labor>Yes</Child_Labor>", "<Child_Labor>Maybe</Child_Labor>", 1
    ).encode()
    return out


def _swap_coordinates(text: str) -> str:
    return re.sub(r"\[\s*(-?[\d.eE-]+)\s*,\s*(-?[\d.eE-]+)\s*\]", r"[\2, \1]", text)


def _geo_junk(raw: bytes, rng: random.Random) -> dict[str, bytes]:
    return {"truncated": raw[: len(raw) // 2], "invalid utf-8": raw[:100] + b"\xff" + raw[100:],
            "swapped coordinates": _swap_coordinates(raw.decode("utf-8")).encode(), "not json": b"{]"}  # fmt: skip


def junk_for(source: str, fed: Path, rng: random.Random) -> dict[str, tuple[str, bytes]]:
    """Junk name → (file name, bytes) for ``source``, derived from its real file ``fed``."""
    raw = fed.read_bytes()
    name = fed.name
    common = {"random bytes": (name, rng.randbytes(4096)), "empty": (name, b"")}
    if fed.suffix == ".csv":
        found = {k: (name, v) for k, v in _csv_junk(source, raw, rng).items()}
    elif fed.suffix == ".xml":
        found = {k: (name, v) for k, v in _xml_junk(raw, rng).items()}
    elif fed.suffix == ".topojson":
        found = {k: (name, v) for k, v in _geo_junk(raw, rng).items() if k != "swapped coordinates"}
        found["swapped coordinates"] = (name, _swap_topojson(raw))
    else:  # a shapefile: junk as a lone .shp, and the map as GeoJSON with swapped coordinates
        found = {
            "truncated": (name, raw[: len(raw) // 2]),
            "swapped coordinates": ("map.geojson", _swapped_map(fed)),
            "metres, not degrees": ("map.geojson", _swapped_map(fed, lambda c: c * 100_000)),
            "no features": ("map.geojson", b'{"type": "FeatureCollection", "features": []}'),
        }
    # An edit that changed nothing is no junk.
    return {k: v for k, v in (common | found).items() if v[1] != raw}


def _swap_topojson(raw: bytes) -> bytes:
    data = json.loads(raw)
    transform = data.get("transform")
    if transform:
        transform["scale"] = transform["scale"][::-1]
        transform["translate"] = transform["translate"][::-1]
    data["arcs"] = [[[p[1], p[0], *p[2:]] for p in arc] for arc in data["arcs"]]
    return json.dumps(data).encode()


def _swapped_map(shp: Path, change=lambda c: c[:, ::-1]) -> bytes:
    import geopandas as gpd
    import shapely

    frame = gpd.read_file(shp)
    frame["geometry"] = shapely.transform(frame.geometry.values, change)
    return frame.to_json().encode()


def _boundary_junk(data_dir: Path, rng: random.Random) -> dict[str, tuple[str, bytes]]:
    raw = (data_dir / BOUNDARY).read_bytes()
    return {f"boundary {k}": ("geojs-15-mun.json", v) for k, v in _geo_junk(raw, rng).items()}


@pytest.mark.parametrize("source", sorted(FED))
def test_junk_is_refused_through_the_one_failure_path(fresh, tmp_path, source):
    rng = random.Random(f"87:{source}")
    fed = fresh.data_dir / FED[source]
    cases = junk_for(source, fed, rng)
    if source == "brazil_areas":
        cases |= _boundary_junk(fresh.data_dir, rng)
    assert len(cases) >= 5
    outcomes = {}
    for case, (name, content) in sorted(cases.items()):
        folder = tmp_path / re.sub(r"\W", "_", case)
        folder.mkdir()
        junk = folder / name
        junk.write_bytes(content)
        before = published_state(fresh)
        try:
            result = run_source(source, path=junk, settings=fresh)
        except (SourceFormatError, DataQualityError) as exc:
            assert_refused(fresh, source, exc, junk, before)
            outcomes[case] = getattr(exc, "rule", "data-quality gate")
        else:
            pytest.fail(f"{source}: junk {case!r} was not refused: {result}")
    assert len(outcomes) == len(cases)
    if fed.suffix == ".csv" and source != "brazil_areas":
        result = run_source(source, path=fed, settings=fresh)  # control: the real file is not junk
        assert result["status"] == "published", result
