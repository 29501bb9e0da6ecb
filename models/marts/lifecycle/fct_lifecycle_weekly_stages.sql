{#- The lifecycle stage of every person at the end of each week of the history (week 0 ends at
    as_of). Deleted persons are left out. -#}

with

weekly_stages as (
    select * from {{ ref('int_person_weeks_classified') }}
),

persons as (
    select * from {{ ref('dim_persons') }}
),

final as (
    select
        weekly_stages.person_week_id,
        weekly_stages.person_id,
        weekly_stages.week_number,
        weekly_stages.week_ending_at,
        weekly_stages.lifecycle_stage,
        weekly_stages.last_activity_at,
        cast(weekly_stages.orders_365d as {{ dbt.type_int() }}) as orders_365d
    from weekly_stages
    inner join persons
        on weekly_stages.person_id = persons.person_id
)

select * from final
