{#- Per audience: members, emailable members, the base it is drawn from (its catalog row's
    size_base: every person, known persons, buyers, B2B users or accounts), its share of the
    base, and a flag for small audiences (under `small_audience_share`, 10 %) that are not
    top-value in the catalog: candidates to merge or drop rather than to run a campaign for.
    A buyer audience measured against every anonymous cookie would look small however many
    buyers it holds. -#}

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

account_users as (
    select * from {{ ref('int_account_users_identified') }}
),

b2b_users as (
    select distinct persons.person_id
    from persons
    inner join account_users
        on persons.user_id = account_users.user_id
),

person_bases as (
    select
        count(*) as persons,
        sum(case when not persons.is_anonymous then 1 else 0 end) as known_persons,
        sum(case when persons.orders_count > 0 then 1 else 0 end) as buyers
    from persons
),

bases as (
    select
        'persons' as size_base,
        persons as base_size
    from person_bases
    union all
    select
        'known_persons' as size_base,
        known_persons as base_size
    from person_bases
    union all
    select
        'buyers' as size_base,
        buyers as base_size
    from person_bases
    union all
    select
        'b2b_users' as size_base,
        count(*) as base_size
    from b2b_users
    union all
    select
        'accounts' as size_base,
        count(*) as base_size
    from accounts
),

audience_counts as (
    select
        audience_name,
        count(*) as members,
        sum(case when is_emailable then 1 else 0 end) as emailable_members,
        sum(case when is_holdout then 1 else 0 end) as holdout_members,
        sum(case when is_primary_audience then 1 else 0 end) as members_with_it_as_primary
    from memberships
    group by audience_name
),

sized as (
    select
        audience_catalog.*,
        coalesce(audience_counts.members, 0) as members,
        coalesce(audience_counts.emailable_members, 0) as emailable_members,
        coalesce(audience_counts.holdout_members, 0) as holdout_members,
        coalesce(audience_counts.members_with_it_as_primary, 0) as members_with_it_as_primary,
        bases.base_size,
        1e0 * coalesce(audience_counts.members, 0) / nullif(bases.base_size, 0) as share_of_base
    from audience_catalog
    left join audience_counts
        on audience_catalog.audience_name = audience_counts.audience_name
    left join bases
        on audience_catalog.size_base = bases.size_base
),

final as (
    select
        audience_name,
        audience_type,
        member_type,
        size_base,
        cast(priority as {{ dbt.type_int() }}) as audience_priority,
        is_top_value = 1 as is_top_value,
        cast(members as {{ dbt.type_bigint() }}) as members,
        cast(emailable_members as {{ dbt.type_bigint() }}) as emailable_members,
        cast(holdout_members as {{ dbt.type_bigint() }}) as holdout_members,
        cast(members_with_it_as_primary as {{ dbt.type_bigint() }}) as members_with_it_as_primary,
        cast(base_size as {{ dbt.type_bigint() }}) as base_size,
        share_of_base,
        coalesce(share_of_base, 0) < {{ var('small_audience_share', 0.1) }}
        and is_top_value = 0 as is_small_and_not_top_value
    from sized
)

select * from final
