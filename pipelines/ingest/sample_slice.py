"""A copy of the data layout restricted to some Brazilian states, so the whole chain can run on a slice.

Brazil files keep only the rows (original lines, byte for byte) of municipalities in the chosen states and
only those states' boundary files; every other file (world data, dictionaries, licences) is copied as is.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from pipelines.ingest.errors import SourceFormatError
from pipelines.ingest.readers.csv_reader import decode_utf8

MUNICIPALITIES = Path("brazil/covariates/abj_muni_codes_latlon.csv")
BOUNDARIES = Path("brazil/boundaries")
# Brazil table → the column holding the IBGE 7-digit code.
FILTERED = {
    MUNICIPALITIES: "muni_id",
    Path("brazil/labels/forced_labour_employer_list_municipality_year.csv"): "ibge7",
    Path("brazil/covariates/atlas_slim_covariates_1991_2000_2010.csv"): "codmun7",
    Path("brazil/covariates/br_mun_population_2012_2021_long.csv"): "ibge7",
}


def _filter_lines(src: Path, dst: Path, column: str, codes: set[str]) -> int:
    """Copy the header and the lines whose ``column`` is in ``codes``; returns the data lines kept."""
    lines = decode_utf8(src).splitlines(keepends=True)
    header = next(csv.reader([lines[0]]))
    if column not in header:
        raise SourceFormatError(src, "missing columns", f"{column!r} not in header", 1)
    pos = header.index(column)
    kept = [line for line in lines[1:] if line.strip() and next(csv.reader([line]))[pos] in codes]
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.write_text(lines[0] + "".join(kept), encoding="utf-8")
    return len(kept)


def _state_codes(src_dir: Path, states: list[str]) -> tuple[set[str], set[str]]:
    """IBGE municipality codes and 2-digit state codes of the given UF abbreviations."""
    path = src_dir / MUNICIPALITIES
    rows = list(csv.DictReader(decode_utf8(path).splitlines()))
    wanted = {s.upper() for s in states}
    known = {r["uf_sigla"] for r in rows}
    unknown = sorted(wanted - known)
    if unknown or not wanted:
        raise ValueError(f"unknown or no Brazilian state(s) {unknown}; known: {sorted(known)}")
    chosen = [r for r in rows if r["uf_sigla"] in wanted]
    return {r["muni_id"] for r in chosen}, {r["uf_id"] for r in chosen}


def slice_sample(src_dir: Path | str, dst_dir: Path | str, states: list[str]) -> dict:
    """Write a copy of ``src_dir`` to ``dst_dir`` with Brazil restricted to ``states`` (UF codes, e.g. "PA").

    Returns ``{"states", "municipalities", "rows"}`` where ``rows`` maps each filtered file to its kept rows.
    ``dst_dir`` is overwritten file by file; an unknown state raises ``ValueError`` before anything is written.
    """
    src, dst = Path(src_dir), Path(dst_dir)
    codes, uf_ids = _state_codes(src, states)
    keep_boundaries = {f"geojs-{uf}-mun.json" for uf in uf_ids}
    for file in sorted(p for p in src.rglob("*") if p.is_file()):
        rel = file.relative_to(src)
        if rel in FILTERED:
            continue
        if rel.parent == BOUNDARIES and rel.name.startswith("geojs-") and rel.name not in keep_boundaries:
            continue
        (dst / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(file, dst / rel)
    rows = {str(rel): _filter_lines(src / rel, dst / rel, col, codes) for rel, col in FILTERED.items()}
    return {"states": sorted(s.upper() for s in states), "municipalities": len(codes), "rows": rows}
