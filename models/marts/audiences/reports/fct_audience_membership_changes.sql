{#- The change feed: one row per audience, member and change (`entered` / `exited`) at a
    publish, kept across publishes. The rows of earlier publishes come from the last publish
    (stg_published__audience_membership_changes); this build adds, at its own publish, an
    `entered` for every member not in the audience at the last publish and an `exited` for
    every member of the last publish no longer in it. The first publish enters every member, a
    publish of unchanged data adds nothing, and the rows of a person with a delete request are
    purged (no `exited` is written for them). -#}

with

published_changes as (
    select * from {{ ref('stg_published__audience_membership_changes') }}
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

deleted_persons as (
    select * from {{ ref('int_persons_deleted') }}
),

earlier_changes as (
    select published_changes.*
    from published_changes
    left join deleted_persons
        on published_changes.member_type = 'person'
            and published_changes.member_id = deleted_persons.person_id
    where deleted_persons.person_id is null
),

entered as (
    select
        memberships.audience_name,
        memberships.member_type,
        memberships.member_id,
        'entered' as change_type
    from memberships
    left join published_members
        on memberships.audience_name = published_members.audience_name
            and memberships.member_type = published_members.member_type
            and memberships.member_id = published_members.member_id
    where published_members.member_id is null
),

exited as (
    select
        published_members.audience_name,
        published_members.member_type,
        published_members.member_id,
        'exited' as change_type
    from published_members
    left join memberships
        on published_members.audience_name = memberships.audience_name
            and published_members.member_type = memberships.member_type
            and published_members.member_id = memberships.member_id
    where memberships.member_id is null
),

new_changes as (
    select
        this_publish.publish_id,
        this_publish.as_of,
        changes.audience_name,
        changes.member_type,
        changes.member_id,
        changes.change_type
    from (
        select * from entered
        union all
        select * from exited
    ) as changes
    cross join this_publish
),

all_changes as (
    select
        publish_id,
        as_of,
        audience_name,
        member_type,
        member_id,
        change_type
    from earlier_changes
    union all
    select
        publish_id,
        as_of,
        audience_name,
        member_type,
        member_id,
        change_type
    from new_changes
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
