"""Municipality names (with the state's name) to IBGE 7-digit codes.

Matching is exact on a normalised key: accents stripped (Unicode NFKD), upper case, everything but letters
and digits removed, e.g. ``"Eldorado do Carajás" / "Pará"`` -> ``ELDORADODOCARAJAS|PARA``. Names that are
spelling variants of an IBGE name go through :data:`NAME_ALIASES` (variant key -> IBGE key), one line per
variant with the reason. Whatever still has no match is returned, never dropped: the caller reports it.
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

# Spelling variants found in the inspection records (older orthography or a preposition), mapped to the
# IBGE spelling of the same municipality and state.
NAME_ALIASES: dict[str, str] = {
    "POXOREO|MATOGROSSO": "POXOREU|MATOGROSSO",  # renamed Poxoréu (older spelling Poxoréo)
    "ELDORADODOSCARAJAS|PARA": "ELDORADODOCARAJAS|PARA",  # IBGE: Eldorado do Carajás
    "MOJIMIRIM|SAOPAULO": "MOGIMIRIM|SAOPAULO",  # IBGE: Mogi Mirim (older spelling Moji)
}


def name_key(text) -> str:
    """Accent-insensitive key of one name: ASCII upper-case letters and digits only; ``""`` for a blank."""
    if text is None or (isinstance(text, float) and text != text):
        return ""
    decomposed = unicodedata.normalize("NFKD", str(text))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^A-Z0-9]", "", plain.upper())


def place_key(municipality, state) -> str:
    """``<municipality key>|<state key>``; ``""`` when either part is blank."""
    m, s = name_key(municipality), name_key(state)
    return f"{m}|{s}" if m and s else ""


def code_table(codes: pd.DataFrame) -> pd.Series:
    """IBGE code (str, 7 digits) by place key, from ``muni_id``, ``muni_nm``, ``uf_nm`` rows.

    Raises ``ValueError`` naming the key when two municipalities share one (the match would be ambiguous).
    """
    keys = [place_key(m, s) for m, s in zip(codes["muni_nm"], codes["uf_nm"], strict=True)]
    table = pd.Series(codes["muni_id"].astype(str).to_numpy(), index=pd.Index(keys, name="key"))
    dup = table.index[table.index.duplicated()]
    if len(dup):
        raise ValueError(f"municipality names are ambiguous within their state: {sorted(set(dup))[:5]}")
    return table


def match_codes(municipality: pd.Series, state: pd.Series, table: pd.Series) -> pd.Series:
    """IBGE code per row (NaN where nothing matches, e.g. a blank name), through :data:`NAME_ALIASES`."""
    keys = [place_key(m, s) for m, s in zip(municipality, state, strict=True)]
    keys = [NAME_ALIASES.get(k, k) for k in keys]
    return pd.Series(keys, index=municipality.index).map(table)
