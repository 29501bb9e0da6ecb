{#- Every usable version of every CRM contact (no quarantine reason), older ones included: the
    as-of models pick from these the version the CRM held at as_of. A redelivered identical row
    is one version twice; picking the newest makes that harmless. -#}

{{ crm_staging_model('contact', all_versions=true) }}
