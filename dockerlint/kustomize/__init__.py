"""Kustomize overlays (`overlay.py`); the names of a kustomization file, which discovery and the
schema rules also ask about (here, so that asking imports nothing else)."""

KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
