{#- Per account and signed-up user: the distinct UTC days with a `Signed In` event
    of the account in the last `champion_window_days` (30) days (as_of - N days < occurred_at
    <= as_of; the signal is declared in account_user_window_signals(), macros/windows.sql), and
    the latest sign-in. Persons with a delete request are left out, so they are never ranked. -#}

{%- set sign_in_days = account_user_window_signals() | first %}

with

events as (
    select * from {{ ref('int_events_identified') }}
),

deleted_persons as (
    select * from {{ ref('int_persons_deleted') }}
),

account_user_sign_ins as (
    select
        events.account_id,
        events.person_id,
        events.occurred_at
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
        {{ window_count(sign_in_days) }} as {{ sign_in_days.column }},
        max(occurred_at) as last_sign_in_at
    from account_user_sign_ins
    group by account_id, person_id
)

select * from final
