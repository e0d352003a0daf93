"""The studio: uploaded assets, slide pages, scenes and the live studio state."""
