with

base_crm_contacts as (
    select * from {{ ref('base_raw__crm_contacts') }}
),

final as (
    select
        -- ids
        contact_id,
        user_id,
        account_id,
        email,

        -- dimensions
        job_title,
        lead_status,
        lead_score,

        -- timestamps (UTC)
        created_at,
        updated_at
    from base_crm_contacts
    where quarantine_reason is null and not is_duplicate
)

select * from final
