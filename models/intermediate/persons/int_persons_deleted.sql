{#- Persons with a `delete` privacy request, matched by user_id or by their email, made at any
    time (a deletion is not undone by rebuilding as of an earlier date). They are removed from
    every mart, and from the populations scores are ranked in. -#}

with

privacy_requests as (
    select * from {{ ref('stg_raw__privacy_requests') }}
),

profiles as (
    select * from {{ ref('int_person_profiles_resolved') }}
),

deletions as (
    select * from privacy_requests
    where request_type = 'delete'
),

deleted_by_user_id as (
    select
        user_id as person_id,
        requested_at
    from deletions
    where user_id is not null
),

deleted_by_email as (
    select
        profiles.user_id as person_id,
        deletions.requested_at
    from deletions
    inner join profiles
        on deletions.email = profiles.email
),

final as (
    select
        person_id,
        min(requested_at) as delete_requested_at
    from (
        select * from deleted_by_user_id
        union all
        select * from deleted_by_email
    ) as deleted
    group by person_id
)

select * from final
