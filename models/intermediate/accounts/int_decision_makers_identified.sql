{#- One row per B2B contact whose job title names a decision maker: a keyword of seed
    decision_maker_title_keywords as a whole word of the lowercased title (non-letters count as
    spaces, so 'VP, Sales' and 'Head-of-Growth' match 'vp' and 'head'). A contact who asked
    for deletion (as a person of int_persons_deleted, or by the contact's email in a `delete`
    request of the project's own record, int_privacy_requests_retained, matched by its hash
    email_sha256) is not listed: account tables must not carry their email. Contacts are read
    as the CRM held them at as_of (int_crm_contacts_resolved). -#}

with

crm_contacts as (
    select * from {{ ref('int_crm_contacts_resolved') }}
),

decision_maker_keywords as (
    select * from {{ ref('decision_maker_title_keywords') }}
),

deleted_persons as (
    select * from {{ ref('int_persons_deleted') }}
),

privacy_requests as (
    select * from {{ ref('int_privacy_requests_retained') }}
),

deleted_email_hashes as (
    select distinct email_sha256
    from privacy_requests
    where request_type = 'delete' and email_sha256 is not null
),

hashed_contacts as (
    select
        *,
        {{ email_sha256('email') }} as email_sha256
    from crm_contacts
),

kept_contacts as (
    select hashed_contacts.*
    from hashed_contacts
    left join deleted_persons
        on hashed_contacts.user_id = deleted_persons.person_id
    left join deleted_email_hashes
        on hashed_contacts.email_sha256 = deleted_email_hashes.email_sha256
    where deleted_persons.person_id is null
        and deleted_email_hashes.email_sha256 is null
),

normalized_titles as (
    select
        contact_id,
        account_id,
        user_id,
        email,
        job_title,
        {{ dbt.concat(["' '", regexp_replace_all('lower(job_title)', '[^a-z]', ' '), "' '"]) }} as title_words
    from kept_contacts
    where account_id is not null and job_title is not null
),

final as (
    select distinct
        normalized_titles.contact_id,
        normalized_titles.account_id,
        normalized_titles.user_id,
        normalized_titles.email,
        normalized_titles.job_title
    from normalized_titles
    inner join decision_maker_keywords
        on normalized_titles.title_words like {{ dbt.concat(["'% '", 'decision_maker_keywords.keyword', "' %'"]) }}
)

select * from final
