{#- Per B2B account with CRM contacts at as_of (int_crm_contacts_resolved): its lead standing,
    the lead_score and lead_status of its highest-scored contact (ties: the smallest
    contact_id; a contact without a score last), and how many contacts it has. -#}

with

crm_contacts as (
    select * from {{ ref('int_crm_contacts_resolved') }}
),

ranked_contacts as (
    select
        account_id,
        contact_id,
        lead_status,
        lead_score,
        row_number() over (
            partition by account_id
            order by lead_score desc nulls last, contact_id asc
        ) as lead_rank,
        count(*) over (partition by account_id) as contacts_count
    from crm_contacts
    where account_id is not null
),

final as (
    select
        account_id,
        lead_status,
        lead_score,
        contacts_count
    from ranked_contacts
    where lead_rank = 1
)

select * from final
