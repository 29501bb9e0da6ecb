{#- Per person: RFM quintile scores and segment (buyers only), usage tier and engagement score
    (../shared/spec/audiences.md, "Scores"). Equal values always get equal scores. -#}

with

persons as (
    select * from {{ ref('int_persons_kept') }}
),

commerce as (
    select * from {{ ref('int_person_commerce_aggregated') }}
),

behavior as (
    select * from {{ ref('int_person_behavior_aggregated') }}
),

windows as (
    select * from {{ ref('int_person_windows_aggregated') }}
),

rfm_segments as (
    select * from {{ ref('rfm_segments') }}
),

-- a join, not `in (select ...)`: Spark fails to ship an IN-subquery over a union of rows (as
-- a unit test's fixture is) to its executors
buyers as (
    select
        commerce.person_id,
        {{ days_between('commerce.last_order_at', as_of()) }} as recency_days,
        commerce.orders_count,
        commerce.lifetime_revenue
    from commerce
    inner join persons
        on commerce.person_id = persons.person_id
    where commerce.orders_count > 0
),

rfm_scores as (
    select
        person_id,
        recency_days,
        cast(ceil(5 * cume_dist() over (order by recency_days desc)) as {{ dbt.type_int() }})
            as rfm_recency_score,
        cast(ceil(5 * cume_dist() over (order by orders_count)) as {{ dbt.type_int() }})
            as rfm_frequency_score,
        cast(ceil(5 * cume_dist() over (order by lifetime_revenue)) as {{ dbt.type_int() }})
            as rfm_monetary_score
    from buyers
),

rfm_segmented as (
    select
        rfm_scores.*,
        cast(ceil((rfm_scores.rfm_frequency_score + rfm_scores.rfm_monetary_score) / 2.0) as {{ dbt.type_int() }})
            as rfm_fm_score
    from rfm_scores
),

rfm as (
    select
        rfm_segmented.*,
        rfm_segments.rfm_segment
    from rfm_segmented
    left join rfm_segments
        on rfm_segmented.rfm_recency_score = rfm_segments.rfm_recency_score
            and rfm_segmented.rfm_fm_score = rfm_segments.rfm_fm_score
),

active_persons as (
    select
        windows.person_id,
        percent_rank() over (order by windows.active_days_30d) as activity_percent_rank
    from windows
    inner join persons
        on windows.person_id = persons.person_id
    where windows.active_days_30d > 0
),

engagement as (
    select
        persons.person_id,
        coalesce(windows.active_days_30d, 0) as active_days_30d,
        coalesce(behavior.engagement_raw_score, 0) as engagement_raw_score
    from persons
    left join windows
        on persons.person_id = windows.person_id
    left join behavior
        on persons.person_id = behavior.person_id
),

engagement_ranked as (
    select
        *,
        cast(round(100 * percent_rank() over (order by engagement_raw_score)) as {{ dbt.type_int() }})
            as engagement_score
    from engagement
),

final as (
    select
        engagement_ranked.person_id,
        rfm.recency_days,
        rfm.rfm_recency_score,
        rfm.rfm_frequency_score,
        rfm.rfm_monetary_score,
        rfm.rfm_fm_score,
        rfm.rfm_segment,
        engagement_ranked.active_days_30d,
        case
            when active_persons.activity_percent_rank >= {{ var('usage_tier_heavy_min_rank') }} then 'heavy'
            when active_persons.activity_percent_rank >= {{ var('usage_tier_medium_min_rank') }} then 'medium'
            when active_persons.activity_percent_rank is not null then 'light'
            else 'none'
        end as usage_tier,
        engagement_ranked.engagement_raw_score,
        engagement_ranked.engagement_score
    from engagement_ranked
    left join rfm
        on engagement_ranked.person_id = rfm.person_id
    left join active_persons
        on engagement_ranked.person_id = active_persons.person_id
)

select * from final
