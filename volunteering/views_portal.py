"""Portal pages of volunteers and organizers."""
