{#- One row per CRM contact as the CRM held it at as_of: among the usable rows of the contact
    (no quarantine reason) with updated_at <= as_of and created_at not after as_of, the newest
    (ties: the smallest user_id, as stg_raw__crm_contacts orders them). Staging keeps only the
    newest row of all time, which may carry a user_id, email or title set after as_of. -#}

with

crm_contact_versions as (
    select * from {{ ref('base_raw__crm_contacts') }}
),

versions_until_as_of as (
    select * from crm_contact_versions
    where quarantine_reason is null
        and updated_at <= {{ as_of() }}
        and not coalesce(created_at > {{ as_of() }}, false)
),

ranked_versions as (
    select
        *,
        row_number() over (
            partition by contact_id
            order by updated_at desc, user_id asc nulls last
        ) as recency_rank
    from versions_until_as_of
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
    from ranked_versions
    where recency_rank = 1
)

select * from final
