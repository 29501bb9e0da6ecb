"""The dbt vars the person and account traits, the B2C and B2B audiences and the lifecycle read,
with the dbt_project.yml defaults."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReferenceVars:
    engagement_half_life_days: float = 14
    deal_promotion_window_hours: float = 24
    usage_tier_heavy_min_rank: float = 0.8
    usage_tier_medium_min_rank: float = 0.4
    future_timestamp_tolerance_minutes: float = 60
    send_time_min_email_observations: int = 1
    # B2C audiences (../shared/spec/audiences.md, "B2C audiences")
    new_customer_days: float = 30
    window_shopper_min_views: int = 3
    window_shopper_days: float = 30
    cart_abandon_window_days: float = 7
    cart_abandon_min_minutes: float = 60
    category_enthusiast_min_orders: int = 2
    category_enthusiast_min_share: float = 0.6
    category_enthusiast_exclude_recent_buyer_days: float = 14
    top_spender_pct: float = 10
    sharer_min_actions: int = 2
    sharer_days: float = 90
    dormant_min_days: float = 30
    dormant_max_days: float = 90
    shoe_lovers_min_opens: int = 3
    payload_list_max_items: int = 5
    trial_ending_days: float = 7
    trial_low_usage_days: float = 14
    trial_low_usage_max_active_days: int = 3
    detractor_window_days: float = 90
    detractor_max_nps: int = 6
    detractor_max_csat: float = 2
    heavy_email_engager_min_opens: int = 5
    heavy_email_engager_days: float = 30
    small_audience_share: float = 0.1
    # Lifecycle (../shared/spec/audiences.md, "Lifecycle"); no activity events = any event
    loyal_min_orders: int = 3
    loyal_order_days: float = 365
    active_days: float = 30
    lapsed_days: float = 90
    lifecycle_history_weeks: int = 26
    lifecycle_activity_events: tuple[str, ...] = ()


@dataclass(frozen=True)
class AccountAudienceVars:
    """The B2B audience vars (../shared/spec/audiences.md, "B2B audiences")."""

    hvp_min_employees: int = 200
    hvp_min_pricing_views: int = 3
    hvp_intent_days: float = 14
    unengaged_min_signals: int = 2
    unengaged_quiet_sign_in_days: float = 14
    unengaged_quiet_email_days: float = 30
    onboarding_days: int = 30
    upgrade_min_pricing_views: int = 2
    upgrade_usage_ratio: float = 0.9
    upgrade_window_days: float = 30
    churn_risk_min_score: int = 2
    churn_risk_min_usage_drop: float = 0.5
    churn_risk_max_detractor_nps: int = 6
    churn_risk_min_tickets: int = 3
    churn_risk_window_days: float = 30
    champion_min_active_days: int = 8
    champion_window_days: float = 30
    payload_list_max_items: int = 5
