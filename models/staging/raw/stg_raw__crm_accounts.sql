{#- One row per CRM account, its newest version of all time (crm_newest_version_first). -#}

{{ crm_staging_model('account') }}
