{#- Every raw CRM contact row, typed, with its quarantine reason; older versions of a contact
    are flagged as duplicates. -#}

with

source as (
    select * from {{ source('raw', 'crm_contacts') }}
),

typed as (
    select
        -- ids
        {{ clean_text('contact_id') }} as contact_id,
        {{ clean_text('user_id') }} as user_id,
        {{ clean_text('account_id') }} as account_id,
        {{ clean_lower_text('email') }} as email,

        -- dimensions
        {{ clean_text('job_title') }} as job_title,
        {{ clean_lower_text('lead_status') }} as lead_status,
        {{ dbt.safe_cast(clean_text('lead_score'), dbt.type_int()) }} as lead_score,

        -- timestamps
        {{ parse_timestamp_utc('created_at') }} as created_at,
        cast(updated_at as {{ dbt.type_string() }}) as raw_updated_at,
        {{ parse_timestamp_utc('updated_at') }} as updated_at
    from source
),

classified as (
    select
        *,
        contact_id as record_id,
        case
            when contact_id is null then 'missing_key'
            when user_id is null and email is null then 'missing_identity'
            when updated_at is null then 'unparseable_timestamp'
        end as quarantine_reason
    from typed
),

explained as (
    select
        *,
        case quarantine_reason
            when 'unparseable_timestamp' then coalesce(raw_updated_at, 'null updated_at')
        end as quarantine_detail
    from classified
),

{{ flag_duplicates('explained', 'contact_id', 'updated_at desc, user_id asc') }}

select * from final
