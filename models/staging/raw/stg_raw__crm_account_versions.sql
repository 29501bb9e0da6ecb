{#- Every usable version of every CRM account (no quarantine reason), older ones included: the
    as-of models pick from these the version the CRM held at as_of. A redelivered identical row
    is one version twice; picking the newest makes that harmless. -#}

with

base_crm_accounts as (
    select * from {{ ref('base_raw__crm_accounts') }}
),

final as (
    select
        {{ crm_version_select_list('account') }}
    from base_crm_accounts
    where quarantine_reason is null
)

select * from final
