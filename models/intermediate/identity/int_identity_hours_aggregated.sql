{{ received_days_config() }}

{#- The staged events rolled up per raw identity (user_id, anonymous_id), hour of occurrence
    and signal (event name, category, device type, context time zone): how many, the first and the last instant.
    Incremental by day of receipt like the staging it reads (macros/received_days.sql): a run
    rolls up again exactly the days it re-stages, so a rerun never counts twice. No person,
    as_of or delete is applied here: they change retroactively, and are applied when the rollup
    is read (int_person_hours_stitched), so this table never needs a rebuild for them. An hour,
    not a day: the preferred hour of day is one of the traits. -#}
{%- set restage_from = restage_from_day() %}
{#- What a row of the rollup is per, besides its hour. -#}
{%- set hour_keys = [
    'received_on', 'user_id', 'anonymous_id', 'event_name', 'category', 'device_type', 'time_zone',
] %}

with

events as (
    select * from {{ ref('stg_raw__events') }}
    {%- if restage_from %}
        where received_on >= {{ restage_from }}
    {%- endif %}
),

hourly as (
    select
        {{ hour_keys | join(',\n        ') }},
        {{ dbt.date_trunc('hour', 'occurred_at') }} as occurred_hour,
        count(*) as event_count,
        min(occurred_at) as first_occurred_at,
        max(occurred_at) as last_occurred_at
    from events
    group by
        {{ hour_keys | join(',\n        ') }},
        {{ dbt.date_trunc('hour', 'occurred_at') }}
),

final as (
    select
        user_id,
        anonymous_id,
        event_name,
        category,
        device_type,
        time_zone,
        occurred_hour,
        event_count,
        first_occurred_at,
        last_occurred_at,
        received_on
    from hourly
)

select * from final
