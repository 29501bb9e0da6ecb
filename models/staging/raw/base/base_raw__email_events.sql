{{ received_days_config() }}

{#- Every raw email event row, typed, with its quarantine reason and redelivery flag.
    Written like base_raw__events: the windows that number identical copies and rank
    redeliveries run over the rows of repeated email event ids alone, and it is incremental by
    day of receipt (macros/received_days.sql). -#}

{%- set restage_from = restage_from_day() -%}

with

-- an incremental run's few days are stored once: finding them parses every raw row's time
source as {{ stored_cte() if restage_from else inline_cte() }} (
    select * from {{ source('raw', 'email_events') }}
    {%- if restage_from %}
        where {{ received_since(source('raw', 'email_events'), 'received_at', restage_from) }}
    {%- endif %}
),

{{ repeated_key_ctes('email_event_id', restage_from) }}

typed as {{ inline_cte() }} (
    select
        {{ raw_row_hash([
            'source.email_event_id',
            'source.user_id',
            'source.email',
            'source.campaign_id',
            'source.event_type',
            'source.occurred_at',
            'source.received_at',
        ]) }} as raw_row_hash,
        {{ repeated_key_flags('email_event_id', restage_from) }},

        -- ids
        {{ clean_text('source.email_event_id') }} as email_event_id,
        {{ clean_text('source.user_id') }} as user_id,
        {{ clean_lower_text('source.email') }} as email,
        {{ clean_text('source.campaign_id') }} as campaign_id,

        -- dimensions
        {{ clean_lower_text('source.event_type') }} as event_type,

        -- timestamps
        {{ raw_and_parsed('source.occurred_at', 'timestamp') }},
        {{ raw_timestamp_utc(source('raw', 'email_events'), 'received_at', 'source') }} as received_at
    from source
    {{ repeated_key_joins('email_event_id', restage_from) }}
),

classified as {{ inline_cte() }} (
    select
        *,
        email_event_id as record_id,
        case
            when email_event_id is null then 'missing_event_id'
            when user_id is null and email is null then 'missing_identity'
            when occurred_at is null or received_at is null then 'unparseable_timestamp'
            when
                occurred_at > {{ dbt.dateadd('minute', var('future_timestamp_tolerance_minutes'), 'received_at') }}
                then 'future_timestamp'
            when event_type is null
                or event_type not in (
                    'sent', 'delivered', 'opened', 'clicked', 'bounced', 'unsubscribed', 'complained'
                )
                then 'unknown_event_type'
        end as quarantine_reason
    from typed
),

{{ explained_cte({
    'unparseable_timestamp': "coalesce(raw_occurred_at, 'null occurred_at')",
    'future_timestamp': 'raw_occurred_at',
    'unknown_event_type': 'event_type',
}, inline=true) }},

{{ number_and_flag_deliveries(
    'explained', 'has_repeated_email_event_id', 'email_event_id', 'received_at, raw_occurred_at',
    has_earlier_delivery='has_earlier_delivery',
) }},

final as (
    select
        raw_row_id,

        -- ids
        email_event_id,
        user_id,
        email,
        campaign_id,

        -- dimensions
        event_type,

        -- timestamps (UTC)
        raw_occurred_at,
        occurred_at,
        received_at,

        {{ quarantine_and_received_on_columns() }}
    from deliveries
)

select * from final
