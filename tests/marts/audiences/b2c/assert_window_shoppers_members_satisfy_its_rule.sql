{#- aud_window_shoppers must hold exactly the persons of dim_persons without a privacy opt-out
    with at least `window_shopper_min_views` product views and no order in the last 30 days and
    an email open or click in the last 30 days: returns members breaking the rule and
    rule-satisfying persons left out. -#}

with

persons as (
    select * from {{ ref('dim_persons') }}
),

audience as (
    select * from {{ ref('aud_window_shoppers') }}
),

expected as (
    select person_id
    from persons
    where has_privacy_opt_out = false
        and product_views_30d >= {{ var('window_shopper_min_views') }}
        and not orders_30d > 0
        and (email_opens_30d > 0 or email_clicks_30d > 0)
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
