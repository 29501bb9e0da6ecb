{#- The change feed: one row per audience, member and change (`entered` / `exited`) at a
    publish, kept across publishes. The rows of earlier publishes come from the last publish
    (stg_published__audience_membership_changes); this build adds, at its own publish, an
    `entered` for every member not in the audience at the last publish and an `exited` for
    every member of the last publish no longer in it. The first publish enters every member, a
    publish of unchanged data adds nothing, and the rows of a person with a delete request are
    purged (no `exited` is written for them). -#}

with

earlier_changes as (
    select * from {{ ref('int_audience_membership_changes_purged') }}
),

published_members as (
    select * from {{ ref('int_audience_memberships_published') }}
),

memberships as (
    select * from {{ ref('fct_audience_memberships') }}
),

this_publish as (
    select * from {{ ref('int_publishes_sequenced') }}
),

-- in this build and not at the last publish: entered; the other way round: exited
compared_members as (
    select
        coalesce(memberships.audience_name, published_members.audience_name) as audience_name,
        coalesce(memberships.member_type, published_members.member_type) as member_type,
        coalesce(memberships.member_id, published_members.member_id) as member_id,
        case when published_members.member_id is null then 'entered' else 'exited' end
            as change_type
    from memberships
    full outer join published_members
        on memberships.audience_name = published_members.audience_name
            and memberships.member_type = published_members.member_type
            and memberships.member_id = published_members.member_id
    where memberships.member_id is null
        or published_members.member_id is null
),

new_changes as (
    select
        this_publish.publish_id,
        this_publish.as_of,
        compared_members.audience_name,
        compared_members.member_type,
        compared_members.member_id,
        compared_members.change_type
    from compared_members
    cross join this_publish
),

all_changes as (
    {{ union_all_of(['earlier_changes', 'new_changes'], [
        'publish_id',
        'as_of',
        'audience_name',
        'member_type',
        'member_id',
        'change_type',
    ]) }}
),

final as (
    select
        {{ dbt.concat([
            'audience_name', "'|'", 'member_type', "'|'", 'member_id', "'|'",
            dbt.cast('publish_id', dbt.type_string()), "'|'", 'change_type',
        ]) }} as membership_change_id,
        cast(publish_id as {{ dbt.type_int() }}) as publish_id,
        audience_name,
        member_type,
        member_id,
        change_type,
        as_of
    from all_changes
)

select * from final
