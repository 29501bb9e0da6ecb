{#- Per audience: members, emailable members, the base it is drawn from (persons for person
    audiences, accounts for account audiences), its share of the base, and a flag for small
    audiences (under `small_audience_share`, 10 %) that are not top-value in the catalog:
    candidates to merge or drop rather than to run a campaign for. -#}

with

memberships as (
    select * from {{ ref('fct_audience_memberships') }}
),

audience_catalog as (
    {{ built_audience_catalog() }}
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

sized as (
    select
        audience_catalog.*,
        coalesce(audience_counts.members, 0) as members,
        coalesce(audience_counts.emailable_members, 0) as emailable_members,
        coalesce(audience_counts.members_with_it_as_primary, 0) as members_with_it_as_primary,
        bases.base_size,
        1e0 * coalesce(audience_counts.members, 0) / nullif(bases.base_size, 0) as share_of_base
    from audience_catalog
    left join audience_counts
        on audience_catalog.audience_name = audience_counts.audience_name
    left join bases
        on audience_catalog.member_type = bases.member_type
),

final as (
    select
        audience_name,
        audience_type,
        member_type,
        cast(priority as {{ dbt.type_int() }}) as audience_priority,
        is_top_value = 1 as is_top_value,
        cast(members as {{ dbt.type_bigint() }}) as members,
        cast(emailable_members as {{ dbt.type_bigint() }}) as emailable_members,
        cast(members_with_it_as_primary as {{ dbt.type_bigint() }}) as members_with_it_as_primary,
        cast(base_size as {{ dbt.type_bigint() }}) as base_size,
        share_of_base,
        coalesce(share_of_base, 0) < {{ var('small_audience_share', 0.1) }}
        and is_top_value = 0 as is_small_and_not_top_value
    from sized
)

select * from final
