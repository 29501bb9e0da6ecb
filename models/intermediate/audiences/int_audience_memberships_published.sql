{#- The members of every audience at the last publish, read from its change feed (a member is in
    when their latest change is `entered`), with `member_since`: the as_of of that latest
    `entered`. Persons with a delete request are left out, whenever they asked. -#}

with

published_changes as (
    select * from {{ ref('int_audience_membership_changes_purged') }}
),

ranked_changes as (
    select
        *,
        row_number() over (
            partition by audience_name, member_type, member_id
            order by publish_id desc, change_type desc
        ) as change_recency
    from published_changes
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
