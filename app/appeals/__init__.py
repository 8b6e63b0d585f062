"""Appeals against certification decisions, decided by a lead assessor who took no part."""
