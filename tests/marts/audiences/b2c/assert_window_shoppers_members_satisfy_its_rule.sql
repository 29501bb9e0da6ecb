{#- aud_window_shoppers must hold exactly the persons without a privacy opt-out with at least
    `window_shopper_min_views` product views, no order and an email open or click in the last
    `window_shopper_days` days: returns members whose carried facts break the rule and, when
    the window is dim_persons' fixed 30 days, members whose facts differ from dim_persons'
    30-day traits and rule-satisfying persons left out. -#}

{%- set same_window_as_traits = 'true' if var('window_shopper_days') | float == 30 else 'false' %}

with

persons as (
    select * from {{ ref('dim_persons') }}
),

audience as (
    select * from {{ ref('aud_window_shoppers') }}
),

members_breaking_the_rule as (
    select
        audience.person_id,
        'member breaks the rule' as problem
    from audience
    left join persons
        on audience.person_id = persons.person_id
    where persons.person_id is null
        or persons.has_privacy_opt_out
        or audience.product_views_in_window < {{ var('window_shopper_min_views') }}
        or audience.orders_in_window > 0
        or audience.email_opens_in_window + audience.email_clicks_in_window < 1
        or (
            {{ same_window_as_traits }}
            and (
                audience.product_views_in_window != persons.product_views_30d
                or audience.orders_in_window != persons.orders_30d
                or audience.email_opens_in_window != persons.email_opens_30d
                or audience.email_clicks_in_window != persons.email_clicks_30d
            )
        )
),

expected as (
    select person_id
    from persons
    where has_privacy_opt_out = false
        -- other windows have no trait to compare the members with
        and {{ same_window_as_traits }}
        and product_views_30d >= {{ var('window_shopper_min_views') }}
        and not orders_30d > 0
        and (email_opens_30d > 0 or email_clicks_30d > 0)
),

missing_persons as (
    select
        expected.person_id,
        'rule-satisfying person missing' as problem
    from expected
    left join audience
        on expected.person_id = audience.person_id
    where audience.person_id is null
),

final as (
    select * from members_breaking_the_rule
    union all
    select * from missing_persons
)

select * from final
