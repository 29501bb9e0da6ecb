{#- One row per kept person (int_persons_kept) with every count over a window before as_of:
    the fixed 7-, 30- and 90-day traits of dim_persons and the windows of the B2C audiences
    (window_shopper_days, sharer_days), each declared once in person_window_signals()
    (macros/windows.sql), 0 without any. Views, cart adds, shares, reviews and active days come
    from the hourly rollup int_person_hours_stitched (tested on last_occurred_at), orders from
    int_orders_enriched, email opens and clicks from int_email_events_identified, tickets from
    stg_raw__support_tickets (by user_id). -#}

with

persons as (
    select * from {{ ref('int_persons_kept') }}
),

person_hours as (
    select * from {{ ref('int_person_hours_stitched') }}
),

person_orders as (
    select * from {{ ref('int_orders_enriched') }}
),

email_events as (
    select * from {{ ref('int_email_events_identified') }}
),

support_tickets as (
    select * from {{ ref('stg_raw__support_tickets') }}
),

person_email_events as (
    select * from email_events
    where person_id is not null
),

person_tickets as (
    select
        user_id as person_id,
        opened_at
    from support_tickets
    where user_id is not null
),

{{ windowed_facts('persons', 'person_id', person_window_signals()) }},

final as (
    select * from windowed
)

select * from final
