{#- The email tool's list: one row per audience and normalized address of a person member who
    may be emailed (is_emailable, no privacy opt-out) and is not held out of that audience, with
    the merge fields a campaign uses. Two persons sharing an address in one audience are one
    row (the smallest person_id), since the email tool keys its contacts by address. -#}

with

memberships as (
    select * from {{ ref('fct_audience_memberships') }}
),

persons as (
    select * from {{ ref('dim_persons') }}
),

reachable_members as (
    select
        memberships.audience_name,
        lower(trim(persons.email)) as email,
        persons.person_id,
        persons.first_name,
        persons.last_name,
        coalesce(persons.favorite_category_purchased, persons.most_frequent_category_viewed)
            as favorite_category,
        persons.preferred_hour_of_day as preferred_send_hour_utc,
        persons.send_time_zone,
        persons.preferred_send_hour,
        persons.preferred_send_day_of_week,
        memberships.primary_audience_name,
        memberships.is_primary_audience,
        memberships.member_since
    from memberships
    inner join persons
        on memberships.member_id = persons.person_id
    where memberships.member_type = 'person'
        and not memberships.is_holdout
        and persons.is_emailable
        and not persons.has_privacy_opt_out
        and persons.email is not null
),

one_person_per_address as (
    select
        *,
        row_number() over (
            partition by audience_name, email order by person_id
        ) as address_rank
    from reachable_members
),

final as (
    select
        {{ dbt.concat(['audience_name', "'|'", 'email']) }} as list_member_id,
        audience_name,
        email,
        person_id,
        first_name,
        last_name,
        favorite_category,
        preferred_send_hour_utc,
        send_time_zone,
        preferred_send_hour,
        preferred_send_day_of_week,
        primary_audience_name,
        is_primary_audience,
        member_since
    from one_person_per_address
    where address_rank = 1
)

select * from final
