{#- Every usable version of every CRM contact (no quarantine reason), older ones included: the
    as-of models pick from these the version the CRM held at as_of. A redelivered identical row
    is one version twice; picking the newest makes that harmless. -#}

with

base_crm_contacts as (
    select * from {{ ref('base_raw__crm_contacts') }}
),

final as (
    select
        {{ crm_version_select_list('contact') }}
    from base_crm_contacts
    where quarantine_reason is null
)

select * from final
