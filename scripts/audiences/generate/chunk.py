"""What a chunk of generated data holds before it is written: identify calls and the chunk's
events, order lines, id dictionaries, email events and small tables."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .email import EmailRows
from .vocabulary import Events


@dataclass
class Identifies:
    """Columns of raw.identifies rows (object arrays hold text or None)."""

    anon: np.ndarray
    user: np.ndarray
    occ: np.ndarray
    traits: dict[str, np.ndarray]  # trait name -> object array (None = key omitted)
    opt_in: np.ndarray  # int8: 1 true, 0 false, -1 omitted


# fmt: off
TRAIT_KEYS = (
    "email", "first_name", "last_name", "birth_date", "gender", "country", "region", "city",
    "postal_code", "language", "job_title",
)
# fmt: on


def make_identifies(
    anon: np.ndarray,
    user: np.ndarray,
    occ: np.ndarray,
    opt_in: np.ndarray | None = None,
    **traits: np.ndarray,
) -> Identifies:
    n = occ.size
    full = {key: traits.get(key, np.full(n, None, dtype=object)) for key in TRAIT_KEYS}
    return Identifies(
        anon,
        user,
        occ,
        full,
        opt_in if opt_in is not None else np.full(n, -1, dtype=np.int8),
    )


def concat_identifies(parts: list[Identifies]) -> Identifies:
    return Identifies(
        np.concatenate([p.anon for p in parts]),
        np.concatenate([p.user for p in parts]),
        np.concatenate([p.occ for p in parts]),
        {key: np.concatenate([p.traits[key] for p in parts]) for key in TRAIT_KEYS},
        np.concatenate([p.opt_in for p in parts]),
    )


@dataclass
class ChunkOutput:
    events: Events
    items: dict[str, np.ndarray]
    anon_dict: np.ndarray
    user_dict: np.ndarray
    account_dict: np.ndarray
    identifies: Identifies
    emails: EmailRows
    campaign_ids: list[str]
    tables: dict[str, dict[str, np.ndarray]]
    key_base: int
    # the lifecycle KPI events (industry.py), written after the chunk with flaws of their own
    kpi_events: ChunkOutput | None = None


def with_nones(values: np.ndarray, keep: np.ndarray) -> np.ndarray:
    out = values.astype(object, copy=True)
    out[~keep] = None
    return out
