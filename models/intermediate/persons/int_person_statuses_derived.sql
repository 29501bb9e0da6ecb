{#- Per known person, their standing with the product at as_of (user_status) from the
    subscriptions that are theirs (their own, user_id = the person, and the account-level ones
    of every account they are a CRM contact of at as_of) and their orders. The rule, its
    precedence and its choices are in _int_persons__models.yml. It also carries the person's
    CRM lead standing (contact_lead_status, contact_lead_score) when they are a CRM contact. -#}

with

persons as (
    select * from {{ ref('int_persons_kept') }}
),

subscriptions as (
    select * from {{ ref('stg_raw__subscriptions') }}
),

crm_contacts as (
    select * from {{ ref('int_crm_contacts_resolved') }}
),

orders as (
    select * from {{ ref('int_orders_enriched') }}
),

own_subscriptions as (
    select
        user_id as person_id,
        subscription_id,
        plan,
        status,
        started_at,
        trial_ends_at,
        ended_at
    from subscriptions
    where user_id is not null
),

contact_accounts as (
    select distinct
        user_id as person_id,
        account_id
    from crm_contacts
    where user_id is not null and account_id is not null
),

account_subscriptions as (
    select
        contact_accounts.person_id,
        subscriptions.subscription_id,
        subscriptions.plan,
        subscriptions.status,
        subscriptions.started_at,
        subscriptions.trial_ends_at,
        subscriptions.ended_at
    from subscriptions
    inner join contact_accounts
        on subscriptions.account_id = contact_accounts.account_id
    where subscriptions.user_id is null
),

person_subscriptions as (
    select * from own_subscriptions
    union all
    select * from account_subscriptions
),

subscriptions_until_as_of as (
    select
        *,
        coalesce(ended_at <= {{ as_of() }}, false) as is_ended,
        coalesce(trial_ends_at > {{ as_of() }}, status = 'trialing') as is_in_trial_period
    from person_subscriptions
    where started_at <= {{ as_of() }}
),

subscription_states as (
    select
        person_id,
        trial_ends_at,
        not is_ended and is_in_trial_period as is_trialing,
        not is_ended and not is_in_trial_period and coalesce(plan, '') <> 'free' as is_paid,
        not is_ended and not is_in_trial_period and plan = 'free' as is_free,
        is_ended
        and coalesce(plan, '') <> 'free'
        and ended_at > coalesce(trial_ends_at, started_at) as is_churned
    from subscriptions_until_as_of
),

subscription_flags as (
    select
        person_id,
        max(case when is_paid then 1 else 0 end) = 1 as has_paid_subscription,
        max(case when is_trialing then 1 else 0 end) = 1 as has_trialing_subscription,
        max(case when is_free then 1 else 0 end) = 1 as has_free_subscription,
        max(case when is_churned then 1 else 0 end) = 1 as has_churned_subscription,
        max(case when is_trialing then trial_ends_at end) as trial_ends_at
    from subscription_states
    group by person_id
),

buyers as (
    select
        person_id,
        count(*) as orders_count
    from orders
    where ordered_at <= {{ as_of() }}
    group by person_id
),

product_users as (
    select distinct person_id
    from contact_accounts
),

ranked_contacts as (
    select
        user_id as person_id,
        lead_status,
        lead_score,
        row_number() over (
            partition by user_id
            order by lead_score desc nulls last, contact_id asc
        ) as lead_rank
    from crm_contacts
    where user_id is not null
),

person_leads as (
    select
        person_id,
        lead_status,
        lead_score
    from ranked_contacts
    where lead_rank = 1
),

flagged as (
    select
        persons.person_id,
        persons.is_anonymous,
        coalesce(subscription_flags.has_paid_subscription, false) as has_paid_subscription,
        coalesce(subscription_flags.has_trialing_subscription, false) as has_trialing_subscription,
        coalesce(subscription_flags.has_free_subscription, false) as has_free_subscription,
        coalesce(subscription_flags.has_churned_subscription, false) as has_churned_subscription,
        subscription_flags.trial_ends_at,
        buyers.person_id is not null as has_orders,
        product_users.person_id is not null as is_product_user,
        person_leads.lead_status as contact_lead_status,
        person_leads.lead_score as contact_lead_score
    from persons
    left join subscription_flags
        on persons.person_id = subscription_flags.person_id
    left join buyers
        on persons.person_id = buyers.person_id
    left join product_users
        on persons.person_id = product_users.person_id
    left join person_leads
        on persons.person_id = person_leads.person_id
),

final as (
    select
        person_id,
        case
            when is_anonymous then null
            when has_paid_subscription or has_orders then 'paying'
            when has_trialing_subscription then 'free_trial'
            when has_free_subscription then 'freemium'
            when is_product_user and not has_churned_subscription then 'freemium'
            when has_churned_subscription then 'churned'
            else 'prospect'
        end as user_status,
        trial_ends_at,
        has_paid_subscription,
        has_trialing_subscription,
        has_churned_subscription,
        has_orders,
        contact_lead_status,
        contact_lead_score
    from flagged
)

select * from final
