{#- aud_onboarding_customers must hold exactly the paying accounts of dim_accounts whose
    customer_since is in the last `onboarding_days` days: returns members breaking the rule
    and accounts left out. -#}

with

accounts as (
    select * from {{ ref('dim_accounts') }}
),

audience as (
    select * from {{ ref('aud_onboarding_customers') }}
),

expected as (
    select account_id
    from accounts
    where is_paying = true
        and not customer_since <= {{ dbt.dateadd('day', -1 * var('onboarding_days'), as_of()) }}
        and not customer_since > {{ as_of() }}
),

final as (
    {{- recount_problems('account_id', 'account') }}
)

select * from final
