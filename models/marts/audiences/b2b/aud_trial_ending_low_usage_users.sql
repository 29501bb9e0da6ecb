{#- Person-level: persons on a free trial (dim_persons.user_status) whose trial ends in the next
    `trial_ending_days` (7) days, with fewer than `trial_low_usage_max_active_days` (3) active
    days in the last `trial_low_usage_days` (14) days; without a privacy opt-out. The rule and
    its choices are in aud_trial_ending_low_usage_users.yml. -#}

with

{{ b2c_audience_import_ctes() }},

events as (
    select * from {{ ref('int_events_identified') }}
),

trial_users as (
    select * from persons
    where user_status = 'free_trial'
        and trial_ends_at > {{ as_of() }}
        and trial_ends_at <= {{ dbt.dateadd('day', var('trial_ending_days'), as_of()) }}
),

recent_active_days as (
    select
        person_id,
        count(distinct cast(occurred_at as date)) as active_days_in_window
    from events
    where {{ in_last_days('occurred_at', var('trial_low_usage_days')) }}
    group by person_id
),

trial_usage as (
    select
        trial_users.*,
        coalesce(recent_active_days.active_days_in_window, 0) as active_days_in_window
    from trial_users
    left join recent_active_days
        on trial_users.person_id = recent_active_days.person_id
),

members as (
    select * from trial_usage
    where not has_privacy_opt_out
        and active_days_in_window < {{ var('trial_low_usage_max_active_days') }}
),

catalog_entry as (
    select * from audience_catalog
    where audience_name = 'trial_ending_low_usage_users'
),

final as (
    select
        {{ b2c_audience_person_columns() }},
        members.job_title,
        members.trial_ends_at,
        cast(
            {{ days_between(as_of(), 'members.trial_ends_at') }} as {{ dbt.type_int() }}
        ) as days_until_trial_end,
        cast(members.active_days_in_window as {{ dbt.type_int() }}) as active_days_in_window,
        members.last_seen_at,
        {{ audience_catalog_columns() }}
    from members
    cross join catalog_entry
)

select * from final
