{#- aud_trial_ending_low_usage_users must hold exactly the persons of dim_persons without a
    privacy opt-out whose user_status is free_trial, whose trial_ends_at lies in
    (as_of, as_of + `trial_ending_days` days], and who have fewer than
    `trial_low_usage_max_active_days` distinct event dates in the last `trial_low_usage_days`
    days, recounted here from int_events_identified with the window spelled out; and each
    member must have a running trial subscription (its own, or an account-level one of an
    account it is a CRM contact of) ending at its trial_ends_at, read from staging. Returns
    members breaking the rule, members with other active days or no such trial, and users left
    out. -#}

{%- set days = var('trial_low_usage_days') %}

with

{{ recount_import_ctes({
    'persons': 'dim_persons',
    'events': 'int_events_identified',
    'subscriptions': 'stg_raw__subscriptions',
    'crm_contacts': 'int_crm_contacts_resolved',
    'audience': 'aud_trial_ending_low_usage_users',
}) }},

window_dates as (
    select distinct
        person_id,
        cast(occurred_at as date) as active_date
    from events
    where {{ recount_window('occurred_at', days) }}
),

active_days as (
    select
        person_id,
        count(*) as days_active
    from window_dates
    group by person_id
),

expected as (
    select
        persons.person_id,
        coalesce(active_days.days_active, 0) as days_active
    from persons
    left join active_days
        on persons.person_id = active_days.person_id
    where persons.has_privacy_opt_out = false
        and persons.user_status = 'free_trial'
        and persons.trial_ends_at > {{ as_of() }}
        and persons.trial_ends_at <= {{ dbt.dateadd('day', var('trial_ending_days'), as_of()) }}
        and coalesce(active_days.days_active, 0) < {{ var('trial_low_usage_max_active_days') }}
),

member_trials as (
    select distinct audience.person_id
    from audience
    inner join subscriptions
        on audience.trial_ends_at = subscriptions.trial_ends_at
    left join crm_contacts
        on subscriptions.account_id = crm_contacts.account_id
            and audience.person_id = crm_contacts.user_id
    where subscriptions.started_at <= {{ as_of() }}
        and not coalesce(subscriptions.ended_at <= {{ as_of() }}, false)
        and (
            subscriptions.user_id = audience.person_id
            or (subscriptions.user_id is null and crm_contacts.contact_id is not null)
        )
),

final as (
    {{- recount_problems('person_id', 'person', [('active_days_in_window', 'days_active')],
        differ_problem='other active days, or no running trial ending then',
        conditions=['member_trials.person_id is null and audience.person_id is not null'],
        joins='left join member_trials on audience.person_id = member_trials.person_id') }}
)

select * from final
