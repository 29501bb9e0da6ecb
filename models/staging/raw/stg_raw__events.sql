{{ config(materialized='view') }}

{#- The usable first deliveries of base_raw__events, which parses every payload field staging
    reads. A view: a table would copy every usable event (the largest write of a build) for
    readers that each take a few columns; filters on received_on reach base_raw__events. -#}

with

base_events as (
    select * from {{ ref('base_raw__events') }}
),

usable as (
    select * from base_events
    where quarantine_reason is null and not is_duplicate
),

final as (
    select
        {{ staged_event_columns() }}
    from usable
)

select * from final
