{#- One row per change of a person's lifecycle stage from one week end to the next, within the
    history. A person's first week with any activity is an entry (from_stage null) unless it is
    the oldest week of the history, whose earlier stage is unknown. -#}

with

weekly_stages as (
    select * from {{ ref('fct_lifecycle_weekly_stages') }}
),

with_previous_week as (
    select
        *,
        lag(lifecycle_stage) over (partition by person_id order by week_number desc) as previous_stage,
        lag(week_number) over (partition by person_id order by week_number desc) as previous_week_number
    from weekly_stages
),

changes as (
    select * from with_previous_week
    where week_number < {{ var('lifecycle_history_weeks') - 1 }}
        and (previous_stage is null or previous_stage != lifecycle_stage)
),

final as (
    select
        person_week_id as transition_id,
        person_id,
        week_number,
        week_ending_at,
        previous_stage as from_stage,
        lifecycle_stage as to_stage
    from changes
)

select * from final
