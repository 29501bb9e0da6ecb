{#- Persons whose latest NPS answer (up to as_of) was given in the last `detractor_window_days`
    (90) days and scores at most `detractor_max_nps` (6), or whose tickets closed in that window
    have a mean CSAT of at most `detractor_max_csat` (2); without a privacy opt-out. The rule
    and its choices are in aud_detractors.yml. -#}

with

{{ b2c_audience_import_ctes() }},

satisfaction as (
    select * from {{ ref('int_person_satisfaction_aggregated') }}
),

rated_persons as (
    select
        persons.*,
        satisfaction.latest_nps_responded_at,
        satisfaction.detractor_window_avg_csat,
        satisfaction.detractor_window_rated_tickets
    from persons
    inner join satisfaction
        on persons.person_id = satisfaction.person_id
),

signals as (
    select
        *,
        coalesce(
            {{ in_last_days('latest_nps_responded_at', var('detractor_window_days')) }}
            and latest_nps_score <= {{ var('detractor_max_nps') }},
            false
        ) as is_nps_detractor,
        coalesce(detractor_window_avg_csat <= {{ var('detractor_max_csat') }}, false) as is_csat_detractor
    from rated_persons
),

members as (
    select * from signals
    where not has_privacy_opt_out
        and (is_nps_detractor or is_csat_detractor)
),

catalog_entry as (
    select * from audience_catalog
    where audience_name = 'detractors'
),

final as (
    select
        {{ b2c_audience_person_columns() }},
        members.latest_nps_score,
        members.latest_nps_responded_at,
        cast(members.detractor_window_avg_csat as double) as avg_csat_in_window,
        cast(members.detractor_window_rated_tickets as {{ dbt.type_int() }}) as rated_tickets_in_window,
        members.is_nps_detractor,
        members.is_csat_detractor,
        {{ audience_catalog_columns() }}
    from members
    cross join catalog_entry
)

select * from final
