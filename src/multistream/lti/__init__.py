"""IMS LTI 1.3: Multistream as a tool inside Moodle, Canvas, Blackboard and Brightspace.

The area owns the platforms an operator registered (`lti platforms` in the CLI), the links
from a platform's people, contexts and resource links to our users, courses and classes,
and the nonces of launches already accepted. `pylti1p3` checks the OIDC login and the
launch's id_token; `service` turns a verified launch into a signed-in person in a course.
"""
