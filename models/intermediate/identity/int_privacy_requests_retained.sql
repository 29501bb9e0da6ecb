{{ config(
    materialized='incremental',
    incremental_strategy='append',
    full_refresh=false,
    on_schema_change='fail',
) }}

{#- The project's own record of every privacy request ever staged, one row per request_id, kept
    whatever happens to raw later: each build appends the staged requests whose request_id is
    not in the record yet, and nothing is ever updated or removed (the first version seen of a
    request stays). A load that empties or replaces raw.privacy_requests, a restated request and
    `dbt build --full-refresh` (full_refresh=false) leave it as it is, so a delete or an opt-out,
    once seen, keeps applying. It keeps the identifiers requests are matched on as SHA-256
    hashes only (user_id, and the email trimmed and lowercased), never in the clear, and no run
    timestamp, so every engine and every rebuild writes the same rows. To start over (a demo
    regenerated with other data), drop the table by hand: dbt never will. -#}

with

privacy_requests as (
    select * from {{ ref('stg_raw__privacy_requests') }}
),

new_requests as (
    select privacy_requests.*
    from privacy_requests
    {% if is_incremental() %}
        left join {{ this }} as retained_requests
            on privacy_requests.request_id = retained_requests.request_id
        where retained_requests.request_id is null
    {% endif %}
),

final as (
    select
        -- ids
        request_id,

        -- dimensions
        request_type,

        -- hashed identifiers
        {{ sha256_hex('user_id') }} as user_id_sha256,
        {{ email_sha256('email') }} as email_sha256,

        -- timestamps (UTC)
        requested_at
    from new_requests
)

select * from final
