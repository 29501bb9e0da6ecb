{{ received_days_config() }}

{%- set restage_from = restage_from_day() -%}

{#- One row per product line (properties.products) of each usable `Order Completed`. -#}

with

base_events as (
    select * from {{ ref('base_raw__events') }}
),

orders as (
    select
        event_id,
        order_id,
        -- the array as base_raw__events checked it (a double-encoded array already unwrapped)
        products,
        received_on
    from base_events
    where
        quarantine_reason is null
        {%- if restage_from %}
            and received_on >= {{ restage_from }}
        {%- endif %}
        and not is_duplicate
        and event_name = 'Order Completed'
),

order_lines as (
    select
        orders.event_id,
        orders.order_id,
        orders.received_on,
        order_line.line_number,
        order_line.product_json
    from orders
    {{ join_json_array_elements('orders.products', 'order_line', 'product_json', 'line_number') }}
),

final as (
    select
        -- ids
        {{ dbt.concat(['event_id', "'-'", dbt.safe_cast('line_number', dbt.type_string())]) }} as order_item_id,
        event_id,
        order_id,
        cast(line_number as {{ dbt.type_int() }}) as line_number,
        {{ json_extract_scalar('product_json', 'product_id') }} as product_id,

        -- dimensions
        lower(trim({{ json_extract_scalar('product_json', 'category') }})) as category,

        -- measures: a line without a quantity is one item
        {{ parse_number(json_extract_scalar('product_json', 'price')) }} as price,
        coalesce({{ parse_integer(json_extract_scalar('product_json', 'quantity')) }}, 1) as quantity,

        -- the day of receipt of the order: the partition an incremental run replaces
        received_on
    from order_lines
)

select * from final
