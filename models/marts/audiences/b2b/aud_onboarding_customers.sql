{#- Accounts that became paying in the last `onboarding_days` (30) days and still are. The rule
    and its choices are in aud_onboarding_customers.yml. -#}

with

{{ b2b_audience_import_ctes(with_account_windows=false) }},

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
        {{ b2b_audience_account_columns() }},
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
    {{ b2b_audience_shared_joins() }}
)

select * from final
