"""People: users from Clerk or local accounts, and the credentials of local accounts."""
