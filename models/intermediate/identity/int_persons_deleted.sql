{#- Persons with a `delete` privacy request, matched by user_id or by their email, made at any
    time (a deletion is not undone by rebuilding as of an earlier date). The requests come from
    the project's own record, int_privacy_requests_retained, so a delete stays applied after raw
    loses it. The record keeps hashes only, so a request's user_id is found again among every
    user_id of a usable staged row (events, identifies, email events, CRM contact versions,
    support tickets, NPS responses, at any time), and its email among the profiles' emails
    (both sides hashed the same way, email_sha256). They are removed from every mart, and from
    the populations scores are ranked in. -#}

with

privacy_requests as (
    select * from {{ ref('int_privacy_requests_retained') }}
),

profiles as (
    select * from {{ ref('int_person_profiles_resolved') }}
),

events as (
    select * from {{ ref('stg_raw__events') }}
),

identifies as (
    select * from {{ ref('stg_raw__identifies') }}
),

email_events as (
    select * from {{ ref('stg_raw__email_events') }}
),

crm_contact_versions as (
    select * from {{ ref('base_raw__crm_contacts') }}
),

support_tickets as (
    select * from {{ ref('stg_raw__support_tickets') }}
),

nps_responses as (
    select * from {{ ref('stg_raw__nps_responses') }}
),

deletions as (
    select * from privacy_requests
    where request_type = 'delete'
),

known_user_ids as (
    select user_id from events
    union
    select user_id from identifies
    union
    select user_id from email_events
    union
    select user_id from crm_contact_versions
    where quarantine_reason is null
    union
    select user_id from support_tickets
    union
    select user_id from nps_responses
),

hashed_user_ids as (
    select
        user_id,
        {{ sha256_hex('user_id') }} as user_id_sha256
    from known_user_ids
    where user_id is not null
),

deleted_by_user_id as (
    select
        hashed_user_ids.user_id as person_id,
        deletions.requested_at
    from deletions
    inner join hashed_user_ids
        on deletions.user_id_sha256 = hashed_user_ids.user_id_sha256
),

hashed_profile_emails as (
    select
        user_id,
        {{ email_sha256('email') }} as email_sha256
    from profiles
    where email is not null
),

deleted_by_email as (
    select
        hashed_profile_emails.user_id as person_id,
        deletions.requested_at
    from deletions
    inner join hashed_profile_emails
        on deletions.email_sha256 = hashed_profile_emails.email_sha256
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
