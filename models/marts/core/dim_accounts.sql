{#- One row per B2B account as of as_of; the column definitions are in _core__models.yml.
    The CRM account as it stood at as_of (int_crm_accounts_resolved), created by then, joined
    with its aggregates as of as_of: activity from events, subscriptions, usage, satisfaction
    (CSAT and NPS, open tickets), decision makers, CRM lead standing and every count over a window (int_account_windows_aggregated),
    each an int_account_*_aggregated model. -#}

with

crm_accounts as (
    select * from {{ ref('int_crm_accounts_resolved') }}
),

activity as (
    select * from {{ ref('int_account_activity_aggregated') }}
),

subscriptions as (
    select * from {{ ref('int_account_subscriptions_aggregated') }}
),

usage_this_month as (
    select * from {{ ref('int_account_usage_aggregated') }}
),

satisfaction as (
    select * from {{ ref('int_account_satisfaction_aggregated') }}
),

contacts as (
    select * from {{ ref('int_account_contacts_aggregated') }}
),

windows as (
    select * from {{ ref('int_account_windows_aggregated') }}
),

leads as (
    select * from {{ ref('int_account_leads_aggregated') }}
),

accounts as (
    select * from crm_accounts
    where created_at <= {{ as_of() }}
),

joined as (
    select
        accounts.*,
        accounts.customer_since <= {{ as_of() }}
        and not coalesce(accounts.churned_at <= {{ as_of() }}, false) as is_paying,
        subscriptions.last_subscription_started_at,
        coalesce(subscriptions.has_trialing_subscription, false) as has_trialing_subscription,
        coalesce(usage_this_month.usage_this_month, 0) as usage_this_month,
        activity.users_count,
        windows.active_users_7d,
        windows.active_users_30d,
        windows.active_users_prev_30d,
        windows.seats_used,
        windows.pricing_page_views_14d,
        windows.pricing_page_views_30d,
        windows.demo_requests_14d,
        activity.last_demo_requested_at,
        case
            when activity.trial_started_at is null then subscriptions.first_trial_subscription_started_at
            when subscriptions.first_trial_subscription_started_at is null then activity.trial_started_at
            when subscriptions.first_trial_subscription_started_at < activity.trial_started_at
                then subscriptions.first_trial_subscription_started_at
            else activity.trial_started_at
        end as trial_started_at,
        windows.sign_ins_14d,
        activity.last_sign_in_at,
        activity.last_checkout_started_at,
        windows.ad_clicks_30d,
        windows.features_used_30d,
        windows.usage_breadth,
        windows.contact_email_opens_30d,
        windows.tickets_30d,
        satisfaction.avg_csat,
        satisfaction.latest_nps_score,
        satisfaction.latest_nps_category,
        contacts.decision_maker_count,
        contacts.decision_maker_emails,
        leads.lead_status,
        leads.lead_score,
        satisfaction.open_tickets,
        satisfaction.highest_open_ticket_priority
    from accounts
    left join subscriptions
        on accounts.account_id = subscriptions.account_id
    left join usage_this_month
        on accounts.account_id = usage_this_month.account_id
    left join activity
        on accounts.account_id = activity.account_id
    left join satisfaction
        on accounts.account_id = satisfaction.account_id
    left join contacts
        on accounts.account_id = contacts.account_id
    left join windows
        on accounts.account_id = windows.account_id
    left join leads
        on accounts.account_id = leads.account_id
),

final as (
    select
        account_id,
        account_name,
        domain,
        industry,
        cast(employee_count as {{ dbt.type_int() }}) as employee_count,
        case
            when employee_count is null then null
            when employee_count <= 10 then '1-10'
            when employee_count <= 50 then '11-50'
            when employee_count <= 200 then '51-200'
            when employee_count <= 500 then '201-500'
            when employee_count <= 1000 then '501-1000'
            else '1001+'
        end as employee_band,
        country,
        plan,
        cast(seat_limit as {{ dbt.type_int() }}) as seat_limit,
        cast(monthly_usage_limit as double) as monthly_usage_limit,
        cast(mrr as double) as mrr,
        created_at,
        customer_since,
        churned_at,
        coalesce(is_paying, false) as is_paying,
        case
            when coalesce(is_paying, false) then 'paying'
            when churned_at <= {{ as_of() }} then 'churned'
            when has_trialing_subscription or plan = 'trial' then 'trial'
            else 'freemium'
        end as account_status,
        cast(coalesce(users_count, 0) as {{ dbt.type_int() }}) as users_count,
        cast(coalesce(active_users_7d, 0) as {{ dbt.type_int() }}) as active_users_7d,
        cast(coalesce(active_users_30d, 0) as {{ dbt.type_int() }}) as active_users_30d,
        cast(coalesce(active_users_prev_30d, 0) as {{ dbt.type_int() }}) as active_users_prev_30d,
        cast(coalesce(seats_used, 0) as {{ dbt.type_int() }}) as seats_used,
        cast(1e0 * coalesce(seats_used, 0) / nullif(seat_limit, 0) as double) as seat_utilization,
        cast(usage_this_month as double) as usage_this_month,
        cast(1e0 * usage_this_month / nullif(monthly_usage_limit, 0) as double) as usage_ratio_this_month,
        cast(coalesce(pricing_page_views_14d, 0) as {{ dbt.type_int() }}) as pricing_page_views_14d,
        cast(coalesce(pricing_page_views_30d, 0) as {{ dbt.type_int() }}) as pricing_page_views_30d,
        cast(coalesce(demo_requests_14d, 0) as {{ dbt.type_int() }}) as demo_requests_14d,
        last_demo_requested_at,
        trial_started_at,
        cast(coalesce(sign_ins_14d, 0) as {{ dbt.type_int() }}) as sign_ins_14d,
        last_sign_in_at,
        last_checkout_started_at,
        last_subscription_started_at,
        cast(coalesce(ad_clicks_30d, 0) as {{ dbt.type_int() }}) as ad_clicks_30d,
        cast(coalesce(features_used_30d, 0) as {{ dbt.type_int() }}) as features_used_30d,
        cast(coalesce(usage_breadth, 0) as double) as usage_breadth,
        cast(coalesce(contact_email_opens_30d, 0) as {{ dbt.type_int() }}) as contact_email_opens_30d,
        cast(coalesce(tickets_30d, 0) as {{ dbt.type_int() }}) as tickets_30d,
        cast(avg_csat as double) as avg_csat,
        cast(latest_nps_score as {{ dbt.type_int() }}) as latest_nps_score,
        latest_nps_category,
        cast(coalesce(decision_maker_count, 0) as {{ dbt.type_int() }}) as decision_maker_count,
        decision_maker_emails,
        lead_status,
        cast(lead_score as {{ dbt.type_int() }}) as lead_score,
        cast(coalesce(open_tickets, 0) as {{ dbt.type_int() }}) as open_tickets,
        highest_open_ticket_priority
    from joined
)

select * from final
