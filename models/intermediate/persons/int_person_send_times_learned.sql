{#- Per kept person, when to send them an email, in their own time zone: the hour of day and
    the ISO day of week they most often act at, learned from their email opens and clicks up
    to as_of when they have at least `send_time_min_email_observations` of them, else from all
    their events (the hourly rollup, int_person_hours_stitched), with how many observations the
    choice rests on and which source it came from.
    The zone: the zone their events' context names most often (only names of the time_zones
    seed: an unknown name is ignored, never converted), else their country's (seed
    country_time_zones, by the newest identify trait), else UTC.
    Ties (as most_frequent_rank): the most observations, then the value observed most recently,
    then the smallest value. The rules and their tests are in _int_persons__models.yml. -#}

with

persons as (
    select * from {{ ref('int_persons_kept') }}
),

profiles as (
    select * from {{ ref('int_person_profiles_resolved') }}
),

-- stored, since two CTEs read it: only the columns they read
signals as (
    select
        person_id,
        time_zone,
        occurred_hour,
        event_count,
        last_occurred_at
    from {{ ref('int_person_hours_stitched') }}
),

email_events as (
    select * from {{ ref('int_email_events_identified') }}
),

time_zones as (
    select * from {{ ref('time_zones') }}
),

country_time_zones as (
    select * from {{ ref('country_time_zones') }}
),

context_zone_counts as (
    select
        signals.person_id,
        signals.time_zone,
        sum(signals.event_count) as events,
        max(signals.last_occurred_at) as last_seen_at
    from signals
    inner join time_zones
        on signals.time_zone = time_zones.time_zone
    group by signals.person_id, signals.time_zone
),

ranked_context_zones as (
    select
        *,
        {{ most_frequent_rank('person_id', 'time_zone', 'events', 'last_seen_at') }} as zone_rank
    from context_zone_counts
),

context_zones as (
    select
        person_id,
        time_zone
    from ranked_context_zones
    where zone_rank = 1
),

person_zones as (
    select
        persons.person_id,
        coalesce(context_zones.time_zone, country_time_zones.time_zone, 'UTC') as send_time_zone,
        case
            when context_zones.time_zone is not null then 'context'
            when country_time_zones.time_zone is not null then 'country'
            else 'utc'
        end as send_time_zone_source
    from persons
    left join context_zones
        on persons.person_id = context_zones.person_id
    left join profiles
        on persons.user_id = profiles.user_id
    left join country_time_zones
        on profiles.country = country_time_zones.country
),

-- every observation: an instant (UTC), how many actions it stands for and the latest of them
email_observations as (
    select
        person_id,
        'email' as observation_source,
        occurred_at,
        cast(1 as {{ dbt.type_bigint() }}) as observations,
        occurred_at as last_observed_at
    from email_events
    where event_type in ('opened', 'clicked')
        and person_id is not null
),

-- a rollup row stands for its events at the start of their UTC hour (exact in every zone
-- whose offset is whole hours)
event_observations as (
    select
        person_id,
        'events' as observation_source,
        occurred_hour as occurred_at,
        event_count as observations,
        last_occurred_at as last_observed_at
    from signals
),

observations as (
    select * from email_observations
    union all
    select * from event_observations
),

observation_counts as (
    select
        person_id,
        sum(case when observation_source = 'email' then observations else 0 end) as email_observations,
        sum(case when observation_source = 'events' then observations else 0 end) as event_observations
    from observations
    group by person_id
),

sources as (
    select
        person_id,
        case
            when email_observations >= {{ var('send_time_min_email_observations') }} then 'email'
            when event_observations > 0 then 'events'
        end as send_time_source,
        case
            when email_observations >= {{ var('send_time_min_email_observations') }}
                then email_observations
            else event_observations
        end as send_time_observations
    from observation_counts
),

chosen_observations as (
    select
        observations.person_id,
        observations.occurred_at,
        observations.observations,
        observations.last_observed_at
    from observations
    inner join sources
        on
            observations.person_id = sources.person_id
            and observations.observation_source = sources.send_time_source
),

-- each person's observations per UTC quarter hour in their zone: the unit converted below
chosen_quarter_hours as (
    select
        chosen_observations.person_id,
        person_zones.send_time_zone,
        {{ quarter_hour_start('chosen_observations.occurred_at') }} as occurred_quarter_hour,
        sum(chosen_observations.observations) as observations,
        max(chosen_observations.last_observed_at) as last_observed_at
    from chosen_observations
    inner join person_zones
        on chosen_observations.person_id = person_zones.person_id
    group by
        chosen_observations.person_id,
        person_zones.send_time_zone,
        {{ quarter_hour_start('chosen_observations.occurred_at') }}
),

-- a zone conversion costs far more than a join: each distinct (zone, quarter hour) once
zone_quarter_hours as (
    select distinct
        send_time_zone,
        occurred_quarter_hour
    from chosen_quarter_hours
),

local_quarter_hours as (
    select
        send_time_zone,
        occurred_quarter_hour,
        {{ utc_to_local_time('occurred_quarter_hour', 'send_time_zone') }} as local_occurred_at
    from zone_quarter_hours
),

local_observations as (
    select
        chosen_quarter_hours.person_id,
        local_quarter_hours.local_occurred_at,
        chosen_quarter_hours.observations,
        chosen_quarter_hours.last_observed_at
    from chosen_quarter_hours
    inner join local_quarter_hours
        on
            chosen_quarter_hours.send_time_zone = local_quarter_hours.send_time_zone
            and chosen_quarter_hours.occurred_quarter_hour = local_quarter_hours.occurred_quarter_hour
),

{% for trait, expression in [
    ('hour', hour_of_day('local_occurred_at')),
    ('day_of_week', iso_day_of_week('local_occurred_at')),
] %}
    {{ trait }}_counts as (
        select
            person_id,
            {{ expression }} as {{ trait }}_value,
            sum(observations) as observations,
            max(last_observed_at) as last_observed_at
        from local_observations
        group by person_id, {{ expression }}
    ),

    ranked_{{ trait }}s as (
        select
            *,
            {{ most_frequent_rank('person_id', trait ~ '_value', 'observations', 'last_observed_at') }}
                as value_rank
        from {{ trait }}_counts
    ),

    preferred_{{ trait }}s as (
        select
            person_id,
            {{ trait }}_value as preferred_send_{{ trait }}
        from ranked_{{ trait }}s
        where value_rank = 1
    ),

{% endfor %}
final as (
    select
        person_zones.person_id,
        person_zones.send_time_zone,
        person_zones.send_time_zone_source,
        sources.send_time_source,
        cast(coalesce(sources.send_time_observations, 0) as {{ dbt.type_int() }}) as send_time_observations,
        cast(preferred_hours.preferred_send_hour as {{ dbt.type_int() }}) as preferred_send_hour,
        cast(preferred_day_of_weeks.preferred_send_day_of_week as {{ dbt.type_int() }})
            as preferred_send_day_of_week
    from person_zones
    left join sources
        on person_zones.person_id = sources.person_id
    left join preferred_hours
        on person_zones.person_id = preferred_hours.person_id
    left join preferred_day_of_weeks
        on person_zones.person_id = preferred_day_of_weeks.person_id
)

select * from final
