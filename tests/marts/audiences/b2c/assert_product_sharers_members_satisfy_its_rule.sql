{#- aud_product_sharers must hold exactly the buyers of dim_persons without a privacy opt-out
    with at least `sharer_min_actions` shares and reviews together in the last 90 days: returns
    members breaking the rule and rule-satisfying persons left out. -#}

with

persons as (
    select * from {{ ref('dim_persons') }}
),

audience as (
    select * from {{ ref('aud_product_sharers') }}
),

expected as (
    select person_id
    from persons
    where has_privacy_opt_out = false
        and orders_count > 0
        and shares_90d + reviews_90d >= {{ var('sharer_min_actions') }}
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
