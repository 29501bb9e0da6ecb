{#- One row per person as of as_of with every trait and score; the column definitions are in
    _core__models.yml. Persons with a delete request are left out. -#}

with

kept_persons as (
    select * from {{ ref('int_persons_kept') }}
),

profiles as (
    select * from {{ ref('int_person_profiles_resolved') }}
),

email_engagement as (
    select * from {{ ref('int_person_email_aggregated') }}
),

commerce as (
    select * from {{ ref('int_person_commerce_aggregated') }}
),

behavior as (
    select * from {{ ref('int_person_behavior_aggregated') }}
),

satisfaction as (
    select * from {{ ref('int_person_satisfaction_aggregated') }}
),

scores as (
    select * from {{ ref('int_persons_scored') }}
),

windows as (
    select * from {{ ref('int_person_windows_aggregated') }}
),

send_times as (
    select * from {{ ref('int_person_send_times_learned') }}
),

statuses as (
    select * from {{ ref('int_person_statuses_derived') }}
),

joined as (
    select
        kept_persons.person_id,
        kept_persons.user_id,
        kept_persons.is_anonymous,
        profiles.email,
        profiles.marketing_opt_in,
        profiles.latest_opt_in_at,
        coalesce(email_engagement.is_emailable, false) as is_emailable,
        coalesce(email_engagement.has_privacy_opt_out, false) as has_privacy_opt_out,
        profiles.first_name,
        profiles.last_name,
        profiles.gender,
        profiles.birth_date,
        profiles.country,
        profiles.region,
        profiles.city,
        profiles.postal_code,
        profiles.language,
        profiles.job_title,
        kept_persons.first_seen_at,
        kept_persons.last_seen_at,
        behavior.signed_up_at,
        coalesce(commerce.orders_count, 0) as orders_count,
        coalesce(commerce.gross_revenue, 0) as gross_revenue,
        coalesce(commerce.refunded_revenue, 0) as refunded_revenue,
        coalesce(commerce.lifetime_revenue, 0) as lifetime_revenue,
        commerce.first_order_at,
        commerce.last_order_at,
        commerce.avg_order_value,
        {% for days in [7, 30, 90] %}
            coalesce(windows.product_views_{{ days }}d, 0) as product_views_{{ days }}d,
            coalesce(windows.cart_adds_{{ days }}d, 0) as cart_adds_{{ days }}d,
            coalesce(windows.orders_{{ days }}d, 0) as orders_{{ days }}d,
        {% endfor %}
        behavior.most_frequent_category_viewed,
        behavior.top_interests,
        commerce.favorite_category_purchased,
        commerce.favorite_category_quantity_share,
        behavior.preferred_device,
        behavior.preferred_hour_of_day,
        behavior.preferred_day_of_week,
        send_times.send_time_zone,
        send_times.send_time_zone_source,
        send_times.send_time_source,
        coalesce(send_times.send_time_observations, 0) as send_time_observations,
        send_times.preferred_send_hour,
        send_times.preferred_send_day_of_week,
        commerce.deal_seeking_share,
        coalesce(windows.email_opens_30d, 0) as email_opens_30d,
        coalesce(windows.email_clicks_30d, 0) as email_clicks_30d,
        email_engagement.last_email_open_at,
        coalesce(windows.shares_90d, 0) as shares_90d,
        coalesce(windows.reviews_90d, 0) as reviews_90d,
        satisfaction.latest_nps_score,
        satisfaction.latest_nps_category,
        coalesce(windows.tickets_30d, 0) as tickets_30d,
        satisfaction.avg_csat,
        commerce.btyd_frequency,
        commerce.btyd_recency,
        commerce.btyd_t,
        commerce.btyd_monetary_value,
        scores.recency_days,
        scores.rfm_recency_score,
        scores.rfm_frequency_score,
        scores.rfm_monetary_score,
        scores.rfm_fm_score,
        scores.rfm_segment,
        scores.active_days_30d,
        scores.usage_tier,
        scores.engagement_raw_score,
        scores.engagement_score,
        statuses.user_status,
        statuses.trial_ends_at,
        statuses.contact_lead_status,
        statuses.contact_lead_score,
        satisfaction.open_tickets,
        satisfaction.highest_open_ticket_priority
    from kept_persons
    left join profiles
        on kept_persons.user_id = profiles.user_id
    left join email_engagement
        on kept_persons.person_id = email_engagement.person_id
    left join commerce
        on kept_persons.person_id = commerce.person_id
    left join behavior
        on kept_persons.person_id = behavior.person_id
    left join satisfaction
        on kept_persons.person_id = satisfaction.person_id
    left join scores
        on kept_persons.person_id = scores.person_id
    left join windows
        on kept_persons.person_id = windows.person_id
    left join send_times
        on kept_persons.person_id = send_times.person_id
    left join statuses
        on kept_persons.person_id = statuses.person_id
),

dated as (
    select
        *,
        {{ whole_years_until_as_of('birth_date') }} as age,
        {{ days_between('first_seen_at', as_of()) }} as tenure_days,
        {{ days_between('first_order_at', as_of()) }} + 1 as days_since_first_order,
        {{ days_until_anniversary('birth_date') }} as days_until_birthday,
        {{ days_until_anniversary('cast(signed_up_at as date)') }} as days_until_signup_anniversary
    from joined
),

derived as (
    select
        *,
        lifetime_revenue as historic_clv,
        case
            when orders_count > 0
                then orders_count * 365e0 / greatest(days_since_first_order, 30) * avg_order_value
            else 0
        end as expected_clv_365d
    from dated
),

final as (
    select
        person_id,
        user_id,
        is_anonymous,
        email,
        marketing_opt_in,
        latest_opt_in_at,
        is_emailable,
        has_privacy_opt_out,
        first_name,
        last_name,
        gender,
        birth_date,
        cast(age as {{ dbt.type_int() }}) as age,
        case
            when age is null then null
            when age < 18 then '<18'
            when age < 25 then '18-24'
            when age < 35 then '25-34'
            when age < 45 then '35-44'
            when age < 55 then '45-54'
            when age < 65 then '55-64'
            else '65+'
        end as age_band,
        country,
        region,
        city,
        postal_code,
        language,
        job_title,
        first_seen_at,
        last_seen_at,
        signed_up_at,
        cast(tenure_days as {{ dbt.type_int() }}) as tenure_days,
        cast(days_until_birthday as {{ dbt.type_int() }}) as days_until_birthday,
        cast(days_until_signup_anniversary as {{ dbt.type_int() }}) as days_until_signup_anniversary,
        cast(orders_count as {{ dbt.type_int() }}) as orders_count,
        cast(gross_revenue as double) as gross_revenue,
        cast(refunded_revenue as double) as refunded_revenue,
        cast(lifetime_revenue as double) as lifetime_revenue,
        first_order_at,
        last_order_at,
        cast(avg_order_value as double) as avg_order_value,
        {% for measure in ['product_views', 'cart_adds', 'orders'] %}
            {% for days in [7, 30, 90] %}
                cast({{ measure }}_{{ days }}d as {{ dbt.type_int() }}) as {{ measure }}_{{ days }}d,
            {% endfor %}
        {% endfor %}
        most_frequent_category_viewed,
        top_interests,
        favorite_category_purchased,
        cast(favorite_category_quantity_share as double) as favorite_category_quantity_share,
        preferred_device,
        cast(preferred_hour_of_day as {{ dbt.type_int() }}) as preferred_hour_of_day,
        cast(preferred_day_of_week as {{ dbt.type_int() }}) as preferred_day_of_week,
        send_time_zone,
        send_time_zone_source,
        send_time_source,
        cast(send_time_observations as {{ dbt.type_int() }}) as send_time_observations,
        cast(preferred_send_hour as {{ dbt.type_int() }}) as preferred_send_hour,
        cast(preferred_send_day_of_week as {{ dbt.type_int() }}) as preferred_send_day_of_week,
        cast(deal_seeking_share as double) as deal_seeking_share,
        cast(email_opens_30d as {{ dbt.type_int() }}) as email_opens_30d,
        cast(email_clicks_30d as {{ dbt.type_int() }}) as email_clicks_30d,
        last_email_open_at,
        cast(shares_90d as {{ dbt.type_int() }}) as shares_90d,
        cast(reviews_90d as {{ dbt.type_int() }}) as reviews_90d,
        cast(latest_nps_score as {{ dbt.type_int() }}) as latest_nps_score,
        latest_nps_category,
        cast(tickets_30d as {{ dbt.type_int() }}) as tickets_30d,
        cast(avg_csat as double) as avg_csat,
        cast(historic_clv as double) as historic_clv,
        cast(expected_clv_365d as double) as expected_clv_365d,
        cast(recency_days as {{ dbt.type_int() }}) as recency_days,
        rfm_recency_score,
        rfm_frequency_score,
        rfm_monetary_score,
        rfm_fm_score,
        rfm_segment,
        cast(btyd_frequency as {{ dbt.type_int() }}) as btyd_frequency,
        cast(btyd_recency as {{ dbt.type_int() }}) as btyd_recency,
        cast(btyd_t as {{ dbt.type_int() }}) as btyd_t,
        cast(btyd_monetary_value as double) as btyd_monetary_value,
        cast(active_days_30d as {{ dbt.type_int() }}) as active_days_30d,
        usage_tier,
        cast(engagement_raw_score as double) as engagement_raw_score,
        engagement_score,
        user_status,
        trial_ends_at,
        contact_lead_status,
        cast(contact_lead_score as {{ dbt.type_int() }}) as contact_lead_score,
        cast(coalesce(open_tickets, 0) as {{ dbt.type_int() }}) as open_tickets,
        highest_open_ticket_priority
    from derived
)

select * from final
