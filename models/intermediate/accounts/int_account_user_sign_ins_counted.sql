{#- Per account and signed-up user: the distinct UTC days with a `Signed In` event
    of the account in the last `champion_window_days` (30) days (as_of - N days < occurred_at
    <= as_of), and the latest sign-in. Persons with a delete request are left out, so they are never ranked. -#}

with

events as (
    select * from {{ ref('int_events_identified') }}
),

deleted_persons as (
    select * from {{ ref('int_persons_deleted') }}
),

sign_ins as (
    select
        events.account_id,
        events.person_id,
        events.occurred_at,
        cast(events.occurred_at as date) as sign_in_date
    from events
    left join deleted_persons
        on events.person_id = deleted_persons.person_id
    where events.event_name = 'Signed In'
        and events.account_id is not null
        and events.person_id not like 'anon:%'
        and deleted_persons.person_id is null
),

final as (
    select
        account_id,
        person_id,
        count(distinct case when {{ in_last_days('occurred_at', var('champion_window_days')) }} then sign_in_date end)
            as sign_in_days_in_window,
        max(occurred_at) as last_sign_in_at
    from sign_ins
    group by account_id, person_id
)

select * from final
