{#- The change feed as the last publish held it, without the rows of persons with a delete
    request (whenever they asked): what this build's feed and members continue from. -#}

with

published_changes as (
    select * from {{ ref('stg_published__audience_membership_changes') }}
),

deleted_persons as (
    select * from {{ ref('int_persons_deleted') }}
),

final as (
    select published_changes.*
    from published_changes
    left join deleted_persons
        on published_changes.member_type = 'person'
            and published_changes.member_id = deleted_persons.person_id
    where deleted_persons.person_id is null
)

select * from final
