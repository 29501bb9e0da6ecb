{#- Per week of the history: how many persons are in each stage, how many flowed in from each
    other stage (null = entered), and the goal and KPI of the stage's campaign for the industry
    of var lifecycle_industry (seed lifecycle_kpis). -#}

with

weekly_stages as (
    select * from {{ ref('fct_lifecycle_weekly_stages') }}
),

transitions as (
    select * from {{ ref('fct_lifecycle_transitions') }}
),

lifecycle_kpis as (
    select * from {{ ref('lifecycle_kpis') }}
),

stage_sizes as (
    select
        week_number,
        week_ending_at,
        lifecycle_stage,
        count(*) as persons_in_stage
    from weekly_stages
    group by week_number, week_ending_at, lifecycle_stage
),

flows as (
    select
        week_number,
        to_stage as lifecycle_stage,
        coalesce(from_stage, 'new') as from_stage,
        count(*) as persons_flowed_in
    from transitions
    group by week_number, to_stage, coalesce(from_stage, 'new')
),

industry_kpis as (
    select * from lifecycle_kpis
    where industry = '{{ var("lifecycle_industry") }}'
),

final as (
    select
        stage_sizes.week_number,
        stage_sizes.week_ending_at,
        stage_sizes.lifecycle_stage,
        stage_sizes.persons_in_stage,
        flows.from_stage,
        coalesce(flows.persons_flowed_in, 0) as persons_flowed_in,
        industry_kpis.campaign_goal,
        industry_kpis.kpi
    from stage_sizes
    left join flows
        on stage_sizes.week_number = flows.week_number
            and stage_sizes.lifecycle_stage = flows.lifecycle_stage
    left join industry_kpis
        on stage_sizes.lifecycle_stage = industry_kpis.lifecycle_stage
)

select * from final
