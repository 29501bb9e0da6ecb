{#- aud_heavy_email_engagers must hold exactly the persons of dim_persons without a privacy
    opt-out with at least `heavy_email_engager_min_opens` `opened` and `clicked` email events
    together in the last `heavy_email_engager_days` days (as_of - N days < occurred_at <= as_of),
    recounted here from int_email_events_identified with the window spelled out. Returns members
    breaking the rule, members whose carried counts differ, and engagers left out. -#}

{%- set days = var('heavy_email_engager_days') %}

with

{{ recount_import_ctes({
    'persons': 'dim_persons',
    'email_events': 'int_email_events_identified',
    'audience': 'aud_heavy_email_engagers',
}) }},

window_email_events as (
    select
        person_id,
        event_type
    from email_events
    where person_id is not null
        and {{ recount_window('occurred_at', days) }}
),

recounted as (
    select
        person_id,
        sum(case when event_type = 'opened' then 1 else 0 end) as opens,
        sum(case when event_type = 'clicked' then 1 else 0 end) as clicks
    from window_email_events
    group by person_id
),

expected as (
    select
        recounted.person_id,
        recounted.opens,
        recounted.clicks
    from recounted
    inner join persons
        on recounted.person_id = persons.person_id
    where persons.has_privacy_opt_out = false
        and recounted.opens + recounted.clicks >= {{ var('heavy_email_engager_min_opens') }}
),

final as (
    {{- recount_problems('person_id', 'person', [
        ('email_opens_in_window', 'opens'),
        ('email_clicks_in_window', 'clicks'),
    ]) }}
)

select * from final
