{#- Every lifecycle campaign KPI of seed lifecycle_kpis (all four industries), per week of the
    history and stage, computed from the seed's definition columns. The segment of a week is
    the persons in the stage at its end (fct_lifecycle_weekly_stages; the snapshot, when the
    campaign starts); the population is the segment, or those of it who opened or clicked an
    email in the `lifecycle_kpi_campaign_days` days up to the snapshot (targeted). A member's
    KPI events count in the window snapshot < occurred_at <= snapshot + kpi_window_days days.
    A KPI whose events do not all occur in the data, a population without members, and a
    window not over by as_of give a null value with the reason, never a zero. -#}

with

weekly_stages as {{ inline_cte() }} (
    select * from {{ ref('fct_lifecycle_weekly_stages') }}
),

lifecycle_kpis as (
    select * from {{ ref('lifecycle_kpis') }}
),

event_name_aliases as (
    select * from {{ ref('event_name_aliases') }}
),

events as (
    select * from {{ ref('int_events_identified') }}
),

email_events as (
    select * from {{ ref('int_email_events_identified') }}
),

canonical_event_names as (
    select distinct canonical_event_name as event_name
    from event_name_aliases
),

-- each KPI's event names, one row each: the `;`-separated list matched against the canonical
-- names (a name that is not canonical matches nothing and counts as absent below)
kpi_event_names as (
    select
        lifecycle_kpis.industry,
        lifecycle_kpis.lifecycle_stage,
        canonical_event_names.event_name
    from lifecycle_kpis
    inner join canonical_event_names
        on {{ dbt.position(
            dbt.concat(["';'", 'canonical_event_names.event_name', "';'"]),
            dbt.concat(["';'", 'lifecycle_kpis.kpi_event_names', "';'"]),
        ) }} > 0
),

-- the events of every KPI's names, each once however many KPIs list its name: stored, since
-- two CTEs read it
kpi_events as (
    select
        person_id,
        event_name,
        occurred_at
    from events
    where event_name in (select kpi_event_names.event_name from kpi_event_names)
),

kpi_event_names_present as (
    select
        industry,
        lifecycle_stage,
        count(distinct event_name) as event_names_present
    from kpi_event_names
    where event_name in (select distinct kpi_events.event_name from kpi_events)
    group by industry, lifecycle_stage
),

kpi_definitions as (
    select
        lifecycle_kpis.*,
        {{ dbt.length('lifecycle_kpis.kpi_event_names') }}
        - {{ dbt.length(dbt.replace('lifecycle_kpis.kpi_event_names', "';'", "''")) }} + 1
            as event_names_listed,
        coalesce(kpi_event_names_present.event_names_present, 0) as event_names_present
    from lifecycle_kpis
    left join kpi_event_names_present
        on lifecycle_kpis.industry = kpi_event_names_present.industry
            and lifecycle_kpis.lifecycle_stage = kpi_event_names_present.lifecycle_stage
),

measurable_kpis as (
    select * from kpi_definitions
    where event_names_present = event_names_listed
),

targeted_stages as (
    select distinct lifecycle_stage
    from measurable_kpis
    where kpi_population = 'targeted'
),

campaign_answers as (
    select
        person_id,
        occurred_at
    from email_events
    where event_type in ('opened', 'clicked')
        and person_id is not null
),

targeted_member_weeks as (
    select distinct
        weekly_stages.person_id,
        weekly_stages.week_number
    from weekly_stages
    inner join targeted_stages
        on weekly_stages.lifecycle_stage = targeted_stages.lifecycle_stage
    inner join campaign_answers
        on weekly_stages.person_id = campaign_answers.person_id
            and weekly_stages.week_ending_at >= campaign_answers.occurred_at
            and {{ dbt.dateadd('day', -1 * var('lifecycle_kpi_campaign_days'), 'weekly_stages.week_ending_at') }}
            < campaign_answers.occurred_at
),

-- the longest window of a measurable KPI: it bounds the join of member-weeks to events below,
-- and each KPI's own window is tested after it
longest_kpi_window as (
    select max(kpi_window_days) as kpi_window_days
    from measurable_kpis
),

-- each member-week once, however many KPIs its stage has: a row per KPI here stored every
-- member-week four times over (most of the spill of a 100M-event build)
member_weeks as (
    select
        weekly_stages.lifecycle_stage,
        weekly_stages.week_number,
        weekly_stages.week_ending_at,
        {{ dbt.dateadd('day', 'longest_kpi_window.kpi_window_days', 'weekly_stages.week_ending_at') }}
            as longest_window_ends_at,
        weekly_stages.person_id,
        targeted_member_weeks.person_id is not null as is_targeted
    from weekly_stages
    cross join longest_kpi_window
    left join targeted_member_weeks
        on weekly_stages.person_id = targeted_member_weeks.person_id
            and weekly_stages.week_number = targeted_member_weeks.week_number
),

measurable_kpi_events as (
    select
        measurable_kpis.industry,
        measurable_kpis.lifecycle_stage,
        measurable_kpis.kpi_measure,
        measurable_kpis.kpi_population,
        measurable_kpis.kpi_window_days,
        kpi_events.person_id,
        kpi_events.occurred_at
    from kpi_events
    inner join kpi_event_names
        on kpi_events.event_name = kpi_event_names.event_name
    inner join measurable_kpis
        on kpi_event_names.industry = measurable_kpis.industry
            and kpi_event_names.lifecycle_stage = measurable_kpis.lifecycle_stage
),

-- an event counts for the snapshots it follows by at most the KPI's window, added to the
-- snapshot as before, not subtracted from the event: Spark's dateadd drops the fraction of a
-- second of the time it moves
member_events as (
    select
        measurable_kpi_events.industry,
        measurable_kpi_events.lifecycle_stage,
        measurable_kpi_events.kpi_measure,
        measurable_kpi_events.kpi_window_days,
        member_weeks.week_number,
        member_weeks.week_ending_at,
        member_weeks.person_id,
        measurable_kpi_events.occurred_at,
        {{ dbt.datediff('member_weeks.week_ending_at', 'measurable_kpi_events.occurred_at', 'second') }}
            as seconds_after_snapshot
    from member_weeks
    inner join measurable_kpi_events
        on member_weeks.lifecycle_stage = measurable_kpi_events.lifecycle_stage
            and member_weeks.person_id = measurable_kpi_events.person_id
            and member_weeks.week_ending_at < measurable_kpi_events.occurred_at
            and member_weeks.longest_window_ends_at >= measurable_kpi_events.occurred_at
    where
        {{ dbt.dateadd('day', 'measurable_kpi_events.kpi_window_days', 'member_weeks.week_ending_at') }}
        >= measurable_kpi_events.occurred_at
        and (
            measurable_kpi_events.kpi_population = 'segment'
            or member_weeks.is_targeted
        )
),

member_event_boundaries as (
    select
        *,
        cast(floor(seconds_after_snapshot / 604800) as {{ dbt.type_int() }}) as boundary_period_number
    from member_events
),

-- period k of the window is snapshot + 7k days < occurred_at <= snapshot + 7(k + 1) days;
-- whole weeks of seconds overshoot by one for an event exactly on a period's end
member_event_periods as (
    select
        *,
        case
            when occurred_at <= {{ dbt.dateadd('day', '7 * boundary_period_number', 'week_ending_at') }}
                then boundary_period_number - 1
            else boundary_period_number
        end as period_number
    from member_event_boundaries
),

member_counts as (
    select
        industry,
        lifecycle_stage,
        kpi_measure,
        kpi_window_days,
        week_number,
        person_id,
        count(*) as kpi_events,
        count(distinct period_number) as periods_with_event
    from member_event_periods
    group by industry, lifecycle_stage, kpi_measure, kpi_window_days, week_number, person_id
),

member_contributions as (
    select
        industry,
        lifecycle_stage,
        week_number,
        case kpi_measure
            when 'events_per_member' then kpi_events
            when 'share_with_event' then 1
            when 'share_with_event_each_week'
                then case when periods_with_event * 7 >= kpi_window_days then 1 else 0 end
        end as contribution
    from member_counts
),

numerators as (
    select
        industry,
        lifecycle_stage,
        week_number,
        sum(contribution) as numerator
    from member_contributions
    group by industry, lifecycle_stage, week_number
),

stage_week_members as (
    select
        lifecycle_stage,
        week_number,
        count(*) as segment_members,
        sum(case when is_targeted then 1 else 0 end) as targeted_members
    from member_weeks
    group by lifecycle_stage, week_number
),

weeks as (
    select distinct
        week_number,
        week_ending_at
    from weekly_stages
),

kpi_weeks as (
    select
        kpi_definitions.*,
        weeks.week_number,
        weeks.week_ending_at,
        {{ dbt.dateadd('day', 'kpi_definitions.kpi_window_days', 'weeks.week_ending_at') }} as window_ends_at
    from kpi_definitions
    cross join weeks
),

joined as (
    select
        kpi_weeks.*,
        kpi_weeks.event_names_present = kpi_weeks.event_names_listed as is_measurable,
        kpi_weeks.window_ends_at <= {{ as_of() }} as is_window_complete,
        coalesce(
            case kpi_weeks.kpi_population
                when 'segment' then stage_week_members.segment_members
                when 'targeted' then stage_week_members.targeted_members
            end,
            0
        ) as denominator,
        coalesce(numerators.numerator, 0) as numerator
    from kpi_weeks
    left join stage_week_members
        on kpi_weeks.lifecycle_stage = stage_week_members.lifecycle_stage
            and kpi_weeks.week_number = stage_week_members.week_number
    left join numerators
        on kpi_weeks.industry = numerators.industry
            and kpi_weeks.lifecycle_stage = numerators.lifecycle_stage
            and kpi_weeks.week_number = numerators.week_number
),

final as (
    select
        industry,
        lifecycle_stage,
        cast(week_number as {{ dbt.type_int() }}) as week_number,
        week_ending_at,
        window_ends_at,
        campaign_goal,
        kpi,
        kpi_event_names,
        kpi_measure,
        kpi_population,
        cast(kpi_window_days as {{ dbt.type_int() }}) as kpi_window_days,
        is_window_complete,
        cast(case when is_measurable then numerator end as {{ dbt.type_bigint() }}) as numerator,
        cast(case when is_measurable then denominator end as {{ dbt.type_bigint() }}) as denominator,
        cast(
            case
                when is_measurable and denominator > 0 and is_window_complete
                    then cast(numerator as double) / denominator
            end as double
        ) as kpi_value,
        case
            when not is_measurable and event_names_listed = 1
                then {{ dbt.concat(["'no '", 'kpi_event_names', "' events in the data'"]) }}
            when not is_measurable
                then {{ dbt.concat(["'not every one of '", 'kpi_event_names', "' occurs in the data'"]) }}
            when denominator = 0 and kpi_population = 'targeted'
                then 'no targeted members in the stage this week'
            when denominator = 0 then 'no members in the stage this week'
            when not is_window_complete then 'the window ends after as_of'
        end as null_reason
    from joined
)

select * from final
