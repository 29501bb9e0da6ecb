{#- Per audience: members, emailable members, the base it is drawn from (persons for person
    audiences, accounts for account audiences), its share of the base, and a flag for small
    audiences (under `small_audience_share`, 10 %) that are not top-value in the catalog:
    candidates to merge or drop rather than to run a campaign for. -#}

with

memberships as (
    select * from {{ ref('fct_audience_memberships') }}
),

audience_catalog as (
    select * from {{ ref('audience_catalog') }}
    where audience_name in ({{ audience_name_list() }})
),

persons as (
    select * from {{ ref('dim_persons') }}
),

accounts as (
    select * from {{ ref('dim_accounts') }}
),

bases as (
    select
        'person' as member_type,
        count(*) as base_size
    from persons
    union all
    select
        'account' as member_type,
        count(*) as base_size
    from accounts
),

audience_counts as (
    select
        audience_name,
        count(*) as members,
        sum(case when is_emailable then 1 else 0 end) as emailable_members,
        sum(case when is_primary_audience then 1 else 0 end) as members_with_it_as_primary
    from memberships
    group by audience_name
),

final as (
    select
        audience_catalog.audience_name,
        audience_catalog.audience_type,
        audience_catalog.member_type,
        cast(audience_catalog.priority as {{ dbt.type_int() }}) as audience_priority,
        audience_catalog.is_top_value = 1 as is_top_value,
        cast(coalesce(audience_counts.members, 0) as {{ dbt.type_bigint() }}) as members,
        cast(coalesce(audience_counts.emailable_members, 0) as {{ dbt.type_bigint() }}) as emailable_members,
        cast(coalesce(audience_counts.members_with_it_as_primary, 0) as {{ dbt.type_bigint() }})
            as members_with_it_as_primary,
        cast(bases.base_size as {{ dbt.type_bigint() }}) as base_size,
        1e0 * coalesce(audience_counts.members, 0) / nullif(bases.base_size, 0) as share_of_base,
        coalesce(1e0 * coalesce(audience_counts.members, 0) / nullif(bases.base_size, 0), 0)
        < {{ var('small_audience_share', 0.1) }}
        and audience_catalog.is_top_value = 0 as is_small_and_not_top_value
    from audience_catalog
    left join audience_counts
        on audience_catalog.audience_name = audience_counts.audience_name
    left join bases
        on audience_catalog.member_type = bases.member_type
)

select * from final
