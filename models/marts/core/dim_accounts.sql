{#- One row per B2B account as of as_of; the column definitions are in _core__models.yml.
    Every source is read as it stood at as_of: CRM accounts and contacts in their newest version
    updated by then, subscriptions started by then (one ended after as_of is not ended, and its
    trial runs while trial_ends_at is after as_of), tickets opened by then (the CSAT of a ticket
    closed after as_of is not known yet), NPS answers and usage days up to as_of. -#}

with

crm_accounts as (
    select * from {{ ref('int_crm_accounts_as_of') }}
),

subscriptions as (
    select * from {{ ref('stg_raw__subscriptions') }}
),

usage_daily as (
    select * from {{ ref('stg_raw__product_usage_daily') }}
),

contact_email_opens as (
    select * from {{ ref('int_account_contact_email_opens') }}
),

support_tickets as (
    select * from {{ ref('stg_raw__support_tickets') }}
),

nps_responses as (
    select * from {{ ref('stg_raw__nps_responses') }}
),

activity as (
    select * from {{ ref('int_account_activity_aggregated') }}
),

decision_makers as (
    select * from {{ ref('int_account_decision_makers') }}
),

accounts as (
    select * from crm_accounts
    where created_at <= {{ as_of() }}
),

subscriptions_until_as_of as (
    select
        *,
        trial_ends_at is not null or status = 'trialing' as is_trial
    from subscriptions
    where account_id is not null and started_at <= {{ as_of() }}
),

-- a trial runs at as_of when its subscription has not ended by as_of and its trial_ends_at is
-- after as_of; a trialing row without trial_ends_at runs until it ends
subscriptions_at_as_of as (
    select
        *,
        is_trial
        and not coalesce(ended_at <= {{ as_of() }}, false)
        and coalesce(trial_ends_at > {{ as_of() }}, status = 'trialing') as is_trialing_at_as_of
    from subscriptions_until_as_of
),

subscription_facts as (
    select
        account_id,
        max(started_at) as last_subscription_started_at,
        min(case when is_trial then started_at end) as first_trial_subscription_started_at,
        max(case when is_trialing_at_as_of then 1 else 0 end) as has_trialing_subscription
    from subscriptions_at_as_of
    group by account_id
),

usage_this_month as (
    select
        account_id,
        sum(usage_units) as usage_this_month
    from usage_daily
    where usage_date >= cast({{ dbt.date_trunc('month', as_of()) }} as date)
        and usage_date <= cast({{ as_of() }} as date)
    group by account_id
),

contact_opens as (
    select
        account_id,
        count(*) as contact_email_opens_30d
    from contact_email_opens
    where {{ in_last_days('occurred_at', 30) }}
    group by account_id
),

tickets as (
    select
        account_id,
        sum(case when {{ in_last_days('opened_at', 30) }} then 1 else 0 end) as tickets_30d,
        avg(case when closed_at <= {{ as_of() }} then csat_score end) as avg_csat
    from support_tickets
    where account_id is not null and opened_at <= {{ as_of() }}
    group by account_id
),

ranked_nps as (
    select
        account_id,
        score,
        nps_category,
        row_number() over (partition by account_id order by responded_at desc, response_id desc) as recency_rank
    from nps_responses
    where account_id is not null and responded_at <= {{ as_of() }}
),

decision_maker_lists as (
    select
        account_id,
        count(*) as decision_maker_count,
        {{ sorted_listagg('email', "', '") }} as decision_maker_emails
    from decision_makers
    group by account_id
),

joined as (
    select
        accounts.*,
        accounts.customer_since <= {{ as_of() }}
        and not coalesce(accounts.churned_at <= {{ as_of() }}, false) as is_paying,
        subscription_facts.last_subscription_started_at,
        coalesce(subscription_facts.has_trialing_subscription, 0) = 1 as has_trialing_subscription,
        coalesce(usage_this_month.usage_this_month, 0) as usage_this_month,
        activity.users_count,
        activity.active_users_7d,
        activity.active_users_30d,
        activity.active_users_prev_30d,
        activity.seats_used,
        activity.pricing_page_views_14d,
        activity.pricing_page_views_30d,
        activity.demo_requests_14d,
        activity.last_demo_requested_at,
        case
            when activity.trial_started_at is null then subscription_facts.first_trial_subscription_started_at
            when subscription_facts.first_trial_subscription_started_at is null then activity.trial_started_at
            when subscription_facts.first_trial_subscription_started_at < activity.trial_started_at
                then subscription_facts.first_trial_subscription_started_at
            else activity.trial_started_at
        end as trial_started_at,
        activity.sign_ins_14d,
        activity.last_sign_in_at,
        activity.last_checkout_started_at,
        activity.ad_clicks_30d,
        activity.features_used_30d,
        activity.usage_breadth,
        contact_opens.contact_email_opens_30d,
        tickets.tickets_30d,
        tickets.avg_csat,
        ranked_nps.score as latest_nps_score,
        ranked_nps.nps_category as latest_nps_category,
        decision_maker_lists.decision_maker_count,
        decision_maker_lists.decision_maker_emails
    from accounts
    left join subscription_facts
        on accounts.account_id = subscription_facts.account_id
    left join usage_this_month
        on accounts.account_id = usage_this_month.account_id
    left join activity
        on accounts.account_id = activity.account_id
    left join contact_opens
        on accounts.account_id = contact_opens.account_id
    left join tickets
        on accounts.account_id = tickets.account_id
    left join ranked_nps
        on accounts.account_id = ranked_nps.account_id
            and ranked_nps.recency_rank = 1
    left join decision_maker_lists
        on accounts.account_id = decision_maker_lists.account_id
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
        decision_maker_emails
    from joined
)

select * from final
