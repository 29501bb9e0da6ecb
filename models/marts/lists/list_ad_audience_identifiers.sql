{#- The ad platforms' list: one row per audience and identifier of a person member who gave no
    marketing refusal (marketing_opt_in is not false), has no privacy opt-out and is not held out
    of that audience. Identifiers are the email's SHA-256 as the ad platforms specify
    (email_sha256: lowercase hex of the address trimmed and lowercased), never the address, and
    the person's anonymous ids for retargeting (a never-linked visitor's own id, a signed-up
    person's stitched ones). Email suppressions (unsubscribe, bounce, complaint) concern the
    email channel and do not take a person off the ad list. -#}

with

memberships as (
    select * from {{ ref('fct_audience_memberships') }}
),

persons as (
    select * from {{ ref('dim_persons') }}
),

stitched_anonymous_ids as (
    select * from {{ ref('int_anonymous_ids_stitched') }}
),

targetable_members as (
    select
        memberships.audience_name,
        persons.person_id,
        persons.is_anonymous,
        persons.email
    from memberships
    inner join persons
        on memberships.member_id = persons.person_id
    where memberships.member_type = 'person'
        and not memberships.is_holdout
        and not coalesce(persons.has_privacy_opt_out, false)
        and coalesce(persons.marketing_opt_in, true)
),

email_hashes as (
    select
        audience_name,
        'email_sha256' as identifier_type,
        {{ email_sha256('email') }} as identifier
    from targetable_members
    where email is not null
),

own_anonymous_ids as (
    select
        audience_name,
        'anonymous_id' as identifier_type,
        substr(person_id, {{ 'anon:' | length + 1 }}) as identifier
    from targetable_members
    where is_anonymous
),

linked_anonymous_ids as (
    select
        targetable_members.audience_name,
        'anonymous_id' as identifier_type,
        stitched_anonymous_ids.anonymous_id as identifier
    from targetable_members
    inner join stitched_anonymous_ids
        on targetable_members.person_id = stitched_anonymous_ids.person_id
    where not targetable_members.is_anonymous
),

identifiers as (
    select * from email_hashes
    union
    select * from own_anonymous_ids
    union
    select * from linked_anonymous_ids
),

final as (
    select
        {{ dbt.concat(['audience_name', "'|'", 'identifier_type', "'|'", 'identifier']) }}
            as list_identifier_id,
        audience_name,
        identifier_type,
        identifier
    from identifiers
)

select * from final
