{{ config(materialized='view') }}

{#- Email events up to as_of with the person they belong to: their user_id, or, when the ESP
    sent none, the person whose email it is (the smallest person_id when several share it).
    Events matching nobody keep a null person_id; events of persons with a delete request are
    left out (raw-contract.md). A view, like int_events_identified: the person behind an email
    changes retroactively, so a table was rewritten whole on every run, and its three readers
    each read a few columns. -#}

with

email_events as (
    select * from {{ ref('stg_raw__email_events') }}
),

profiles as (
    select * from {{ ref('int_person_profiles_resolved') }}
),

deleted_persons as (
    select * from {{ ref('int_persons_deleted') }}
),

persons_by_email as (
    select
        email,
        min(user_id) as person_id
    from profiles
    where email is not null
    group by email
),

identified as (
    select
        email_events.email_event_id,
        coalesce(email_events.user_id, persons_by_email.person_id) as person_id,
        email_events.email,
        email_events.campaign_id,
        email_events.event_type,
        email_events.occurred_at
    from email_events
    -- a plain equality join (coalesce above prefers the event's own user_id): a join condition
    -- on user_id being null turned this into a nested loop at 10M events
    left join persons_by_email
        on email_events.email = persons_by_email.email
    where email_events.occurred_at <= {{ as_of() }}
),

final as (
    {{ without_deleted_persons('identified') }}
)

select * from final
