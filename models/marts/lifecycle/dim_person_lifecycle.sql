{#- One row per person of dim_persons: lifecycle stage (the newest weekly snapshot; null for a
    person without any activity up to as_of, who has no last activity to stage), the stage a
    week earlier, since when the person has been in it, and the status. -#}

with

weekly_stages as (
    select * from {{ ref('fct_lifecycle_weekly_stages') }}
),

transitions as (
    select * from {{ ref('fct_lifecycle_transitions') }}
),

persons as (
    select * from {{ ref('dim_persons') }}
),

current_stages as (
    select * from weekly_stages
    where week_number = 0
),

previous_stages as (
    select
        person_id,
        lifecycle_stage as previous_week_stage
    from weekly_stages
    where week_number = 1
),

latest_changes as (
    select
        person_id,
        min(week_number) as weeks_since_stage_change
    from transitions
    group by person_id
),

joined as (
    select
        persons.person_id,
        persons.is_anonymous,
        current_stages.lifecycle_stage,
        previous_stages.previous_week_stage,
        latest_changes.weeks_since_stage_change,
        current_stages.last_activity_at,
        coalesce(current_stages.orders_365d, 0) as orders_365d,
        persons.orders_count
    from persons
    left join current_stages
        on persons.person_id = current_stages.person_id
    left join previous_stages
        on persons.person_id = previous_stages.person_id
    left join latest_changes
        on persons.person_id = latest_changes.person_id
),

final as (
    select
        person_id,
        is_anonymous,
        lifecycle_stage,
        case
            when orders_count = 0 then 'prospect'
            when orders_count = 1 then 'first_time_buyer'
            when lifecycle_stage in ('loyal', 'active') then 'regular'
            else 'defector'
        end as lifecycle_status,
        previous_week_stage,
        cast(weeks_since_stage_change as {{ dbt.type_int() }}) as weeks_since_stage_change,
        last_activity_at,
        cast({{ days_between('last_activity_at', as_of()) }} as {{ dbt.type_int() }})
            as days_since_last_activity,
        cast(orders_365d as {{ dbt.type_int() }}) as orders_365d,
        cast(orders_count as {{ dbt.type_int() }}) as orders_count
    from joined
)

select * from final
