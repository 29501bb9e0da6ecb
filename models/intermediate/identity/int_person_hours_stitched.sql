{{ config(materialized='view') }}

{#- The hourly signal rollup (int_identity_hours_aggregated) as of as_of, per person: each row's
    identity mapped to its person as int_events_identified maps events, persons with a delete
    request left out, and nothing after as_of. Exact for every window of whole days ending at
    as_of (as_of - N days < t <= as_of, in_last_days): such a boundary cuts an hour only when
    the hour's hour of day is as_of's, so the rollup rows of every other hour lie wholly inside
    or outside each window, and the hours of as_of's hour of day are taken event by event from
    int_events_identified (about 1 row in 24). A reader tests a window on last_occurred_at and
    weighs the row by event_count. -#}

with

signals as (
    select * from {{ ref('int_identity_hours_aggregated') }}
),

events as (
    select * from {{ ref('int_events_identified') }}
),

stitched_anonymous_ids as (
    select * from {{ ref('int_anonymous_ids_stitched') }}
),

deleted_persons as (
    select * from {{ ref('int_persons_deleted') }}
),

uncut_signals as (
    select * from signals
    where {{ hour_of_day('occurred_hour') }} <> {{ hour_of_day(as_of()) }}
        and last_occurred_at <= {{ as_of() }}
),

identified_signals as (
    select
        {{ person_of(
            'uncut_signals.user_id',
            'stitched_anonymous_ids.person_id',
            'uncut_signals.anonymous_id',
        ) }} as person_id,
        uncut_signals.event_name,
        uncut_signals.category,
        uncut_signals.device_type,
        uncut_signals.time_zone,
        uncut_signals.occurred_hour,
        uncut_signals.event_count,
        uncut_signals.first_occurred_at,
        uncut_signals.last_occurred_at
    from uncut_signals
    left join stitched_anonymous_ids
        on uncut_signals.anonymous_id = stitched_anonymous_ids.anonymous_id
),

kept_signals as (
    {{ without_deleted_persons('identified_signals') }}
),

cut_hour_events as (
    select
        person_id,
        event_name,
        category,
        device_type,
        time_zone,
        {{ dbt.date_trunc('hour', 'occurred_at') }} as occurred_hour,
        cast(1 as {{ dbt.type_bigint() }}) as event_count,
        occurred_at as first_occurred_at,
        occurred_at as last_occurred_at
    from events
    where {{ hour_of_day('occurred_at') }} = {{ hour_of_day(as_of()) }}
),

final as (
    select * from kept_signals
    union all
    select * from cut_hour_events
)

select * from final
