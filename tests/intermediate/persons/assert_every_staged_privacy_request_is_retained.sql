{#- The suppression record holds every privacy request staging holds now
    (int_privacy_requests_retained only ever adds): a staged request_id missing from it would be
    a delete or an opt-out that stops applying as soon as raw loses it. Returns the staged
    requests not retained. -#}

with

staged_requests as (
    select * from {{ ref('stg_raw__privacy_requests') }}
),

retained_requests as (
    select * from {{ ref('int_privacy_requests_retained') }}
),

final as (
    select staged_requests.request_id
    from staged_requests
    left join retained_requests
        on staged_requests.request_id = retained_requests.request_id
    where retained_requests.request_id is null
)

select * from final
