with

base_privacy_requests as (
    select * from {{ ref('base_raw__privacy_requests') }}
),

final as (
    select
        -- ids
        request_id,
        user_id,
        email,

        -- dimensions
        request_type,

        -- timestamps (UTC)
        requested_at
    from base_privacy_requests
    where quarantine_reason is null and not is_duplicate
)

select * from final
