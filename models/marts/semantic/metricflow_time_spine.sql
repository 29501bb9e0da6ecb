{#- One row per day from 2015 through 2035: the time spine MetricFlow joins metrics to (its
    cumulative and offset metrics and its gaps need every day, not only the days with data). -#}

with

days as (
    {{ dbt.date_spine(
        'day',
        "cast('2015-01-01' as date)",
        "cast('2036-01-01' as date)",
    ) }}
),

final as (
    select cast(date_day as date) as date_day
    from days
)

select * from final
