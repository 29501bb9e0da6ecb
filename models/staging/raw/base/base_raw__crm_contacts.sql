{#- Every raw CRM contact row, typed, with its quarantine reason; older versions of a contact
    are flagged as duplicates. -#}

with

source as (
    select * from {{ source('raw', 'crm_contacts') }}
),

{{ number_raw_rows('source', [
    'contact_id',
    'user_id',
    'account_id',
    'email',
    'job_title',
    'lead_status',
    'lead_score',
    'created_at',
    'updated_at',
]) }},

typed as (
    select
        raw_row_id,

        -- ids
        {{ clean_text('contact_id') }} as contact_id,
        {{ clean_text('user_id') }} as user_id,
        {{ clean_text('account_id') }} as account_id,
        {{ clean_lower_text('email') }} as email,

        -- dimensions
        {{ clean_text('job_title') }} as job_title,
        {{ clean_lower_text('lead_status') }} as lead_status,
        cast(lead_score as {{ dbt.type_string() }}) as raw_lead_score,
        {{ parse_integer('lead_score') }} as lead_score,

        -- timestamps
        cast(created_at as {{ dbt.type_string() }}) as raw_created_at,
        {{ parse_timestamp_utc('created_at') }} as created_at,
        cast(updated_at as {{ dbt.type_string() }}) as raw_updated_at,
        {{ parse_timestamp_utc('updated_at') }} as updated_at
    from numbered_rows
),

classified as (
    select
        *,
        contact_id as record_id,
        case
            when contact_id is null then 'missing_key'
            when user_id is null and email is null then 'missing_identity'
            when updated_at is null or {{ is_unparseable('raw_created_at', 'created_at') }}
                then 'unparseable_timestamp'
            when {{ is_unparseable('raw_lead_score', 'lead_score') }} then 'unparseable_number'
        end as quarantine_reason
    from typed
),

explained as (
    select
        *,
        case quarantine_reason
            when 'unparseable_timestamp'
                then case
                        when updated_at is null then coalesce(raw_updated_at, 'null updated_at')
                        else raw_created_at
                    end
            when 'unparseable_number' then raw_lead_score
        end as quarantine_detail
    from classified
),

{{ flag_duplicates('explained', 'contact_id', crm_newest_version_first('contact')) }}

select * from final
