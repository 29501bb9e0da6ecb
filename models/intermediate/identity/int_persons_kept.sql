{#- The population every person-level score and mart shares: one row per person of
    int_persons_identified, less the persons with a delete request (int_persons_deleted), whom
    no mart, export or history may hold (raw contract). -#}

with

identified_persons as (
    select * from {{ ref('int_persons_identified') }}
),

deleted_persons as (
    select * from {{ ref('int_persons_deleted') }}
),

final as (
    select identified_persons.*
    from identified_persons
    left join deleted_persons
        on identified_persons.person_id = deleted_persons.person_id
    where deleted_persons.person_id is null
)

select * from final
