{#- Whether an audience's campaign works: per person audience and week of entry (and once over
    all weeks, entry_week null), the members who entered then, treated (not held out) against
    held out, and within `lift_window_days` (14) after entering (entered_at < t <= entered_at
    + N days): the share who ordered, gross revenue per member and the share who opened an
    email, with the difference treated minus holdout and its 95 % interval (normal
    approximation for the shares, Welch's standard error for revenue). Only entries whose
    window has ended by as_of count, so a week is never compared on half its window. Account
    audiences are left out: orders and opens are person behavior. -#}

{%- set z = "1.96e0" -%}

with

changes as (
    select * from {{ ref('fct_audience_membership_changes') }}
),

orders as (
    select * from {{ ref('int_orders_enriched') }}
),

email_events as (
    select * from {{ ref('int_email_events_identified') }}
),

entries as (
    select
        audience_name,
        member_id as person_id,
        as_of as entered_at,
        cast({{ dbt.date_trunc('week', 'as_of') }} as date) as entry_week,
        {{ is_holdout('audience_name', 'member_id') }} as is_holdout
    from changes
    where change_type = 'entered'
        and member_type = 'person'
        and {{ dbt.dateadd('day', var('lift_window_days'), 'as_of') }} <= {{ as_of() }}
),

orders_after_entry as (
    select
        entries.audience_name,
        entries.person_id,
        entries.entered_at,
        count(*) as orders,
        sum(orders.revenue) as revenue
    from entries
    inner join orders
        on entries.person_id = orders.person_id
    where orders.ordered_at > entries.entered_at
        and orders.ordered_at <= {{ dbt.dateadd('day', var('lift_window_days'), 'entries.entered_at') }}
    group by entries.audience_name, entries.person_id, entries.entered_at
),

opens_after_entry as (
    select
        entries.audience_name,
        entries.person_id,
        entries.entered_at,
        count(*) as opens
    from entries
    inner join email_events
        on entries.person_id = email_events.person_id
    where email_events.event_type = 'opened'
        and email_events.occurred_at > entries.entered_at
        and email_events.occurred_at <= {{ dbt.dateadd('day', var('lift_window_days'), 'entries.entered_at') }}
    group by entries.audience_name, entries.person_id, entries.entered_at
),

outcomes as (
    select
        entries.audience_name,
        entries.entry_week,
        entries.is_holdout,
        case when orders_after_entry.orders > 0 then 1 else 0 end as has_ordered,
        coalesce(orders_after_entry.revenue, 0) as revenue,
        case when opens_after_entry.opens > 0 then 1 else 0 end as has_opened
    from entries
    left join orders_after_entry
        on entries.audience_name = orders_after_entry.audience_name
            and entries.person_id = orders_after_entry.person_id
            and entries.entered_at = orders_after_entry.entered_at
    left join opens_after_entry
        on entries.audience_name = opens_after_entry.audience_name
            and entries.person_id = opens_after_entry.person_id
            and entries.entered_at = opens_after_entry.entered_at
),

-- each entry counts in its week and once in the audience's all-weeks row
outcomes_by_period as (
    select
        audience_name,
        entry_week,
        is_holdout,
        has_ordered,
        revenue,
        has_opened
    from outcomes
    union all
    select
        audience_name,
        cast(null as date) as entry_week,
        is_holdout,
        has_ordered,
        revenue,
        has_opened
    from outcomes
),

groups as (
    select
        audience_name,
        entry_week,
        sum(case when not is_holdout then 1 else 0 end) as treated_members,
        sum(case when is_holdout then 1 else 0 end) as holdout_members,
        sum(case when not is_holdout then has_ordered else 0 end) as treated_buyers,
        sum(case when is_holdout then has_ordered else 0 end) as holdout_buyers,
        sum(case when not is_holdout then revenue else 0 end) as treated_revenue,
        sum(case when is_holdout then revenue else 0 end) as holdout_revenue,
        sum(case when not is_holdout then revenue * revenue else 0 end) as treated_revenue_squares,
        sum(case when is_holdout then revenue * revenue else 0 end) as holdout_revenue_squares,
        sum(case when not is_holdout then has_opened else 0 end) as treated_openers,
        sum(case when is_holdout then has_opened else 0 end) as holdout_openers
    from outcomes_by_period
    group by audience_name, entry_week
),

means as (
    select
        *,
        1e0 * treated_buyers / nullif(treated_members, 0) as treated_order_share,
        1e0 * holdout_buyers / nullif(holdout_members, 0) as holdout_order_share,
        1e0 * treated_revenue / nullif(treated_members, 0) as treated_revenue_per_member,
        1e0 * holdout_revenue / nullif(holdout_members, 0) as holdout_revenue_per_member,
        1e0 * treated_openers / nullif(treated_members, 0) as treated_open_share,
        1e0 * holdout_openers / nullif(holdout_members, 0) as holdout_open_share
    from groups
),

-- sample variances of revenue per member (n - 1 in the denominator; none below 2 members)
variances as (
    select
        *,
        (treated_revenue_squares - treated_members * treated_revenue_per_member * treated_revenue_per_member)
        / nullif(treated_members - 1, 0) as treated_revenue_variance,
        (holdout_revenue_squares - holdout_members * holdout_revenue_per_member * holdout_revenue_per_member)
        / nullif(holdout_members - 1, 0) as holdout_revenue_variance
    from means
),

standard_errors as (
    select
        *,
        sqrt(
            treated_order_share * (1 - treated_order_share) / nullif(treated_members, 0)
            + holdout_order_share * (1 - holdout_order_share) / nullif(holdout_members, 0)
        ) as order_share_error,
        sqrt(
            greatest(treated_revenue_variance, 0) / nullif(treated_members, 0)
            + greatest(holdout_revenue_variance, 0) / nullif(holdout_members, 0)
        ) as revenue_error,
        sqrt(
            treated_open_share * (1 - treated_open_share) / nullif(treated_members, 0)
            + holdout_open_share * (1 - holdout_open_share) / nullif(holdout_members, 0)
        ) as open_share_error
    from variances
),

final as (
    select
        {{ dbt.concat([
            'audience_name', "'|'",
            "coalesce(" ~ dbt.cast('entry_week', dbt.type_string()) ~ ", 'all weeks')",
        ]) }} as audience_lift_id,
        audience_name,
        entry_week,
        cast({{ var('lift_window_days') }} as {{ dbt.type_int() }}) as lift_window_days,
        cast(treated_members as {{ dbt.type_bigint() }}) as treated_members,
        cast(holdout_members as {{ dbt.type_bigint() }}) as holdout_members,
        treated_order_share,
        holdout_order_share,
        treated_order_share - holdout_order_share as order_share_lift,
        treated_order_share - holdout_order_share - {{ z }} * order_share_error as order_share_lift_low,
        treated_order_share - holdout_order_share + {{ z }} * order_share_error as order_share_lift_high,
        treated_revenue_per_member,
        holdout_revenue_per_member,
        treated_revenue_per_member - holdout_revenue_per_member as revenue_per_member_lift,
        treated_revenue_per_member - holdout_revenue_per_member - {{ z }} * revenue_error
            as revenue_per_member_lift_low,
        treated_revenue_per_member - holdout_revenue_per_member + {{ z }} * revenue_error
            as revenue_per_member_lift_high,
        treated_open_share,
        holdout_open_share,
        treated_open_share - holdout_open_share as open_share_lift,
        treated_open_share - holdout_open_share - {{ z }} * open_share_error as open_share_lift_low,
        treated_open_share - holdout_open_share + {{ z }} * open_share_error as open_share_lift_high
    from standard_errors
)

select * from final
