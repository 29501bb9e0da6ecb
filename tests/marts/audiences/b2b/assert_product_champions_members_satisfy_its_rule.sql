{#- aud_product_champions must hold exactly, per paying account of dim_accounts, the persons
    without a privacy opt-out whose sign-in days in the last `champion_window_days` (counted here from
    int_events_identified, without int_account_user_sign_ins_counted) are at least
    `champion_min_active_days` and no fewer than any other non-deleted user's of the account:
    returns members breaking the rule (or with other days) and champions left out. -#}

with

accounts as (
    select * from {{ ref('dim_accounts') }}
),

persons as (
    select * from {{ ref('dim_persons') }}
),

events as (
    select * from {{ ref('int_events_identified') }}
),

deleted_persons as (
    select * from {{ ref('int_persons_deleted') }}
),

audience as (
    select * from {{ ref('aud_product_champions') }}
),

recent_sign_in_days as (
    select distinct
        events.account_id,
        events.person_id,
        cast(events.occurred_at as date) as sign_in_date
    from events
    where events.event_name = 'Signed In'
        and events.occurred_at > {{ dbt.dateadd('day', -1 * var('champion_window_days'), as_of()) }}
        and events.occurred_at <= {{ as_of() }}
        and events.person_id not like 'anon:%'
        and events.person_id not in (select deleted_persons.person_id from deleted_persons)
),

user_days as (
    select
        account_id,
        person_id,
        count(*) as sign_in_days
    from recent_sign_in_days
    group by account_id, person_id
),

account_best as (
    select
        account_id,
        max(sign_in_days) as best_days
    from user_days
    group by account_id
),

expected as (
    select
        user_days.account_id,
        user_days.person_id,
        user_days.sign_in_days
    from user_days
    inner join account_best
        on user_days.account_id = account_best.account_id
            and user_days.sign_in_days = account_best.best_days
    inner join accounts
        on user_days.account_id = accounts.account_id
    inner join persons
        on user_days.person_id = persons.person_id
    where accounts.is_paying = true
        and persons.has_privacy_opt_out = false
        and user_days.sign_in_days >= {{ var('champion_min_active_days') }}
),

final as (
    select
        coalesce(audience.account_id, expected.account_id) as account_id,
        coalesce(audience.person_id, expected.person_id) as person_id,
        case
            when expected.person_id is null then 'member breaks the rule'
            when audience.person_id is null then 'champion missing'
            else 'wrong sign_in_days_in_window'
        end as problem
    from audience
    full outer join expected
        on audience.account_id = expected.account_id
            and audience.person_id = expected.person_id
    where audience.person_id is null
        or expected.person_id is null
        or audience.sign_in_days_in_window is distinct from expected.sign_in_days
)

select * from final
