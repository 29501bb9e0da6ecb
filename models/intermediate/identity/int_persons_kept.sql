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
    {{ without_deleted_persons('identified_persons') }}
)

select * from final
