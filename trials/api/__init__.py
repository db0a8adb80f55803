"""The public REST API, /api/v1/: serializers, filters and views for other software."""
