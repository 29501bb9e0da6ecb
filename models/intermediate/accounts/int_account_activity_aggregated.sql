{#- Per B2B account, from the events carrying its account_id up to as_of: users and active
    users, seats used, intent (pricing views, demo requests, trial, checkout, ads), sign-ins and
    feature breadth. Contacts count as users as the CRM held them at as_of. A seat is a known
    (not anonymous) person who used the product in the last 30 days: a `Signed In`, `Feature
    Used` or `Invite Sent` event; page views (pricing, docs) do not take a seat. -#}

with

events as (
    select * from {{ ref('int_events_identified') }}
),

crm_contacts as (
    select * from {{ ref('int_crm_contacts_resolved') }}
),

account_events as (
    select * from events
    where account_id is not null
),

features_in_product as (
    select count(distinct feature) as features_seen
    from events
    where event_name = 'Feature Used' and feature is not null
),

activity as (
    select
        account_id,
        count(distinct case when {{ in_last_days('occurred_at', 7) }} then person_id end) as active_users_7d,
        count(distinct case when {{ in_last_days('occurred_at', 30) }} then person_id end) as active_users_30d,
        count(distinct case
            when occurred_at > {{ dbt.dateadd('day', -60, as_of()) }}
                and occurred_at <= {{ dbt.dateadd('day', -30, as_of()) }}
                then person_id
        end) as active_users_prev_30d,
        count(distinct case
            when event_name in ('Signed In', 'Feature Used', 'Invite Sent')
                and person_id not like 'anon:%'
                and {{ in_last_days('occurred_at', 30) }}
                then person_id
        end) as seats_used,
        {% for days in [14, 30] %}
            sum(case
                when event_name = 'Page Viewed' and page_path = '/pricing' and {{ in_last_days('occurred_at', days) }}
                    then 1
                else 0
            end) as pricing_page_views_{{ days }}d,
        {% endfor %}
        sum(case when event_name = 'Demo Requested' and {{ in_last_days('occurred_at', 14) }} then 1 else 0 end)
            as demo_requests_14d,
        max(case when event_name = 'Demo Requested' then occurred_at end) as last_demo_requested_at,
        min(case when event_name = 'Trial Started' then occurred_at end) as trial_started_at,
        sum(case when event_name = 'Signed In' and {{ in_last_days('occurred_at', 14) }} then 1 else 0 end)
            as sign_ins_14d,
        max(case when event_name = 'Signed In' then occurred_at end) as last_sign_in_at,
        max(case when event_name = 'Checkout Started' then occurred_at end) as last_checkout_started_at,
        sum(case when event_name = 'Ad Clicked' and {{ in_last_days('occurred_at', 30) }} then 1 else 0 end)
            as ad_clicks_30d,
        count(distinct case
            when event_name = 'Feature Used' and {{ in_last_days('occurred_at', 30) }} then feature
        end) as features_used_30d
    from account_events
    group by account_id
),

event_users as (
    select distinct
        account_id,
        person_id as user_id
    from account_events
    where person_id not like 'anon:%'
),

contact_users as (
    select distinct
        account_id,
        user_id
    from crm_contacts
    where account_id is not null and user_id is not null
),

account_users as (
    select
        account_id,
        count(*) as users_count
    from (
        select * from event_users
        union
        select * from contact_users
    ) as users
    group by account_id
),

accounts as (
    select account_id from activity
    union
    select account_id from account_users
),

final as (
    select
        accounts.account_id,
        coalesce(account_users.users_count, 0) as users_count,
        coalesce(activity.active_users_7d, 0) as active_users_7d,
        coalesce(activity.active_users_30d, 0) as active_users_30d,
        coalesce(activity.active_users_prev_30d, 0) as active_users_prev_30d,
        coalesce(activity.seats_used, 0) as seats_used,
        coalesce(activity.pricing_page_views_14d, 0) as pricing_page_views_14d,
        coalesce(activity.pricing_page_views_30d, 0) as pricing_page_views_30d,
        coalesce(activity.demo_requests_14d, 0) as demo_requests_14d,
        activity.last_demo_requested_at,
        activity.trial_started_at,
        coalesce(activity.sign_ins_14d, 0) as sign_ins_14d,
        activity.last_sign_in_at,
        activity.last_checkout_started_at,
        coalesce(activity.ad_clicks_30d, 0) as ad_clicks_30d,
        coalesce(activity.features_used_30d, 0) as features_used_30d,
        1e0 * coalesce(activity.features_used_30d, 0) / nullif(features_in_product.features_seen, 0)
            as usage_breadth
    from accounts
    left join account_users
        on accounts.account_id = account_users.account_id
    left join activity
        on accounts.account_id = activity.account_id
    cross join features_in_product
)

select * from final
