{#- One row per B2B contact whose job title names a decision maker: a keyword of seed
    decision_maker_title_keywords as a whole word of the lowercased title (non-letters count as
    spaces, so 'VP, Sales' and 'Head-of-Growth' match 'vp' and 'head'). A contact who asked
    for deletion (as a person of int_persons_deleted, or by the contact's email in a `delete`
    request) is not listed: account tables must not carry their email. Contacts are read as the
    CRM held them at as_of (int_crm_contacts_as_of). -#}

with

crm_contacts as (
    select * from {{ ref('int_crm_contacts_as_of') }}
),

decision_maker_keywords as (
    select * from {{ ref('decision_maker_title_keywords') }}
),

deleted_persons as (
    select * from {{ ref('int_persons_deleted') }}
),

privacy_requests as (
    select * from {{ ref('stg_raw__privacy_requests') }}
),

deleted_emails as (
    select distinct email
    from privacy_requests
    where request_type = 'delete' and email is not null
),

kept_contacts as (
    select crm_contacts.*
    from crm_contacts
    left join deleted_persons
        on crm_contacts.user_id = deleted_persons.person_id
    left join deleted_emails
        on crm_contacts.email = deleted_emails.email
    where deleted_persons.person_id is null
        and deleted_emails.email is null
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
