{#- One row per CRM account as the CRM held it at as_of: among its usable versions
    (stg_raw__crm_account_versions) with updated_at <= as_of, the newest by
    crm_newest_version_first (ties: the larger mrr), the rule staging's newest version follows
    too. Staging's stg_raw__crm_accounts keeps the newest of all time, which may carry
    changes made after as_of; a backfill reads this model instead. -#}

with

crm_account_versions as (
    select * from {{ ref('stg_raw__crm_account_versions') }}
),

versions_until_as_of as (
    select * from crm_account_versions
    where updated_at <= {{ as_of() }}
),

ranked_versions as (
    select
        *,
        row_number() over (
            partition by account_id
            order by {{ crm_newest_version_first('account') }}
        ) as recency_rank
    from versions_until_as_of
),

final as (
    select
        {{ crm_version_select_list('account') }}
    from ranked_versions
    where recency_rank = 1
)

select * from final
