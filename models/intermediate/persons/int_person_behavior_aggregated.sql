{{ config(materialized='table') }}

{#- Per person, from their events up to as_of: sign-up, most frequent viewed category and top
    interests, preferred device, hour and day of week, and the raw engagement score. Read from
    the hourly rollup (int_person_hours_stitched): each row stands for event_count events of one
    hour. Its counts over a window are in int_person_windows_aggregated. -#}

with

signals as (
    select * from {{ ref('int_person_hours_stitched') }}
),

engagement_weights as (
    select * from {{ ref('engagement_event_weights') }}
),

sign_ups as (
    select
        person_id,
        min(case when event_name = 'Signed Up' then first_occurred_at end) as signed_up_at
    from signals
    group by person_id
),

viewed_categories as (
    select
        person_id,
        category,
        sum(event_count) as views,
        max(last_occurred_at) as last_viewed_at
    from signals
    where event_name = 'Product Viewed' and category is not null
    group by person_id, category
),

ranked_viewed_categories as (
    select
        *,
        {{ most_frequent_rank('person_id', 'category', 'views', 'last_viewed_at') }} as category_rank
    from viewed_categories
),

interests as (
    select
        person_id,
        max(case when category_rank = 1 then category end) as most_frequent_category_viewed,
        max(case when category_rank = 2 then category end) as second_interest,
        max(case when category_rank = 3 then category end) as third_interest
    from ranked_viewed_categories
    where category_rank <= 3
    group by person_id
),

{% for trait, expression in [
    ('device', 'device_type'),
    ('hour', hour_of_day('occurred_hour')),
    ('day_of_week', iso_day_of_week('occurred_hour')),
] %}
    {{ trait }}_counts as (
        select
            person_id,
            {{ expression }} as {{ trait }}_value,
            sum(event_count) as events,
            max(last_occurred_at) as last_seen_at
        from signals
        where {{ expression }} is not null
        group by person_id, {{ expression }}
    ),

    preferred_{{ trait }}s as (
        select
            person_id,
            {{ trait }}_value as preferred_{{ trait }}
        from (
            select
                *,
                {{ most_frequent_rank('person_id', trait ~ '_value', 'events', 'last_seen_at') }} as value_rank
            from {{ trait }}_counts
        ) as ranked
        where value_rank = 1
    ),

{% endfor %}
aged_events as (
    select
        person_id,
        event_name,
        event_count,
        {{ days_between('last_occurred_at', as_of()) }} as event_age_days
    from signals
),

weighted_events as (
    select
        aged_events.person_id,
        aged_events.event_count,
        coalesce(engagement_weights.weight, 0)
        * power(0.5, 1e0 * aged_events.event_age_days / {{ var('engagement_half_life_days') }})
            as decayed_weight
    from aged_events
    left join engagement_weights
        on aged_events.event_name = engagement_weights.event_name
),

engagement as (
    select
        person_id,
        -- each event's weight as a fixed-point decimal, summed exactly: a float sum depends on
        -- the order and grouping of its terms, which flipped the 6th decimal now and then
        -- between two builds of the same data. Precisions small enough that the product keeps
        -- its 12 decimals on Spark, which cuts the scale of a product wider than 38 digits.
        1e0 * round(
            sum(cast(decayed_weight as decimal(24, 12)) * cast(event_count as decimal(10, 0))), 6
        ) as engagement_raw_score
    from weighted_events
    group by person_id
),

final as (
    select
        sign_ups.person_id,
        sign_ups.signed_up_at,
        interests.most_frequent_category_viewed,
        {{ dbt.concat([
            'interests.most_frequent_category_viewed',
            "coalesce(" ~ dbt.concat(["', '", 'interests.second_interest']) ~ ", '')",
            "coalesce(" ~ dbt.concat(["', '", 'interests.third_interest']) ~ ", '')",
        ]) }} as top_interests,
        preferred_devices.preferred_device,
        preferred_hours.preferred_hour as preferred_hour_of_day,
        preferred_day_of_weeks.preferred_day_of_week,
        engagement.engagement_raw_score
    from sign_ups
    left join interests
        on sign_ups.person_id = interests.person_id
    left join preferred_devices
        on sign_ups.person_id = preferred_devices.person_id
    left join preferred_hours
        on sign_ups.person_id = preferred_hours.person_id
    left join preferred_day_of_weeks
        on sign_ups.person_id = preferred_day_of_weeks.person_id
    left join engagement
        on sign_ups.person_id = engagement.person_id
)

select * from final
