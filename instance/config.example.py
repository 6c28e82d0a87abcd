# Copy to instance/config.py to override defaults for this installation.
# SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://casework@localhost/casework"
# CASES_PER_PAGE = 50
# BABEL_DEFAULT_TIMEZONE = "Europe/Belgrade"
