{#- aud_dormant_shoppers must hold exactly the buyers of dim_persons without a privacy opt-out
    whose last order is more than `dormant_min_days` and at most `dormant_max_days` days before
    as_of, and carry the calendar days since it: returns members breaking the rule (or with
    other days) and rule-satisfying persons left out. -#}

with

persons as (
    select * from {{ ref('dim_persons') }}
),

audience as (
    select * from {{ ref('aud_dormant_shoppers') }}
),

expected as (
    select
        person_id,
        recency_days
    from persons
    where has_privacy_opt_out = false
        and orders_count > 0
        and not last_order_at < {{ dbt.dateadd('day', -1 * var('dormant_max_days'), as_of()) }}
        and not last_order_at >= {{ dbt.dateadd('day', -1 * var('dormant_min_days'), as_of()) }}
),

final as (
    {{- recount_problems(
        'person_id', 'person', [('days_since_last_order', 'recency_days')],
        differ_problem='wrong days_since_last_order',
    ) }}
)

select * from final
