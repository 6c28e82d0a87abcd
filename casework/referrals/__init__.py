"""Service providers kept by the administrator, and referrals of plan items to them."""
