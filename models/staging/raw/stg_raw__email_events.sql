{{ config(
    materialized='incremental',
    unique_key='received_on',
    incremental_strategy=received_days_strategy(),
    partition_by=received_days_partitions(),
    on_schema_change='fail',
    tags=['received_days'],
) }}

{#- Incremental by day of receipt, like base_raw__email_events (macros/received_days.sql). -#}
{%- set restage_from = restage_from_day() -%}

with

base_email_events as (
    select * from {{ ref('base_raw__email_events') }}
    {%- if restage_from %}
        where received_on >= {{ restage_from }}
    {%- endif %}
),

final as (
    select
        -- ids
        email_event_id,
        user_id,
        email,
        campaign_id,

        -- dimensions
        event_type,

        -- timestamps (UTC)
        occurred_at,
        received_at,

        -- the day of receipt: the partition an incremental run replaces
        received_on
    from base_email_events
    where quarantine_reason is null and not is_duplicate
)

select * from final
