{#- Per B2B account, from the events carrying its account_id up to as_of: users (its rows of
    int_account_users_identified), the latest demo request, sign-in and checkout, and the first
    trial start. Its counts over a window are in int_account_windows_aggregated. -#}

with

events as (
    select * from {{ ref('int_events_identified') }}
),

account_users as (
    select * from {{ ref('int_account_users_identified') }}
),

account_events as (
    select * from events
    where account_id is not null
),

activity as (
    select
        account_id,
        max(case when event_name = 'Demo Requested' then occurred_at end) as last_demo_requested_at,
        min(case when event_name = 'Trial Started' then occurred_at end) as trial_started_at,
        max(case when event_name = 'Signed In' then occurred_at end) as last_sign_in_at,
        max(case when event_name = 'Checkout Started' then occurred_at end) as last_checkout_started_at
    from account_events
    group by account_id
),

user_counts as (
    select
        account_id,
        count(*) as users_count
    from account_users
    group by account_id
),

accounts as (
    select account_id from activity
    union
    select account_id from user_counts
),

final as (
    select
        accounts.account_id,
        coalesce(user_counts.users_count, 0) as users_count,
        activity.last_demo_requested_at,
        activity.trial_started_at,
        activity.last_sign_in_at,
        activity.last_checkout_started_at
    from accounts
    left join user_counts
        on accounts.account_id = user_counts.account_id
    left join activity
        on accounts.account_id = activity.account_id
)

select * from final
