{#- rpt_lifecycle_weekly_flows counts every person of a week end once: per week and stage, the sum
    of its persons is the stage size in fct_lifecycle_weekly_stages, and the sum over its stage
    changes is the number of transitions into the stage in fct_lifecycle_transitions. -#}

with

flows as (
    select * from {{ ref('rpt_lifecycle_weekly_flows') }}
),

weekly_stages as (
    select * from {{ ref('fct_lifecycle_weekly_stages') }}
),

transitions as (
    select * from {{ ref('fct_lifecycle_transitions') }}
),

flow_totals as (
    select
        week_number,
        lifecycle_stage,
        sum(persons) as persons_in_stage,
        sum(case when is_stage_change then persons else 0 end) as persons_flowed_in
    from flows
    group by week_number, lifecycle_stage
),

stage_sizes as (
    select
        week_number,
        lifecycle_stage,
        count(*) as persons_in_stage
    from weekly_stages
    group by week_number, lifecycle_stage
),

inflows as (
    select
        week_number,
        to_stage as lifecycle_stage,
        count(*) as persons_flowed_in
    from transitions
    group by week_number, to_stage
),

expected as (
    select
        stage_sizes.week_number,
        stage_sizes.lifecycle_stage,
        stage_sizes.persons_in_stage,
        coalesce(inflows.persons_flowed_in, 0) as persons_flowed_in
    from stage_sizes
    left join inflows
        on stage_sizes.week_number = inflows.week_number
            and stage_sizes.lifecycle_stage = inflows.lifecycle_stage
),

final as (
    select
        coalesce(expected.week_number, flow_totals.week_number) as week_number,
        coalesce(expected.lifecycle_stage, flow_totals.lifecycle_stage) as lifecycle_stage,
        expected.persons_in_stage as expected_persons_in_stage,
        flow_totals.persons_in_stage,
        expected.persons_flowed_in as expected_persons_flowed_in,
        flow_totals.persons_flowed_in
    from expected
    full outer join flow_totals
        on expected.week_number = flow_totals.week_number
            and expected.lifecycle_stage = flow_totals.lifecycle_stage
    where expected.persons_in_stage is distinct from flow_totals.persons_in_stage
        or expected.persons_flowed_in is distinct from flow_totals.persons_flowed_in
)

select * from final
