"""Live sessions of a course: schedule, state machine, participants and attendance."""
