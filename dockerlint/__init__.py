"""dockerlint: a linter with safe auto-fixes for Dockerfiles, Kubernetes manifests and Compose files."""

__version__ = "0.1.0"
