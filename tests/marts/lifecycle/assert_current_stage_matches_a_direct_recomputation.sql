{#- The week-bucketed, carried-forward stage at week 0 must equal the stage recomputed directly
    from each person's last activity and orders up to as_of: a cross-check of the bucketing. -#}

with

events as (
    select * from {{ ref('int_events_identified') }}
),

orders as (
    select * from {{ ref('int_orders_enriched') }}
),

lifecycle as (
    select * from {{ ref('dim_person_lifecycle') }}
),

last_activity as (
    select
        person_id,
        max(occurred_at) as last_activity_at
    from events
    where {{ is_lifecycle_activity('event_name') }}
    group by person_id
),

recent_orders as (
    select
        person_id,
        count(*) as orders_365d
    from orders
    where ordered_at > {{ dbt.dateadd('day', -365, as_of()) }}
    group by person_id
),

recomputed as (
    select
        last_activity.person_id,
        {{ lifecycle_stage('last_activity.last_activity_at', 'coalesce(recent_orders.orders_365d, 0)', as_of()) }}
            as expected_stage
    from last_activity
    left join recent_orders
        on last_activity.person_id = recent_orders.person_id
),

final as (
    select
        lifecycle.person_id,
        lifecycle.lifecycle_stage,
        recomputed.expected_stage
    from lifecycle
    left join recomputed
        on lifecycle.person_id = recomputed.person_id
    where recomputed.expected_stage is distinct from lifecycle.lifecycle_stage
)

select * from final
