{#- Per week of the history, the flow matrix between stages: for each stage at the week end
    (lifecycle_stage) and each stage the same persons were in at the end of the week before
    (from_stage; equal to lifecycle_stage for those who stayed, 'new' for persons without a stage
    then, 'unknown' in the oldest week of the history, whose week before is not kept), how many
    persons. Every person of a week end is in exactly one row, so summing `persons` over
    from_stage gives the stage size and nothing is counted twice. Each row carries the goal and
    KPI of the stage's campaign for the industry of var lifecycle_industry (seed lifecycle_kpis). -#}

with

-- inlined: read through several filters, stored it would be copied whole first
weekly_stages as {{ inline_cte() }} (
    select * from {{ ref('fct_lifecycle_weekly_stages') }}
),

lifecycle_kpis as (
    select * from {{ ref('lifecycle_kpis') }}
),

previous_week_stages as (
    select
        person_id,
        week_number - 1 as week_number,
        lifecycle_stage as from_stage
    from weekly_stages
),

person_flows as (
    select
        weekly_stages.week_number,
        weekly_stages.week_ending_at,
        weekly_stages.lifecycle_stage,
        case
            when weekly_stages.week_number = {{ var('lifecycle_history_weeks') - 1 }} then 'unknown'
            else coalesce(previous_week_stages.from_stage, 'new')
        end as from_stage
    from weekly_stages
    left join previous_week_stages
        on weekly_stages.person_id = previous_week_stages.person_id
            and weekly_stages.week_number = previous_week_stages.week_number
),

flows as (
    select
        week_number,
        week_ending_at,
        lifecycle_stage,
        from_stage,
        count(*) as persons
    from person_flows
    group by week_number, week_ending_at, lifecycle_stage, from_stage
),

industry_kpis as (
    select * from lifecycle_kpis
    where industry = '{{ var("lifecycle_industry") }}'
),

final as (
    select
        cast(flows.week_number as {{ dbt.type_int() }}) as week_number,
        flows.week_ending_at,
        flows.lifecycle_stage,
        flows.from_stage,
        cast(flows.persons as {{ dbt.type_bigint() }}) as persons,
        flows.from_stage not in (flows.lifecycle_stage, 'unknown') as is_stage_change,
        industry_kpis.campaign_goal,
        industry_kpis.kpi
    from flows
    left join industry_kpis
        on flows.lifecycle_stage = industry_kpis.lifecycle_stage
)

select * from final
