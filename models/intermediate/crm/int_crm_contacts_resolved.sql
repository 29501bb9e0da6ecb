{#- One row per CRM contact as the CRM held it at as_of: among its usable versions
    (stg_raw__crm_contact_versions) with updated_at <= as_of and created_at not after as_of, the newest by
    crm_newest_version_first (ties: the smallest user_id, one without a user_id last), the rule staging's newest version follows
    too. Staging's stg_raw__crm_contacts keeps the newest of all time, which may carry
    changes made after as_of; a backfill reads this model instead. -#}

with

crm_contact_versions as (
    select * from {{ ref('stg_raw__crm_contact_versions') }}
),

versions_until_as_of as (
    select * from crm_contact_versions
    where updated_at <= {{ as_of() }}
        and not coalesce(created_at > {{ as_of() }}, false)
),

ranked_versions as (
    select
        *,
        row_number() over (
            partition by contact_id
            order by {{ crm_newest_version_first('contact') }}
        ) as recency_rank
    from versions_until_as_of
),

final as (
    select
        {{ crm_version_select_list('contact') }}
    from ranked_versions
    where recency_rank = 1
)

select * from final
