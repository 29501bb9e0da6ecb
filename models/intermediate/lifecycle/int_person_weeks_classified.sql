{{ config(materialized='view') }}

{#- The lifecycle stage of every person at the end of each of the last `lifecycle_history_weeks`
    weeks. Week 0 ends at as_of, week i at as_of - 7 * i days, so the newest snapshot is the
    current stage. Activity is bucketed into the week it falls in and carried forward with a
    running max, which scales with persons x weeks rather than with events x weeks. Persons with
    a `delete` privacy request are left out here, so that no history of theirs is written (raw
    contract: a delete removes the person from every mart, export and history). A view: its
    one reader, fct_lifecycle_weekly_stages, is the table, and writing these persons x weeks
    rows twice cost about 9 s of a 10M-event build. -#}

{%- set history_weeks = var('lifecycle_history_weeks') -%}

with

signals as (
    select * from {{ ref('int_person_hours_stitched') }}
),

orders as (
    select * from {{ ref('int_orders_enriched') }}
),

deleted_persons as (
    select * from {{ ref('int_persons_deleted') }}
),

week_numbers as (
    select cast(generated_number - 1 as {{ dbt.type_int() }}) as week_number
    from ({{ dbt.generate_series(history_weeks) }}) as series
),

weeks as (
    select
        week_number,
        {{ dbt.dateadd('day', '-7 * week_number', as_of()) }} as week_ending_at
    from week_numbers
),

-- an hourly rollup row's last instant stands for all its events: week ends are as_of minus
-- whole days, which cut no rollup row (int_person_hours_stitched)
activity as (
    select
        person_id,
        last_occurred_at as occurred_at
    from signals
    where {{ is_lifecycle_activity('event_name') }}
),

activity_boundary_weeks as (
    select
        person_id,
        occurred_at,
        cast(floor({{ dbt.datediff('occurred_at', as_of(), 'second') }} / 604800) as {{ dbt.type_int() }})
            as boundary_week_number
    from activity
),

activity_weeks as (
    select
        person_id,
        occurred_at,
        -- counting second boundaries can overshoot by one week for sub-second timestamps
        case
            when occurred_at > {{ dbt.dateadd('day', '-7 * boundary_week_number', as_of()) }}
                then boundary_week_number - 1
            else boundary_week_number
        end as week_number
    from activity_boundary_weeks
),

last_activity_per_week as (
    select
        person_id,
        case when week_number > {{ history_weeks - 1 }} then {{ history_weeks }} else week_number end
            as week_number,
        max(occurred_at) as last_activity_in_week_at
    from activity_weeks
    group by
        person_id,
        case when week_number > {{ history_weeks - 1 }} then {{ history_weeks }} else week_number end
),

persons as (
    select distinct last_activity_per_week.person_id
    from last_activity_per_week
    left join deleted_persons
        on last_activity_per_week.person_id = deleted_persons.person_id
    where deleted_persons.person_id is null
),

person_weeks as (
    select
        persons.person_id,
        weeks.week_number,
        weeks.week_ending_at
    from persons
    cross join weeks
),

carried_activity as (
    select
        person_weeks.person_id,
        person_weeks.week_number,
        person_weeks.week_ending_at,
        max(last_activity_per_week.last_activity_in_week_at) over (
            partition by person_weeks.person_id
            order by person_weeks.week_number desc
            rows between unbounded preceding and current row
        ) as last_activity_at
    from person_weeks
    left join last_activity_per_week
        on person_weeks.person_id = last_activity_per_week.person_id
            and person_weeks.week_number = last_activity_per_week.week_number
),

pre_history_activity as (
    select
        person_id,
        last_activity_in_week_at as last_activity_before_history_at
    from last_activity_per_week
    where week_number = {{ history_weeks }}
),

orders_per_week as (
    select
        orders.person_id,
        weeks.week_number,
        count(*) as orders_365d
    from orders
    inner join weeks
        on orders.ordered_at <= weeks.week_ending_at
            and orders.ordered_at > {{ dbt.dateadd('day', -1 * var('loyal_order_days'), 'weeks.week_ending_at') }}
    group by orders.person_id, weeks.week_number
),

person_week_facts as (
    select
        carried_activity.person_id,
        carried_activity.week_number,
        carried_activity.week_ending_at,
        coalesce(carried_activity.last_activity_at, pre_history_activity.last_activity_before_history_at)
            as last_activity_at,
        coalesce(orders_per_week.orders_365d, 0) as orders_365d
    from carried_activity
    left join pre_history_activity
        on carried_activity.person_id = pre_history_activity.person_id
    left join orders_per_week
        on carried_activity.person_id = orders_per_week.person_id
            and carried_activity.week_number = orders_per_week.week_number
),

staged as (
    select
        *,
        {{ lifecycle_stage('last_activity_at', 'orders_365d', 'week_ending_at') }} as lifecycle_stage
    from person_week_facts
),

final as (
    select
        {{ dbt.concat(['person_id', "'|'", dbt.safe_cast('week_number', dbt.type_string())]) }}
            as person_week_id,
        person_id,
        week_number,
        week_ending_at,
        last_activity_at,
        orders_365d,
        lifecycle_stage
    from staged
    where lifecycle_stage is not null
)

select * from final
