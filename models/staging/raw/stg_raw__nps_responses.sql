with

base_nps_responses as (
    select * from {{ ref('base_raw__nps_responses') }}
),

final as (
    select
        -- ids
        response_id,
        user_id,
        account_id,

        -- measures
        score,
        case
            when score <= 6 then 'detractor'
            when score <= 8 then 'passive'
            else 'promoter'
        end as nps_category,
        comment,

        -- timestamps (UTC)
        responded_at
    from base_nps_responses
    where quarantine_reason is null and not is_duplicate
)

select * from final
