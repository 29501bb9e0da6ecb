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
    select
        coalesce(audience.person_id, expected.person_id) as person_id,
        case
            when expected.person_id is null then 'member breaks the rule'
            when audience.person_id is null then 'rule-satisfying person missing'
            else 'wrong days_since_last_order'
        end as problem
    from audience
    full outer join expected
        on audience.person_id = expected.person_id
    where audience.person_id is null
        or expected.person_id is null
        or audience.days_since_last_order is distinct from expected.recency_days
)

select * from final
