{#- Buyers (at least one order ever) with at least `sharer_min_actions` `Product Shared` or
    `Product Reviewed` events in the last `sharer_days` (90) days, without a privacy opt-out.
    The rule and its choices are in aud_product_sharers.yml. -#}

with

persons as (
    select * from {{ ref('dim_persons') }}
),

signals as (
    select * from {{ ref('int_person_hours_stitched') }}
),

audience_catalog as (
    select * from {{ ref('audience_catalog') }}
),

window_actions as (
    select
        person_id,
        sum(case when event_name = 'Product Shared' then event_count else 0 end) as shares_in_window,
        sum(case when event_name = 'Product Reviewed' then event_count else 0 end) as reviews_in_window
    from signals
    where event_name in ('Product Shared', 'Product Reviewed')
        and {{ in_last_days('last_occurred_at', var('sharer_days')) }}
    group by person_id
),

window_facts as (
    select
        persons.*,
        coalesce(window_actions.shares_in_window, 0) as shares_in_window,
        coalesce(window_actions.reviews_in_window, 0) as reviews_in_window
    from persons
    left join window_actions
        on persons.person_id = window_actions.person_id
),

members as (
    select * from window_facts
    where not has_privacy_opt_out
        and shares_in_window + reviews_in_window >= {{ var('sharer_min_actions') }}
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
        cast(members.shares_in_window as {{ dbt.type_int() }}) as shares_in_window,
        cast(members.reviews_in_window as {{ dbt.type_int() }}) as reviews_in_window,
        members.orders_count,
        {{ audience_catalog_columns() }}
    from members
    cross join catalog_entry
)

select * from final
