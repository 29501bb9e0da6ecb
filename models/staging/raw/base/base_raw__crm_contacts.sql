{{ config(materialized='table') }}

{#- Every raw CRM contact row, typed, with its quarantine reason; older versions of a contact
    are flagged as duplicates. A table: about twenty nodes read it (the two contact staging
    views and their readers, the quarantine and duplicate accounts, their tests), and as a view
    each of them ranked every version again. -#}

{#- The columns whose unreadable value quarantines a row, by reason (macro
    unparseable_reasons). -#}
{%- set unparseable = {
    'unparseable_timestamp': {'required': ['updated_at'], 'optional': ['created_at']},
    'unparseable_number': {'optional': ['lead_score']},
} -%}

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
        {{ raw_and_parsed('lead_score', 'integer') }},

        -- timestamps
        {{ raw_and_parsed('created_at', 'timestamp') }},
        {{ raw_and_parsed('updated_at', 'timestamp') }}
    from numbered_rows
),

classified as (
    select
        *,
        contact_id as record_id,
        case
            when contact_id is null then 'missing_key'
            when user_id is null and email is null then 'missing_identity'
            {{ unparseable_reasons(unparseable) }}
        end as quarantine_reason
    from typed
),

{{ explained_cte({}, unparseable=unparseable) }},

{{ flag_duplicates('explained', 'contact_id', crm_newest_version_first('contact')) }}

select * from final
