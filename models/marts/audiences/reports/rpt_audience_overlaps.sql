{#- The pairwise overlap matrix: for every ordered pair of audiences with the same member type,
    the members they share and that count as a share of each audience (a row for every pair,
    zero overlaps included, and the diagonal, where the overlap is the audience size). -#}

with

memberships as (
    select * from {{ ref('fct_audience_memberships') }}
),

audience_catalog as (
    {{ built_audience_catalog() }}
),

audience_sizes as (
    select
        audience_name,
        count(*) as members
    from memberships
    group by audience_name
),

audience_pairs as (
    select
        audience_a.audience_name as audience_a,
        audience_b.audience_name as audience_b
    from audience_catalog as audience_a
    inner join audience_catalog as audience_b
        on audience_a.member_type = audience_b.member_type
),

shared_members as (
    select
        membership_a.audience_name as audience_a,
        membership_b.audience_name as audience_b,
        count(*) as shared_members
    from memberships as membership_a
    inner join memberships as membership_b
        on membership_a.member_type = membership_b.member_type
            and membership_a.member_id = membership_b.member_id
    group by membership_a.audience_name, membership_b.audience_name
),

final as (
    select
        audience_pairs.audience_a,
        audience_pairs.audience_b,
        cast(coalesce(shared_members.shared_members, 0) as {{ dbt.type_bigint() }}) as shared_members,
        1e0 * coalesce(shared_members.shared_members, 0) / nullif(size_a.members, 0) as share_of_a,
        1e0 * coalesce(shared_members.shared_members, 0) / nullif(size_b.members, 0) as share_of_b
    from audience_pairs
    left join shared_members
        on audience_pairs.audience_a = shared_members.audience_a
            and audience_pairs.audience_b = shared_members.audience_b
    left join audience_sizes as size_a
        on audience_pairs.audience_a = size_a.audience_name
    left join audience_sizes as size_b
        on audience_pairs.audience_b = size_b.audience_name
)

select * from final
