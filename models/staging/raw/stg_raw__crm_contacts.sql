{#- One row per CRM contact, its newest version of all time (crm_newest_version_first). -#}

{{ crm_staging_model('contact') }}
