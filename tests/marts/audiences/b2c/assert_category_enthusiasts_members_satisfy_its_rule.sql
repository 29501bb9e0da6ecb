{#- aud_category_enthusiasts must hold exactly the persons of dim_persons without a privacy
    opt-out with at least `category_enthusiast_min_orders` orders and at least
    `category_enthusiast_min_share` of their purchased quantity in one category and no order in
    the last `category_enthusiast_exclude_recent_buyer_days` days, and carry that category:
    returns members breaking the rule (or carrying another category) and rule-satisfying
    persons left out. Orders and shares are counted again here from the orders
    and their lines, not read from dim_persons, so a wrong trait cannot vouch for itself; the
    share is of the quantity of lines that name a category. -#}

with

persons as (
    select * from {{ ref('dim_persons') }}
),

orders as (
    select * from {{ ref('int_orders_enriched') }}
),

order_items as (
    select * from {{ ref('stg_raw__order_items') }}
),

audience as (
    select * from {{ ref('aud_category_enthusiasts') }}
),

order_counts as (
    select
        person_id,
        count(*) as orders_count
    from orders
    group by person_id
),

recent_buyers as (
    select distinct person_id
    from orders
    where {{ in_last_days('ordered_at', var('category_enthusiast_exclude_recent_buyer_days')) }}
),

category_quantities as (
    select
        orders.person_id,
        order_items.category,
        sum(order_items.quantity) as purchased_quantity
    from orders
    inner join order_items
        on orders.event_id = order_items.event_id
    where order_items.category is not null
    group by orders.person_id, order_items.category
),

category_shares as (
    select
        person_id,
        category,
        1e0 * purchased_quantity
        / sum(purchased_quantity) over (partition by person_id) as quantity_share
    from category_quantities
),

top_shares as (
    select
        *,
        max(quantity_share) over (partition by person_id) as top_quantity_share
    from category_shares
),

top_categories as (
    select
        person_id,
        category
    from top_shares
    where quantity_share = top_quantity_share
),

expected as (
    select distinct persons.person_id
    from persons
    inner join order_counts
        on persons.person_id = order_counts.person_id
    inner join top_shares
        on persons.person_id = top_shares.person_id
    left join recent_buyers
        on persons.person_id = recent_buyers.person_id
    where persons.has_privacy_opt_out = false
        and recent_buyers.person_id is null
        and order_counts.orders_count >= {{ var('category_enthusiast_min_orders') }}
        and top_shares.top_quantity_share >= {{ var('category_enthusiast_min_share') }}
),

final as (
    {{- recount_problems(
        'person_id', 'person',
        differ_problem='not its top category',
        conditions=['top_categories.person_id is null'],
        joins='left join top_categories
        on audience.person_id = top_categories.person_id
            and audience.enthusiast_category = top_categories.category',
    ) }}
)

select * from final
