{#- One row per CRM contact, its newest version of all time (crm_newest_version_first). -#}

with

base_crm_contacts as (
    select * from {{ ref('base_raw__crm_contacts') }}
),

final as (
    select
        {{ crm_version_select_list('contact') }}
    from base_crm_contacts
    where quarantine_reason is null and not is_duplicate
)

select * from final
