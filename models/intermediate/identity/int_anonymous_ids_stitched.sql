{{ config(materialized='table') }}

{#- Each anonymous id ever seen together with a user id (on an identify or on one event, up to
    as_of) belongs to the earliest such user; ties on time go to the smallest user_id. The link
    is retroactive: all the anonymous id's events, before and after the sign-in, count for the
    user. User ids are never merged with each other. -#}

with

identifies as (
    select * from {{ ref('stg_raw__identifies') }}
),

events as (
    select * from {{ ref('stg_raw__events') }}
),

identify_links as (
    select
        anonymous_id,
        user_id,
        occurred_at as linked_at,
        'identify' as link_source
    from identifies
    where anonymous_id is not null
        and occurred_at <= {{ as_of() }}
),

-- one link per anonymous id and user, at their first event together: the ranking below only
-- ever picks a pair's earliest link, and this spares it sorting every signed-in event
event_links as (
    select
        anonymous_id,
        user_id,
        min(occurred_at) as linked_at,
        'event' as link_source
    from events
    where anonymous_id is not null
        and user_id is not null
        and occurred_at <= {{ as_of() }}
    group by anonymous_id, user_id
),

all_links as (
    select * from identify_links
    union all
    select * from event_links
),

ranked_links as (
    select
        *,
        row_number() over (
            partition by anonymous_id
            order by linked_at, user_id, link_source
        ) as link_rank
    from all_links
),

users_per_anonymous_id as (
    select
        anonymous_id,
        count(distinct user_id) as linked_user_count
    from all_links
    group by anonymous_id
),

final as (
    select
        ranked_links.anonymous_id,
        ranked_links.user_id as person_id,
        ranked_links.linked_at as first_linked_at,
        ranked_links.link_source,
        users_per_anonymous_id.linked_user_count
    from ranked_links
    inner join users_per_anonymous_id
        on ranked_links.anonymous_id = users_per_anonymous_id.anonymous_id
    where ranked_links.link_rank = 1
)

select * from final
