{#- Persons with at least `heavy_email_engager_min_opens` (5) email opens and clicks together in
    the last `heavy_email_engager_days` (30) days, without a privacy opt-out. The rule and its
    choices are in aud_heavy_email_engagers.yml. -#}

with

{{ b2c_audience_import_ctes() }},

email_events as (
    select * from {{ ref('int_email_events_identified') }}
),

window_engagement as (
    select
        person_id,
        count(case when event_type = 'opened' then email_event_id end) as email_opens_in_window,
        count(case when event_type = 'clicked' then email_event_id end) as email_clicks_in_window
    from email_events
    where person_id is not null
        and event_type in ('opened', 'clicked')
        and {{ in_last_days('occurred_at', var('heavy_email_engager_days')) }}
    group by person_id
),

engaged_persons as (
    select
        persons.*,
        window_engagement.email_opens_in_window,
        window_engagement.email_clicks_in_window
    from persons
    inner join window_engagement
        on persons.person_id = window_engagement.person_id
),

members as (
    select * from engaged_persons
    where not has_privacy_opt_out
        and email_opens_in_window + email_clicks_in_window >= {{ var('heavy_email_engager_min_opens') }}
),

catalog_entry as (
    select * from audience_catalog
    where audience_name = 'heavy_email_engagers'
),

final as (
    select
        {{ b2c_audience_person_columns() }},
        cast(members.email_opens_in_window as {{ dbt.type_int() }}) as email_opens_in_window,
        cast(members.email_clicks_in_window as {{ dbt.type_int() }}) as email_clicks_in_window,
        members.last_email_open_at,
        {{ audience_catalog_columns() }}
    from members
    cross join catalog_entry
)

select * from final
