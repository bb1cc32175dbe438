"""The public read API of the board (issue 18): organizations' public fields, published
rankings with their rows, the open lists and wishes, and the activity calendar. Read-only,
anonymous, throttled and paginated; the schema (OpenAPI, drf-spectacular) and its docs page
are served offline under the site's Content-Security-Policy."""
