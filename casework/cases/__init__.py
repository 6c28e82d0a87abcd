"""Cases (one return each) and the persons who return in them."""
