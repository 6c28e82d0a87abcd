# Copy to instance/config.py to override defaults for this installation.
# SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://casework@localhost/casework"
# CASES_PER_PAGE = 50
# BABEL_DEFAULT_TIMEZONE = "Europe/Belgrade"
# Documents (see the README's "Documents"): limits, purge period, virus scanner, storage.
# CASEWORK_DOCUMENT_MAX_BYTES = 10 * 1024 * 1024        # per file; keep below MAX_CONTENT_LENGTH (20 MB)
# CASEWORK_CASE_DOCUMENTS_MAX_BYTES = 200 * 1024 * 1024  # per case
# CASEWORK_DOCUMENT_PURGE_AFTER_DAYS = 90
# CASEWORK_CLAMD = "unix:/run/clamav/clamd.ctl"
# CASEWORK_DOCUMENT_STORAGE = "s3"
# CASEWORK_S3_URL = "https://s3.eu-central-1.amazonaws.com/casework-documents"
# CASEWORK_S3_LINK_SECONDS = 60
