{{ config(materialized='table') }}

{#- One row per person as of as_of: every known user_id (from events, identifies, email events
    and CRM contacts), and every anonymous id never linked to a user as `anon:<anonymous_id>`. -#}

with

events as (
    select * from {{ ref('int_events_identified') }}
),

identifies as (
    select * from {{ ref('stg_raw__identifies') }}
),

email_events as (
    select * from {{ ref('stg_raw__email_events') }}
),

crm_contacts as (
    select * from {{ ref('int_crm_contacts_resolved') }}
),

stitched_anonymous_ids as (
    select * from {{ ref('int_anonymous_ids_stitched') }}
),

person_sightings as (
    select
        person_id,
        occurred_at as seen_at
    from events
    union all
    select
        user_id as person_id,
        occurred_at as seen_at
    from identifies
    where occurred_at <= {{ as_of() }}
    union all
    select
        user_id as person_id,
        occurred_at as seen_at
    from email_events
    where user_id is not null and occurred_at <= {{ as_of() }}
    union all
    select
        user_id as person_id,
        created_at as seen_at
    from crm_contacts
    where user_id is not null and created_at <= {{ as_of() }}
),

persons as (
    select
        person_id,
        min(seen_at) as first_seen_at,
        max(seen_at) as last_seen_at
    from person_sightings
    group by person_id
),

anonymous_ids_per_person as (
    select
        person_id,
        count(*) as stitched_anonymous_id_count
    from stitched_anonymous_ids
    group by person_id
),

final as (
    select
        persons.person_id,
        case when persons.person_id not like 'anon:%' then persons.person_id end as user_id,
        persons.person_id like 'anon:%' as is_anonymous,
        coalesce(anonymous_ids_per_person.stitched_anonymous_id_count, 0)
            as stitched_anonymous_id_count,
        persons.first_seen_at,
        persons.last_seen_at
    from persons
    left join anonymous_ids_per_person
        on persons.person_id = anonymous_ids_per_person.person_id
)

select * from final
