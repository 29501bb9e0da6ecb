{#- The members of every audience at the last publish, read from its change feed (a member is in
    when their latest change is `entered`), with `member_since`: the as_of of that latest
    `entered`. Persons with a delete request are left out, whenever they asked. -#}

with

published_changes as (
    select * from {{ ref('stg_published__audience_membership_changes') }}
),

deleted_persons as (
    select * from {{ ref('int_persons_deleted') }}
),

kept_changes as (
    select published_changes.*
    from published_changes
    left join deleted_persons
        on published_changes.member_type = 'person'
            and published_changes.member_id = deleted_persons.person_id
    where deleted_persons.person_id is null
),

ranked_changes as (
    select
        *,
        row_number() over (
            partition by audience_name, member_type, member_id
            order by publish_id desc, change_type desc
        ) as change_recency
    from kept_changes
),

final as (
    select
        audience_name,
        member_type,
        member_id,
        as_of as member_since
    from ranked_changes
    where change_recency = 1
        and change_type = 'entered'
)

select * from final
