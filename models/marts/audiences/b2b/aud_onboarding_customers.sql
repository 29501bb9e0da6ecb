{#- Accounts that became paying in the last `onboarding_days` (30) days and still are. The rule
    and its choices are in aud_onboarding_customers.yml. -#}

with

accounts as (
    select * from {{ ref('dim_accounts') }}
),

reachable_decision_makers as (
    select * from {{ ref('int_decision_makers_consented') }}
),

audience_catalog as (
    select * from {{ ref('audience_catalog') }}
),

members as (
    select * from accounts
    where is_paying
        and {{ in_last_days('customer_since', var('onboarding_days')) }}
),

catalog_entry as (
    select * from audience_catalog
    where audience_name = 'onboarding_customers'
),

final as (
    select
        members.account_id,
        members.account_name,
        members.domain,
        members.plan,
        members.mrr,
        members.customer_since,
        cast(
            {{ days_between('members.customer_since', as_of()) }} as {{ dbt.type_int() }}
        ) as days_since_customer,
        members.users_count,
        members.active_users_7d,
        {{ b2b_audience_shared_columns() }}
    from members
    left join reachable_decision_makers
        on members.account_id = reachable_decision_makers.account_id
    cross join catalog_entry
)

select * from final
