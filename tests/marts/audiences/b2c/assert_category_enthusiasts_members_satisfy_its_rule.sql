{#- aud_category_enthusiasts must hold exactly the persons of dim_persons without a privacy
    opt-out with at least `category_enthusiast_min_orders` orders and at least
    `category_enthusiast_min_share` of their purchased quantity in their favorite category, and
    carry that category: returns members breaking the rule (or carrying another category) and
    rule-satisfying persons left out. -#}

with

persons as (
    select * from {{ ref('dim_persons') }}
),

audience as (
    select * from {{ ref('aud_category_enthusiasts') }}
),

expected as (
    select
        person_id,
        favorite_category_purchased
    from persons
    where has_privacy_opt_out = false
        and orders_count >= {{ var('category_enthusiast_min_orders') }}
        and favorite_category_quantity_share >= {{ var('category_enthusiast_min_share') }}
),

final as (
    select
        coalesce(audience.person_id, expected.person_id) as person_id,
        case
            when expected.person_id is null then 'member breaks the rule'
            when audience.person_id is null then 'rule-satisfying person missing'
            else 'wrong category'
        end as problem
    from audience
    full outer join expected
        on audience.person_id = expected.person_id
    where audience.person_id is null
        or expected.person_id is null
        or audience.enthusiast_category is distinct from expected.favorite_category_purchased
)

select * from final
