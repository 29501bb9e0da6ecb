{#- One row per CRM account, its newest version of all time (crm_newest_version_first). -#}

with

base_crm_accounts as (
    select * from {{ ref('base_raw__crm_accounts') }}
),

final as (
    select
        {{ crm_version_select_list('account') }}
    from base_crm_accounts
    where quarantine_reason is null and not is_duplicate
)

select * from final
