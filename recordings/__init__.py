"""Bot-authoring tools: record a legacy workflow, draft a screen map from it, check maps, replay recordings."""
