{#- Per account, the decision makers a campaign may email: contacts of int_decision_makers_identified
    that are signed-up persons (a contact without a user_id has no consent on record), without a
    delete request, without a privacy opt-out and emailable by the spec's consent rule; their
    email is the person's resolved email (the one the consent is about). -#}

with

decision_makers as (
    select * from {{ ref('int_decision_makers_identified') }}
),

profiles as (
    select * from {{ ref('int_person_profiles_resolved') }}
),

consents as (
    select * from {{ ref('int_person_email_aggregated') }}
),

deleted_persons as (
    select * from {{ ref('int_persons_deleted') }}
),

reachable as (
    select distinct
        decision_makers.account_id,
        profiles.email
    from decision_makers
    inner join profiles
        on decision_makers.user_id = profiles.user_id
    inner join consents
        on decision_makers.user_id = consents.person_id
    left join deleted_persons
        on decision_makers.user_id = deleted_persons.person_id
    where deleted_persons.person_id is null
        and consents.is_emailable
        and not consents.has_privacy_opt_out
        and profiles.email is not null
),

final as (
    {{ decision_maker_lists() }}
)

select * from final
