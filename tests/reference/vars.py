"""The dbt vars the person and account traits read, with the dbt_project.yml defaults."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReferenceVars:
    engagement_half_life_days: float = 14
    deal_promotion_window_hours: float = 24
    future_timestamp_tolerance_minutes: float = 60
