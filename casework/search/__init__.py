"""Finding people: one name normalisation, search keys, case search and duplicate warnings."""
