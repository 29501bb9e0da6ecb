{{ config(materialized='table') }}

{#- One row per known user as of as_of: the newest non-null value of every identify trait (a
    later identify without a key erases nothing), the email with its fallbacks (identify, then
    CRM contact as the CRM held it at as_of, then the user's own email events), and the latest
    opt-in. -#}

{%- set text_traits = ['email', 'first_name', 'last_name', 'gender', 'country', 'region', 'city',
                       'postal_code', 'language', 'job_title'] -%}

with

identifies as (
    select * from {{ ref('stg_raw__identifies') }}
),

crm_contacts as (
    select * from {{ ref('int_crm_contacts_resolved') }}
),

email_events as (
    select * from {{ ref('stg_raw__email_events') }}
),

identifies_until_as_of as (
    select * from identifies
    where occurred_at <= {{ as_of() }}
),

trait_values as (
    {% for trait in text_traits %}
        select
            user_id,
            '{{ trait }}' as trait_name,
            {{ trait }} as trait_value,
            occurred_at,
            received_at
        from identifies_until_as_of
        where {{ trait }} is not null
        union all
    {% endfor %}
    select
        user_id,
        'birth_date' as trait_name,
        cast(birth_date as {{ dbt.type_string() }}) as trait_value,
        occurred_at,
        received_at
    from identifies_until_as_of
    where birth_date is not null
    union all
    select
        user_id,
        'marketing_opt_in' as trait_name,
        cast(marketing_opt_in as {{ dbt.type_string() }}) as trait_value,
        occurred_at,
        received_at
    from identifies_until_as_of
    where marketing_opt_in is not null
),

ranked_trait_values as (
    select
        *,
        row_number() over (
            partition by user_id, trait_name
            order by occurred_at desc, received_at desc, trait_value asc
        ) as recency_rank
    from trait_values
),

newest_traits as (
    select
        user_id,
        {% for trait in text_traits %}
            max(case when trait_name = '{{ trait }}' then trait_value end) as identify_{{ trait }},
        {% endfor %}
        max(case when trait_name = 'birth_date' then trait_value end) as birth_date_text,
        max(case when trait_name = 'marketing_opt_in' then trait_value end) as marketing_opt_in_text
    from ranked_trait_values
    where recency_rank = 1
    group by user_id
),

latest_opt_ins as (
    select
        user_id,
        max(occurred_at) as latest_opt_in_at
    from identifies_until_as_of
    where marketing_opt_in
    group by user_id
),

ranked_contact_emails as (
    select
        user_id,
        email,
        row_number() over (partition by user_id order by updated_at desc, email asc) as recency_rank
    from crm_contacts
    where user_id is not null and email is not null
),

user_email_events as (
    select
        user_id,
        email,
        occurred_at
    from email_events
    where user_id is not null and email is not null and occurred_at <= {{ as_of() }}
),

latest_user_email_events as (
    select
        user_id,
        max(occurred_at) as latest_occurred_at
    from user_email_events
    group by user_id
),

-- the newest email event's address, the smallest on a tie: a group-by and a join instead of a
-- window that sorted every email event by user
newest_email_event_emails as (
    select
        user_email_events.user_id,
        min(user_email_events.email) as email
    from user_email_events
    inner join latest_user_email_events
        on user_email_events.user_id = latest_user_email_events.user_id
            and user_email_events.occurred_at = latest_user_email_events.latest_occurred_at
    group by user_email_events.user_id
),

known_users as (
    select user_id from newest_traits
    union
    select user_id from ranked_contact_emails
    union
    select user_id from newest_email_event_emails
),

final as (
    select
        known_users.user_id,
        coalesce(
            newest_traits.identify_email, ranked_contact_emails.email, newest_email_event_emails.email
        ) as email,
        {{ parse_boolean('newest_traits.marketing_opt_in_text') }} as marketing_opt_in,
        latest_opt_ins.latest_opt_in_at,
        {% for trait in text_traits if trait != 'email' %}
            newest_traits.identify_{{ trait }} as {{ trait }},
        {% endfor %}
        {{ parse_date('newest_traits.birth_date_text') }} as birth_date
    from known_users
    left join newest_traits
        on known_users.user_id = newest_traits.user_id
    left join latest_opt_ins
        on known_users.user_id = latest_opt_ins.user_id
    left join ranked_contact_emails
        on known_users.user_id = ranked_contact_emails.user_id
            and ranked_contact_emails.recency_rank = 1
    left join newest_email_event_emails
        on known_users.user_id = newest_email_event_emails.user_id
)

select * from final
