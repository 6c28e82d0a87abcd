"""Administration: users and programmes."""
