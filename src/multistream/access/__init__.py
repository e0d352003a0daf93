"""RBAC: course roles, what each may do (the policy table), and the checks routes use."""
