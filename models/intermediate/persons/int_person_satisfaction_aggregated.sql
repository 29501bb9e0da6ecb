{#- Per person, up to as_of: the newest NPS answer and the mean CSAT of their tickets closed by
    as_of (a ticket closed later was open at as_of, without a score), their open tickets, and
    for aud_detractors the mean CSAT of the tickets closed in the last `detractor_window_days`.
    Tickets in a fixed window are counted in int_person_windows_aggregated. -#}

with

nps_responses as (
    select * from {{ ref('stg_raw__nps_responses') }}
),

support_tickets as (
    select * from {{ ref('stg_raw__support_tickets') }}
),

ranked_nps_responses as (
    select
        user_id as person_id,
        score,
        nps_category,
        responded_at,
        row_number() over (partition by user_id order by responded_at desc, response_id desc) as recency_rank
    from nps_responses
    where responded_at <= {{ as_of() }}
),

latest_nps as (
    select
        person_id,
        score as latest_nps_score,
        nps_category as latest_nps_category,
        responded_at as latest_nps_responded_at
    from ranked_nps_responses
    where recency_rank = 1
),

tickets as (
    select
        user_id as person_id,
        avg(case when closed_at <= {{ as_of() }} then csat_score end) as avg_csat,
        count(case when {{ ticket_is_open_at_as_of() }} then ticket_id end) as open_tickets,
        max(case when {{ ticket_is_open_at_as_of() }} then {{ ticket_priority_rank('priority') }} end)
            as highest_open_ticket_priority_rank,
        avg(case when {{ in_last_days('closed_at', var('detractor_window_days')) }} then csat_score end)
            as detractor_window_avg_csat,
        count(case
            when {{ in_last_days('closed_at', var('detractor_window_days')) }} and csat_score is not null
                then ticket_id
        end) as detractor_window_rated_tickets
    from support_tickets
    where user_id is not null and opened_at <= {{ as_of() }}
    group by user_id
),

people as (
    select person_id from latest_nps
    union
    select person_id from tickets
),

final as (
    select
        people.person_id,
        latest_nps.latest_nps_score,
        latest_nps.latest_nps_category,
        latest_nps.latest_nps_responded_at,
        tickets.avg_csat,
        coalesce(tickets.open_tickets, 0) as open_tickets,
        {{ ticket_priority_name('tickets.highest_open_ticket_priority_rank') }} as highest_open_ticket_priority,
        tickets.detractor_window_avg_csat,
        coalesce(tickets.detractor_window_rated_tickets, 0) as detractor_window_rated_tickets
    from people
    left join latest_nps
        on people.person_id = latest_nps.person_id
    left join tickets
        on people.person_id = tickets.person_id
)

select * from final
