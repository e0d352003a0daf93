"""Courses, their members and roles, and the invites that add members."""
