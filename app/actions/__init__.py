"""Action plans: the department's tracked actions on areas for improvement."""
