{#- aud_new_customers must hold exactly the persons of dim_persons without a privacy opt-out who
    signed up in the last `new_customer_days` days (as_of - N days < signed_up_at <= as_of) and
    never ordered: returns members breaking the rule and rule-satisfying persons left out. -#}

with

persons as (
    select * from {{ ref('dim_persons') }}
),

audience as (
    select * from {{ ref('aud_new_customers') }}
),

expected as (
    select person_id
    from persons
    where has_privacy_opt_out = false
        and signed_up_at > {{ dbt.dateadd('day', -1 * var('new_customer_days'), as_of()) }}
        and signed_up_at <= {{ as_of() }}
        and coalesce(orders_count, 0) = 0
),

final as (
    select
        coalesce(audience.person_id, expected.person_id) as person_id,
        case
            when expected.person_id is null then 'member breaks the rule'
            else 'rule-satisfying person missing'
        end as problem
    from audience
    full outer join expected
        on audience.person_id = expected.person_id
    where audience.person_id is null or expected.person_id is null
)

select * from final
