{#- aud_product_sharers must hold exactly the buyers without a privacy opt-out with at least
    `sharer_min_actions` shares and reviews together in the last `sharer_days` days: returns
    members whose carried facts break the rule and, when the window is dim_persons' fixed 90
    days, members whose facts differ from dim_persons' 90-day traits and rule-satisfying
    persons left out. -#}

{%- set same_window_as_traits = 'true' if var('sharer_days') | float == 90 else 'false' %}

with

persons as (
    select * from {{ ref('dim_persons') }}
),

audience as (
    select * from {{ ref('aud_product_sharers') }}
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
        or persons.orders_count < 1
        or audience.orders_count != persons.orders_count
        or audience.shares_in_window + audience.reviews_in_window < {{ var('sharer_min_actions') }}
        or (
            {{ same_window_as_traits }}
            and (
                audience.shares_in_window != persons.shares_90d
                or audience.reviews_in_window != persons.reviews_90d
            )
        )
),

expected as (
    select person_id
    from persons
    where has_privacy_opt_out = false
        and orders_count > 0
        -- other windows have no trait to compare the members with
        and {{ same_window_as_traits }}
        and shares_90d + reviews_90d >= {{ var('sharer_min_actions') }}
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
