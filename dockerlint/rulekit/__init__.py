"""Analyses several rules share (Kubernetes objects and security contexts, package managers,
RUN helpers, Compose services, ECS containers). rules/ keeps one rule per file; what more than
one rule needs lives here."""
