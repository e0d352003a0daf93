"""Recording a live class: the participant recorder and LiveKit egress behind one boundary."""
