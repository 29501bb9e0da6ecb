{#- Persons with at least `window_shopper_min_views` product views in the last 30 days, no order
    in the last 30 days and at least one email open or click in the last 30 days, without a
    privacy opt-out. The rule and its choices are in _b2c__models.yml. -#}

with

persons as (
    select * from {{ ref('dim_persons') }}
),

audience_catalog as (
    select * from {{ ref('audience_catalog') }}
),

members as (
    select * from persons
    where not has_privacy_opt_out
        and product_views_30d >= {{ var('window_shopper_min_views') }}
        and orders_30d = 0
        and email_opens_30d + email_clicks_30d >= 1
),

catalog_entry as (
    select * from audience_catalog
    where audience_name = 'window_shoppers'
),

final as (
    select
        members.person_id,
        members.is_emailable,
        case when members.is_emailable then members.email end as email,
        members.product_views_30d,
        members.orders_30d,
        members.email_opens_30d,
        members.email_clicks_30d,
        {{ audience_catalog_columns() }}
        {{ as_of() }} as as_of
    from members
    cross join catalog_entry
)

select * from final
