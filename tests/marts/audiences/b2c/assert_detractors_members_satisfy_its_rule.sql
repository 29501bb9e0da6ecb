{#- aud_detractors must hold exactly the persons of dim_persons without a privacy opt-out whose
    newest NPS answer up to as_of (ties: the larger response_id) lies in the last
    `detractor_window_days` days and scores at most `detractor_max_nps`, or whose tickets closed
    in that window with a CSAT have a mean CSAT of at most `detractor_max_csat`. Answers and
    tickets are read here from staging, not from int_person_satisfaction_aggregated. Returns
    members breaking the rule, members whose signals differ, and detractors left out. -#}

{%- set days = var('detractor_window_days') %}

with

{{ recount_import_ctes({
    'persons': 'dim_persons',
    'nps_responses': 'stg_raw__nps_responses',
    'support_tickets': 'stg_raw__support_tickets',
    'audience': 'aud_detractors',
}) }},

answers_until_as_of as (
    select
        user_id as person_id,
        score,
        responded_at,
        row_number() over (partition by user_id order by responded_at desc, response_id desc) as newest_first
    from nps_responses
    where responded_at <= {{ as_of() }}
),

nps_detractors as (
    select person_id
    from answers_until_as_of
    where newest_first = 1
        and {{ recount_window('responded_at', days) }}
        and score <= {{ var('detractor_max_nps') }}
),

window_csat as (
    select
        user_id as person_id,
        avg(csat_score) as mean_csat
    from support_tickets
    where user_id is not null
        and csat_score is not null
        and {{ recount_window('closed_at', days) }}
    group by user_id
),

csat_detractors as (
    select person_id
    from window_csat
    where mean_csat <= {{ var('detractor_max_csat') }}
),

expected as (
    select
        persons.person_id,
        nps_detractors.person_id is not null as is_nps,
        csat_detractors.person_id is not null as is_csat
    from persons
    left join nps_detractors
        on persons.person_id = nps_detractors.person_id
    left join csat_detractors
        on persons.person_id = csat_detractors.person_id
    where persons.has_privacy_opt_out = false
        and (nps_detractors.person_id is not null or csat_detractors.person_id is not null)
),

final as (
    {{- recount_problems('person_id', 'person', [
        ('is_nps_detractor', 'is_nps'),
        ('is_csat_detractor', 'is_csat'),
    ]) }}
)

select * from final
