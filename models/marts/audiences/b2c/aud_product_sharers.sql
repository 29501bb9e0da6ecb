{#- Buyers (at least one order ever) with at least `sharer_min_actions` `Product Shared` or
    `Product Reviewed` events in the last 90 days, without a privacy opt-out. The rule and its
    choices are in _b2c__models.yml. -#}

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
        and shares_90d + reviews_90d >= {{ var('sharer_min_actions') }}
        and orders_count >= 1
),

catalog_entry as (
    select * from audience_catalog
    where audience_name = 'product_sharers'
),

final as (
    select
        members.person_id,
        members.is_emailable,
        case when members.is_emailable then members.email end as email,
        members.shares_90d,
        members.reviews_90d,
        members.orders_count,
        {{ audience_catalog_columns() }}
        {{ as_of() }} as as_of
    from members
    cross join catalog_entry
)

select * from final
