{#- Per B2B account, support and NPS as known at as_of: the average CSAT of tickets opened and
    closed by as_of (the CSAT of a ticket closed after as_of is not known yet) and the newest
    NPS answer up to as_of (ties: the larger response_id). Tickets in a window are counted in
    int_account_windows_aggregated. -#}

with

support_tickets as (
    select * from {{ ref('stg_raw__support_tickets') }}
),

nps_responses as (
    select * from {{ ref('stg_raw__nps_responses') }}
),

tickets as (
    select
        account_id,
        avg(case when closed_at <= {{ as_of() }} then csat_score end) as avg_csat,
        count(case when {{ ticket_is_open_at_as_of() }} then ticket_id end) as open_tickets,
        max(case when {{ ticket_is_open_at_as_of() }} then {{ ticket_priority_rank('priority') }} end)
            as highest_open_ticket_priority_rank
    from support_tickets
    where account_id is not null and opened_at <= {{ as_of() }}
    group by account_id
),

ranked_nps as (
    select
        account_id,
        score,
        nps_category,
        row_number() over (partition by account_id order by responded_at desc, response_id desc) as recency_rank
    from nps_responses
    where account_id is not null and responded_at <= {{ as_of() }}
),

latest_nps as (
    select
        account_id,
        score as latest_nps_score,
        nps_category as latest_nps_category
    from ranked_nps
    where recency_rank = 1
),

account_ids as (
    select account_id from tickets
    union
    select account_id from latest_nps
),

final as (
    select
        account_ids.account_id,
        tickets.avg_csat,
        latest_nps.latest_nps_score,
        latest_nps.latest_nps_category,
        coalesce(tickets.open_tickets, 0) as open_tickets,
        {{ ticket_priority_name('tickets.highest_open_ticket_priority_rank') }} as highest_open_ticket_priority
    from account_ids
    left join tickets
        on account_ids.account_id = tickets.account_id
    left join latest_nps
        on account_ids.account_id = latest_nps.account_id
)

select * from final
