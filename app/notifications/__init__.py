"""Email to the people whose turn it is: a durable outbox, its senders, and reminders."""
